import { Logger } from '@aws-lambda-powertools/logger';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { S3Client } from '@aws-sdk/client-s3';
import type {
  APIGatewayProxyStructuredResultV2,
  Context,
  LambdaFunctionURLEvent,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeHandler, type ReportLinkDeps } from '#handlers/report-link.ts';
import {
  reportLinkAdapters,
  reportPresigner,
  signedReportLinks,
} from '#platform/aws/report-links.ts';
import { signReportLink } from '#platform/report-link-token.ts';

const SECRET = 's'.repeat(64);
const KEY = 'reports/2026-01-05-schedule/report.html';
const NOW = new Date('2026-01-08T12:00:00Z');
const context = { functionName: 'report-link', awsRequestId: 'r1' } as Context;

const secretsManager = mockClient(SecretsManagerClient);
afterEach(() => {
  secretsManager.reset();
  vi.unstubAllEnvs();
});

/** A Function URL request, as Lambda passes it. */
function request(
  query: Record<string, string> | undefined,
  method = 'GET',
): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: new URLSearchParams(query).toString(),
    headers: { host: 'abc.lambda-url.eu-west-1.on.aws' },
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: { http: { method, path: '/', protocol: 'HTTP/1.1' } },
    isBase64Encoded: false,
  } as unknown as LambdaFunctionURLEvent;
}

const token = (expiresAt = new Date('2026-01-12T06:00:00Z'), key = KEY, secret = SECRET) =>
  signReportLink({ key, expiresAt }, secret);

function fakes(overrides: Partial<ReportLinkDeps> = {}) {
  const presigned: string[] = [];
  const deps: ReportLinkDeps = {
    secret: async () => SECRET,
    presign: async (key) => {
      presigned.push(key);
      return `https://lake.s3.amazonaws.com/${key}?X-Amz-Signature=abc`;
    },
    clock: { now: () => NOW },
    logger: new Logger({ logLevel: 'SILENT' }),
    ...overrides,
  };
  return { deps, presigned };
}

async function open(deps: ReportLinkDeps, event: LambdaFunctionURLEvent) {
  return (await makeHandler(deps)(event, context)) as APIGatewayProxyStructuredResultV2 & {
    headers: Record<string, string>;
    body: string;
  };
}

/** The page says nothing it was given: neither the token nor the key. */
function expectPageWithout(response: { body: string }, ...secrets: string[]) {
  expect(response.body).toMatch(/^<!doctype html>/);
  for (const s of secrets) {
    expect(response.body).not.toContain(s);
    expect(response.body).not.toContain(encodeURIComponent(s));
  }
}

const NO_STORE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

