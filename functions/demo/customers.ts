import { csvLine, formatCents, formatOneDecimal } from './csv.ts';
import { dayNumber, isoDate } from './dates.ts';
import type { PlantedRelationship } from './ground-truth.ts';
import type { InvalidCell, InvalidCellSpec } from './invalid-rows.ts';
import { byIndex, planInvalidCells, spoilRow } from './invalid-rows.ts';
import { SeededRandom, cumulativeWeights, deriveSeed } from './seeded-random.ts';
import { columnNames, formatId } from './schema.ts';

/**
 * customer_profiles: one row per customer. lifetime_value = base x industry multiplier x
 * employee_count^0.2 x engagement factor x noise, so it differs by industry and grows with
 * size and engagement. Customers are numbered in signup order.
 */

export const INDUSTRIES = [
  { name: 'Finance', weight: 1, ltvMultiplier: 2.2 },
  { name: 'Technology', weight: 1.2, ltvMultiplier: 1.8 },
  { name: 'Healthcare', weight: 1, ltvMultiplier: 1.45 },
  { name: 'Manufacturing', weight: 1, ltvMultiplier: 1.15 },
  { name: 'Retail', weight: 1.1, ltvMultiplier: 0.9 },
  { name: 'Hospitality', weight: 0.8, ltvMultiplier: 0.7 },
  { name: 'Education', weight: 0.9, ltvMultiplier: 0.55 },
] as const;

export const REGIONS = [
  { name: 'North America', weight: 0.35 },
  { name: 'Europe', weight: 0.3 },
  { name: 'Asia Pacific', weight: 0.2 },
  { name: 'Latin America', weight: 0.1 },
  { name: 'Middle East & Africa', weight: 0.05 },
] as const;

export const CUSTOMER_RELATIONSHIPS: readonly PlantedRelationship[] = [
  {
    dataset: 'customer_profiles',
    cause: 'industry',
    effect: 'lifetime_value',
    lagDays: 0,
    sign: 'positive',
    mechanism: 'lifetime_value is multiplied by the industry multiplier (industryLtvMultipliers)',
  },
  {
    dataset: 'customer_profiles',
    cause: 'employee_count',
    effect: 'lifetime_value',
    lagDays: 0,
    sign: 'positive',
    mechanism: 'lifetime_value grows as employee_count^0.2',
  },
  {
    dataset: 'customer_profiles',
    cause: 'engagement_score',
    effect: 'lifetime_value',
    lagDays: 0,
    sign: 'positive',
    mechanism: 'lifetime_value grows as 0.4 + 1.2 x engagement_score / 100',
  },
];

export const CHANNELS = ['web', 'store', 'mobile', 'partner'] as const;
export type Channel = (typeof CHANNELS)[number];
/** Share of each channel among orders placed outside a customer's preferred channel. */
export const CHANNEL_WEIGHTS = [0.45, 0.25, 0.2, 0.1];

const NAME_STEMS = [
  'Northwind',
  'Blue Harbor',
  'Summit',
  'Redwood',
  'Silver Lake',
  'Ironbridge',
  'Brightpath',
  'Cedar Point',
  'Oakridge',
  'Granite',
  'Evergreen',
  'Pioneer',
  'Lakeside',
  'Highland',
  'Crescent',
  'Riverstone',
  'Golden Gate',
  'Keystone',
  'Maple Leaf',
  'Starlight',
  'Horizon',
  'Harborview',
  'Westfield',
  'Eastgate',
  'Fairview',
  'Stonebridge',
  "O'Connell",
  'Bluebird',
  'Copperfield',
  'Windmill',
];
const NAME_NOUNS: Record<string, readonly string[]> = {
  Finance: ['Capital', 'Financial', 'Partners', 'Advisors', 'Bank'],
  Technology: ['Systems', 'Software', 'Labs', 'Digital', 'Networks'],
  Healthcare: ['Health', 'Clinics', 'Medical', 'Care', 'Pharma'],
  Manufacturing: ['Industries', 'Manufacturing', 'Works', 'Fabrication', 'Components'],
  Retail: ['Outfitters', 'Market', 'Stores', 'Goods', 'Trading'],
  Hospitality: ['Hotels', 'Resorts', 'Hospitality', 'Kitchens', 'Travel'],
  Education: ['Academy', 'Learning', 'Institute', 'College', 'Schools'],
};
const NAME_SUFFIXES = ['', '', ' Inc.', ', Inc.', ' LLC', ' Group', ' & Co.', ', Ltd.'];

