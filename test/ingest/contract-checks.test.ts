import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Contract } from '#platform/ports.ts';
import { decideKind } from '#ingest/infer-contract.ts';
import { inferType } from '#ingest/column-types.ts';
import { testLake, type TestLake } from './lake.ts';

const CONFIG: Contract = {
  dataset: 'tickets',
  version: 3,
  kind: 'events',
  columns: [
    {
      name: 'ticket_id',
      type: 'string',
      role: 'id',
      nullable: false,
      checks: { pattern: 'T[0-9]{3}' },
    },
    { name: 'opened', type: 'date', role: 'time', nullable: false },
    {
      name: 'priority',
      type: 'string',
      role: 'dimension',
      nullable: false,
      checks: { allowed: ['low', 'high'] },
    },
    {
      name: 'score',
      type: 'integer',
      role: 'measure',
      nullable: true,
      checks: { min: 0, max: 10 },
    },
    { name: 'agent', type: 'string', role: 'dimension', nullable: true },
  ],
  primaryKey: 'ticket_id',
  timeColumn: 'opened',
  partition: 'month',
  source: 'config',
};

describe('a contract already in the catalog', () => {
  let lake: TestLake;
  beforeEach(async () => {
    lake = await testLake();
    await lake.catalog.putContract(CONFIG);
  });
  afterEach(() => lake.close());

  it('wins over inference, and its checks reject rows with the reason', async () => {
    const csv = [
      'ticket_id,opened,priority,score,extra',
      'T001,2024-03-01,low,5,x',
      'T002,2024-03-02,urgent,5,x',
      'T003,2024-03-03,high,11,x',
      'X004,2024-03-04,high,-1,x',
      'T001,2024-03-05,low,,x',
      'T006,2024-03-06,high,7,x',
    ].join('\n');
    const { manifest } = await lake.ingest('incoming/tickets/march.csv', csv);
    expect(await lake.catalog.getContract('tickets')).toEqual(CONFIG);
    expect(manifest).toMatchObject({
      contractVersion: 3,
      rowsRead: 6,
      rowsCurated: 2,
      rowsQuarantined: 4,
    });
    const quarantine = await lake.quarantineOf(manifest);
    expect(quarantine.map((q) => [q.line, q.reasons])).toEqual([
      [3, [{ column: 'priority', reason: 'not one of the allowed values (low, high): "urgent"' }]],
      [4, [{ column: 'score', reason: 'above the maximum 10: "11"' }]],
      [
        5,
        [
          { column: 'ticket_id', reason: 'does not match the pattern T[0-9]{3}: "X004"' },
          { column: 'score', reason: 'below the minimum 0: "-1"' },
        ],
      ],
      [6, [{ column: 'ticket_id', reason: 'duplicate value (an earlier row has it): "T001"' }]],
    ]);
    // The missing nullable column is NULL; the column the contract does not know is left out.
    expect(await lake.curated('tickets', '* EXCLUDE (month)', 'ORDER BY ticket_id')).toEqual([
      { ticket_id: 'T001', opened: '2024-03-01', priority: 'low', score: 5, agent: null },
      { ticket_id: 'T006', opened: '2024-03-06', priority: 'high', score: 7, agent: null },
    ]);
  });
});

describe('inference rules', () => {
  const profile = (p: Partial<Parameters<typeof inferType>[0]>) => ({
    rows: 100,
    filled: 100,
    distinct: 100,
    integer: 0,
    double: 0,
    leading_zero: 0,
    boolean: 0,
    day: 0,
    month: 0,
    time: 0,
    email: 0,
    phone: 0,
    ...p,
  });

  it('a few bad cells do not turn a numeric column into text; more do', () => {
    expect(inferType(profile({ integer: 98, double: 98 }))).toBe('integer');
    expect(inferType(profile({ integer: 97, double: 97 }))).toBe('string');
    expect(inferType(profile({ integer: 90, double: 99 }))).toBe('double');
    expect(inferType(profile({ integer: 100, double: 100, leading_zero: 1 }))).toBe('string');
    expect(inferType(profile({ day: 60, month: 39 }))).toBe('date');
    expect(inferType(profile({ day: 10, time: 90 }))).toBe('timestamp');
    expect(inferType(profile({ boolean: 100 }))).toBe('boolean');
    expect(inferType(profile({ filled: 0 }))).toBe('string');
  });

  it('kinds: entities with a lifecycle date, events with references, series with one row per time', () => {
    const date = { name: 'signup_date', type: 'date', role: 'time', nullable: false } as const;
    const day = { ...date, name: 'transaction_date' };
    expect(
      decideKind({
        primaryKey: 'customer_id',
        time: date,
        timeUnique: false,
        hasReferences: false,
      }),
    ).toBe('entities');
    expect(
      decideKind({ primaryKey: 'customer_id', time: date, timeUnique: false, hasReferences: true }),
    ).toBe('entities');
    expect(
      decideKind({
        primaryKey: 'transaction_id',
        time: day,
        timeUnique: false,
        hasReferences: true,
      }),
    ).toBe('events');
    expect(
      decideKind({
        primaryKey: undefined,
        time: { ...day, name: 'date' },
        timeUnique: true,
        hasReferences: false,
      }),
    ).toBe('time_series');
    expect(
      decideKind({ primaryKey: undefined, time: day, timeUnique: false, hasReferences: false }),
    ).toBe('events');
    expect(
      decideKind({
        primaryKey: 'product_id',
        time: undefined,
        timeUnique: false,
        hasReferences: false,
      }),
    ).toBe('entities');
    expect(
      decideKind({
        primaryKey: 'order_id',
        time: { ...day, type: 'timestamp' },
        timeUnique: true,
        hasReferences: false,
      }),
    ).toBe('events');
  });
});
