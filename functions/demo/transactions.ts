import { CHANNELS, CHANNEL_WEIGHTS, purchaseWeights } from './customers.ts';
import type { Channel, CustomerTable } from './customers.ts';
import { csvLine, formatCents } from './csv.ts';
import { dayNumber, dayOfYear, isoDates, weekday } from './dates.ts';
import type { PlantedAnomaly, PlantedRelationship } from './ground-truth.ts';
import type { InvalidCell, InvalidCellSpec } from './invalid-rows.ts';
import { byIndex, lineOfRow, planInvalidCells, spoilRow } from './invalid-rows.ts';
import { popularityWeights, validProductsByPrice } from './products.ts';
import type { ProductTable } from './products.ts';
import { SeededRandom, deriveSeed, pickCumulative } from './seeded-random.ts';
import { columnNames, formatId } from './schema.ts';

/**
 * sales_transactions: one row per order line, 2023-01-01 to 2024-12-31, in date order.
 *
 * Row i is a pure function of (seed, count, i): its own random stream, its date from the
 * inverse of the cumulative daily intensity (weekly and yearly cycles, a trend) at
 * (i + u) / count, so any row can be made without the others (the ground truth knows the
 * bulk orders before a line is written) and 10,000,000 rows stream in constant memory. The customer is drawn
 * by purchase weight among those signed up by that date, the product by popularity; invalid
 * customers and products are never drawn.
 */

export const TRANSACTIONS_FIRST_DAY = dayNumber('2023-01-01');
export const TRANSACTIONS_LAST_DAY = dayNumber('2024-12-31');
/** Largest quantity of an ordinary order line. */
export const MAX_ORDINARY_QUANTITY = 20;

const WEEKLY_INTENSITY = [0.55, 1.05, 1.1, 1.1, 1.08, 1, 0.6];
const DISCOUNT_RATES = [0.05, 0.1, 0.15, 0.2];
const BULK_ORDERS = 3;

export const TRANSACTION_COLUMNS = columnNames('sales_transactions');

export const TRANSACTION_RELATIONSHIPS: readonly PlantedRelationship[] = [
  {
    dataset: 'sales_transactions',
    cause: 'unit_price',
    effect: 'quantity',
    lagDays: 0,
    sign: 'negative',
    mechanism: 'cheaper products are bought in larger quantities (Poisson rate ~ price^-0.35)',
  },
];

export interface TransactionRow {
  index: number;
  day: number;
  customerIndex: number;
  productIndex: number;
  quantity: number;
  unitPriceCents: number;
  grossCents: number;
  discountCents: number;
  netCents: number;
  channel: Channel;
}

export interface TransactionPlan {
  seed: number;
  count: number;
  customers: CustomerTable;
  products: ProductTable;
  invalid: InvalidCell[];
  /** Row index -> the product and quantity of its bulk order. */
  bulk: Map<number, { productIndex: number; quantity: number }>;
  anomalies: PlantedAnomaly[];
  customerWeights: Float64Array;
  productWeights: Float64Array;
  /** Cumulative share of the transactions up to and including each day (last = 1). */
  dayShare: Float64Array;
  /** How many customers have signed up by each day (a prefix of the list). */
  eligibleCustomers: Int32Array;
  dates: string[];
  /** Scratch stream, reseeded for each row (so row i depends only on the seed and i). */
  rowRandom: SeededRandom;
}

function dailyShares(days: number): Float64Array {
  const out = new Float64Array(days);
  let sum = 0;
  for (let d = 0; d < days; d += 1) {
    const day = TRANSACTIONS_FIRST_DAY + d;
    const cycle = Math.cos((2 * Math.PI * (dayOfYear(day) - 340)) / 365.25);
    sum += (WEEKLY_INTENSITY[weekday(day)] ?? 1) * (1 + 0.12 * cycle) * (1 + (0.1 * d) / 365);
    out[d] = sum;
  }
  return out.map((v) => v / sum);
}

function signedUpBy(customers: CustomerTable, days: number): Int32Array {
  const out = new Int32Array(days);
  let k = 0;
  for (let d = 0; d < days; d += 1) {
    while (
      k < customers.customers.length &&
      (customers.customers[k]?.signupDay ?? Infinity) <= TRANSACTIONS_FIRST_DAY + d
    )
      k += 1;
    out[d] = k;
  }
  return out;
}

function firstAbove(cumulative: Float64Array, target: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] ?? 1) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Row i as the ordinary process makes it, before any planted bulk order. */
export function ordinaryTransaction(plan: TransactionPlan, index: number): TransactionRow {
  const random = plan.rowRandom.reseed(deriveSeed(plan.seed, index));
  const dayOffset = firstAbove(plan.dayShare, (index + random.next()) / plan.count);
  let eligible = plan.eligibleCustomers[dayOffset] ?? 0;
  if (eligible === 0 || (plan.customerWeights[eligible - 1] ?? 0) === 0) {
    eligible = plan.customers.customers.length;
  }
  const customerIndex = pickCumulative(plan.customerWeights, eligible, random.next());
  const productIndex = pickCumulative(
    plan.productWeights,
    plan.productWeights.length,
    random.next(),
  );
  const customer = plan.customers.customers[customerIndex];
  const product = plan.products.products[productIndex];
  if (customer === undefined || product === undefined)
    throw new RangeError(`row ${index}: no customer or product`);
  const channel = random.chance(0.6)
    ? customer.preferredChannel
    : (CHANNELS[random.weightedIndex(CHANNEL_WEIGHTS)] ?? 'web');
  const rate = Math.min(5, Math.max(0.2, 1.2 * (40 / (product.priceCents / 100)) ** 0.35));
  const quantity = Math.min(MAX_ORDINARY_QUANTITY, 1 + random.poisson(rate));
  const grossCents = quantity * product.priceCents;
  const discountCents = random.chance(0.35)
    ? Math.round(grossCents * random.pick(DISCOUNT_RATES))
    : 0;
  return {
    index,
    day: TRANSACTIONS_FIRST_DAY + dayOffset,
    customerIndex,
    productIndex,
    quantity,
    unitPriceCents: product.priceCents,
    grossCents,
    discountCents,
    netCents: grossCents - discountCents,
    channel,
  };
}

