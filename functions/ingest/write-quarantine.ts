import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore, Manifest } from '#platform/ports.ts';
import { quoteIdent } from '#query/sql.ts';
import { lakeKeys } from './lake-keys.ts';
import type { LineMap } from './line-numbers.ts';
import type { UnreadableRecord } from './read-source.ts';
import { MISSING_COLUMN, REQUIRED_EMPTY } from './validate.ts';
import type { OutputTarget } from './write-curated.ts';

export interface RejectedSample {
  line: number;
  column: string;
  value: string | null;
  reason: string;
}

export interface QuarantineInput {
  /** The checked table (`__ord`, `__problems`) and the source table it came from. */
  checked: string;
  source: string;
  /** Keys for the source's values in the JSON (its column names). */
  names: readonly string[];
  unreadable: readonly UnreadableRecord[];
  lines: () => Promise<LineMap>;
}

export interface QuarantineResult {
  rows: number;
  sample: RejectedSample[];
}

interface QuarantineRow {
  line: number;
  values: Record<string, string | null> | null;
  raw?: string | null;
  reasons: { column: string; reason: string }[];
}

const PAGE = 10_000;
const SAMPLE = 20;
/** Characters of a value a reason quotes. */
const QUOTED_MAX = 80;

/**
 * Each rejected row as one JSON line, in line order: `{ line, values, reasons }`, the values
 * as the file has them (text; empty is null); a record that could not be split into fields
 * has `values: null` and its text in `raw`. Only rejected rows pass through JavaScript, a
 * page at a time.
 */
export async function writeQuarantine(
  target: OutputTarget,
  input: QuarantineInput,
): Promise<QuarantineResult> {
  const { duck, store, dataset, sourceId, dir } = target;
  const [{ n }] = (await duck.all(
    `SELECT count(*) AS n FROM ${quoteIdent(input.checked)} WHERE len(__problems) > 0`,
  )) as [{ n: number }];
  const total = n + input.unreadable.length;
  if (total === 0) return { rows: 0, sample: [] };

  const lines = await input.lines();
  const unreadable = input.unreadable.map((u): QuarantineRow => ({
    line: lines.lineOfReaderLine(u.readerLine),
    values: null,
    raw: u.raw,
    reasons: [{ column: u.column, reason: u.reason }],
  }));
  const local = join(dir, 'quarantine.jsonl');
  const file = await open(local, 'w');
  const sample: RejectedSample[] = [];
  const emit = async (rows: QuarantineRow[]) => {
    for (const row of rows) {
      for (const r of row.reasons) {
        if (sample.length < SAMPLE) {
          const value = row.values === null ? (row.raw ?? null) : (row.values[r.column] ?? null);
          sample.push({
            line: row.line,
            column: r.column,
            value: shorten(value),
            reason: r.reason,
          });
        }
      }
    }
    if (rows.length > 0) await file.write(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  };
  try {
    const raw = input.names.map((_, i) => `s.${quoteIdent(`c${i}`)}`).join(', ');
    let after = -1;
    let u = 0;
    for (;;) {
      const page = await duck.all(
        `SELECT q.__ord AS __ord, CAST(to_json(q.__problems) AS VARCHAR) AS __problems, ${raw}
           FROM ${quoteIdent(input.checked)} q JOIN ${quoteIdent(input.source)} s ON s.rowid = q.__ord
          WHERE len(q.__problems) > 0 AND q.__ord > ${after} AND s.rowid > ${after}
          ORDER BY q.__ord LIMIT ${PAGE}`,
      );
      const rows = page.map((r) => rowOf(r, input.names, lines));
      const last = rows.at(-1)?.line ?? Number.POSITIVE_INFINITY;
      const before: QuarantineRow[] = [];
      while (u < unreadable.length && unreadable[u]!.line < last) before.push(unreadable[u++]!);
      await emit(mergeByLine(before, rows));
      if (page.length < PAGE) break;
      after = Number(page.at(-1)!['__ord']);
    }
    await emit(unreadable.slice(u));
  } finally {
    await file.close();
  }
  await store.upload(local, lakeKeys.quarantine(dataset, sourceId), 'application/x-ndjson');
  return { rows: total, sample };
}

function rowOf(
  r: Record<string, unknown>,
  names: readonly string[],
  lines: LineMap,
): QuarantineRow {
  const values: Record<string, string | null> = {};
  names.forEach((name, i) => {
    const v = r[`c${i}`];
    values[name] = v === null || v === undefined ? null : String(v);
  });
  const problems = JSON.parse(String(r['__problems'])) as { column: string; kind: string }[];
  return {
    line: lines.lineOfRecord(Number(r['__ord'])),
    values,
    reasons: problems.map((p) => ({
      column: p.column,
      reason: describe(p.kind, values[p.column]),
    })),
  };
}

/** `not a number: "n/a"`; reasons about absence or the whole file carry no value. */
function describe(kind: string, value: string | null | undefined): string {
  if (kind === REQUIRED_EMPTY || kind === MISSING_COLUMN || value === null || value === undefined) {
    return kind;
  }
  // The whole value stays in `values`; a reason quotes enough of it to find it.
  const shown = value.length > QUOTED_MAX ? `${value.slice(0, QUOTED_MAX)}…` : value;
  return `${kind}: ${JSON.stringify(shown)}${value.length > QUOTED_MAX ? ` (${value.length} characters)` : ''}`;
}

function mergeByLine(a: QuarantineRow[], b: QuarantineRow[]): QuarantineRow[] {
  if (a.length === 0) return b;
  return [...a, ...b].sort((x, y) => x.line - y.line);
}

/** The first rejections of an earlier ingest, read back from its quarantine file. */
export async function quarantineSample(
  store: BlobStore,
  manifest: Manifest,
): Promise<RejectedSample[]> {
  if (manifest.rowsQuarantined === 0) return [];
  const text = await store.getText(lakeKeys.quarantine(manifest.dataset, manifest.sourceId));
  const sample: RejectedSample[] = [];
  for (const line of text.split('\n')) {
    if (sample.length >= SAMPLE || line === '') break;
    const row = JSON.parse(line) as QuarantineRow;
    for (const r of row.reasons) {
      if (sample.length >= SAMPLE) break;
      const value = row.values === null ? (row.raw ?? null) : (row.values[r.column] ?? null);
      sample.push({ line: row.line, column: r.column, value: shorten(value), reason: r.reason });
    }
  }
  return sample;
}

/** A value as a sample shows it: long ones cut (the quarantine file keeps them whole). */
function shorten(value: string | null): string | null {
  return value !== null && value.length > QUOTED_MAX ? `${value.slice(0, QUOTED_MAX)}…` : value;
}
