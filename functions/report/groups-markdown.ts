import type { GroupDifferenceFinding, GroupTest } from './findings.ts';
import { cell, formatNumber, formatPValue, plural, table } from './format.ts';

/**
 * The group differences section: every measure compared across a dimension, the test the
 * report trusts and why, the other two tests beside it, eta squared, q over all tests, and
 * for the differences it counts, which groups differ.
 */
/** Post hoc pairs shown per difference. */
const PAIRS_SHOWN = 6;

export function groupDifferencesSection(findings: GroupDifferenceFinding[]): string | undefined {
  const f = findings[0];
  if (!f) return undefined;
  const listed = f.tests.filter((t) => t.qValue < f.qThreshold);
  const rows = f.tests.map((t) => [
    cell(t.dataset),
    `${cell(t.measure)} by ${dimension(t)}`,
    formatNumber(t.groups.length),
    formatNumber(t.n),
    trustedLabel(t),
    `F(${t.anova.df.map(formatNumber).join(', ')}) = ${formatNumber(t.anova.f)}, p ${formatPValue(t.anova.pValue)}`,
    t.welch
      ? `F(${t.welch.df.map(formatNumber).join(', ')}) = ${formatNumber(t.welch.f)}, p ${formatPValue(t.welch.pValue)}`
      : 'n/a',
    t.kruskalWallis
      ? `H(${t.kruskalWallis.df}) = ${formatNumber(t.kruskalWallis.h)}, p ${formatPValue(t.kruskalWallis.pValue)}`
      : 'n/a',
    t.etaSquared.toFixed(3),
    formatPValue(t.qValue),
  ]);
  const details = listed.map((t) => {
    const ranked = [...t.groups].sort((a, b) => b.median - a.median);
    const shown = [...t.pairs].sort((a, b) => a.pValue - b.pValue).slice(0, PAIRS_SHOWN);
    const more =
      t.pairs.length > shown.length
        ? ` (the ${shown.length} clearest of ${t.pairs.length} pairs at 5%; report.json lists all)`
        : '';
    const pairs = t.pairs.length
      ? `${t.posthoc === 'tukey-hsd' ? "Tukey's HSD" : 'Games-Howell'}${more}: ${shown
          .map(
            (p) =>
              `${cell(p.a)} − ${cell(p.b)} = ${formatNumber(p.difference)} (95% CI ${formatNumber(p.low)} to ${formatNumber(p.high)}, p ${formatPValue(p.pValue)})`,
          )
          .join('; ')}.`
      : 'No pair of groups differs at 5% by the post hoc test.';
    return [
      `- ${cell(t.dataset)}: ${cell(t.measure)} by ${dimension(t)}. ${cell(t.reason)} Medians: ${ranked
        .map((g) => `${cell(g.value)} ${formatNumber(g.median)}`)
        .join(', ')}. ${pairs}`,
    ].join('\n');
  });
  return [
    '## Group differences',
    '',
    `Each measure compared across the groups of a dimension (an entity's measures by its own dimensions; an event's value by its own dimensions and those of the entities it joins), with three tests: the classic one-way ANOVA (equal variances), Welch's ANOVA (unequal variances) and Kruskal-Wallis (ranks: typical values rather than means). The report trusts one by stated rules and says why: Kruskal-Wallis when a few values dominate or the data are heavily skewed, Welch's when spreads or group sizes differ, the classic ANOVA otherwise. ${plural(f.tested, 'test')}; ${plural(listed.length, 'difference')} with q below ${formatNumber(f.qThreshold * 100)}% (Benjamini-Hochberg over all ${formatNumber(f.tested)}). Eta squared is the share of the measure's variance between the groups.`,
    '',
    table(
      [
        'Dataset',
        'Compared',
        'Groups',
        'Values',
        'Trusted',
        'ANOVA',
        "Welch's ANOVA",
        'Kruskal-Wallis',
        'Eta²',
        'q',
      ],
      rows,
      ['l', 'l', 'r', 'r', 'l', 'l', 'l', 'l', 'r', 'r'],
    ),
    ...(details.length ? ['', 'The differences it counts:', '', ...details] : []),
  ].join('\n');
}

function dimension(t: GroupTest): string {
  return t.entity ? `${cell(t.dimension)} (of ${cell(t.entity)})` : cell(t.dimension);
}

/** The test the report trusts, by name: `Welch's ANOVA`. */
export function trustedLabel(t: GroupTest): string {
  return t.trusted === 'kruskal-wallis'
    ? 'Kruskal-Wallis'
    : t.trusted === 'welch'
      ? "Welch's ANOVA"
      : 'ANOVA';
}
