/**
 * Whether a measure adds up over time (revenue, quantity) or is a level that only averages
 * (price, score, rate). Decided from the column name, since contracts do not say yet.
 */
const LEVEL =
  /(^|_)(price|rate|ratio|score|pct|percent|percentage|avg|average|mean|margin|share|index|age|count_avg)($|_)/;

export function aggregationOf(column: string): 'sum' | 'mean' {
  return LEVEL.test(column) ? 'mean' : 'sum';
}