/** A customer as the generator knows it, including what the file does not show. */
export interface Customer {
  id: string;
  companyName: string;
  industry: string;
  region: string;
  employeeCount: number;
  signupDay: number;
  lifetimeValueCents: number;
  engagementScore: number;
  /** Relative rate at which this customer buys: skewed, so a few buy much more. */
  purchaseWeight: number;
  preferredChannel: Channel;
}

export interface CustomerTable {
  customers: Customer[];
  invalid: InvalidCell[];
}

const SIGNUP_FIRST = dayNumber('2019-01-01');
const SIGNUP_LAST = dayNumber('2024-09-30');

const INVALID_SPECS: readonly InvalidCellSpec[] = [
  { column: 'employee_count', kind: 'non_numeric', rawValue: 'twelve' },
  { column: 'signup_date', kind: 'invalid_date', rawValue: '2024-13-45' },
  { column: 'lifetime_value', kind: 'non_numeric', rawValue: 'n/a' },
];

export function generateCustomers(seed: number, count: number): CustomerTable {
  const random = new SeededRandom(deriveSeed(seed, 'customer_profiles'));
  const industryWeights = INDUSTRIES.map((i) => i.weight);
  const regionWeights = REGIONS.map((r) => r.weight);
  const drafts: Omit<Customer, 'id'>[] = [];
  for (let i = 0; i < count; i += 1) {
    const industry = INDUSTRIES[random.weightedIndex(industryWeights)] ?? INDUSTRIES[0];
    const region = REGIONS[random.weightedIndex(regionWeights)] ?? REGIONS[0];
    const employeeCount = Math.min(
      250_000,
      Math.max(1, Math.round(random.logNormal(Math.log(120), 1.2))),
    );
    const engagementScore = Math.min(100, Math.max(0, random.normal(55, 17)));
    const signupDay = random.int(SIGNUP_FIRST, SIGNUP_LAST);
    const engagementFactor = 0.4 + 1.2 * (engagementScore / 100);
    const lifetimeValue =
      9_000 *
      industry.ltvMultiplier *
      employeeCount ** 0.2 *
      engagementFactor *
      random.noiseFactor(0.25);
    const stem = random.pick(NAME_STEMS);
    const noun = random.pick(NAME_NOUNS[industry.name] ?? ['Group']);
    const suffix = random.pick(NAME_SUFFIXES);
    drafts.push({
      companyName: `${stem} ${noun}${suffix}`,
      industry: industry.name,
      region: region.name,
      employeeCount,
      signupDay,
      lifetimeValueCents: Math.round(lifetimeValue * 100),
      engagementScore: Math.round(engagementScore * 10) / 10,
      purchaseWeight: (lifetimeValue / 30_000) * random.logNormal(0, 0.9),
      preferredChannel: CHANNELS[random.weightedIndex(CHANNEL_WEIGHTS)] ?? 'web',
    });
  }
  // Numbered in signup order, so the customers able to buy on a day are a prefix of the list.
  drafts.sort((a, b) => a.signupDay - b.signupDay);
  const customers = drafts.map((d, i) => ({ id: formatId('C', i + 1, count, 5), ...d }));
  const invalid = planInvalidCells(random, count, INVALID_SPECS);
  return { customers, invalid };
}

export const CUSTOMER_COLUMNS = columnNames('customer_profiles');

function customerFields(c: Customer): string[] {
  return [
    c.id,
    c.companyName,
    c.industry,
    c.region,
    String(c.employeeCount),
    isoDate(c.signupDay),
    formatCents(c.lifetimeValueCents),
    formatOneDecimal(c.engagementScore),
  ];
}

/** The data lines of customer_profiles.csv, without the header. */
export function* customerLines(table: CustomerTable): Generator<string> {
  const invalid = byIndex(table.invalid);
  for (let i = 0; i < table.customers.length; i += 1) {
    const customer = table.customers[i];
    if (customer === undefined) continue;
    yield csvLine(spoilRow(customerFields(customer), CUSTOMER_COLUMNS, invalid.get(i)));
  }
}

/**
 * Cumulative purchase weights in customer order, with 0 for customers whose row is invalid
 * (an ingest rejects them, so no transaction may point at them).
 */
export function purchaseWeights(table: CustomerTable): Float64Array {
  const excluded = new Set(table.invalid.map((c) => c.index));
  return cumulativeWeights(table.customers.map((c, i) => (excluded.has(i) ? 0 : c.purchaseWeight)));
}
