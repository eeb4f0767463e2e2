import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '#platform/errors.ts';
import { generateDemo, writeDemo } from '#demo/generate.ts';
import type { DatasetName, DemoOptions, GroundTruth } from '#demo/generate.ts';
import { readCsv } from './csv-reader.ts';
import type { CsvRecord, CsvTable } from './csv-reader.ts';

type CellType = 'id' | 'foreign_key' | 'text' | 'integer' | 'decimal' | 'date';

/** The contract the demo promises, written out here so a change to the generator shows. */
const EXPECTED_COLUMNS: Record<DatasetName, [string, CellType][]> = {
  customer_profiles: [
    ['customer_id', 'id'],
    ['company_name', 'text'],
    ['industry', 'text'],
    ['region', 'text'],
    ['employee_count', 'integer'],
    ['signup_date', 'date'],
    ['lifetime_value', 'decimal'],
    ['engagement_score', 'decimal'],
  ],
  product_information: [
    ['product_id', 'id'],
    ['product_name', 'text'],
    ['category', 'text'],
    ['price', 'decimal'],
    ['cost', 'decimal'],
  ],
  daily_sales_metrics: [
    ['date', 'date'],
    ['marketing_spend', 'decimal'],
    ['customer_traffic', 'integer'],
    ['price', 'decimal'],
    ['quantity', 'integer'],
    ['revenue', 'decimal'],
    ['cost', 'decimal'],
    ['profit', 'decimal'],
  ],
  sales_transactions: [
    ['transaction_id', 'id'],
    ['transaction_date', 'date'],
    ['customer_id', 'foreign_key'],
    ['product_id', 'foreign_key'],
    ['quantity', 'integer'],
    ['unit_price', 'decimal'],
    ['gross_amount', 'decimal'],
    ['discount_amount', 'decimal'],
    ['net_amount', 'decimal'],
    ['channel', 'text'],
  ],
};
const DATASETS = Object.keys(EXPECTED_COLUMNS) as DatasetName[];

function isRealDate(raw: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === raw;
}

/** The simple type check an ingest would make. */
function cellIsValid(type: CellType, raw: string): boolean {
  switch (type) {
    case 'id':
    case 'foreign_key':
      return raw.trim() !== '';
    case 'text':
      return true;
    case 'integer':
      return /^-?\d+$/.test(raw);
    case 'decimal':
      return /^-?\d+(\.\d{1,2})?$/.test(raw);
    case 'date':
      return isRealDate(raw);
  }
}

/** Money as whole cents, so identities are checked exactly. */
function cents(raw: string): number {
  if (!/^-?\d+\.\d{2}$/.test(raw)) throw new Error(`not money with two decimals: ${raw}`);
  return Math.round(Number(raw) * 100);
}

/** Type 7 quantile (R's default quantile, numpy's default percentile), kept apart from the generator's. */
function quantile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const a = s[lo] ?? NaN;
  const b = s[Math.min(lo + 1, s.length - 1)] ?? NaN;
  return a + (h - lo) * (b - a);
}

function fences(values: readonly number[], k: number): { lower: number; upper: number } {
  const q1 = quantile(values, 0.25);
  const q3 = quantile(values, 0.75);
  return { lower: q1 - k * (q3 - q1), upper: q3 + k * (q3 - q1) };
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i += 1) {
    const x = (a[i] ?? 0) - ma;
    const y = (b[i] ?? 0) - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}

interface Loaded {
  truth: GroundTruth;
  csv: Record<DatasetName, string>;
  tables: Record<DatasetName, CsvTable>;
  /** Records whose line is not a recorded invalid row. */
  valid: Record<DatasetName, CsvRecord[]>;
}

