import { csvLine, formatCents } from './csv.ts';
import { dayNumber, dayOfYear, isoDate, weekday, yearOf } from './dates.ts';
import type { PlantedAnomaly, PlantedRelationship, SeasonalityTruth } from './ground-truth.ts';
import type { InvalidCell, InvalidCellSpec } from './invalid-rows.ts';
import { byIndex, lineOfRow, planInvalidCells, spoilRow } from './invalid-rows.ts';
import { columnFences } from './iqr-fences.ts';
import { SeededRandom, deriveSeed } from './seeded-random.ts';
import { columnNames } from './schema.ts';

/**
 * daily_sales_metrics: one row per day from 2022-01-01, a small causal simulation.
 *
 *   marketing_spend_t  = budget_t x noise               (budget: trend, Q4 push, weekends)
 *   customer_traffic_t = base_t x (0.6 + 0.4 x spend_{t-1} / budget_{t-1}) x noise
 *   quantity_t         = 1.1 x traffic_t x (0.8 + 0.2 x spend_{t-2} / budget_{t-2})
 *                        x (price_t / list_price_t)^-1.5 x noise
 *   price_t            = list_price_t x (1 + N(0, 2%))
 *   revenue = price x quantity, cost = unit_cost x quantity + fixed cost (cost of goods and
 *   operations; marketing is reported apart), profit = revenue - cost, all in whole cents.
 *
 * base_t carries a linear trend, a yearly cycle peaking in early December and a weekly cycle
 * with quieter weekends. Planted anomalies multiply one day's quantity (3x or more: a spike;
 * about 2%: an outage), which moves revenue, cost and profit with it.
 */

export const DAILY_FIRST_DAY = dayNumber('2022-01-01');

/** Sunday ... Saturday. */
const WEEKDAY_NAMES = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];
const TRAFFIC_WEEKLY = [0.8, 1, 1.04, 1.05, 1.03, 0.98, 0.84];
const SPEND_WEEKLY = [0.95, 1, 1, 1, 1, 1, 0.95];
const YEARLY_PEAK_DAY_OF_YEAR = 340;
const TRAFFIC_YEARLY_AMPLITUDE = 0.08;
const SPEND_YEARLY_AMPLITUDE = 0.15;
const TREND_PER_YEAR = 0.06;
const PRICE_ELASTICITY = -1.5;
const FIXED_COST_CENTS = 300_000;

export const DAILY_COLUMNS = columnNames('daily_sales_metrics');

/** The columns a planted quantity anomaly moves, each recorded in the ground truth. */
const ANOMALY_COLUMNS = ['quantity', 'revenue', 'cost', 'profit'] as const;
type AnomalyColumn = (typeof ANOMALY_COLUMNS)[number];

export const DAILY_RELATIONSHIPS: readonly PlantedRelationship[] = [
  {
    dataset: 'daily_sales_metrics',
    cause: 'marketing_spend',
    effect: 'customer_traffic',
    lagDays: 1,
    sign: 'positive',
    mechanism: "traffic depends on the previous day's spend relative to its budget",
  },
  {
    dataset: 'daily_sales_metrics',
    cause: 'marketing_spend',
    effect: 'quantity',
    lagDays: 2,
    sign: 'positive',
    mechanism: 'conversion depends on the spend of two days before (and on traffic, lag 1)',
  },
  {
    dataset: 'daily_sales_metrics',
    cause: 'marketing_spend',
    effect: 'revenue',
    lagDays: 2,
    sign: 'positive',
    mechanism: 'revenue = price x quantity',
  },
  {
    dataset: 'daily_sales_metrics',
    cause: 'customer_traffic',
    effect: 'quantity',
    lagDays: 0,
    sign: 'positive',
    mechanism: 'units sold are proportional to the same day traffic',
  },
  {
    dataset: 'daily_sales_metrics',
    cause: 'price',
    effect: 'quantity',
    lagDays: 0,
    sign: 'negative',
    mechanism: 'price elasticity -1.5 around the list price',
  },
];

export const DAILY_SEASONALITY: SeasonalityTruth = {
  dataset: 'daily_sales_metrics',
  weekly: Object.fromEntries(WEEKDAY_NAMES.map((name, i) => [name, TRAFFIC_WEEKLY[i] ?? 1])),
  yearlyAmplitude: TRAFFIC_YEARLY_AMPLITUDE,
  yearlyPeakDayOfYear: YEARLY_PEAK_DAY_OF_YEAR,
  trendPerYear: TREND_PER_YEAR,
};

