import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { inferContract } from '#ingest/infer-contract.ts';
import { readSource } from '#ingest/read-source.ts';
import { datasetFromKey } from '#ingest/source-id.ts';
import { parseConfigContract } from '#platform/contracts.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { quoteIdent } from '#query/sql.ts';
import { assertDatasetName, assertIdentifier } from '#platform/identifiers.ts';
import { configContractKey, inferredContractKey, lakeCatalog } from '#platform/lake-catalog.ts';
import { fsBlobStore } from '#platform/local/fs-blob-store.ts';
import type { Contract } from '#platform/ports.ts';

/** Where a command writes: the contract JSON to `out` (for `> file`), words to `err`. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

const json = (contract: Contract) => JSON.stringify(contract, null, 2) + '\n';
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `insights contract show DATASET --lake DIR`: the contract ingest uses for the dataset. */
export async function contractShow(
  dataset: string,
  options: { lake: string },
  io: Output = stdio,
): Promise<number> {
  try {
    assertIdentifier(dataset, 'Dataset');
    const lake = resolve(options.lake);
    if (!(await stat(lake).catch(() => undefined))?.isDirectory()) {
      throw new Error(`There is no lake at ${lake}`);
    }
    const store = fsBlobStore(lake);
    const catalog = lakeCatalog(store);
    const contract = await catalog.getContract(dataset);
    if (!contract) {
      const known = await catalog.listDatasets();
      throw new Error(
        `The lake ${lake} has no contract for ${dataset} (${known.length ? `its datasets: ${known.join(', ')}` : 'it holds no dataset yet'})`,
      );
    }
    io.out(json(contract));
    io.err(
      contract.source === 'config'
        ? `${dataset}: the contract a person provided, ${store.url(configContractKey(dataset))}\n`
        : `${dataset}: inferred from the first file, ${store.url(inferredContractKey(dataset))}; to change it, save an edited copy with "source": "config" as ${store.url(configContractKey(dataset))}\n`,
    );
    return 0;
  } catch (error) {
    io.err(`error: ${messageOf(error)}\n`);
    return 1;
  }
}

/**
 * `insights contract infer FILE`: the contract ingest would infer from the file, as a
 * config contract to edit and save. No lake, so no foreign keys (they need the other
 * datasets' primary keys).
 */
export async function contractInfer(
  file: string,
  options: { dataset?: string } = {},
  io: Output = stdio,
): Promise<number> {
  const work = await mkdtemp(join(tmpdir(), 'insights-contract-'));
  const duck = await openDuckDb({ tempDirectory: join(work, 'duckdb') });
  try {
    const dataset = assertDatasetName(options.dataset ?? datasetFromKey(resolve(file)));
    // A copy, so that reading a .gz leaves nothing beside the user's file.
    const raw = join(work, basename(file));
    await copyFile(file, raw).catch((error: NodeJS.ErrnoException) => {
      throw new Error(
        `Cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`,
      );
    });
    let n = 0;
    const scratch = (what: string) => `contract_${what}_${n++}`;
    const read = await readSource(duck, file, raw, 'contract_source', scratch);
    if ('fileError' in read) throw new Error(read.fileError);
    const { source } = read;
    if (source.headerError) throw new Error(source.headerError);
    const inferred = await inferContract(duck, {
      dataset,
      from: quoteIdent(source.table),
      names: source.names,
      primaryKeys: new Map(),
    });
    io.out(json({ ...inferred, source: 'config' }));
    for (const warning of source.warnings ?? []) io.err(`warning: ${warning}\n`);
    io.err(
      `${dataset}: inferred from ${source.rows} rows of ${file}. Edit it, check it with \`insights contract check\`, and save it in the lake as ${configContractKey(dataset)}\n`,
    );
    return 0;
  } catch (error) {
    io.err(`error: ${messageOf(error)}\n`);
    return 1;
  } finally {
    duck.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** `insights contract check FILE`: exit 0 when the file is a valid config contract. */
export async function contractCheck(file: string, io: Output = stdio): Promise<number> {
  try {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new Error(
        `Cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`,
      );
    });
    const contract = parseConfigContract(text, file);
    io.out(
      `${file}: a valid contract of ${contract.dataset} (${contract.columns.length} columns); in the lake it goes at ${configContractKey(contract.dataset)}\n`,
    );
    return 0;
  } catch (error) {
    io.err(`error: ${messageOf(error)}\n`);
    return 1;
  }
}

/** `insights contract show|infer|check`, registered on the program by main.ts. */
export function registerContractCommand(program: Command): Command {
  const contract = program
    .command('contract')
    .description(
      "Show, infer and check dataset contracts: a contract lists a dataset's columns with type, role and checks. A contract saved in the lake at config/contracts/<dataset>.json wins over the inferred one (schema: schemas/contract.schema.json).",
    );
  contract
    .command('show')
    .description(
      'Print the contract ingest uses for a dataset (JSON), and whether it was inferred or provided.',
    )
    .argument('<dataset>', 'the dataset')
    .requiredOption('--lake <dir>', 'the lake folder')
    .action(async (dataset: string, options: { lake: string }) => {
      process.exitCode = await contractShow(dataset, options);
    });
  contract
    .command('infer')
    .description(
      'Infer a contract from a file, without a lake, and print it as JSON to edit and save as config/contracts/<dataset>.json.',
    )
    .argument('<file>', 'a CSV, TSV, JSON Lines, JSON or Parquet file (gzip allowed)')
    .option('--dataset <name>', 'the dataset (default: from the file name)')
    .action(async (file: string, options: { dataset?: string }) => {
      process.exitCode = await contractInfer(file, options);
    });
  contract
    .command('check')
    .description(
      'Check a contract file against the schema and the rules; exit code 1 with the problems when it is invalid.',
    )
    .argument('<file>', 'the contract JSON file')
    .action(async (file: string) => {
      process.exitCode = await contractCheck(file);
    });
  return contract;
}