const cache = new Map<string, Loaded>();
function load(options: DemoOptions = {}): Loaded {
  const key = JSON.stringify(options);
  const hit = cache.get(key);
  if (hit) return hit;
  const { csv, groundTruth: truth } = generateDemo(options);
  const tables = Object.fromEntries(DATASETS.map((d) => [d, readCsv(csv[d])])) as Loaded['tables'];
  const valid = Object.fromEntries(
    DATASETS.map((d) => {
      const bad = new Set(truth.datasets[d].invalidRows.map((r) => r.line));
      return [d, tables[d].records.filter((r) => !bad.has(r.line))];
    }),
  ) as Loaded['valid'];
  const loaded = { truth, csv, tables, valid };
  cache.set(key, loaded);
  return loaded;
}

/** (x_{t-lag}, y_t) pairs over consecutive valid days, skipping planted anomaly days. */
function laggedPairs(
  data: Loaded,
  cause: string,
  effect: string,
  lag: number,
): [number[], number[]] {
  const table = data.tables.daily_sales_metrics;
  const bad = new Set(data.truth.datasets.daily_sales_metrics.invalidRows.map((r) => r.line));
  const planted = new Set(data.truth.anomalies.map((a) => a.line));
  const rows = table.records;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let t = 0; t < rows.length; t += 1) {
    const y = rows[t];
    const x = rows[t - lag];
    if (!x || !y || bad.has(x.line) || bad.has(y.line) || planted.has(y.line)) continue;
    xs.push(Number(table.get(x, cause)));
    ys.push(Number(table.get(y, effect)));
  }
  return [xs, ys];
}

describe('generateDemo: determinism', () => {
  it('gives identical bytes for the same seed and different data for another', () => {
    const a = generateDemo({ seed: 42 });
    const b = generateDemo({ seed: 42 });
    const c = generateDemo({ seed: 43 });
    for (const d of DATASETS) {
      expect(b.csv[d]).toBe(a.csv[d]);
      expect(c.csv[d]).not.toBe(a.csv[d]);
    }
    expect(JSON.stringify(b.groundTruth)).toBe(JSON.stringify(a.groundTruth));
    expect(JSON.stringify(c.groundTruth)).not.toBe(JSON.stringify(a.groundTruth));
  });

  it('uses seed 42 by default and records no time stamp', () => {
    expect(generateDemo().csv).toEqual(load({ seed: 42 }).csv);
    const truth = load().truth;
    expect(truth.seed).toBe(42);
    expect('generatedAt' in truth).toBe(false);
  });

  it('keeps the other datasets unchanged when only the transaction count changes', () => {
    const base = load();
    const more = generateDemo({ transactions: 6_000 });
    for (const d of ['customer_profiles', 'product_information', 'daily_sales_metrics'] as const) {
      expect(more.csv[d]).toBe(base.csv[d]);
    }
    // the transaction dates spread over the same two years whatever the count, so they differ
    expect(more.csv.sales_transactions).not.toBe(base.csv.sales_transactions);
  });
});

