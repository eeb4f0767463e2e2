import type { GroupDifferenceFinding, RelationshipFinding } from '../findings.ts';
import { groupDifferenceFindings, relationshipFindings, type ReportModel } from '../model.ts';
import { opt, reportTable, type ReportTable } from './table.ts';

/** The run-wide tests: predictive relationships between series, and differences between groups. */
export function associationTables(m: ReportModel): ReportTable[] {
  const relationships = relationshipFindings(m);
  const groups = groupDifferenceFindings(m);
  return [
    relationshipTable(relationships),
    groupDifferences(groups),
    groupMeans(groups),
    groupPairs(groups),
  ];
}

/**
 * Every pair tested, lowest q first, not only those the report lists: `predictive` marks
 * those (q below the run's threshold), so the rest is the evidence of what was not found.
 */
function relationshipTable(findings: RelationshipFinding[]): ReportTable {
  const threshold = findings[0]?.qThreshold ?? "the run's threshold";
  return reportTable(
    'relationships',
    `Granger tests between the series of each dataset: does the cause's past help predict the effect? Predictive: q below ${threshold}. Predictive is not causal.`,
    [
      'dataset',
      'cause',
      'effect',
      'lag',
      'F',
      'df1',
      'df2',
      'p',
      'q',
      'predictive',
      'partial R2',
      'direction',
      'strongest lag',
      'strongest lag coefficient',
      'strongest lag t',
    ],
    findings.flatMap((f) =>
      f.pairs.map((p) => [
        p.dataset,
        p.cause,
        p.effect,
        p.lag,
        p.f,
        p.dfNum,
        p.dfDenom,
        p.pValue,
        p.qValue,
        p.qValue < f.qThreshold,
        p.partialR2,
        p.direction,
        p.strongestLag.lag,
        p.strongestLag.coefficient,
        p.strongestLag.t,
      ]),
    ),
  );
}

/**
 * One row per measure and dimension compared: the trusted test first (its statistic, df
 * and p), then all three tests side by side, as the report's table shows them.
 */
function groupDifferences(findings: GroupDifferenceFinding[]): ReportTable {
  const threshold = findings[0]?.qThreshold ?? "the run's threshold";
  return reportTable(
    'group-differences',
    `Each measure compared across the groups of a dimension. Significant: q below ${threshold} (Benjamini-Hochberg over every test of the run).`,
    [
      'dataset',
      'measure',
      'dimension',
      'entity',
      'groups',
      'values',
      'trusted test',
      'statistic',
      'df1',
      'df2',
      'p',
      'q',
      'significant',
      'eta squared',
      'ANOVA F',
      'ANOVA df1',
      'ANOVA df2',
      'ANOVA p',
      'Welch F',
      'Welch df1',
      'Welch df2',
      'Welch p',
      'Kruskal-Wallis H',
      'Kruskal-Wallis df',
      'Kruskal-Wallis p',
      'Kruskal-Wallis epsilon squared',
      'post hoc',
      'reason',
    ],
    findings.flatMap((f) =>
      f.tests.map((t) => [
        t.dataset,
        t.measure,
        t.dimension,
        opt(t.entity),
        t.groups.length,
        t.n,
        t.trusted,
        t.statistic,
        t.df[0],
        opt(t.df[1]),
        t.pValue,
        t.qValue,
        t.qValue < f.qThreshold,
        t.etaSquared,
        t.anova.f,
        t.anova.df[0],
        t.anova.df[1],
        t.anova.pValue,
        opt(t.welch?.f),
        opt(t.welch?.df[0]),
        opt(t.welch?.df[1]),
        opt(t.welch?.pValue),
        opt(t.kruskalWallis?.h),
        opt(t.kruskalWallis?.df),
        opt(t.kruskalWallis?.pValue),
        opt(t.kruskalWallis?.epsilonSquared),
        t.posthoc,
        t.reason,
      ]),
    ),
  );
}

function groupMeans(findings: GroupDifferenceFinding[]): ReportTable {
  return reportTable(
    'group-means',
    'The groups of each comparison: values, mean and median of the measure',
    ['dataset', 'measure', 'dimension', 'entity', 'group', 'values', 'mean', 'median'],
    findings.flatMap((f) =>
      f.tests.flatMap((t) =>
        t.groups.map((g) => [
          t.dataset,
          t.measure,
          t.dimension,
          opt(t.entity),
          g.value,
          g.n,
          g.mean,
          g.median,
        ]),
      ),
    ),
  );
}

/** The post hoc pairs the model keeps: those with p below 5%; all of them, not the report's six. */
function groupPairs(findings: GroupDifferenceFinding[]): ReportTable {
  return reportTable(
    'group-pairs',
    'Pairs of groups that differ at 5% by the post hoc test: difference of means (a - b) with its simultaneous 95% confidence interval',
    [
      'dataset',
      'measure',
      'dimension',
      'entity',
      'post hoc',
      'group a',
      'group b',
      'difference',
      'low',
      'high',
      'p',
    ],
    findings.flatMap((f) =>
      f.tests.flatMap((t) =>
        t.pairs.map((p) => [
          t.dataset,
          t.measure,
          t.dimension,
          opt(t.entity),
          t.posthoc,
          p.a,
          p.b,
          p.difference,
          p.low,
          p.high,
          p.pValue,
        ]),
      ),
    ),
  );
}
