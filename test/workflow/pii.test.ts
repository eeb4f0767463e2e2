import { mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runReportWorkflow } from '#cli/local-workflow.ts';
import { ingestObject } from '#ingest/ingest.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { lakeCatalog } from '#platform/lake-catalog.ts';
import { fsBlobStore } from '#platform/local/fs-blob-store.ts';
import { localRuntime, type LocalRuntime } from '#platform/local/runtime.ts';
import type { Contract, Manifest } from '#platform/ports.ts';
import { quoteLiteral } from '#query/sql.ts';
import type { OutlierFinding } from '#report/findings.ts';
import type { ReportModel } from '#report/model.ts';
import { aggregateRun } from '#workflow/aggregate.ts';
import { runAnalysis } from '#workflow/analyze.ts';
import { assembleReport } from '#workflow/assemble.ts';
import { planRun } from '#workflow/plan.ts';
import { runKeys } from '#workflow/run-keys.ts';

const clock = { now: () => new Date('2024-03-05T10:00:00Z') };
let runtime: LocalRuntime | undefined;
afterEach(() => runtime?.close());

const NAMES = ['Ann Lee', 'Bo Chen', 'Cara Diaz', 'Dev Patel', 'Eli Moss'];
/** The customer whose huge order is the outlier: its email is what the anomaly row names. */
const PLANTED = { email: 'zoe.planted@example.org', phone: '+1 555 010 4477', name: 'Zoe Planted' };
/** Values only the quarantined row has, quoted by its reasons. */
const QUARANTINED = {
  email: 'dup.person@example.net',
  phone: '+44 20 7946 0958',
  name: 'quinn Hidden',
};

/**
 * A lake written directly: 40 signups keyed by email, with phone and
 * name columns, all pii; one huge amount; one quarantined row whose reasons quote its pii
 * values; a manifest with warnings. Returns every raw pii value that is in the data.
 */
async function piiLake(): Promise<{ root: string; raw: string[] }> {
  const root = await mkdtemp(join(tmpdir(), 'insights-pii-'));
  const store = fsBlobStore(root);
  const contract: Contract = {
    dataset: 'signups',
    version: 1,
    kind: 'events',
    columns: [
      { name: 'email', type: 'string', role: 'pii', nullable: false },
      { name: 'phone', type: 'string', role: 'pii', nullable: true },
      { name: 'full_name', type: 'string', role: 'pii', nullable: true },
      { name: 'signup_date', type: 'date', role: 'time', nullable: false },
      { name: 'amount', type: 'double', role: 'measure', nullable: true },
    ],
    primaryKey: 'email',
    timeColumn: 'signup_date',
    partition: 'month',
    // Stored as ingest stores contracts; a person's contract would say `config`.
    source: 'inferred',
  };
  await lakeCatalog(store).putContract(contract);
  const rows = Array.from({ length: 40 }, (_, i) =>
    i === 7
      ? { ...PLANTED, amount: 9000 }
      : {
          email: `customer${i}@shop-example.com`,
          phone: `+1 555 020 ${String(1000 + i)}`,
          name: NAMES[i % NAMES.length]!,
          amount: 100 + (i % 5),
        },
  );
  const values = rows
    .map(
      (r, i) =>
        `(${quoteLiteral(r.email)}, ${quoteLiteral(r.phone)}, ${quoteLiteral(r.name)}, ` +
        `DATE '2024-01-01' + ${i}, ${r.amount})`,
    )
    .join(', ');
  const out = join(root, 'curated', 'signups');
  await mkdir(out, { recursive: true });
  const duck = await openDuckDb();
  await duck.run(
    `COPY (SELECT email, phone, full_name, signup_date, amount, strftime(signup_date, '%Y-%m') AS month
       FROM (VALUES ${values}) t(email, phone, full_name, signup_date, amount))
     TO ${quoteLiteral(out)} (FORMAT parquet, PARTITION_BY (month), FILENAME_PATTERN 'src')`,
  );
  duck.close();
  const manifest: Manifest = {
    dataset: 'signups',
    sourceId: 'src',
    sourceKey: 'incoming/signups/signups.csv',
    sourceEtag: 'e',
    checksum: 'c',
    contractVersion: 1,
    rowsRead: 41,
    rowsCurated: 40,
    rowsQuarantined: 1,
    rejections: [
      { column: 'email', reason: 'duplicate value (an earlier row has it)', rows: 1 },
      { column: 'full_name', reason: 'does not match the pattern ^[A-Z].*', rows: 1 },
      { column: 'phone', reason: 'does not match the pattern ^0', rows: 1 },
    ],
    partitions: ['month=2024-01', 'month=2024-02'],
    warnings: ['read as Windows-1252', 'dates like 03/04/2024 read as day/month'],
    ingestedAt: '2024-03-01T00:00:00.000Z',
  };
  await store.put('manifests/signups/src.json', JSON.stringify(manifest));
  // As ingest writes it: the raw values stay in the lake, for the user to fix.
  await store.put(
    'quarantine/signups/src.jsonl',
    JSON.stringify({
      line: 12,
      values: { ...QUARANTINED, full_name: QUARANTINED.name, signup_date: '2024-01-20' },
      reasons: [
        {
          column: 'email',
          reason: `duplicate value (an earlier row has it): ${JSON.stringify(QUARANTINED.email)}`,
        },
        { column: 'phone', reason: `does not match the pattern ^0: "${QUARANTINED.phone}"` },
        {
          column: 'full_name',
          reason: `does not match the pattern ^[A-Z].*: "${QUARANTINED.name}"`,
        },
      ],
    }) + '\n',
  );
  const raw = [...rows.flatMap((r) => [r.email, r.phone, r.name]), ...Object.values(QUARANTINED)];
  return { root, raw };
}