describe('generateDemo: shape', () => {
  const data = load();

  it('writes the expected header and row counts of the reference report', () => {
    const sizes = {
      customer_profiles: 500,
      product_information: 200,
      daily_sales_metrics: 1095,
      sales_transactions: 5000,
    };
    for (const d of DATASETS) {
      expect(data.tables[d].header).toEqual(EXPECTED_COLUMNS[d].map(([name]) => name));
      expect(data.tables[d].records).toHaveLength(sizes[d]);
      expect(data.csv[d].endsWith('\n')).toBe(true);
      expect(data.csv[d]).not.toContain('\r');
      const truth = data.truth.datasets[d];
      expect(truth.file).toBe(`${d}/${d}.csv`);
      expect(truth.rowsGenerated).toBe(sizes[d]);
      expect(truth.rowsValid).toBe(sizes[d] - truth.invalidRows.length);
    }
  });

  it('covers the stated date ranges, transactions in date order', () => {
    const daily = data.tables.daily_sales_metrics;
    const days = daily.records.map((r) => daily.get(r, 'date'));
    expect(days[0]).toBe('2022-01-01');
    expect(days.at(-1)).toBe('2024-12-30');
    const tx = data.tables.sales_transactions;
    const dates = data.valid.sales_transactions.map((r) => tx.get(r, 'transaction_date'));
    expect(dates[0]! >= '2023-01-01').toBe(true);
    expect(dates.at(-1)! <= '2024-12-31').toBe(true);
    expect([...dates].sort()).toEqual(dates);
  });

  it('uses ids with their prefixes and the stated categories', () => {
    const c = data.tables.customer_profiles;
    expect(c.get(c.records[0]!, 'customer_id')).toBe('C00001');
    const p = data.tables.product_information;
    expect(p.get(p.records[0]!, 'product_id')).toBe('P0001');
    const t = data.tables.sales_transactions;
    expect(t.get(t.records[0]!, 'transaction_id')).toBe('T000001');
    const distinct = (d: DatasetName, col: string) =>
      new Set(data.valid[d].map((r) => data.tables[d].get(r, col))).size;
    expect(distinct('customer_profiles', 'industry')).toBeGreaterThanOrEqual(6);
    expect(distinct('customer_profiles', 'industry')).toBeLessThanOrEqual(8);
    expect(distinct('customer_profiles', 'region')).toBeGreaterThanOrEqual(4);
    expect(distinct('customer_profiles', 'region')).toBeLessThanOrEqual(5);
    expect(distinct('product_information', 'category')).toBeGreaterThanOrEqual(5);
    expect(distinct('product_information', 'category')).toBeLessThanOrEqual(6);
    expect(new Set(data.valid.sales_transactions.map((r) => t.get(r, 'channel')))).toEqual(
      new Set(['web', 'store', 'mobile', 'partner']),
    );
  });

  it('quotes fields with commas and quotes so that they read back whole', () => {
    const names = data.valid.customer_profiles.map((r) =>
      data.tables.customer_profiles.get(r, 'company_name'),
    );
    expect(names.some((n) => n.includes(','))).toBe(true);
    const products = data.valid.product_information.map((r) =>
      data.tables.product_information.get(r, 'product_name'),
    );
    expect(products.some((n) => n.includes('"'))).toBe(true);
    for (const d of DATASETS) {
      for (const r of data.tables[d].records)
        expect(r.fields).toHaveLength(EXPECTED_COLUMNS[d].length);
    }
  });
});

