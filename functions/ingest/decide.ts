import type { Catalog, ColumnContract, Contract, DuckDb } from '#platform/ports.ts';
import { quoteIdent } from '#query/sql.ts';
import { detectFormats, type FileFormats, type FormatColumn } from './file-formats.ts';
import { inferContract } from './infer-contract.ts';
import { missingRequiredColumn } from './validate.ts';

/**
 * What a file is read with: its formats (decimal separator, date order: file-formats.ts)
 * and the contract, inferred on first sight or evolved by the file. Decided on a sample of
 * the rows (the caller checks the decision against every row).
 */
export interface DecisionPorts {
  duck: DuckDb;
  catalog: Catalog;
}

/** Decides formats and contract over `from` (SQL for text columns `c0`, `c1`, ... named `names`). */
export async function decide(
  ports: DecisionPorts,
  dataset: string,
  names: readonly string[],
  stored: Contract | undefined,
  from: string,
): Promise<Decision> {
  const formats = await detectFormats(ports.duck, from, formatColumns(names, stored));
  return { formats, next: await contractFor(ports, names, from, dataset, stored, formats) };
}

/** Rows of a big file that formats and first-sight contracts are decided on. */
export const SAMPLE_ROWS = 5_000;

/**
 * Every n-th row, n chosen for about SAMPLE_ROWS of them: spread over the whole file; and
 * the rows of `alsoRowids` (`12, 345`).
 */
export function sampleOf(table: string, rows: number, alsoRowids = ''): string {
  const step = Math.ceil(rows / SAMPLE_ROWS);
  const also = alsoRowids === '' ? '' : ` OR rowid IN (${alsoRowids})`;
  return `(SELECT * FROM ${quoteIdent(table)} WHERE rowid % ${step} = 0${also})`;
}

export interface Decision {
  formats: FileFormats | undefined;
  next: ContractDecision;
}

export function sameDecision(a: Decision, b: Decision): boolean {
  const key = (d: Decision) =>
    JSON.stringify([d.next.contract, [...(d.formats?.formats.entries() ?? [])]]);
  return key(a) === key(b);
}

/** The format warnings about columns the contract reads as numbers or dates. */
export function formatWarnings(decision: Decision): string[] {
  const types = new Map(decision.next.contract?.columns.map((c) => [c.name, c.type]));
  const isAbout = { number: ['integer', 'double'], date: ['date', 'timestamp'] };
  return (decision.formats?.warnings ?? [])
    .filter((w) => isAbout[w.about].includes(types.get(w.column) ?? 'string'))
    .map((w) => w.text);
}

/** The columns whose formats are worth finding: the contract's, or all when inferring. */
function formatColumns(names: readonly string[], contract: Contract | undefined): FormatColumn[] {
  return names.flatMap((name, i): FormatColumn[] => {
    if (!contract) return [{ name, source: `c${i}` }];
    const c = contract.columns.find((x) => x.name === name);
    if (!c) return [];
    return [
      {
        name,
        source: `c${i}`,
        type: c.type,
        ...(c.format ? { format: c.format } : {}),
        forced: contract.source === 'config',
      },
    ];
  });
}

/**
 * The contract to check the file against: inferred on first sight; an inferred contract
 * grows by the file's new columns (nullable: earlier files lack them) and learns a date
 * order the file settles. A contract a person wrote is never changed (new columns are then
 * left out and named in the manifest).
 */
export type ContractDecision =
  | { changed: false; contract: Contract | undefined }
  | { changed: true; contract: Contract; changes: string[] };

async function contractFor(
  ports: DecisionPorts,
  names: readonly string[],
  from: string,
  dataset: string,
  contract: Contract | undefined,
  formats: FileFormats,
): Promise<ContractDecision> {
  const infer = async () =>
    inferContract(ports.duck, {
      dataset,
      from,
      names: [...names],
      primaryKeys: await primaryKeys(ports.catalog, dataset),
      formats: formats.formats,
    });
  if (!contract) return { changed: true, contract: await infer(), changes: [] };
  // A contract a person wrote is theirs; a file refused as a whole changes nothing.
  if (contract.source === 'config' || missingRequiredColumn('', contract, names)) {
    return { changed: false, contract };
  }
  const known = new Set(contract.columns.map((c) => c.name));
  const added = names.filter((n) => !known.has(n));
  const learns = (c: ColumnContract) => formats.settled.has(c.name) && !c.format?.dateOrder;
  const learned = contract.columns.filter(learns);
  if (added.length === 0 && learned.length === 0) return { changed: false, contract };

  const version = contract.version + 1;
  const changes: string[] = [];
  const columns = contract.columns.map((c) => {
    if (!learns(c)) return c;
    const dateOrder = formats.settled.get(c.name)!.dateOrder!;
    changes.push(
      `contract version ${version}: ${c.name} learned its date order (${dateOrder}) from this file`,
    );
    return { ...c, format: { ...c.format, dateOrder } };
  });
  if (added.length > 0) {
    const fresh = await infer();
    for (const name of added) {
      const c = fresh.columns.find((x) => x.name === name)!;
      // Earlier files lack the column: it is optional, and cannot be the dataset's key.
      columns.push({
        ...c,
        role: c.role === 'id' ? 'text' : c.role,
        nullable: true,
        addedInVersion: version,
      });
      changes.push(`contract version ${version}: new column ${name} (${c.type}, optional) added`);
    }
  }
  return { changed: true, contract: { ...contract, version, columns }, changes };
}

/** Other datasets' primary keys (column -> dataset), for foreign keys. */
async function primaryKeys(catalog: Catalog, self: string): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const dataset of (await catalog.listDatasets()).sort()) {
    if (dataset === self) continue;
    const pk = (await catalog.getContract(dataset))?.primaryKey;
    if (pk && !keys.has(pk)) keys.set(pk, dataset);
  }
  return keys;
}
