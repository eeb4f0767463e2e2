import { CHANNELS, CHANNEL_WEIGHTS, purchaseWeights } from './customers.ts';
import type { Channel, CustomerTable } from './customers.ts';
import { csvLine, formatCents } from './csv.ts';
import { dayNumber, dayOfYear, isoDates, weekday } from './dates.ts';
import type { PlantedAnomaly, PlantedDriver, PlantedRelationship } from './ground-truth.ts';
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

/**
 * Two changes that one value of one dimension drives, for the report's drivers to find
 * (issue 9): a partner-channel flash sale on one day, eight times the day's usual orders,
 * the extra ones all through partners; and a price rise of Electronics in the last month.
 */
export const PLANTED_SURGE = {
  day: dayNumber('2024-06-12'),
  channel: 'partner' as Channel,
  multiplier: 8,
};
export const PLANTED_PRICE_RISE = {
  category: 'Electronics',
  from: dayNumber('2024-12-01'),
  /** Exclusive. */
  to: dayNumber('2025-01-01'),
  factor: 1.5,
};

/** What the drivers of the planted changes must name, for ground-truth.json. */
export const TRANSACTION_DRIVERS: readonly PlantedDriver[] = [
  {
    dataset: 'sales_transactions',
    // Its net amount moves as much, but discounts make that series too noisy to flag the day.
    measure: 'gross_amount',
    kind: 'channel_surge',
    dimension: 'channel',
    value: PLANTED_SURGE.channel,
    target: { from: '2024-06-12', to: '2024-06-13' },
    mechanism: `a flash sale through partners: ${PLANTED_SURGE.multiplier} times the day's usual orders, the extra ones all partner orders`,
  },
  {
    dataset: 'sales_transactions',
    measure: 'net_amount',
    kind: 'price_change',
    dimension: 'category',
    entity: 'product_information',
    value: PLANTED_PRICE_RISE.category,
    target: { from: '2024-12-01', to: '2025-01-01' },
    mechanism: `Electronics unit prices ${PLANTED_PRICE_RISE.factor}x in December 2024; quantities as before`,
  },
];
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
    const surge = day === PLANTED_SURGE.day ? PLANTED_SURGE.multiplier : 1;
    sum +=
      (WEEKLY_INTENSITY[weekday(day)] ?? 1) * (1 + 0.12 * cycle) * (1 + (0.1 * d) / 365) * surge;
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
  const day = TRANSACTIONS_FIRST_DAY + dayOffset;
  let channel: Channel = random.chance(0.6)
    ? customer.preferredChannel
    : (CHANNELS[random.weightedIndex(CHANNEL_WEIGHTS)] ?? 'web');
  // The flash sale's extra orders (all but one in `multiplier`) are partner orders.
  if (day === PLANTED_SURGE.day && random.chance(1 - 1 / PLANTED_SURGE.multiplier))
    channel = PLANTED_SURGE.channel;
  const rate = Math.min(5, Math.max(0.2, 1.2 * (40 / (product.priceCents / 100)) ** 0.35));
  const quantity = Math.min(MAX_ORDINARY_QUANTITY, 1 + random.poisson(rate));
  const unitPriceCents =
    product.category === PLANTED_PRICE_RISE.category &&
    day >= PLANTED_PRICE_RISE.from &&
    day < PLANTED_PRICE_RISE.to
      ? Math.round(product.priceCents * PLANTED_PRICE_RISE.factor)
      : product.priceCents;
  const grossCents = quantity * unitPriceCents;
  const discountCents = random.chance(0.35)
    ? Math.round(grossCents * random.pick(DISCOUNT_RATES))
    : 0;
  return {
    index,
    day,
    customerIndex,
    productIndex,
    quantity,
    unitPriceCents,
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
