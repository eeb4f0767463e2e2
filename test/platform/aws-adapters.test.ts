import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { athenaQueryEngine } from '#platform/aws/athena-query-engine.ts';
import { TransientError } from '#platform/errors.ts';

// The S3 adapter's tests are in aws-s3-blob-store.test.ts, Glue's in aws-glue-catalog.test.ts.
const athena = mockClient(AthenaClient);
afterEach(() => athena.reset());

describe('athenaQueryEngine', () => {
  const engine = (timeoutMs = 60_000) =>
    athenaQueryEngine(new AthenaClient({ region: 'eu-west-1' }), {
      workGroup: 'wg',
      database: 'db',
      timeoutMs,
      sleep: async () => undefined,
    });

  it('waits for the query, then reads every page into typed rows (the header row skipped)', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    const columns = [
      { Name: 'month', Type: 'varchar' },
      { Name: 'n', Type: 'bigint' },
      { Name: 'total', Type: 'double' },
    ];
    athena.on(GetQueryResultsCommand, { QueryExecutionId: 'q1', NextToken: undefined }).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: columns },
        Rows: [
          { Data: [{ VarCharValue: 'month' }, { VarCharValue: 'n' }, { VarCharValue: 'total' }] },
          { Data: [{ VarCharValue: '2024-01' }, { VarCharValue: '3' }, { VarCharValue: '10.5' }] },
        ],
      },
      NextToken: 'p2',
    });
    athena.on(GetQueryResultsCommand, { QueryExecutionId: 'q1', NextToken: 'p2' }).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: columns },
        Rows: [{ Data: [{ VarCharValue: '2024-02' }, {}, { VarCharValue: '1' }] }],
      },
    });
    const rows = await engine().query('SELECT 1');
    expect(rows).toEqual([
      { month: '2024-01', n: 3, total: 10.5 },
      { month: '2024-02', n: null, total: 1 },
    ]);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toMatchObject({
      WorkGroup: 'wg',
      QueryExecutionContext: { Database: 'db' },
    });
  });

  it('lets Athena reuse results only within a data version, which leads the query string', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q4' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 0 } },
    });
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [] } });
    const version = 'a'.repeat(64);
    await engine().query('SELECT 1', { reuseScope: version });
    await engine().query('SELECT 1');
    const [scoped, plain] = athena
      .commandCalls(StartQueryExecutionCommand)
      .map((c) => c.args[0].input);
    expect(scoped).toMatchObject({
      QueryString: `-- data version ${version}\nSELECT 1`,
      ResultReuseConfiguration: {
        ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 10_080 },
      },
    });
    // No scope, no reuse: a result from before new data arrived must never answer.
    expect(plain!.QueryString).toBe('SELECT 1');
    expect(plain!.ResultReuseConfiguration).toBeUndefined();
    // A scope that could end the comment is refused before anything is sent.
    await expect(engine().query('SELECT 1', { reuseScope: 'x\nDROP TABLE t' })).rejects.toThrow(
      'Invalid query reuse scope',
    );
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(2);
  });

  it('turns throttling into a TransientError, which the workflow retries', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(engine().query('SELECT 1')).rejects.toThrow(TransientError);
    await expect(engine().query('SELECT 1')).rejects.toThrow(
      'Athena is busy (ThrottlingException)',
    );
  });

  it('says why a query failed', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q2' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'TABLE_NOT_FOUND: sales' } },
    });
    await expect(engine().query('SELECT 1')).rejects.toThrow(
      'Athena query q2 FAILED: TABLE_NOT_FOUND: sales',
    );
  });

  it('stops a query that runs past the time-out and reports it as transient', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q3' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});
    await expect(engine(-1).query('SELECT 1')).rejects.toThrow(TransientError);
    expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(1);
  });
});
