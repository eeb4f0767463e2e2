/** Number and text formatting shared by every rendering of the report. */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234.5 -> "1,234.5"; large values lose their decimals, small ones keep 2 significant. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 1000) return whole.format(value);
  if (value !== 0 && Math.abs(value) < 0.01) return value.toPrecision(2);
  return grouped.format(value);
}

/** 0.1234 -> "+12.3%"; undefined -> "n/a". */
export function formatChange(change: number | null | undefined): string {
  if (change === null || change === undefined || !Number.isFinite(change)) return 'n/a';
  const pct = change * 100;
  const digits = Math.abs(pct) >= 100 ? 0 : 1;
  return `${pct > 0 ? '+' : ''}${pct.toFixed(digits)}%`;
}

/** 0.0123 -> "1.2%". */
export function formatShare(share: number): string {
  const pct = share * 100;
  return `${pct < 10 && pct !== 0 ? pct.toFixed(1) : pct.toFixed(0)}%`;
}

/** A value from a data file, safe inside a Markdown table cell (`_` stays: inside words it is no emphasis). */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  return String(value)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
    .replace(/([*`<>[\]])/g, '\\$1');
}

export function table(headers: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const rule = headers.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [headers, rule, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/**
 * The IQR fences in words: a fence beyond the observed values is left out, so a column of
 * positive quantities reads "up to 6", not "-2 to 6".
 */
export function normalRange(f: { low: number; high: number; min?: number; max?: number }): string {
  const below = f.min !== undefined && f.low < f.min;
  const above = f.max !== undefined && f.high > f.max;
  if (below && !above) return `up to ${formatNumber(f.high)}`;
  if (above && !below) return `from ${formatNumber(f.low)}`;
  return `${formatNumber(f.low)} to ${formatNumber(f.high)}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** A p-value: three decimals, or two significant digits below 0.001; never "0". */
export function formatPValue(p: number): string {
  if (!Number.isFinite(p)) return 'n/a';
  if (p < 1e-300) return '< 1e-300';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}