describe('the report link handler', () => {
  it('redirects a valid link to a freshly presigned URL of its report, uncached, without a referrer', async () => {
    const { deps, presigned } = fakes();
    const response = await open(deps, request({ t: token() }));
    expect(response.statusCode).toBe(302);
    expect(response.headers).toMatchObject({
      ...NO_STORE,
      Location: `https://lake.s3.amazonaws.com/${KEY}?X-Amz-Signature=abc`,
    });
    expect(presigned).toEqual([KEY]);
  });

  it('opens the links notify makes (linkTo) for as many days as they were made for', async () => {
    const linkTo = signedReportLinks({
      url: 'https://abc.lambda-url.eu-west-1.on.aws/',
      days: 30,
      secret: async () => SECRET,
      clock: { now: () => NOW },
    });
    const link = new URL(await linkTo(KEY));
    const at = (ms: number) => fakes({ clock: { now: () => new Date(NOW.getTime() + ms) } });
    const t = link.searchParams.get('t')!;
    expect((await open(at(29 * 86_400_000).deps, request({ t }))).statusCode).toBe(302);
    expect((await open(at(30 * 86_400_000).deps, request({ t }))).statusCode).toBe(410);
  });

  it('answers an expired link with 410 and a page that says to ask for a new one', async () => {
    const { deps, presigned } = fakes();
    const t = token(new Date('2026-01-08T11:59:59Z'));
    const response = await open(deps, request({ t }));
    expect(response.statusCode).toBe(410);
    expect(response.headers).toMatchObject({
      ...NO_STORE,
      'Content-Type': 'text/html; charset=utf-8',
    });
    expect(response.body).toContain('This report link has expired');
    expect(response.body).toContain('Ask the sender of the insights report for a new link');
    expectPageWithout(response, t, KEY);
    expect(presigned).toEqual([]);
  });

  it('answers a tampered link with 403 and presigns nothing', async () => {
    const { deps, presigned } = fakes();
    const [, sig] = token().split('.');
    const forged = `${Buffer.from(JSON.stringify({ k: 'reports/other/report.html', e: 1893456000 })).toString('base64url')}.${sig}`;
    const wrongSecret = token(undefined, KEY, 'w'.repeat(64));
    for (const t of [forged, wrongSecret, '<script>alert(1)</script>']) {
      const response = await open(deps, request({ t }));
      expect(response.statusCode, t).toBe(403);
      expect(response.headers).toMatchObject(NO_STORE);
      expect(response.body).toContain('Ask the sender of the insights report for a new link');
      expectPageWithout(response, t, 'reports/');
    }
    expect(presigned).toEqual([]);
  });

  it('answers a link without its token with 400', async () => {
    const { deps, presigned } = fakes();
    for (const event of [request(undefined), request({ t: '' }), request({ other: token() })]) {
      const response = await open(deps, event);
      expect(response.statusCode).toBe(400);
      expect(response.headers).toMatchObject(NO_STORE);
      expect(response.body).toContain('This report link is incomplete');
    }
    expect(presigned).toEqual([]);
  });

  it('answers methods other than GET and HEAD with 405', async () => {
    const { deps, presigned } = fakes();
    const response = await open(deps, request({ t: token() }, 'POST'));
    expect(response.statusCode).toBe(405);
    expect(response.headers['Allow']).toBe('GET');
    expect(presigned).toEqual([]);
    expect((await open(deps, request({ t: token() }, 'HEAD'))).statusCode).toBe(302);
  });

  it('answers 503, not the error, when the secret cannot be read', async () => {
    const { deps } = fakes({
      secret: async () => {
        throw new Error('AccessDeniedException: arn:aws:secretsmanager:eu-west-1:123:secret:x');
      },
    });
    const response = await open(deps, request({ t: token() }));
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject(NO_STORE);
    expectPageWithout(response, 'secretsmanager', 'AccessDenied');
  });

  it('never writes the token into its logs', async () => {
    const lines: string[] = [];
    const logger = new Logger({ serviceName: 'test', logLevel: 'DEBUG' });
    for (const stream of [process.stdout, process.stderr])
      vi.spyOn(stream, 'write').mockImplementation((chunk) => {
        lines.push(String(chunk));
        return true;
      });
    try {
      const { deps } = fakes({ logger });
      const valid = token();
      const expired = token(new Date('2026-01-01T00:00:00Z'));
      await open(deps, request({ t: valid }));
      await open(deps, request({ t: expired }));
      const logs = lines.join('');
      expect(logs).toContain('report link opened');
      expect(logs).toContain('"reason":"expired"');
      expect(logs).not.toContain(valid);
      expect(logs).not.toContain(expired);
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe('the deployed wiring (Secrets Manager and S3 presigning)', () => {
  const env = {
    LAKE_BUCKET: 'lake-bucket',
    REPORT_LINK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:link-AbCdEf',
  };
  const awsCredentials = () => {
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  };

  it('reads the secret once per cold start and redirects to a 5-minute presigned GetObject URL', async () => {
    awsCredentials();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
    const deps: ReportLinkDeps = {
      ...reportLinkAdapters(env),
      clock: { now: () => NOW },
      logger: new Logger({ logLevel: 'SILENT' }),
    };

    const first = await open(deps, request({ t: token() }));
    const second = await open(deps, request({ t: token() }));

    for (const response of [first, second]) {
      expect(response.statusCode).toBe(302);
      const location = new URL(response.headers['Location']!);
      expect(location.hostname).toBe('lake-bucket.s3.eu-west-1.amazonaws.com');
      expect(decodeURIComponent(location.pathname)).toBe(`/${KEY}`);
      expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
      expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    }
    const reads = secretsManager.commandCalls(GetSecretValueCommand);
    expect(reads).toHaveLength(1);
    expect(reads[0]!.args[0].input).toEqual({ SecretId: env.REPORT_LINK_SECRET_ARN });
  });

  it('tries the secret again after a failed read (a throttled cold start does not stick)', async () => {
    awsCredentials();
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))
      .resolves({ SecretString: SECRET });
    const deps: ReportLinkDeps = {
      ...reportLinkAdapters(env),
      clock: { now: () => NOW },
      logger: new Logger({ logLevel: 'SILENT' }),
    };
    expect((await open(deps, request({ t: token() }))).statusCode).toBe(503);
    expect((await open(deps, request({ t: token() }))).statusCode).toBe(302);
  });

  it('presigns keys under reports/ only', async () => {
    const presign = reportPresigner(
      new S3Client({
        region: 'eu-west-1',
        credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' },
      }),
      'lake-bucket',
    );
    await expect(presign('curated/orders/a.parquet')).rejects.toThrow(/reports\//);
    await expect(presign(KEY)).resolves.toContain('X-Amz-Expires=300');
  });
});