/** Every raw value that `text` contains. */
const leaked = (text: string, raw: string[]) => raw.filter((v) => text.includes(v));

describe('pii in the report', () => {
  it('masks pii values in report.md, report.json and the email; the lake keeps them', async () => {
    const { root, raw } = await piiLake();
    runtime = await localRuntime({ lake: root, outbox: join(root, 'outbox'), clock });
    await runReportWorkflow(runtime, { runId: 'pii-run', trigger: 'test' });
    const md = await readFile(join(root, 'reports/pii-run/report.md'), 'utf8');
    const json = await readFile(join(root, 'reports/pii-run/report.json'), 'utf8');
    const [eml] = await readdir(join(root, 'outbox'));
    const mail = await readFile(join(root, 'outbox', eml!), 'utf8');

    expect(leaked(md, raw)).toEqual([]);
    expect(leaked(json, raw)).toEqual([]);
    expect(leaked(mail, raw)).toEqual([]);

    // The anomaly still names its row, masked: the huge amount of Zoe's signup.
    const model = JSON.parse(json) as ReportModel;
    const outliers = model.findings.find((f): f is OutlierFinding => f.kind === 'outliers');
    expect(outliers?.examples[0]).toMatchObject({ id: 'z•••@e•••.org', value: 9000 });
    expect(md).toMatch(/\| z•••@e•••\.org \| 2024-01-08 \| 9,000 \|/);
    expect(model.summary.join('\n')).toContain('(z•••@e•••.org, 2024-01-08)');
    // The quarantined row's reasons quote its values masked.
    expect(md).toContain('| email | duplicate value (an earlier row has it): "d•••@e•••.net" |');
    expect(md).toContain('| phone | does not match the pattern ^0: "+•• •• •••• ••58" |');
    expect(md).toContain('| full_name | does not match the pattern ^\\[A-Z\\].\\*: "Q. H." |');
    // Counts of pii columns, no range.
    const phone = model.datasets[0]!.columns.find((c) => c.name === 'phone');
    expect(phone).toMatchObject({ nonNull: 40, distinct: 40, min: null, max: null });
    expect(md).toContain('| phone | string | pii | 0 | 40 |  |  |');
    // Not even computed: the run's aggregates hold no range of a pii column.
    const aggregates = await readFile(join(root, runKeys('pii-run').aggregates), 'utf8');
    expect(leaked(aggregates, raw)).toEqual([]);

    const quarantine = await readFile(join(root, 'quarantine/signups/src.jsonl'), 'utf8');
    expect(leaked(quarantine, raw)).toEqual(Object.values(QUARANTINED));
  });

  it("shows each file's manifest warnings in report.md and report.json", async () => {
    const { root } = await piiLake();
    runtime = await localRuntime({ lake: root, outbox: join(root, 'outbox'), clock });
    const deps = { ...runtime };
    const { planKey, analyses } = await planRun(deps, {
      runId: 'warned',
      startedAt: clock.now().toISOString(),
    });
    const { aggregatesKey } = await aggregateRun(deps, { runId: 'warned', planKey });
    const results = [];
    for (const analysis of analyses) {
      results.push(await runAnalysis(deps, { runId: 'warned', planKey, aggregatesKey, analysis }));
    }
    await assembleReport(deps, { runId: 'warned', planKey, aggregatesKey, results });

    const model = JSON.parse(
      await readFile(join(root, 'reports/warned/report.json'), 'utf8'),
    ) as ReportModel;
    expect(model.datasets[0]!.files[0]!.warnings).toEqual([
      'read as Windows-1252',
      'dates like 03/04/2024 read as day/month',
    ]);
    const md = await readFile(join(root, 'reports/warned/report.md'), 'utf8');
    expect(md).toContain(
      'How files were read (nothing was lost):\n\n' +
        '- `incoming/signups/signups.csv`: read as Windows-1252; dates like 03/04/2024 read as day/month.',
    );
  });

  it('masks an email column that ingest found to be pii, and an email quoted in another column', async () => {
    const root = await mkdtemp(join(tmpdir(), 'insights-pii-ingest-'));
    runtime = await localRuntime({ lake: root, outbox: join(root, 'outbox'), clock });
    const files = {
      'incoming/contacts/jan.csv':
        'contact_id,email,spend\n' +
        Array.from({ length: 12 }, (_, i) => `C${i},person${i}@mail-example.com,${10 + i}`).join(
          '\n',
        ) +
        '\n',
      'incoming/contacts/feb.csv':
        'contact_id,email,spend\nC20,late.one@mail-example.com,ann@x.example\n',
    };
    for (const [key, body] of Object.entries(files)) {
      await runtime.store.put(key, body);
      await ingestObject(
        {
          store: runtime.store,
          catalog: runtime.catalog,
          duck: await runtime.duck(),
          clock: runtime.clock,
          workDir: runtime.workDir,
        },
        { key },
      );
    }
    expect((await runtime.catalog.getContract('contacts'))?.columns[1]).toMatchObject({
      name: 'email',
      role: 'pii',
    });
    await runReportWorkflow(runtime, { runId: 'ingested', trigger: 'test' });
    const md = await readFile(join(root, 'reports/ingested/report.md'), 'utf8');
    const json = await readFile(join(root, 'reports/ingested/report.json'), 'utf8');
    for (const text of [md, json]) {
      expect(text).not.toMatch(/person\d+@|late\.one@|ann@x/);
    }
    // The spend column's reason quoted an email: the free-text scrub masks it.
    expect(md).toMatch(/\| spend \| not a number: "a•••@x•••\.example" \|/);
  });
});
