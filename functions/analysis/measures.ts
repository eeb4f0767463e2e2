/**
 * Whether a measure adds up over time (revenue, quantity) or is a level that only averages
 * (price, score, rate). Decided from the column name, since contracts do not say yet.
 */
const LEVEL =
  /(^|_)(price|rate|ratio|score|pct|percent|percentage|avg|average|mean|margin|share|index|age|count_avg)($|_)/;

export function aggregationOf(column: string): 'sum' | 'mean' {
  return LEVEL.test(column) ? 'mean' : 'sum';
}

/** Whole-number measures that count things (quantity, units, items, visits). */
const COUNT_NAME =
  /(^|_)(quantity|quantities|qty|units|unit_count|count|items|item_count|pieces|seats|visits|clicks|views|orders|sessions)(_|$)/;

export function isCountName(column: string): boolean {
  return COUNT_NAME.test(column);
}

/**
 * Money measures in the order a revenue figure prefers them: net of discounts first, then
 * revenue or sales, then a plain amount or total, then gross. Decided from the column name,
 * since contracts do not say what a measure is; a dataset with none has no revenue KPIs.
 */
const VALUE_NAMES = [
  /(^|_)net(_|$)/,
  /(^|_)(revenue|sales|turnover)(_|$)/,
  /(^|_)(amount|total|value|spend|paid|price_total|dollars?|usd|eur|euros?|gbp|pounds)(_|$)/,
  /(^|_)gross(_|$)/,
];

/** The measure that says what a row is worth (revenue), or undefined. */
export function valueMeasure(measures: readonly string[]): string | undefined {
  const candidates = measures.filter((m) => aggregationOf(m) === 'sum' && !isCountName(m));
  for (const pattern of VALUE_NAMES) {
    const found = candidates.find((m) => pattern.test(m));
    if (found) return found;
  }
  return undefined;
}

/** The measure that counts a row's items (quantity, units), or undefined. */
export function itemsMeasure(measures: readonly string[]): string | undefined {
  return measures.find(isCountName);
}

/** Names that say a key or an entity is a customer (the buyer of an event). */
const CUSTOMER_NAME =
  /(^|_)(customer|customers|client|clients|user|users|account|accounts|member|members|buyer|buyers|shopper|shoppers|subscriber|subscribers|patient|patients|guest|guests)(_|$)/;

export function isCustomerName(name: string): boolean {
  return CUSTOMER_NAME.test(name);
}
