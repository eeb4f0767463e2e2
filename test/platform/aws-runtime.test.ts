import { CreateTableCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { awsRuntime } from '#platform/aws/runtime.ts';
import { ConfigError } from '#platform/errors.ts';
import type { Contract } from '#platform/ports.ts';

const s3 = mockClient(S3Client);
const glue = mockClient(GlueClient);
afterEach(() => {
  s3.reset();
  glue.reset();
});

const env = {
  LAKE_BUCKET: 'lake-bucket',
  GLUE_DATABASE: 'serverless_insights',
  ATHENA_WORKGROUP: 'serverless-insights',
};

describe('awsRuntime', () => {
  it('keeps the Glue table of GLUE_DATABASE in step when a contract is stored in the lake', async () => {
    const runtime = await awsRuntime(env);
    glue
      .on(GetTableCommand)
      .rejects(Object.assign(new Error('none'), { name: 'EntityNotFoundException' }));
    glue.on(CreateTableCommand).resolves({});
    // No contract of a person's at config/contracts/orders.json.
    s3.on(HeadObjectCommand).rejects(
      Object.assign(new Error('none'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }),
    );
    s3.on(PutObjectCommand).resolves({ ETag: '"c1"' });
    const contract: Contract = {
      dataset: 'orders',
      version: 1,
      kind: 'events',
      source: 'inferred',
      partition: 'month',
      timeColumn: 'ordered_on',
      columns: [{ name: 'ordered_on', type: 'date', role: 'time', nullable: false }],
    };

    await runtime.catalog.putContract(contract);

    expect(glue.commandCalls(CreateTableCommand)[0]!.args[0].input).toMatchObject({
      DatabaseName: 'serverless_insights',
      TableInput: {
        Name: 'orders',
        StorageDescriptor: { Location: 's3://lake-bucket/curated/orders/' },
      },
    });
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'lake-bucket',
      Key: 'catalog/orders/contract.json',
    });
  });

  it('refuses to start without the Glue database', async () => {
    const rest = { ...env, GLUE_DATABASE: undefined };
    await expect(awsRuntime(rest)).rejects.toThrow(ConfigError);
    await expect(awsRuntime(rest)).rejects.toThrow('GLUE_DATABASE');
  });
});