/** One simulated day, before any planted anomaly. */
interface DayDrivers {
  day: number;
  spendCents: number;
  traffic: number;
  priceCents: number;
  quantity: number;
  unitCostCents: number;
}

export interface DailyRow {
  day: number;
  spendCents: number;
  traffic: number;
  priceCents: number;
  quantity: number;
  revenueCents: number;
  costCents: number;
  profitCents: number;
}

interface AnomalyPlan {
  index: number;
  kind: 'spike' | 'drop';
  factor: number;
}

export interface DailyTable {
  rows: DailyRow[];
  invalid: InvalidCell[];
  anomalies: PlantedAnomaly[];
}

function yearlyCycle(day: number): number {
  return Math.cos((2 * Math.PI * (dayOfYear(day) - YEARLY_PEAK_DAY_OF_YEAR)) / 365.25);
}

function simulate(random: SeededRandom, days: number): DayDrivers[] {
  const budgets: number[] = [];
  const ratios: number[] = []; // spend / budget, the part of spend that is news
  const out: DayDrivers[] = [];
  for (let t = 0; t < days; t += 1) {
    const day = DAILY_FIRST_DAY + t;
    const years = t / 365.25;
    const trend = 1 + TREND_PER_YEAR * years;
    const cycle = yearlyCycle(day);
    const dow = weekday(day);
    const budget = 6_000 * trend * (1 + SPEND_YEARLY_AMPLITUDE * cycle) * (SPEND_WEEKLY[dow] ?? 1);
    const spendCents = Math.round(budget * random.noiseFactor(0.25) * 100);
    budgets.push(budget);
    ratios.push(spendCents / 100 / budget);
    const ratioLag1 = ratios[t - 1] ?? 1;
    const ratioLag2 = ratios[t - 2] ?? 1;
    const traffic = Math.round(
      1_250 *
        trend *
        (1 + TRAFFIC_YEARLY_AMPLITUDE * cycle) *
        (TRAFFIC_WEEKLY[dow] ?? 1) *
        (0.6 + 0.4 * ratioLag1) *
        random.noiseFactor(0.04),
    );
    const listPrice = 35 * (1 + 0.02 * years);
    const priceCents = Math.round(listPrice * (1 + random.normal(0, 0.02)) * 100);
    const quantity = Math.max(
      1,
      Math.round(
        1.1 *
          traffic *
          (0.8 + 0.2 * ratioLag2) *
          (priceCents / 100 / listPrice) ** PRICE_ELASTICITY *
          random.noiseFactor(0.04),
      ),
    );
    const unitCostCents = Math.round(
      21.5 * (1 + 0.03 * years) * (1 + random.normal(0, 0.01)) * 100,
    );
    out.push({ day, spendCents, traffic, priceCents, quantity, unitCostCents });
  }
  return out;
}

function rowWithQuantity(d: DayDrivers, quantity: number): DailyRow {
  const revenueCents = d.priceCents * quantity;
  const costCents = d.unitCostCents * quantity + FIXED_COST_CENTS;
  return {
    day: d.day,
    spendCents: d.spendCents,
    traffic: d.traffic,
    priceCents: d.priceCents,
    quantity,
    revenueCents,
    costCents,
    profitCents: revenueCents - costCents,
  };
}

function columnValue(row: DailyRow, column: AnomalyColumn): number {
  switch (column) {
    case 'quantity':
      return row.quantity;
    case 'revenue':
      return row.revenueCents / 100;
    case 'cost':
      return row.costCents / 100;
    case 'profit':
      return row.profitCents / 100;
  }
}

/** Five dates at least two weeks apart, none in the first week (the lags need history). */
function chooseAnomalyDays(random: SeededRandom, days: number): AnomalyPlan[] {
  const starts: readonly AnomalyPlan['kind'][] = ['spike', 'drop', 'spike', 'drop', 'spike'];
  const factors = [3, 0.02, 3.5, 0.03, 3];
  const chosen: AnomalyPlan[] = [];
  for (const [n, kind] of starts.entries()) {
    let index = random.int(7, days - 1);
    while (chosen.some((c) => Math.abs(c.index - index) < 14)) index = random.int(7, days - 1);
    chosen.push({ index, kind, factor: factors[n] ?? 3 });
  }
  return chosen.sort((a, b) => a.index - b.index);
}

