import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConfigError } from '#platform/errors.ts';
import {
  CUSTOMER_RELATIONSHIPS,
  INDUSTRIES,
  customerLines,
  generateCustomers,
} from './customers.ts';
import { chunkLines, csvLine } from './csv.ts';
import {
  DAILY_RELATIONSHIPS,
  DAILY_SEASONALITY,
  dailyLines,
  generateDailySales,
} from './daily-sales.ts';
import type { DatasetTruth, GroundTruth } from './ground-truth.ts';
import type { InvalidCell } from './invalid-rows.ts';
import { lineOfRow } from './invalid-rows.ts';
import type { DemoOptions, ResolvedDemoOptions } from './options.ts';
import { resolveDemoOptions } from './options.ts';
import { generateProducts, productLines } from './products.ts';
import type { DatasetName } from './schema.ts';
import { DATASET_ORDER, columnNames, datasetFile } from './schema.ts';
import {
  TRANSACTION_DRIVERS,
  TRANSACTION_RELATIONSHIPS,
  planTransactions,
  transactionLines,
} from './transactions.ts';

/**
 * The deterministic demo data: four related datasets with planted anomalies, invalid rows
 * and known relationships, plus the ground truth that says what was planted.
 */

export type { DemoOptions } from './options.ts';
export type {
  AnomalyKind,
  DatasetTruth,
  GroundTruth,
  InvalidRowTruth,
  PlantedAnomaly,
  PlantedRelationship,
  SeasonalityTruth,
} from './ground-truth.ts';
export type { InvalidRowKind } from './invalid-rows.ts';
export type { DatasetName } from './schema.ts';

/** The largest sizes `generateDemo` keeps in memory as strings; beyond, use `writeDemo`. */
export const MAX_IN_MEMORY = { customers: 1_000_000, transactions: 2_000_000 } as const;

export interface DemoData {
  options: ResolvedDemoOptions;
  /** Each dataset's whole CSV file, header included. */
  csv: Record<DatasetName, string>;
  groundTruth: GroundTruth;
}

export interface DemoFile {
  dataset: DatasetName;
  path: string;
}

export interface DemoManifest {
  dir: string;
  /** The data files in ingest order: entities first. */
  files: DemoFile[];
  groundTruthPath: string;
  groundTruth: GroundTruth;
}

interface DemoPlan {
  options: ResolvedDemoOptions;
  /** Each dataset's data lines (header excluded), made lazily. */
  lines: Record<DatasetName, () => Iterable<string>>;
  groundTruth: GroundTruth;
}

function datasetTruth(
  dataset: DatasetName,
  rows: number,
  invalid: readonly InvalidCell[],
): DatasetTruth {
  return {
    file: datasetFile(dataset),
    rowsGenerated: rows,
    rowsValid: rows - invalid.length,
    invalidRows: invalid.map((c) => ({
      dataset,
      line: lineOfRow(c.index),
      column: c.column,
      rawValue: c.rawValue,
      kind: c.kind,
    })),
  };
}

/**
 * Everything but the transaction rows is made here (entities and days are small); the
 * transactions are planned, and each row is made when its line is read.
 */
function planDemo(input?: DemoOptions): DemoPlan {
  const options = resolveDemoOptions(input);
  const { seed } = options;
  const customers = generateCustomers(seed, options.customers);
  const products = generateProducts(seed, options.products);
  const daily = generateDailySales(seed, options.days);
  const transactions = planTransactions(seed, options.transactions, customers, products);
  const groundTruth: GroundTruth = {
    seed,
    options,
    datasets: {
      customer_profiles: datasetTruth('customer_profiles', options.customers, customers.invalid),
      product_information: datasetTruth('product_information', options.products, products.invalid),
      daily_sales_metrics: datasetTruth('daily_sales_metrics', options.days, daily.invalid),
      sales_transactions: datasetTruth(
        'sales_transactions',
        options.transactions,
        transactions.invalid,
      ),
    },
    anomalies: [...daily.anomalies, ...transactions.anomalies],
    relationships: [
      ...DAILY_RELATIONSHIPS,
      ...CUSTOMER_RELATIONSHIPS,
      ...TRANSACTION_RELATIONSHIPS,
    ].map((r) => ({ ...r })),
    drivers: TRANSACTION_DRIVERS.map((d) => structuredClone(d)),
    industryLtvMultipliers: Object.fromEntries(INDUSTRIES.map((i) => [i.name, i.ltvMultiplier])),
    seasonality: structuredClone(DAILY_SEASONALITY),
  };
  return {
    options,
    groundTruth,
    lines: {
      customer_profiles: () => customerLines(customers),
      product_information: () => productLines(products),
      daily_sales_metrics: () => dailyLines(daily),
      sales_transactions: () => transactionLines(transactions),
    },
  };
}

function* fileLines(plan: DemoPlan, dataset: DatasetName): Generator<string> {
  yield csvLine(columnNames(dataset));
  yield* plan.lines[dataset]();
}

/** The ground truth as written to `ground-truth.json`. */
export function groundTruthJson(groundTruth: GroundTruth): string {
  return `${JSON.stringify(groundTruth, null, 2)}\n`;
}

/**
 * The demo data in memory: pure and deterministic (the same options give the same bytes).
 *
 * @example
 * const { csv, groundTruth } = generateDemo({ seed: 7 });
 * csv.sales_transactions.split('\n')[0]; // 'transaction_id,transaction_date,...'
 */
export function generateDemo(options?: DemoOptions): DemoData {
  const plan = planDemo(options);
  for (const key of ['customers', 'transactions'] as const) {
    if (plan.options[key] > MAX_IN_MEMORY[key]) {
      throw new ConfigError(
        `generateDemo keeps at most ${MAX_IN_MEMORY[key]} ${key} in memory: use writeDemo for ${plan.options[key]}`,
      );
    }
  }
  const csv = Object.fromEntries(
    DATASET_ORDER.map((dataset) => [dataset, [...fileLines(plan, dataset)].join('')]),
  ) as Record<DatasetName, string>;
  return { options: plan.options, csv, groundTruth: plan.groundTruth };
}

/**
 * Writes `<dir>/<dataset>/<dataset>.csv` for each dataset, streamed in chunks of about 64 KB
 * (constant memory, whatever the sizes), and `<dir>/ground-truth.json`. Returns the files in
 * ingest order.
 */
export async function writeDemo(dir: string, options?: DemoOptions): Promise<DemoManifest> {
  const plan = planDemo(options);
  const files: DemoFile[] = [];
  for (const dataset of DATASET_ORDER) {
    const path = join(dir, datasetFile(dataset));
    await mkdir(join(dir, dataset), { recursive: true });
    await pipeline(Readable.from(chunkLines(fileLines(plan, dataset))), createWriteStream(path));
    files.push({ dataset, path });
  }
  const groundTruthPath = join(dir, 'ground-truth.json');
  await writeFile(groundTruthPath, groundTruthJson(plan.groundTruth));
  return { dir, files, groundTruthPath, groundTruth: plan.groundTruth };
}
