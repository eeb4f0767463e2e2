/** The four demo datasets: their names, files and columns. */

export type DatasetName =
  'customer_profiles' | 'product_information' | 'daily_sales_metrics' | 'sales_transactions';

/** Ingest order: entities first, so foreign keys resolve. */
export const DATASET_ORDER: readonly DatasetName[] = [
  'customer_profiles',
  'product_information',
  'daily_sales_metrics',
  'sales_transactions',
];

/** How a column's text must parse; an ingest that validates types rejects anything else. */
export type DemoColumnType =
  'id' | 'foreign_key' | 'text' | 'category' | 'integer' | 'decimal' | 'date';

export interface DemoColumn {
  name: string;
  type: DemoColumnType;
}

export const DEMO_COLUMNS: Readonly<Record<DatasetName, readonly DemoColumn[]>> = {
  customer_profiles: [
    { name: 'customer_id', type: 'id' },
    { name: 'company_name', type: 'text' },
    { name: 'industry', type: 'category' },
    { name: 'region', type: 'category' },
    { name: 'employee_count', type: 'integer' },
    { name: 'signup_date', type: 'date' },
    { name: 'lifetime_value', type: 'decimal' },
    { name: 'engagement_score', type: 'decimal' },
  ],
  product_information: [
    { name: 'product_id', type: 'id' },
    { name: 'product_name', type: 'text' },
    { name: 'category', type: 'category' },
    { name: 'price', type: 'decimal' },
    { name: 'cost', type: 'decimal' },
  ],
  daily_sales_metrics: [
    { name: 'date', type: 'date' },
    { name: 'marketing_spend', type: 'decimal' },
    { name: 'customer_traffic', type: 'integer' },
    { name: 'price', type: 'decimal' },
    { name: 'quantity', type: 'integer' },
    { name: 'revenue', type: 'decimal' },
    { name: 'cost', type: 'decimal' },
    { name: 'profit', type: 'decimal' },
  ],
  sales_transactions: [
    { name: 'transaction_id', type: 'id' },
    { name: 'transaction_date', type: 'date' },
    { name: 'customer_id', type: 'foreign_key' },
    { name: 'product_id', type: 'foreign_key' },
    { name: 'quantity', type: 'integer' },
    { name: 'unit_price', type: 'decimal' },
    { name: 'gross_amount', type: 'decimal' },
    { name: 'discount_amount', type: 'decimal' },
    { name: 'net_amount', type: 'decimal' },
    { name: 'channel', type: 'category' },
  ],
};

/** The header row's column names. */
export function columnNames(dataset: DatasetName): string[] {
  return DEMO_COLUMNS[dataset].map((c) => c.name);
}

/** Where a dataset's file goes, relative to the output folder: `<dataset>/<dataset>.csv`. */
export function datasetFile(dataset: DatasetName): string {
  return `${dataset}/${dataset}.csv`;
}

/** An id with a prefix and zero padding that grows when the count needs it: C00001. */
export function formatId(prefix: string, ordinal: number, count: number, minWidth: number): string {
  const width = Math.max(minWidth, String(count).length);
  return `${prefix}${String(ordinal).padStart(width, '0')}`;
}