function applyPlan(
  base: readonly DailyRow[],
  drivers: readonly DayDrivers[],
  plan: readonly AnomalyPlan[],
): DailyRow[] {
  const rows = [...base];
  for (const p of plan) {
    const d = drivers[p.index];
    if (d === undefined) continue;
    rows[p.index] = rowWithQuantity(d, Math.max(1, Math.round(d.quantity * p.factor)));
  }
  return rows;
}

/**
 * Strengthens the planted anomalies until each lies beyond Q1 - 3 IQR or Q3 + 3 IQR of every
 * column it moves (computed on the valid rows, anomalies included): a spike grows by half
 * again; a drop that cannot get below the lower fence becomes a spike.
 */
function settleAnomalies(
  drivers: readonly DayDrivers[],
  base: readonly DailyRow[],
  plan: AnomalyPlan[],
  invalidRows: ReadonlySet<number>,
): DailyRow[] {
  for (let attempt = 0; attempt < 12; attempt += 1) {
    const rows = applyPlan(base, drivers, plan);
    const valid = rows.filter((_, i) => !invalidRows.has(i));
    const fences = Object.fromEntries(
      ANOMALY_COLUMNS.map((c) => [
        c,
        columnFences(
          valid.map((r) => columnValue(r, c)),
          3,
        ),
      ]),
    ) as Record<AnomalyColumn, ReturnType<typeof columnFences>>;
    let settled = true;
    for (const p of plan) {
      const row = rows[p.index];
      if (row === undefined) continue;
      const beyond = ANOMALY_COLUMNS.every((c) =>
        p.kind === 'spike'
          ? columnValue(row, c) > fences[c].upper
          : columnValue(row, c) < fences[c].lower,
      );
      if (beyond) continue;
      settled = false;
      if (p.kind === 'spike') p.factor *= 1.5;
      else Object.assign(p, { kind: 'spike', factor: 3 });
    }
    if (settled) return rows;
  }
  throw new Error('daily anomalies did not settle beyond the 3 IQR fences');
}

const INVALID_SPECS: readonly InvalidCellSpec[] = [
  {
    column: 'date',
    kind: 'invalid_date',
    rawValue: (index) => `${yearOf(DAILY_FIRST_DAY + index)}-13-45`,
  },
  { column: 'marketing_spend', kind: 'non_numeric', rawValue: 'n/a' },
  { column: 'customer_traffic', kind: 'non_numeric', rawValue: 'twelve' },
];

export function generateDailySales(seed: number, days: number): DailyTable {
  const random = new SeededRandom(deriveSeed(seed, 'daily_sales_metrics'));
  const planRandom = new SeededRandom(deriveSeed(seed, 'daily_sales_metrics/plan'));
  const drivers = simulate(random, days);
  const base = drivers.map((d) => rowWithQuantity(d, d.quantity));
  const plan = chooseAnomalyDays(planRandom, days);
  const near = new Set(plan.flatMap((p) => [-2, -1, 0, 1, 2].map((k) => p.index + k)));
  const invalid = planInvalidCells(planRandom, days, INVALID_SPECS, near, 3);
  const rows = settleAnomalies(drivers, base, plan, new Set(invalid.map((c) => c.index)));
  const anomalies = plan.flatMap((p): PlantedAnomaly[] => {
    const row = rows[p.index];
    const expected = base[p.index];
    if (row === undefined || expected === undefined) return [];
    return ANOMALY_COLUMNS.map((column) => ({
      dataset: 'daily_sales_metrics',
      column,
      keyColumn: 'date',
      key: isoDate(row.day),
      line: lineOfRow(p.index),
      value: columnValue(row, column),
      expected: columnValue(expected, column),
      kind: p.kind,
    }));
  });
  return { rows, invalid, anomalies };
}

/** The data lines of daily_sales_metrics.csv, without the header. */
export function* dailyLines(table: DailyTable): Generator<string> {
  const invalid = byIndex(table.invalid);
  for (let i = 0; i < table.rows.length; i += 1) {
    const r = table.rows[i];
    if (r === undefined) continue;
    const fields = [
      isoDate(r.day),
      formatCents(r.spendCents),
      String(r.traffic),
      formatCents(r.priceCents),
      String(r.quantity),
      formatCents(r.revenueCents),
      formatCents(r.costCents),
      formatCents(r.profitCents),
    ];
    yield csvLine(spoilRow(fields, DAILY_COLUMNS, invalid.get(i)));
  }
}