/** Row i as written: the ordinary row, or the planted bulk order that replaces its line. */
export function transactionAt(plan: TransactionPlan, index: number): TransactionRow {
  const row = ordinaryTransaction(plan, index);
  const bulk = plan.bulk.get(index);
  if (bulk === undefined) return row;
  const product = plan.products.products[bulk.productIndex];
  if (product === undefined) throw new RangeError(`bulk order ${index}: no product`);
  const grossCents = bulk.quantity * product.priceCents;
  return {
    ...row,
    productIndex: bulk.productIndex,
    quantity: bulk.quantity,
    unitPriceCents: product.priceCents,
    grossCents,
    discountCents: 0,
    netCents: grossCents,
  };
}

export function transactionId(plan: Pick<TransactionPlan, 'count'>, index: number): string {
  return formatId('T', index + 1, plan.count, 6);
}

const INVALID_SPECS: readonly InvalidCellSpec[] = [
  { column: 'customer_id', kind: 'empty_foreign_key', rawValue: '' },
  { column: 'transaction_date', kind: 'invalid_date', rawValue: '2024-13-45' },
  { column: 'quantity', kind: 'non_numeric', rawValue: 'twelve' },
];

/**
 * Plans the transactions: the invalid rows, and three bulk orders whose net amount is at
 * least 5.7 times the largest possible ordinary one (20 units of the dearest product). For
 * non-negative values Q3 + 3 IQR <= 4 Q3 <= 4 x that maximum, so each bulk order lies beyond
 * the 3 IQR fence whatever the other rows are.
 */
export function planTransactions(
  seed: number,
  count: number,
  customers: CustomerTable,
  products: ProductTable,
): TransactionPlan {
  const days = TRANSACTIONS_LAST_DAY - TRANSACTIONS_FIRST_DAY + 1;
  const planRandom = new SeededRandom(deriveSeed(seed, 'sales_transactions/plan'));
  const byPrice = validProductsByPrice(products);
  const dearest = products.products[byPrice[0] ?? 0]?.priceCents ?? 1;
  const ordinaryMax = MAX_ORDINARY_QUANTITY * dearest;
  const bulk = new Map<number, { productIndex: number; quantity: number }>();
  while (bulk.size < BULK_ORDERS) {
    const index = planRandom.int(0, count - 1);
    if (bulk.has(index)) continue;
    const productIndex = planRandom.pick(byPrice.slice(0, 10));
    const price = products.products[productIndex]?.priceCents ?? 1;
    bulk.set(index, { productIndex, quantity: Math.max(50, Math.ceil((6 * ordinaryMax) / price)) });
  }
  const invalid = planInvalidCells(planRandom, count, INVALID_SPECS, new Set(bulk.keys()));
  const plan: TransactionPlan = {
    seed: deriveSeed(seed, 'sales_transactions'),
    count,
    customers,
    products,
    invalid,
    bulk,
    anomalies: [],
    customerWeights: purchaseWeights(customers),
    productWeights: popularityWeights(products),
    dayShare: dailyShares(days),
    eligibleCustomers: signedUpBy(customers, days),
    dates: isoDates(TRANSACTIONS_FIRST_DAY, days),
    rowRandom: new SeededRandom(0),
  };
  plan.anomalies = [...bulk.keys()]
    .sort((a, b) => a - b)
    .flatMap((index) => {
      const ordinary = ordinaryTransaction(plan, index);
      const planted = transactionAt(plan, index);
      const values: [string, number, number][] = [
        ['net_amount', planted.netCents / 100, ordinary.netCents / 100],
        ['gross_amount', planted.grossCents / 100, ordinary.grossCents / 100],
        ['quantity', planted.quantity, ordinary.quantity],
      ];
      return values.map(([column, value, expected]) => ({
        dataset: 'sales_transactions' as const,
        column,
        keyColumn: 'transaction_id' as const,
        key: transactionId(plan, index),
        line: lineOfRow(index),
        value,
        expected,
        kind: 'bulk_order' as const,
      }));
    });
  return plan;
}

/** The data lines of sales_transactions.csv, without the header, one row at a time. */
export function* transactionLines(plan: TransactionPlan): Generator<string> {
  const invalid = byIndex(plan.invalid);
  for (let i = 0; i < plan.count; i += 1) {
    const row = transactionAt(plan, i);
    const fields = [
      transactionId(plan, i),
      plan.dates[row.day - TRANSACTIONS_FIRST_DAY] ?? '',
      plan.customers.customers[row.customerIndex]?.id ?? '',
      plan.products.products[row.productIndex]?.id ?? '',
      String(row.quantity),
      formatCents(row.unitPriceCents),
      formatCents(row.grossCents),
      formatCents(row.discountCents),
      formatCents(row.netCents),
      row.channel,
    ];
    yield csvLine(spoilRow(fields, TRANSACTION_COLUMNS, invalid.get(i)));
  }
}
