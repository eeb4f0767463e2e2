import { changeDrivers, monthRange, SIGNIFICANT_CHANGE } from '#analysis/drivers/attach.ts';
import type { Contract } from '#platform/ports.ts';
import type { EventsInput } from './events-input.ts';
import { monthlyTotals, type TimeCoverage } from '#query/aggregates.ts';
import type { JoinKey } from '#query/joins.ts';
import { dimensionsOf, enrichedRows } from '#query/joins.ts';
import {
  eventTotals,
  quarterlyRetention,
  valueByDimension,
  type EventColumns,
} from '#query/kpis.ts';
import type { DimensionKpi, KpiFinding } from '#report/findings.ts';
import { isCustomerName, itemsMeasure, valueMeasure } from './measures.ts';
import { isPartial, monthlyTrends, relativeChange, shiftMonth } from './trends.ts';

/**
 * The KPIs of an events dataset (seed document section 1.2): revenue, transactions,
 * average transaction value and items, customers, the repeat-purchase rate, quarterly
 * retention, revenue growth month over month and year over year, and revenue by each
 * dimension of the events and of the entities they join (channel, category, industry),
 * with each value's share and its change over the last twelve full months. All aggregates
 * run as SQL in the query engine.
 */

/** Dimensions with more values than this are not split (a split of 300 names says nothing). */
const MAX_DIMENSION_VALUES = 25;

export async function computeKpis(input: EventsInput): Promise<KpiFinding> {
  const { engine, contract, measures, coverage, joins, contracts } = input;
  const time = contract.timeColumn!;
  const value = valueMeasure(measures);
  const items = itemsMeasure(measures);
  const customer = customerColumn(contract, joins);
  const enriched = enrichedRows(contract, joins, contracts);
  // Only a split by an entity's dimension joins that entity.
  const columns: EventColumns = {
    from: enriched.fromFor([]),
    time,
    ...(customer ? { customer: customer.column } : {}),
    ...(value ? { value } : {}),
    ...(items ? { items } : {}),
  };
  const totals = await eventTotals(engine, columns);

  const months = value ? await monthlyTotals(engine, contract, time, [value]) : [];
  const [trend] = value ? monthlyTrends(contract.dataset, time, [value], months, coverage) : [];

  const full = wholeQuarters(coverage);
  const quarters =
    customer && full
      ? await quarterlyRetention(
          engine,
          { ...columns, customer: customer.column },
          full.first,
          full.last,
        )
      : [];

  const windows = yearWindows(
    months.map((m) => m.month),
    coverage,
  );
  const byDimension: DimensionKpi[] = [];
  if (value) {
    for (const d of dimensionsOf(contract, enriched)) {
      const split = await valueByDimension(
        engine,
        { ...columns, from: enriched.fromFor([d.alias]), value },
        d.alias,
        windows,
      );
      if (split.length < 2 || split.length > MAX_DIMENSION_VALUES) continue;
      const sum = split.reduce((s, x) => s + x.total, 0);
      byDimension.push({
        column: d.column,
        ...(d.entity ? { entity: d.entity } : {}),
        values: split.map((x) => ({
          value: x.value,
          rows: x.rows,
          total: x.total,
          share: sum !== 0 ? x.total / sum : null,
          ...(windows && x.recent !== null && x.prior !== null
            ? {
                recent: x.recent,
                prior: x.prior,
                change: relativeChange(x.prior, x.recent) ?? null,
              }
            : {}),
        })),
      });
    }
  }

  // The month-over-month and year-over-year changes worth a question, with their drivers.
  const source = { engine, contract, joins, contracts };
  for (const growth of [trend?.monthOverMonth, trend?.yearOverYear]) {
    if (!value || !growth || Math.abs(growth.change ?? 0) < SIGNIFICANT_CHANGE) continue;
    const drivers = await changeDrivers(
      source,
      value,
      'sum',
      monthRange(growth.from),
      monthRange(growth.to),
    );
    if (drivers) growth.drivers = drivers;
  }

  const transactions = totals.rows;
  return {
    id: `kpis:${contract.dataset}`,
    kind: 'kpis',
    dataset: contract.dataset,
    timeColumn: time,
    first: coverage.first,
    last: coverage.last,
    ...(value ? { valueColumn: value } : {}),
    ...(items ? { itemsColumn: items } : {}),
    ...(customer ? { customerColumn: customer.column } : {}),
    ...(customer?.join ? { customerEntity: customer.join.entity } : {}),
    transactions,
    revenue: totals.value,
    averageTransactionValue:
      totals.value !== null && transactions > 0 ? totals.value / transactions : null,
    averageItemsPerTransaction:
      totals.items !== null && transactions > 0 ? totals.items / transactions : null,
    customers: totals.customers,
    repeatCustomers: totals.repeatCustomers,
    repeatPurchaseRate:
      totals.customers && totals.repeatCustomers !== null
        ? totals.repeatCustomers / totals.customers
        : null,
    retention: quarters.map((q) => ({
      ...q,
      rate: q.active > 0 ? q.retained / q.active : null,
    })),
    ...(trend
      ? {
          growth: {
            lastFullMonth: trend.lastFullMonth,
            ...(trend.monthOverMonth ? { monthOverMonth: trend.monthOverMonth } : {}),
            ...(trend.yearOverYear ? { yearOverYear: trend.yearOverYear } : {}),
            ...(trend.trailingTwelve ? { trailingTwelve: trend.trailingTwelve } : {}),
          },
        }
      : {}),
    ...(windows ? { windows } : {}),
    byDimension,
  };
}

