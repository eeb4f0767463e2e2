import { csvLine, formatCents } from './csv.ts';
import type { InvalidCell, InvalidCellSpec } from './invalid-rows.ts';
import { byIndex, planInvalidCells, spoilRow } from './invalid-rows.ts';
import { SeededRandom, cumulativeWeights, deriveSeed } from './seeded-random.ts';
import { columnNames, formatId } from './schema.ts';

/**
 * product_information: one row per product. Price is log-normal around its category's typical
 * price; cost is 40-80% of the price, always at least one cent below it.
 */

export const CATEGORIES = [
  {
    name: 'Electronics',
    weight: 1.2,
    typicalPrice: 180,
    nouns: ['Monitor 27"', 'Laptop Stand', 'Webcam', 'Headset', 'Docking Station', 'Router'],
  },
  {
    name: 'Furniture',
    weight: 0.8,
    typicalPrice: 260,
    nouns: ['Desk', 'Office Chair', 'Bookcase', 'Filing Cabinet', 'Standing Desk'],
  },
  {
    name: 'Office Supplies',
    weight: 1.3,
    typicalPrice: 16,
    nouns: ['Notebook', 'Pen Set', 'Stapler', 'Paper Ream', 'Desk Organizer', 'Label Maker'],
  },
  {
    name: 'Software',
    weight: 1,
    typicalPrice: 120,
    nouns: ['License', 'Subscription', 'Security Suite', 'Design Tool', 'Backup Plan'],
  },
  {
    name: 'Services',
    weight: 0.6,
    typicalPrice: 420,
    nouns: ['Installation', 'Training Day', 'Support Plan', 'Consulting Hour', 'Audit'],
  },
  {
    name: 'Accessories',
    weight: 1.1,
    typicalPrice: 35,
    nouns: ['Cable Kit', 'Mouse', 'Keyboard', 'Charger', 'Laptop Sleeve', 'USB Hub'],
  },
] as const;

const ADJECTIVES = [
  'Pro',
  'Essential',
  'Compact',
  'Premium',
  'Classic',
  'Ultra',
  'Smart',
  'Eco',
  'Deluxe',
  'Standard',
  'Advanced',
  'Lite',
];

export interface Product {
  id: string;
  name: string;
  category: string;
  priceCents: number;
  costCents: number;
  /** Relative rate at which the product is bought: skewed, cheaper items sell more often. */
  popularity: number;
}

export interface ProductTable {
  products: Product[];
  invalid: InvalidCell[];
}

const INVALID_SPECS: readonly InvalidCellSpec[] = [
  { column: 'product_id', kind: 'empty_id', rawValue: '' },
  { column: 'price', kind: 'non_numeric', rawValue: 'n/a' },
];

export function generateProducts(seed: number, count: number): ProductTable {
  const random = new SeededRandom(deriveSeed(seed, 'product_information'));
  const categoryWeights = CATEGORIES.map((c) => c.weight);
  const products: Product[] = [];
  for (let i = 0; i < count; i += 1) {
    const category = CATEGORIES[random.weightedIndex(categoryWeights)] ?? CATEGORIES[0];
    const priceCents = Math.max(
      200,
      Math.round(random.logNormal(Math.log(category.typicalPrice), 0.45) * 100),
    );
    const margin = random.uniform(0.4, 0.8);
    const costCents = Math.min(priceCents - 1, Math.round(priceCents * margin));
    products.push({
      id: formatId('P', i + 1, count, 4),
      name: `${random.pick(ADJECTIVES)} ${random.pick(category.nouns)}`,
      category: category.name,
      priceCents,
      costCents,
      popularity: random.logNormal(0, 0.8) * (40 / (priceCents / 100)) ** 0.3,
    });
  }
  const invalid = planInvalidCells(random, count, INVALID_SPECS);
  return { products, invalid };
}

export const PRODUCT_COLUMNS = columnNames('product_information');

/** The data lines of product_information.csv, without the header. */
export function* productLines(table: ProductTable): Generator<string> {
  const invalid = byIndex(table.invalid);
  for (let i = 0; i < table.products.length; i += 1) {
    const p = table.products[i];
    if (p === undefined) continue;
    const fields = [p.id, p.name, p.category, formatCents(p.priceCents), formatCents(p.costCents)];
    yield csvLine(spoilRow(fields, PRODUCT_COLUMNS, invalid.get(i)));
  }
}

/** Cumulative popularity in product order, with 0 for products whose row is invalid. */
export function popularityWeights(table: ProductTable): Float64Array {
  const excluded = new Set(table.invalid.map((c) => c.index));
  return cumulativeWeights(table.products.map((p, i) => (excluded.has(i) ? 0 : p.popularity)));
}

/** Indices of valid products, most expensive first. */
export function validProductsByPrice(table: ProductTable): number[] {
  const excluded = new Set(table.invalid.map((c) => c.index));
  return table.products
    .map((_, i) => i)
    .filter((i) => !excluded.has(i))
    .sort(
      (a, b) =>
        (table.products[b]?.priceCents ?? 0) - (table.products[a]?.priceCents ?? 0) || a - b,
    );
}
