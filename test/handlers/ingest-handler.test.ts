import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  CreateTableCommand,
  GetTableCommand,
  GlueClient,
  UpdateTableCommand,
  type Table,
} from '@aws-sdk/client-glue';
import {
  ConflictException,
  CreateScheduleCommand,
  SchedulerClient,
  type CreateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeHandler, resolveKey, runNameFor } from '#handlers/ingest.ts';
import { glueTableSync } from '#platform/aws/glue-catalog.ts';
import { debouncedRunStarter } from '#platform/aws/run-scheduler.ts';
import { glueTableInput } from '#platform/aws/glue-table.ts';
import { glueViewInput } from '#platform/aws/glue-view.ts';
import { localRuntime } from '#platform/local/runtime.ts';

const glue = mockClient(GlueClient);
const scheduler = mockClient(SchedulerClient);
afterEach(() => {
  glue.reset();
  scheduler.reset();
  vi.restoreAllMocks();
});

const FIXTURES = join(import.meta.dirname, '../fixtures/bad-input');
const context = { functionName: 'ingest', awsRequestId: 'r1' } as Context;

describe('the ingest Lambda handler', () => {
  it('ingests the object an S3 event names (URL-encoded key) and starts one run per file version', async () => {
    const lake = await mkdtemp(join(tmpdir(), 'handler-lake-'));
    const runtime = await localRuntime({ lake });
    const started: string[] = [];
    runtime.startRun = async (name) => {
      started.push(name);
      return name;
    };
    await runtime.store.put(
      'incoming/orders/spring sale.csv',
      await readFile(join(FIXTURES, 'good.csv')),
    );
    const handler = makeHandler({
      runtime: async () => runtime,
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    const event = {
      'detail-type': 'Object Created',
      source: 'aws.s3',
      detail: { bucket: { name: 'lake' }, object: { key: 'incoming/orders/spring+sale.csv' } },
    } as never;

    const first = await handler(event, context);
    const again = await handler(event, context);
    runtime.close();

    expect(first.manifest).toMatchObject({
      dataset: 'orders',
      rowsRead: 6,
      rowsCurated: 6,
      sourceKey: 'incoming/orders/spring sale.csv',
    });
    expect(again.manifest).toEqual(first.manifest);
    // The same name twice: Step Functions refuses the second start, so a re-delivery starts nothing.
    expect(started).toEqual([runNameFor(first.manifest), runNameFor(first.manifest)]);
  });

  it('schedules one run for a burst of files, and nothing more for a re-delivered event (the AWS starter)', async () => {
    const lake = await mkdtemp(join(tmpdir(), 'handler-burst-'));
    const runtime = await localRuntime({ lake });
    for (const file of ['good.csv', 'negative-quantity.csv'])
      await runtime.store.put(`incoming/orders/${file}`, await readFile(join(FIXTURES, file)));
    const schedules = new Map<string, CreateScheduleCommandInput>();
    scheduler.on(CreateScheduleCommand).callsFake(async (input: CreateScheduleCommandInput) => {
      if (schedules.has(input.Name!))
        throw new ConflictException({
          Message: 'exists',
          message: 'exists',
          $metadata: { httpStatusCode: 409 },
        });
      schedules.set(input.Name!, input);
      return { ScheduleArn: `arn:schedule/${input.Name}` };
    });
    let now = new Date('2026-03-02T06:05:20Z');
    runtime.startRun = debouncedRunStarter(new SchedulerClient({ region: 'eu-west-1' }), {
      group: 'runs',
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:report',
      roleArn: 'arn:aws:iam::123456789012:role/run-scheduler',
      quietSeconds: 300,
      clock: { now: () => now },
    });
    const handler = makeHandler({
      runtime: async () => runtime,
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    const event = (file: string) =>
      ({
        detail: { bucket: { name: 'lake' }, object: { key: `incoming/orders/${file}` } },
      }) as never;

    const first = await handler(event('good.csv'), context);
    now = new Date('2026-03-02T06:08:00Z');
    const second = await handler(event('negative-quantity.csv'), context);
    const again = await handler(event('negative-quantity.csv'), context);
    runtime.close();

    expect([first, second, again].map((r) => r.execution)).toEqual([
      'run-20260302T060500Z',
      'run-20260302T060500Z',
      'run-20260302T060500Z',
    ]);
    expect([...schedules.keys()]).toEqual(['run-20260302T060500Z']);
    expect(schedules.get('run-20260302T060500Z')!.ScheduleExpression).toBe(
      'at(2026-03-02T06:15:00)',
    );
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(3);
  });

  it('brings the Glue table and view in line with the contract after every file, writing only when they differ', async () => {
    const lake = await mkdtemp(join(tmpdir(), 'handler-glue-'));
    const runtime = await localRuntime({ lake });
    await runtime.store.put('incoming/orders/a.csv', await readFile(join(FIXTURES, 'good.csv')));
    const tables = new Map<string, Table>();
    glue.on(GetTableCommand).callsFake((input: { Name: string }) => {
      const table = tables.get(input.Name);
      if (!table) throw Object.assign(new Error('none'), { name: 'EntityNotFoundException' });
      return { Table: table };
    });
    glue.on(CreateTableCommand).callsFake((input: { TableInput: Table }) => {
      tables.set(input.TableInput.Name!, input.TableInput);
      return {};
    });
    const handler = makeHandler({
      runtime: async () => runtime,
      logger: new Logger({ logLevel: 'SILENT' }),
      syncTable: glueTableSync(new GlueClient({ region: 'eu-west-1' }), {
        database: 'insights',
        bucket: 'lake-bucket',
        retry: { sleep: async () => undefined },
      }),
    });
    const event = {
      detail: { bucket: { name: 'lake' }, object: { key: 'incoming/orders/a.csv' } },
    } as never;

    const first = await handler(event, context);
    const again = await handler(event, context);
    const contract = await runtime.catalog.getContract('orders');
    runtime.close();

    expect(first.table).toBe('created');
    expect(again.table).toBe('unchanged');
    // The table of the Parquet files, then the view that keeps each id once.
    expect(glue.commandCalls(CreateTableCommand).map((c) => c.args[0].input)).toEqual([
      {
        DatabaseName: 'insights',
        TableInput: glueTableInput(contract!, { bucket: 'lake-bucket', snapshotsFrom: '' }),
      },
      { DatabaseName: 'insights', TableInput: glueViewInput(contract!, 'insights') },
    ]);
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(0);
    expect(tables.get('orders__files')!.StorageDescriptor!.Columns!.map((c) => c.Name)).toEqual(
      contract!.columns.map((c) => c.name),
    );
  });

  it('counts the rows it curated and quarantined, per file, as EMF metrics of the file', async () => {
    const lake = await mkdtemp(join(tmpdir(), 'handler-metrics-'));
    const runtime = await localRuntime({ lake });
    for (const file of ['good.csv', 'negative-quantity.csv'])
      await runtime.store.put(`incoming/orders/${file}`, await readFile(join(FIXTURES, file)));
    const logger = new Logger({ logLevel: 'SILENT' });
    const handler = makeHandler({
      runtime: async () => runtime,
      logger,
      metrics: new Metrics({ namespace: 'ServerlessInsights', serviceName: 'insights', logger }),
    });
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const ingest = (file: string) =>
      handler(
        {
          detail: { bucket: { name: 'lake' }, object: { key: `incoming/orders/${file}` } },
        } as never,
        context,
      );

    const good = await ingest('good.csv');
    const negative = await ingest('negative-quantity.csv');
    runtime.close();

    expect(negative.manifest.rowsQuarantined).toBeGreaterThan(0);
    const emf = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(emf).toHaveLength(2);
    for (const [i, { manifest }] of [good, negative].entries()) {
      expect(emf[i]).toMatchObject({
        RowsIngested: manifest.rowsCurated,
        RowsQuarantined: manifest.rowsQuarantined,
        dataset: 'orders',
      });
    }
  });

  it('names runs within the 80 characters Step Functions allows, source id first', () => {
    const name = runNameFor({ dataset: 'd'.repeat(63), sourceId: '0123456789abcdef' });
    expect(name).toHaveLength(80);
    expect(name.startsWith('ingest-0123456789abcdef-')).toBe(true);
  });

  it('takes a key as given when it exists, else decoded', async () => {
    const exists = async (key: string) => key === 'incoming/a+b.csv';
    expect(await resolveKey('incoming/a+b.csv', exists)).toBe('incoming/a+b.csv');
    expect(await resolveKey('incoming/x+y%C3%A9.csv', exists)).toBe('incoming/x yé.csv');
  });
});