describe('generateDemo: relationships that hold row by row', () => {
  const data = load();

  it('daily revenue = price x quantity and profit = revenue - cost, to the cent', () => {
    const t = data.tables.daily_sales_metrics;
    expect(data.valid.daily_sales_metrics.length).toBeGreaterThan(1000);
    for (const r of data.valid.daily_sales_metrics) {
      const revenue = cents(t.get(r, 'revenue'));
      expect(revenue).toBe(cents(t.get(r, 'price')) * Number(t.get(r, 'quantity')));
      expect(cents(t.get(r, 'profit'))).toBe(revenue - cents(t.get(r, 'cost')));
    }
  });

  it('products cost less than their price', () => {
    const t = data.tables.product_information;
    for (const r of data.valid.product_information) {
      expect(cents(t.get(r, 'cost'))).toBeLessThan(cents(t.get(r, 'price')));
      expect(cents(t.get(r, 'cost'))).toBeGreaterThan(0);
    }
  });

  it('transactions reference valid customers and products, at their price (Electronics 1.5x in December 2024, as planted), after signup', () => {
    const c = data.tables.customer_profiles;
    const p = data.tables.product_information;
    const t = data.tables.sales_transactions;
    const signup = new Map(
      data.valid.customer_profiles.map((r) => [c.get(r, 'customer_id'), c.get(r, 'signup_date')]),
    );
    const product = new Map(
      data.valid.product_information.map((r) => [
        p.get(r, 'product_id'),
        { price: cents(p.get(r, 'price')), category: p.get(r, 'category') },
      ]),
    );
    const planted = data.truth.drivers.find((d) => d.kind === 'price_change')!;
    let raised = 0;
    for (const r of data.valid.sales_transactions) {
      const customer = t.get(r, 'customer_id');
      const id = t.get(r, 'product_id');
      const date = t.get(r, 'transaction_date');
      const bought = product.get(id);
      expect(signup.has(customer), `line ${r.line}: customer ${customer}`).toBe(true);
      expect(bought, `line ${r.line}: product ${id}`).toBeDefined();
      const rise =
        bought!.category === planted.value &&
        date >= planted.target.from &&
        date < planted.target.to;
      raised += Number(rise);
      expect(cents(t.get(r, 'unit_price')), `line ${r.line}: product ${id}`).toBe(
        rise ? Math.round(bought!.price * 1.5) : bought!.price,
      );
      expect(t.get(r, 'transaction_date') >= (signup.get(customer) ?? '')).toBe(true);
      const gross = cents(t.get(r, 'gross_amount'));
      const discount = cents(t.get(r, 'discount_amount'));
      expect(gross).toBe(Number(t.get(r, 'quantity')) * cents(t.get(r, 'unit_price')));
      expect(discount).toBeGreaterThanOrEqual(0);
      expect(discount).toBeLessThanOrEqual(gross);
      expect(cents(t.get(r, 'net_amount'))).toBe(gross - discount);
    }
    expect(raised).toBeGreaterThan(20);
  });

  it('has a skewed purchase rate: the top tenth of buyers make over a quarter of the purchases', () => {
    const t = data.tables.sales_transactions;
    const counts = new Map<string, number>();
    for (const r of data.valid.sales_transactions) {
      const id = t.get(r, 'customer_id');
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const top = sorted.slice(0, Math.ceil(sorted.length / 10)).reduce((s, x) => s + x, 0);
    expect(top / data.valid.sales_transactions.length).toBeGreaterThan(0.25);
  });
});

describe('generateDemo: invalid rows', () => {
  const data = load();

  it('plants 2-3 per dataset and 8-12 in all, of the stated kinds', () => {
    const all = DATASETS.flatMap((d) => data.truth.datasets[d].invalidRows);
    expect(all.length).toBeGreaterThanOrEqual(8);
    expect(all.length).toBeLessThanOrEqual(12);
    for (const d of DATASETS) {
      expect(data.truth.datasets[d].invalidRows.length).toBeGreaterThanOrEqual(2);
      expect(data.truth.datasets[d].invalidRows.length).toBeLessThanOrEqual(3);
    }
    expect(new Set(all.map((r) => r.kind))).toEqual(
      new Set(['non_numeric', 'invalid_date', 'empty_id', 'empty_foreign_key']),
    );
    const emptyFk = all.find((r) => r.kind === 'empty_foreign_key');
    expect(emptyFk).toMatchObject({
      dataset: 'sales_transactions',
      column: 'customer_id',
      rawValue: '',
    });
    const emptyId = all.find((r) => r.kind === 'empty_id');
    expect(emptyId).toMatchObject({
      dataset: 'product_information',
      column: 'product_id',
      rawValue: '',
    });
  });

  for (const options of [{}, { seed: 7 }] as DemoOptions[]) {
    it(`are exactly the recorded lines, cells and values (${JSON.stringify(options)})`, () => {
      const { tables, truth } = load(options);
      for (const d of DATASETS) {
        const failures: { line: number; column: string; rawValue: string }[] = [];
        const perColumn = new Map<string, number>();
        for (const r of tables[d].records) {
          EXPECTED_COLUMNS[d].forEach(([column, type], i) => {
            const raw = r.fields[i] ?? '';
            if (!cellIsValid(type, raw)) {
              failures.push({ line: r.line, column, rawValue: raw });
              perColumn.set(column, (perColumn.get(column) ?? 0) + 1);
            }
          });
        }
        const recorded = truth.datasets[d].invalidRows.map(({ line, column, rawValue }) => ({
          line,
          column,
          rawValue,
        }));
        expect(failures, d).toEqual(recorded);
        for (const n of perColumn.values()) expect(n / tables[d].records.length).toBeLessThan(0.01);
      }
    });
  }

  it('never coincide with planted anomalies', () => {
    for (const options of [{}, { seed: 7 }] as DemoOptions[]) {
      const { truth } = load(options);
      for (const a of truth.anomalies) {
        const bad = truth.datasets[a.dataset].invalidRows.map((r) => r.line);
        expect(bad).not.toContain(a.line);
      }
    }
  });

  it('are left out of small datasets, where one bad cell would pass 0.5% of a column', () => {
    const small = generateDemo({ customers: 50, products: 30, days: 150, transactions: 150 });
    for (const d of DATASETS) expect(small.groundTruth.datasets[d].invalidRows).toEqual([]);
  });
});

describe('generateDemo: planted anomalies', () => {
  for (const options of [
    {},
    { seed: 7 },
    { seed: 2024 },
    { days: 200, transactions: 400 },
  ] as DemoOptions[]) {
    it(`lie outside the 1.5 IQR fences of their column's valid rows (${JSON.stringify(options)})`, () => {
      const data = load(options);
      const { truth } = data;
      const revenueDays = truth.anomalies.filter(
        (a) => a.dataset === 'daily_sales_metrics' && a.column === 'revenue',
      );
      const bulk = truth.anomalies.filter(
        (a) => a.dataset === 'sales_transactions' && a.column === 'net_amount',
      );
      expect(new Set(revenueDays.map((a) => a.key)).size).toBeGreaterThanOrEqual(4);
      expect(bulk.length).toBeGreaterThanOrEqual(3);
      expect(revenueDays.some((a) => a.value < a.expected)).toBe(true);
      expect(revenueDays.some((a) => a.value > a.expected)).toBe(true);
      for (const a of truth.anomalies) {
        const table = data.tables[a.dataset];
        const row = table.records.find((r) => r.line === a.line);
        expect(row, `line ${a.line}`).toBeDefined();
        expect(table.get(row!, a.keyColumn)).toBe(a.key);
        expect(Number(table.get(row!, a.column))).toBe(a.value);
        const values = data.valid[a.dataset].map((r) => Number(table.get(r, a.column)));
        const f = fences(values, 1.5);
        expect(a.value < f.lower || a.value > f.upper, `${a.column} ${a.key} = ${a.value}`).toBe(
          true,
        );
        // and clearly so: beyond the 3 IQR fences too
        const far = fences(values, 3);
        expect(a.value < far.lower || a.value > far.upper).toBe(true);
        expect(a.value).not.toBe(a.expected);
      }
      // quantity, revenue and profit move together on each planted day
      for (const day of revenueDays) {
        const cols = truth.anomalies.filter((a) => a.key === day.key).map((a) => a.column);
        expect(cols).toEqual(expect.arrayContaining(['quantity', 'revenue', 'profit']));
      }
    });
  }
});

describe('generateDemo: time series structure', () => {
  for (const seed of [42, 7, 2024]) {
    it(`marketing spend leads traffic by a day and quantity by two (seed ${seed})`, () => {
      const data = load({ seed });
      const lead1 = pearson(...laggedPairs(data, 'marketing_spend', 'customer_traffic', 1));
      const lag1 = pearson(...laggedPairs(data, 'marketing_spend', 'customer_traffic', -1));
      expect(lead1).toBeGreaterThan(0.5);
      expect(lead1 - lag1).toBeGreaterThan(0.3);
      const lead2 = pearson(...laggedPairs(data, 'marketing_spend', 'quantity', 2));
      const lag2 = pearson(...laggedPairs(data, 'marketing_spend', 'quantity', -2));
      expect(lead2 - lag2).toBeGreaterThan(0.1);
      const rel = data.truth.relationships.find(
        (r) => r.cause === 'marketing_spend' && r.effect === 'customer_traffic',
      );
      expect(rel?.lagDays).toBe(1);
    });

    it(`has quieter weekends and a December peak in revenue (seed ${seed})`, () => {
      const data = load({ seed });
      const t = data.tables.daily_sales_metrics;
      const planted = new Set(data.truth.anomalies.map((a) => a.line));
      const byWeekday: number[][] = Array.from({ length: 7 }, () => []);
      const byMonth: number[][] = Array.from({ length: 12 }, () => []);
      for (const r of data.valid.daily_sales_metrics) {
        if (planted.has(r.line)) continue;
        const date = new Date(`${t.get(r, 'date')}T00:00:00Z`);
        byWeekday[date.getUTCDay()]!.push(Number(t.get(r, 'revenue')));
        byMonth[date.getUTCMonth()]!.push(Number(t.get(r, 'revenue')));
      }
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      const weekdays = [1, 2, 3, 4, 5].map((d) => mean(byWeekday[d]!));
      const weekend = [0, 6].map((d) => mean(byWeekday[d]!));
      expect(Math.max(...weekend)).toBeLessThan(0.9 * Math.min(...weekdays));
      const months = byMonth.map(mean);
      expect(mean([months[10]!, months[11]!])).toBeGreaterThan(
        1.1 * mean([months[4]!, months[5]!, months[6]!]),
      );
    });

    it(`orders mean lifetime value by industry like the multipliers (seed ${seed})`, () => {
      const data = load({ seed });
      const t = data.tables.customer_profiles;
      const values = new Map<string, number[]>();
      for (const r of data.valid.customer_profiles) {
        const industry = t.get(r, 'industry');
        values.set(industry, [...(values.get(industry) ?? []), Number(t.get(r, 'lifetime_value'))]);
      }
      const meanOf = (industry: string) => {
        const xs = values.get(industry) ?? [];
        return xs.reduce((s, x) => s + x, 0) / xs.length;
      };
      const multipliers = data.truth.industryLtvMultipliers;
      const byMultiplier = Object.keys(multipliers).sort(
        (a, b) => multipliers[b]! - multipliers[a]!,
      );
      const byMean = [...values.keys()].sort((a, b) => meanOf(b) - meanOf(a));
      expect(byMean).toEqual(byMultiplier);
    });
  }
});

describe('writeDemo', () => {
  it('writes the same bytes as generateDemo, in ingest order, with the ground truth', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'demo-'));
    try {
      const manifest = await writeDemo(dir, { seed: 11 });
      const expected = generateDemo({ seed: 11 });
      expect(manifest.files.map((f) => f.dataset)).toEqual([
        'customer_profiles',
        'product_information',
        'daily_sales_metrics',
        'sales_transactions',
      ]);
      for (const f of manifest.files) {
        expect(f.path).toBe(join(dir, f.dataset, `${f.dataset}.csv`));
        expect(await readFile(f.path, 'utf8')).toBe(expected.csv[f.dataset]);
      }
      expect(manifest.groundTruthPath).toBe(join(dir, 'ground-truth.json'));
      const written = JSON.parse(await readFile(manifest.groundTruthPath, 'utf8')) as unknown;
      expect(written).toEqual(expected.groundTruth);
      expect(manifest.groundTruth).toEqual(expected.groundTruth);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('streams files larger than one chunk without changing a byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'demo-'));
    try {
      const options = { transactions: 20_000, customers: 3_000 };
      const manifest = await writeDemo(dir, options);
      const expected = generateDemo(options).csv.sales_transactions;
      expect(expected.length).toBeGreaterThan(10 * 2 ** 16); // many 64 KB chunks
      const tx = manifest.files.find((f) => f.dataset === 'sales_transactions');
      expect(await readFile(tx!.path, 'utf8')).toBe(expected);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('options', () => {
  it('rejects unknown keys and sizes out of range with a ConfigError', () => {
    expect(() => generateDemo({ rows: 5 } as DemoOptions)).toThrow(ConfigError);
    expect(() => generateDemo({ transactions: -1 })).toThrow(ConfigError);
    expect(() => generateDemo({ customers: 2.5 })).toThrow(ConfigError);
    expect(() => generateDemo({ seed: 2 ** 32 })).toThrow(ConfigError);
  });

  it('records the sizes used in the ground truth', () => {
    expect(generateDemo({ products: 250 }).groundTruth.options).toEqual({
      seed: 42,
      customers: 500,
      products: 250,
      days: 1095,
      transactions: 5000,
    });
  });
});
