import type { ColumnContract, Contract } from '#platform/ports.ts';

/** A contract column, optional unless said. */
export const column = (
  name: string,
  type: ColumnContract['type'],
  role: ColumnContract['role'],
  extra: Partial<ColumnContract> = {},
): ColumnContract => ({ name, type, role, nullable: true, ...extra });

/** A contract a person wrote, partitioned as its kind is. */
export const contract = (
  dataset: string,
  kind: Contract['kind'],
  columns: ColumnContract[],
  keys: { primaryKey?: string; timeColumn?: string } = {},
): Contract => ({
  dataset,
  version: 1,
  kind,
  columns,
  ...(keys.primaryKey ? { primaryKey: keys.primaryKey } : {}),
  ...(keys.timeColumn ? { timeColumn: keys.timeColumn } : {}),
  partition: kind === 'entities' ? 'snapshot' : 'month',
  source: 'config',
});

/** Orders: an id, a date and an amount; the small events dataset many tests use. */
export const ORDERS: Contract = contract(
  'orders',
  'events',
  [
    column('order_id', 'string', 'id', { nullable: false }),
    column('order_date', 'date', 'time', { nullable: false }),
    column('amount', 'double', 'measure'),
  ],
  { primaryKey: 'order_id', timeColumn: 'order_date' },
);
