import { median } from '#analysis/anomaly/robust.ts';
import { dayOf as dayNumber } from '#analysis/ltv/rfm.ts';
import { compareGroups } from '#analysis/groups/choose.ts';
import { customerColumn } from '#analysis/kpis.ts';
import { valueMeasure } from '#analysis/measures.ts';
import { spearman } from '#analysis/stats/correlation.ts';
import type { EventsInput } from '#analysis/events-input.ts';
import {
  customerActivity,
  entityTraits,
  purchaseDaysBetween,
  type CustomerActivity,
} from '#query/customers.ts';
import { dimensionsOf, enrichedRows } from '#query/joins.ts';
import { table } from '#query/sql.ts';
import type { CustomerFinding, TopCustomer, ValueDriver } from '#report/findings.ts';
import {
  calibrationEnd,
  holdoutFrom,
  predictLifetimeValue,
  unitFor,
  type PredictedValue,
} from './lifetime-value.ts';
import { profileSegments, segmentCustomers, type Behaviour } from './segments.ts';

/**
 * The customers of an events dataset: one row each from SQL, then segments (RFM and tenure,
 * k-means), predicted lifetime value (BG/NBD and Gamma-Gamma) with its holdout check, the
 * traits and behaviours that go with higher value, and the customers worth most.
 */

/** Customers needed for segments and models (k up to 8 and four parameters to fit). */
export const MIN_CUSTOMERS = 20;
/** How many customers the top table lists. */
const TOP = 10;
/** A trait with more values than this is not compared as groups. */
const MAX_GROUPS = 25;

export async function analyseCustomers(
  input: EventsInput,
): Promise<{ finding?: CustomerFinding; notComputed?: string }> {
  const { engine, contract, measures, coverage, joins, contracts } = input;
  const customer = customerColumn(contract, joins);
  if (!customer)
    return { notComputed: 'no column names a customer (customer_id, client, user ...)' };
  const { column, join } = customer;
  const value = valueMeasure(measures);
  const enriched = enrichedRows(contract, joins, contracts);
  // What customers mainly buy through: the events' own dimensions and those of other entities.
  const dimensions = dimensionsOf(contract, enriched).filter(
    (d) => d.entity === undefined || d.entity !== join?.entity,
  );
  // Only the main value of an entity's dimension joins that entity.
  const events = {
    from: enriched.fromFor([]),
    time: contract.timeColumn!,
    customer: column,
    ...(value ? { value } : {}),
  };
  const activity = await customerActivity(engine, events, {
    dimensions: dimensions.map((d) => d.alias),
    fromOf: (key) => enriched.fromFor([key]),
  });
  if (activity.length < MIN_CUSTOMERS)
    return {
      notComputed: `${activity.length} customers, need ${MIN_CUSTOMERS} for segments and lifetime value`,
    };

  const end = coverage.last;
  const behaviour: (Behaviour & { main: Record<string, string | null> })[] = activity.map((a) => ({
    recency: dayNumber(end) - dayNumber(a.last),
    frequency: a.days,
    monetary: value ? a.value : a.orders,
    tenure: dayNumber(end) - dayNumber(a.first),
    main: a.main,
  }));
  const segmentation = segmentCustomers(behaviour);
  const segments = profileSegments(behaviour, segmentation, dimensions);

  const notes: string[] = [];
  if (!value) notes.push('no money measure: value is the number of orders');
  const unit = unitFor(coverage.first, end);
  let predicted: PredictedValue | undefined;
  let holdout: CustomerFinding['holdout'];
  if (value) {
    try {
      predicted = predictLifetimeValue(activity, end, unit);
    } catch (error) {
      notes.push(`no predicted lifetime value: ${(error as Error).message}`);
    }
    try {
      const calEnd = calibrationEnd(coverage.first, end);
      const calibration = await customerActivity(engine, events, { until: calEnd });
      const after = await purchaseDaysBetween(engine, events, calEnd, end);
      const check = holdoutFrom(calibration, after, calEnd, end, unit);
      holdout = {
        calibrationEnd: calEnd,
        holdoutEnd: end,
        customers: check.customers,
        newInHoldout: check.newInHoldout,
        totalPredicted: check.totalPredicted,
        totalActual: check.totalActual,
        meanAbsoluteError: check.meanAbsoluteError,
        byFrequency: check.byFrequency,
      };
    } catch (error) {
      notes.push(`no holdout check: ${(error as Error).message}`);
    }
  }

  // Traits of the customers from the entity they join (its dimensions and measures, never pii).
  const entity = join ? contracts.find((c) => c.dataset === join.entity) : undefined;
  const traitColumns = (entity?.columns ?? []).filter(
    (c) => (c.role === 'dimension' || c.role === 'measure') && c.name !== join?.key,
  );
  const traits = entity
    ? await entityTraits(engine, {
        from: table(entity),
        key: join!.key,
        columns: traitColumns.map((c) => c.name),
      })
    : new Map<string, Record<string, string | number | null>>();

  const values = behaviour.map((b) => b.monetary);
  const drivers = valueDrivers(activity, behaviour, traits, traitColumns, entity?.dataset);
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  const top: TopCustomer[] = order.slice(0, TOP).map((i) => {
    const a = activity[i]!;
    return {
      customer: a.customer,
      value: values[i]!,
      purchaseDays: a.days,
      lastPurchase: a.last,
      segment: segments[segmentation.labels[i]!]!.name,
      predictedValue: predicted ? predicted.value[i]! : null,
      probabilityAlive: predicted ? predicted.probabilityAlive[i]! : null,
      traits: Object.fromEntries(
        traitColumns
          .filter((c) => c.role === 'dimension')
          .map((c) => [c.name, traits.get(a.customer)?.[c.name] ?? null]),
      ),
    };
  });
  const total = values.reduce((s, v) => s + v, 0);
  const topTenth = order
    .slice(0, Math.max(1, Math.round(values.length / 10)))
    .reduce((s, i) => s + values[i]!, 0);

  return {
    finding: {
      id: `customers:${contract.dataset}`,
      kind: 'customers',
      dataset: contract.dataset,
      customerColumn: column,
      ...(join ? { entity: join.entity } : {}),
      ...(value ? { valueColumn: value } : {}),
      first: coverage.first,
      last: end,
      customers: activity.length,
      historical: {
        total,
        median: median(values),
        mean: total / values.length,
        top10Share: total !== 0 ? topTenth / total : 0,
      },
      segments,
      segmentChoice: segmentation.choice,
      ...(predicted
        ? {
            lifetimeValue: {
              ...predicted.model,
              total: predicted.value.reduce((s, v) => s + v, 0),
              median: median(predicted.value),
              likelyLapsed: predicted.probabilityAlive.filter((p) => p < 0.5).length,
            },
          }
        : {}),
      ...(holdout ? { holdout } : {}),
      drivers,
      top,
      notes,
    },
  };
}

