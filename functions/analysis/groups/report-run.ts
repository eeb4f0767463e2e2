import { median } from '#analysis/anomaly/robust.ts';
import { valueMeasure } from '#analysis/measures.ts';
import { benjaminiHochberg } from '#analysis/relationships/pairs.ts';
import type { Contract, QueryEngine } from '#platform/ports.ts';
import { enrichedRows, type JoinKey } from '#query/joins.ts';
import { ident, table } from '#query/sql.ts';
import type { GroupDifferenceFinding, GroupTest } from '#report/findings.ts';
import { formatNumber } from '#report/format.ts';
import { compareGroups, type GroupComparison } from './choose.ts';

/**
 * Group differences over the run: for every measure and dimension worth testing (an entity's
 * measures by its own dimensions, such as lifetime value by industry; an event's value by its
 * own dimensions and those of the entities it joins, such as spend by channel or category),
 * all three tests, the one the report trusts and why, eta squared, the post hoc pairs, and
 * Benjamini-Hochberg q-values over every test of the run.
 */

/** A dimension is worth testing with 2 to 25 groups of at least `MIN_GROUP` values. */
const MAX_GROUPS = 25;
const MIN_GROUP = 2;
/** Rows read into memory for one test, at most (a larger table is left for SQL, and said). */
export const MAX_ROWS = 500_000;
/** q-values below this are listed as differences. */
export const GROUPS_Q = 0.05;

export interface GroupsPlan {
  contract: Contract;
  measures: readonly string[];
}

export async function groupDifferences(
  engine: QueryEngine,
  datasets: readonly GroupsPlan[],
  joins: readonly JoinKey[],
): Promise<{ finding?: GroupDifferenceFinding; notComputed: string[] }> {
  const contracts = datasets.map((d) => d.contract);
  const notComputed: string[] = [];
  const tests: Omit<GroupTest, 'qValue'>[] = [];
  for (const { contract, measures } of datasets) {
    const candidates = candidatePairs(contract, measures, joins, contracts);
    for (const c of candidates) {
      const [count] = await engine.query(
        `SELECT count(*) AS n FROM ${c.from} x WHERE ${ident(c.measure)} IS NOT NULL AND ${ident(c.dimension)} IS NOT NULL`,
      );
      const n = Number(count?.['n'] ?? 0);
      if (n > MAX_ROWS) {
        notComputed.push(
          `${contract.dataset}: ${c.measure} by ${c.label}: ${n} rows, more than the ${MAX_ROWS} compared in memory`,
        );
        continue;
      }
      const rows = await engine.query(
        `SELECT CAST(${ident(c.dimension)} AS VARCHAR) AS g, CAST(${ident(c.measure)} AS DOUBLE) AS v FROM ${c.from} x ` +
          `WHERE ${ident(c.measure)} IS NOT NULL AND ${ident(c.dimension)} IS NOT NULL`,
      );
      const byGroup = new Map<string, number[]>();
      for (const r of rows) {
        const g = String(r['g']);
        const list = byGroup.get(g) ?? [];
        list.push(Number(r['v']));
        byGroup.set(g, list);
      }
      const groups = [...byGroup]
        .filter(([, v]) => v.length >= MIN_GROUP)
        .sort((a, b) => a[0].localeCompare(b[0]));
      if (groups.length < 2 || groups.length > MAX_GROUPS) continue;
      const labels = groups.map(([g]) => g);
      const comparison = compareGroups(
        groups.map(([, v]) => v),
        { labels },
      );
      // Every group one repeated value, the groups apart: F = ∞, which report.json cannot hold.
      if (comparison.anova.computable && !Number.isFinite(comparison.anova.f)) {
        notComputed.push(
          `${contract.dataset}: ${c.measure} by ${c.label}: within each group all values are equal (no spread to test against: F is infinite); the groups' values are ${labels.map((g, i) => `${g} ${formatNumber(groups[i]![1][0])}`).join(', ')}`,
        );
        continue;
      }
      const test = describeTest(
        comparison,
        labels,
        groups.map(([, v]) => v),
      );
      if (!test) continue;
      tests.push({
        dataset: contract.dataset,
        measure: c.measure,
        dimension: c.column,
        ...(c.entity ? { entity: c.entity } : {}),
        ...test,
      });
    }
  }
  if (tests.length === 0) return { notComputed };
  const q = benjaminiHochberg(tests.map((t) => t.pValue));
  const withQ: GroupTest[] = tests.map((t, i) => ({ ...t, qValue: q[i]! }));
  return {
    finding: {
      id: 'group-differences',
      kind: 'group_differences',
      qThreshold: GROUPS_Q,
      tested: withQ.length,
      tests: withQ.sort((a, b) => a.qValue - b.qValue || b.etaSquared - a.etaSquared),
    },
    notComputed,
  };
}

