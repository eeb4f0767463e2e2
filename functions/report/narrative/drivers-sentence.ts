import type { ChangeDrivers, DriverValue } from '../findings.ts';
import { formatNumber, formatShare } from '../format.ts';
import { listing } from './draft.ts';

/** `region` of the events, or `category of product_information` for a joined entity's. */
export function dimensionLabel(d: { column: string; entity?: string }): string {
  return d.entity ? `${d.column} (${d.entity})` : d.column;
}

const valueLabel = (v: DriverValue) =>
  v.other ? `${v.other} other values` : v.value === null ? '(none)' : v.value;

/**
 * One sentence on what drove a change: `82% of the drop of 1,200 came from channel web;
 * within web, category Electronics carried 64%`. Shares are of the total change, the
 * drill's of the change of the value it drills into, as the decomposition computed them.
 */
export function driversSentence(drivers: ChangeDrivers): string {
  const way = drivers.change < 0 ? 'drop' : 'rise';
  const best = drivers.dimensions[0];
  if (!best) return '';
  const named = best.values.filter((v) => v.driver);
  if (!best.succinct || named.length === 0) {
    const largest = best.values[0];
    return largest
      ? `No single value explains the ${way} of ${formatNumber(Math.abs(drivers.change))}: the largest part by ${dimensionLabel(best)}, ${valueLabel(largest)}, carried ${shareOf(largest)}.`
      : '';
  }
  const parts = named.map((v) => `${valueLabel(v)} (${shareOf(v)})`);
  let sentence =
    named.length === 1
      ? `${upperFirst(shareOf(named[0]!))} of the ${way} of ${formatNumber(Math.abs(drivers.change))} came from ${dimensionLabel(best)} ${valueLabel(named[0]!)}`
      : `${listing(parts)} in ${dimensionLabel(best)} carried ${formatShare(best.explainedShare)} of the ${way} of ${formatNumber(Math.abs(drivers.change))}`;
  const inner = drivers.drill?.dimensions[0];
  const within = inner?.succinct ? inner.values.find((v) => v.driver) : undefined;
  if (drivers.drill && inner && within)
    sentence += `; within ${drivers.drill.value ?? '(none)'}, ${dimensionLabel(inner)} ${valueLabel(within)} carried ${shareOf(within)}`;
  return `${sentence}${mixOrRate(named[0]!, drivers)}.`;
}

/** Whether the first driver's part is mostly volume or mostly rate (3/4 of it or more). */
function mixOrRate(v: DriverValue, drivers: ChangeDrivers): string {
  const total = Math.abs(v.mix) + Math.abs(v.rate);
  if (total === 0) return '';
  if (Math.abs(v.mix) / total >= 0.75)
    return drivers.kind === 'sum'
      ? ` (${valueLabel(v)}: more or fewer rows, not a different amount per row)`
      : ` (${valueLabel(v)}: its share of the rows moved)`;
  if (Math.abs(v.rate) / total >= 0.75)
    return drivers.kind === 'sum'
      ? ` (${valueLabel(v)}: a different amount per row, not more or fewer rows)`
      : ` (${valueLabel(v)}: its own average moved)`;
  return '';
}

const shareOf = (v: DriverValue) => (v.share === null ? 'none' : formatShare(v.share));
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