/**
 * What goes with higher value: each trait of the customers (their entity's dimensions, by
 * the group comparison the report trusts; its measures, by Spearman's rank correlation) and
 * each behaviour (frequency, tenure, recency, by rank correlation), strongest first.
 */
function valueDrivers(
  activity: readonly CustomerActivity[],
  behaviour: readonly Behaviour[],
  traits: ReadonlyMap<string, Record<string, string | number | null>>,
  traitColumns: readonly { name: string; role: string }[],
  entity: string | undefined,
): ValueDriver[] {
  const values = behaviour.map((b) => b.monetary);
  const drivers: ValueDriver[] = [];
  for (const c of traitColumns) {
    const column = c.name;
    const own = activity.map((a) => traits.get(a.customer)?.[column] ?? null);
    if (c.role === 'dimension') {
      const byGroup = new Map<string, number[]>();
      own.forEach((g, i) => {
        if (g === null) return;
        const key = String(g);
        // In place: copying the group's list for each customer is quadratic (100,000
        // customers in a few groups: billions of copies).
        const group = byGroup.get(key);
        if (group) group.push(values[i]!);
        else byGroup.set(key, [values[i]!]);
      });
      const groups = [...byGroup]
        .filter(([, v]) => v.length >= 2)
        .sort((a, b) => a[0].localeCompare(b[0]));
      if (groups.length < 2 || groups.length > MAX_GROUPS) continue;
      const comparison = compareGroups(
        groups.map(([, v]) => v),
        { labels: groups.map(([g]) => g), posthoc: false },
      );
      const numbers = trustedNumbers(comparison);
      const anova = comparison.anova;
      if (!numbers || !anova.computable) continue;
      drivers.push({
        kind: 'groups',
        column,
        ...(entity ? { entity } : {}),
        test: comparison.trusted,
        reason: comparison.reason,
        ...numbers,
        etaSquared: anova.etaSquared,
        groups: groups.map(([g, v]) => ({
          value: g,
          customers: v.length,
          medianValue: median(v),
          meanValue: v.reduce((s, x) => s + x, 0) / v.length,
        })),
      });
    } else {
      const r = spearman(
        own.map((v) => (typeof v === 'number' ? v : null)),
        values,
      );
      if (r)
        drivers.push({
          kind: 'correlation',
          column,
          ...(entity ? { entity } : {}),
          rho: r.rho,
          pValue: r.pValue,
          customers: r.n,
        });
    }
  }
  for (const b of ['frequency', 'tenure', 'recency'] as const) {
    const r = spearman(
      behaviour.map((x) => x[b]),
      values,
    );
    if (r)
      drivers.push({
        kind: 'correlation',
        column: b,
        rho: r.rho,
        pValue: r.pValue,
        customers: r.n,
      });
  }
  const strength = (d: ValueDriver) =>
    d.kind === 'groups' ? Math.sqrt(d.etaSquared) : Math.abs(d.rho);
  return drivers.sort((a, b) => strength(b) - strength(a));
}

/** The statistic, degrees of freedom and p-value of the test a comparison trusts. */
function trustedNumbers(
  c: ReturnType<typeof compareGroups>,
): { statistic: number; df: [number, number] | [number]; pValue: number } | undefined {
  if (c.trusted === 'welch' && c.welch.computable)
    return { statistic: c.welch.f, df: [c.welch.df1, c.welch.df2], pValue: c.welch.p };
  if (c.trusted === 'anova' && c.anova.computable)
    return { statistic: c.anova.f, df: [c.anova.dfBetween, c.anova.dfWithin], pValue: c.anova.p };
  if (c.trusted === 'kruskal-wallis' && c.kruskalWallis.computable)
    return { statistic: c.kruskalWallis.h, df: [c.kruskalWallis.df], pValue: c.kruskalWallis.p };
  return undefined;
}