interface Candidate {
  from: string;
  measure: string;
  /** The column in `from`: the dimension, or its alias when joined. */
  dimension: string;
  /** The dimension's own name and entity. */
  column: string;
  entity?: string;
  label: string;
}

/** Entities: every measure by every dimension. Events: the value by own and joined dimensions. */
function candidatePairs(
  contract: Contract,
  measures: readonly string[],
  joins: readonly JoinKey[],
  contracts: readonly Contract[],
): Candidate[] {
  const dims = contract.columns.filter((c) => c.role === 'dimension').map((c) => c.name);
  if (contract.kind === 'entities') {
    return measures.flatMap((measure) =>
      dims.map((d) => ({
        from: table(contract),
        measure,
        dimension: d,
        column: d,
        label: d,
      })),
    );
  }
  if (contract.kind !== 'events') return [];
  const value = valueMeasure(measures);
  if (!value) return [];
  const enriched = enrichedRows(contract, joins, contracts);
  return [
    ...dims.map((d) => ({
      from: enriched.fromFor([]),
      measure: value,
      dimension: d,
      column: d,
      label: d,
    })),
    ...enriched.columns.map((j) => ({
      from: enriched.fromFor([j.alias]),
      measure: value,
      dimension: j.alias,
      column: j.column,
      entity: j.entity,
      label: `${j.column} (of ${j.entity})`,
    })),
  ];
}

/** The numbers of one comparison as the finding keeps them; undefined when nothing is computable. */
function describeTest(
  c: GroupComparison,
  labels: readonly string[],
  values: readonly (readonly number[])[],
): Omit<GroupTest, 'dataset' | 'measure' | 'dimension' | 'entity' | 'qValue'> | undefined {
  const trusted =
    c.trusted === 'welch' && c.welch.computable
      ? {
          statistic: c.welch.f,
          df: [c.welch.df1, c.welch.df2] as [number, number],
          pValue: c.welch.p,
        }
      : c.trusted === 'anova' && c.anova.computable
        ? {
            statistic: c.anova.f,
            df: [c.anova.dfBetween, c.anova.dfWithin] as [number, number],
            pValue: c.anova.p,
          }
        : c.trusted === 'kruskal-wallis' && c.kruskalWallis.computable
          ? {
              statistic: c.kruskalWallis.h,
              df: [c.kruskalWallis.df] as [number],
              pValue: c.kruskalWallis.p,
            }
          : undefined;
  if (!trusted || !c.anova.computable || c.trusted === 'none') return undefined;
  const posthoc = c.posthoc;
  const chosen = posthoc
    ? posthoc.trusted === 'tukey-hsd'
      ? posthoc.tukey
      : posthoc.gamesHowell
    : undefined;
  const pairs =
    chosen && 'pairs' in chosen
      ? chosen.pairs.flatMap((p) =>
          p.computable && p.p < 0.05
            ? [
                {
                  a: labels[p.i]!,
                  b: labels[p.j]!,
                  difference: p.difference,
                  low: p.low,
                  high: p.high,
                  pValue: p.p,
                },
              ]
            : [],
        )
      : [];
  return {
    n: values.reduce((s, v) => s + v.length, 0),
    groups: labels.map((value, i) => ({
      value,
      n: values[i]!.length,
      mean: c.groups[i]!.mean,
      median: median(values[i]!),
    })),
    trusted: c.trusted,
    reason: c.reason,
    ...trusted,
    etaSquared: c.anova.etaSquared,
    anova: { f: c.anova.f, df: [c.anova.dfBetween, c.anova.dfWithin], pValue: c.anova.p },
    ...(c.welch.computable
      ? { welch: { f: c.welch.f, df: [c.welch.df1, c.welch.df2], pValue: c.welch.p } }
      : {}),
    ...(c.kruskalWallis.computable
      ? {
          kruskalWallis: {
            h: c.kruskalWallis.h,
            df: c.kruskalWallis.df,
            pValue: c.kruskalWallis.p,
            epsilonSquared: c.kruskalWallis.epsilonSquared,
          },
        }
      : {}),
    posthoc: posthoc ? posthoc.trusted : null,
    pairs,
  };
}
