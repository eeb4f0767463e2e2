import { RULES } from '#analysis/groups/choose.ts';
import { MIN_OVERLAP } from '#query/joins.ts';
import type { ReportModel } from './model.ts';
import {
  customerFindings,
  groupDifferenceFindings,
  kpiFindings,
  relationshipFindings,
} from './model.ts';

/**
 * Methodology lines for the KPIs, customers, relationships and group differences, stated
 * with the settings the code uses, only for the sections the report has.
 */
export function relationshipsAndCustomersMethodology(m: ReportModel): string[] {
  const lines: string[] = [];
  if (kpiFindings(m).length + customerFindings(m).length + groupDifferenceFindings(m).length > 0)
    lines.push(
      `- Joins: a column of events joins an entity when at least ${MIN_OVERLAP * 100}% of its distinct values are the entity's keys (found by name, or by values alone for a column with ten distinct values or more), checked in SQL on every run; the entity's dimensions (industry, category) are then available to split the events by. Money is the events' net value (a net amount, else revenue or sales, else an amount or total), judged from the column names.`,
    );
  if (kpiFindings(m).length > 0)
    lines.push(
      "- KPIs: each is defined beside its value. A repeat customer bought on two different days or more; quarterly retention is the share of a whole calendar quarter's customers who bought again in the next one; growth compares full calendar months, as under Trends; revenue by a dimension compares the last twelve full months with the twelve before.",
    );
  if (customerFindings(m).length > 0)
    lines.push(
      "- Customers: one row per customer from SQL. Segments: days since the last purchase, purchase days, value and days since the first purchase, each log(1 + x) and standardised; k-means (k-means++ starts, 10 restarts, a fixed seed) for k = 2 to 8, keeping the k with the highest mean silhouette (on a seeded sample of 5,000 customers above that). Names follow the segment's centre, in standard deviations from the average customer (recency r, frequency f, value m, tenure t): High-value loyalists (m and f at least 0.5, r at most 0), At-risk high spenders (m at least 0.5, r above 0.5), New customers (t at most -0.5, r at most 0), Lapsed (r at least 0.5, f at most 0), Active regulars (f at least 0, r at most 0), Occasional buyers (f and m below 0), else Steady customers. Lifetime value: BG/NBD (Fader, Hardie and Lee 2005) on each customer's repeat purchase days, the time of the last and their age, and Gamma-Gamma on the mean value of repeat purchase days, both by maximum likelihood (checked against the published CDNOW fits); predicted value = expected purchases over the next 365 days x expected spend, undiscounted. The holdout check refits the purchase model on the data before the last third of the span (at most a year) and compares its predictions for that stretch with the purchases made. Drivers: each trait of the customer's entity and each behaviour against historical value, by the group test below or Spearman's rank correlation; associations, not causes.",
    );
  if (relationshipFindings(m).length > 0)
    lines.push(
      "- Predictive relationships: the series of each dataset on their common dates; a series determined by others of the same day (R² of 0.999 or more in levels or logs, as revenue = price x quantity) is left out and said. Each series is tested for a unit root (augmented Dickey-Fuller, constant, lags by AIC, MacKinnon's p-values) and differenced once when p is above 5%; each phase mean of the calendar cycle (7 days) is removed. For each ordered pair, the lag order of the two series' VAR is chosen by AIC up to 14 days (8 weeks, 12 months), and the F test asks whether the cause's lags improve the effect's own autoregression, as statsmodels' grangercausalitytests; q-values are Benjamini-Hochberg over every pair of the run. Predictive, not causal.",
    );
  if (groupDifferenceFindings(m).length > 0)
    lines.push(
      `- Group differences: dimensions with 2 to 25 groups of two values or more. The test trusted: Kruskal-Wallis when, in a group of ${RULES.extremeMinSize} or more, values beyond ${RULES.extremeScale} robust standard deviations (1.4826 MAD) of its median carry over ${RULES.extremeShare * 100}% of its squared deviations, or a group of ${RULES.skewnessMinSize} or more has |skewness| above ${RULES.skewness}; else Welch's ANOVA when Brown-Forsythe's test gives p below ${RULES.alpha} or the largest group variance is over ${RULES.varianceRatio} times the smallest, or the largest group is over ${RULES.sizeRatio} times the smallest; else the classic ANOVA. Pairs: Tukey's HSD with the classic ANOVA, Games-Howell otherwise. q-values are Benjamini-Hochberg over every group test of the run.`,
    );
  return lines;
}