/** The join whose key or entity names a customer, if any. */
export function customerKey(contract: Contract, joins: readonly JoinKey[]): JoinKey | undefined {
  const own = joins.filter((j) => j.dataset === contract.dataset);
  return (
    own.find((j) => isCustomerName(j.column)) ??
    own.find((j) => isCustomerName(j.entity) || isCustomerName(j.key))
  );
}

/**
 * The column of `contract` that names the customer of each event: the key of a join to a
 * customer entity, or, with no such entity catalogued, a column named like one (CDNOW's
 * `customer_id`); with the join, when there is one.
 */
export function customerColumn(
  contract: Contract,
  joins: readonly JoinKey[],
): { column: string; join?: JoinKey } | undefined {
  const join = customerKey(contract, joins);
  if (join) return { column: join.column, join };
  const named = contract.columns.find(
    (c) =>
      c.name !== contract.primaryKey &&
      ['foreign_key', 'text', 'dimension'].includes(c.role) &&
      isCustomerName(c.name),
  );
  return named ? { column: named.name } : undefined;
}

/** The whole calendar quarters the data covers, as [first, last) dates; undefined if none. */
function wholeQuarters(coverage: TimeCoverage): { first: string; last: string } | undefined {
  const startMonth = coverage.first.slice(0, 7);
  const endMonth = coverage.last.slice(0, 7);
  let from = quarterStart(startMonth);
  if (from !== startMonth || isPartial(startMonth, coverage)) from = shiftMonth(from, 3);
  let toStart = quarterStart(endMonth);
  const toEnd = shiftMonth(toStart, 2);
  if (toEnd !== endMonth || isPartial(endMonth, coverage)) toStart = shiftMonth(toStart, -3);
  if (toStart < from) return undefined;
  return { first: `${from}-01`, last: `${shiftMonth(toStart, 3)}-01` };
}

function quarterStart(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${y}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}`;
}

/**
 * The last twelve full months and the twelve before, as dates (`recentTo` exclusive), when
 * the data covers both whole; otherwise undefined.
 */
function yearWindows(
  months: string[],
  coverage: TimeCoverage,
): { priorFrom: string; recentFrom: string; recentTo: string } | undefined {
  const full = months.filter((m) => !isPartial(m, coverage));
  const last = full[full.length - 1];
  if (!last) return undefined;
  const priorStart = shiftMonth(last, -23);
  if (!full.includes(priorStart)) return undefined;
  return {
    priorFrom: `${priorStart}-01`,
    recentFrom: `${shiftMonth(last, -11)}-01`,
    recentTo: `${shiftMonth(last, 1)}-01`,
  };
}
