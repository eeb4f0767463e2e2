import { Readable } from 'node:stream';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import type {
  APIGatewayProxyStructuredResultV2,
  Context,
  LambdaFunctionURLEvent,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_SERVED_BYTES, makeHandler, type ReportLinkDeps } from '#handlers/report-link.ts';
import {
  reportLinkAdapters,
  reportPresigner,
  reportReader,
  signedReportLinks,
  type ReportRead,
} from '#platform/aws/report-links.ts';
import {
  signReportFolderLink,
  signReportLink,
  verifyReportFolderLink,
} from '#platform/report-link-token.ts';

const SECRET = 's'.repeat(64);
const RUN = '2026-01-05-schedule';
const FOLDER = `reports/${RUN}/`;
const KEY = `${FOLDER}report.html`;
const HOST = 'abc.lambda-url.eu-west-1.on.aws';
const NOW = new Date('2026-01-08T12:00:00Z');
const EXPIRES = new Date('2026-01-12T06:00:00Z');
const context = { functionName: 'report-link', awsRequestId: 'r1' } as Context;
/** A report page as assemble writes it: its links to its tables are relative. */
const PAGE =
  '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Report</title></head><body>' +
  '<a href="tables/kpis.csv">KPIs</a> <a href="tables/kpi-by-dimension.csv">By dimension</a></body></html>\n';

const secretsManager = mockClient(SecretsManagerClient);
const s3 = mockClient(S3Client);
afterEach(() => {
  secretsManager.reset();
  s3.reset();
  vi.unstubAllEnvs();
});

/** A Function URL request, as Lambda passes it: the path as sent, the query parsed. */
function request(
  query: Record<string, string> | undefined,
  method = 'GET',
  path = '/',
): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: { host: HOST },
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: { http: { method, path, protocol: 'HTTP/1.1' } },
    isBase64Encoded: false,
  } as unknown as LambdaFunctionURLEvent;
}

/** A request for a link's path: `/r/<token>/<file>`. */
const get = (path: string, method = 'GET') => request(undefined, method, path);

/** A folder token, as notify signs them now. */
const folderToken = (expiresAt = EXPIRES, folder = FOLDER, secret = SECRET) =>
  signReportFolderLink({ folder, expiresAt }, secret);

/** A key token, as notify signed them before path links (`?t=`). */
const keyToken = (expiresAt = EXPIRES, key = KEY, secret = SECRET) =>
  signReportLink({ key, expiresAt }, secret);

function fakes(
  overrides: Partial<ReportLinkDeps> = {},
  files: Record<string, string> = { [KEY]: PAGE, [`${FOLDER}report.md`]: '# Report\n' },
) {
  const presigned: string[] = [];
  const reads: string[] = [];
  const deps: ReportLinkDeps = {
    secret: async () => SECRET,
    presign: async (key) => {
      presigned.push(key);
      return `https://lake.s3.amazonaws.com/${key}?X-Amz-Signature=abc`;
    },
    read: async (key, maxBytes): Promise<ReportRead> => {
      reads.push(key);
      const body = files[key];
      if (body === undefined) return { status: 'missing' };
      const bytes = Buffer.byteLength(body);
      return bytes > maxBytes ? { status: 'too-large', bytes } : { status: 'ok', body };
    },
    clock: { now: () => NOW },
    logger: new Logger({ logLevel: 'SILENT' }),
    ...overrides,
  };
  return { deps, presigned, reads };
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

const NO_STORE = {
  'Cache-Control': 'private, no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

/** Counts the business metrics a handler adds, by name. */
function countingMetrics() {
  const counts: Record<string, number> = {};
  const metrics = {
    addMetric: (name: string, _unit: string, value: number) => {
      counts[name] = (counts[name] ?? 0) + value;
    },
    addMetadata: () => undefined,
    hasStoredMetrics: () => false,
    clearMetadata: () => undefined,
  } as unknown as Metrics;
  return { metrics, counts };
}

describe('the report link handler', () => {
  it('serves report.html itself, from the folder its token opens, uncached, unframed, without a referrer', async () => {
    const { deps, presigned, reads } = fakes();
    const response = await open(deps, get(`/r/${folderToken()}/report.html`));
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(PAGE);
    expect(response.headers).toMatchObject({
      ...NO_STORE,
      'Content-Type': 'text/html; charset=utf-8',
    });
    expect(response.headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['Content-Security-Policy']).toMatch(/^default-src 'none';/);
    expect(response.headers['Location']).toBeUndefined();
    expect(reads).toEqual([KEY]);
    expect(presigned).toEqual([]);
  });

  it('serves report.md itself too, as Markdown in a sandbox', async () => {
    const { deps, reads } = fakes();
    const response = await open(deps, get(`/r/${folderToken()}/report.md`));
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('# Report\n');
    expect(response.headers).toMatchObject({
      ...NO_STORE,
      'Content-Type': 'text/markdown; charset=utf-8',
    });
    expect(response.headers['Content-Security-Policy']).toContain('sandbox');
    expect(reads).toEqual([`${FOLDER}report.md`]);
  });

  it('redirects a table (and report.json) to a freshly presigned URL of exactly that key', async () => {
    const { deps, presigned, reads } = fakes();
    const t = folderToken();
    for (const file of ['tables/kpis.csv', 'tables/kpi-by-dimension.csv', 'report.json']) {
      const response = await open(deps, get(`/r/${t}/${file}`));
      expect(response.statusCode, file).toBe(302);
      expect(response.headers).toMatchObject({
        ...NO_STORE,
        Location: `https://lake.s3.amazonaws.com/${FOLDER}${file}?X-Amz-Signature=abc`,
      });
      expect(response.body).toBe('');
    }
    expect(presigned).toEqual([
      `${FOLDER}tables/kpis.csv`,
      `${FOLDER}tables/kpi-by-dimension.csv`,
      `${FOLDER}report.json`,
    ]);
    expect(reads).toEqual([]);
  });

  it("opens the served page's relative links: each resolves to this origin, the same token, a file of the folder", async () => {
    const { deps, presigned } = fakes();
    const link = new URL(`https://${HOST}/r/${folderToken()}/report.html`);
    const page = await open(deps, get(link.pathname));
    const hrefs = [...page.body.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]!);
    expect(hrefs).toEqual(['tables/kpis.csv', 'tables/kpi-by-dimension.csv']);
    for (const href of hrefs) {
      const resolved = new URL(href, link);
      expect(resolved.origin).toBe(link.origin);
      const response = await open(deps, get(resolved.pathname));
      expect(response.statusCode, href).toBe(302);
      expect(new URL(response.headers['Location']!).pathname).toBe(`/${FOLDER}${href}`);
    }
    expect(presigned).toEqual(hrefs.map((href) => `${FOLDER}${href}`));
  });

  it('answers HEAD as GET, without the body', async () => {
    const { deps } = fakes();
    const response = await open(deps, get(`/r/${folderToken()}/report.html`, 'HEAD'));
    expect(response.statusCode).toBe(200);
    expect(response.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(response.body).toBe('');
    expect((await open(deps, get(`/r/${folderToken()}/tables/kpis.csv`, 'HEAD'))).statusCode).toBe(
      302,
    );
  });

  it("keeps a token to its own run's folder: no path leads out of it, however it is encoded", async () => {
    const { deps, presigned, reads } = fakes();
    const t = folderToken();
    for (const file of [
      '../other-run/report.html',
      '../../curated/orders/a.parquet',
      '%2e%2e/other-run/report.html',
      '.%2E/other-run/report.html',
      'tables%2F..%2F..%2Fother-run%2Freport.html',
      'tables/..%2f..%2fother-run%2freport.html',
      'tables/%2e%2e/%2e%2e/other-run/tables/kpis.csv',
      'tables/../report.json',
      'tables\\..\\..\\other-run\\report.html',
      'report.html%00.csv',
      'report%2Ehtml',
      './report.html',
      '/report.html',
      '/reports/other-run/report.html',
      'reports/other-run/report.html',
      'tables/kpis.csv/',
      'tables/kpis.csv/..',
      'tables/KPIS.csv',
      'tables/nested/kpis.csv',
      'tables/.csv',
      'report.html.bak',
      'plan.json',
      '',
    ]) {
      const response = await open(deps, get(`/r/${t}/${file}`));
      expect(response.statusCode, file).toBe(404);
      expect(response.body).toContain('This is not a file of the report');
      expectPageWithout(response, t, FOLDER);
    }
    expect((await open(deps, get(`/r/${t}`))).statusCode).toBe(404);
    expect(reads).toEqual([]);
    expect(presigned).toEqual([]);
  });

  it('opens another run only with that run’s own token, never with a token changed to name it', async () => {
    const { deps, presigned, reads } = fakes();
    const [, sig] = folderToken().split('.');
    const forged = `${Buffer.from(JSON.stringify({ d: 'reports/other-run/', e: 1893456000 })).toString('base64url')}.${sig}`;
    const response = await open(deps, get(`/r/${forged}/report.html`));
    expect(response.statusCode).toBe(403);
    expect(reads).toEqual([]);

    const other = folderToken(EXPIRES, 'reports/other-run/');
    await open(deps, get(`/r/${other}/tables/kpis.csv`));
    expect(presigned).toEqual(['reports/other-run/tables/kpis.csv']);
  });

  it('sends a link emailed before path links (?t=) on to the path link of the same report and expiry', async () => {
    const { deps, presigned, reads } = fakes();
    const response = await open(deps, request({ t: keyToken() }));
    expect(response.statusCode).toBe(302);
    expect(response.headers).toMatchObject(NO_STORE);
    const location = response.headers['Location']!;
    const [, token, file] = /^\/r\/([\w-]+\.[\w-]+)\/(.+)$/.exec(location) ?? [];
    expect(file).toBe('report.html');
    expect(verifyReportFolderLink(token!, SECRET, NOW)).toEqual({
      folder: FOLDER,
      expiresAt: EXPIRES,
    });
    expect(presigned).toEqual([]);
    expect(reads).toEqual([]);
    // The browser follows it: the page, from this origin.
    const followed = await open(deps, get(new URL(location, `https://${HOST}/?t=x`).pathname));
    expect(followed.statusCode).toBe(200);
    expect(followed.body).toBe(PAGE);
    // Expired or changed, the old form is refused as before.
    expect(
      (await open(deps, request({ t: keyToken(new Date('2026-01-08T11:00:00Z')) }))).statusCode,
    ).toBe(410);
    expect(
      (await open(deps, request({ t: keyToken(EXPIRES, KEY, 'w'.repeat(64)) }))).statusCode,
    ).toBe(403);
  });

  it('takes no token for the other form: a key token in a path, a folder token in ?t=', async () => {
    const { deps, presigned, reads } = fakes();
    expect((await open(deps, get(`/r/${keyToken()}/report.html`))).statusCode).toBe(403);
    expect((await open(deps, request({ t: folderToken() }))).statusCode).toBe(403);
    expect(presigned).toEqual([]);
    expect(reads).toEqual([]);
  });

  it('opens the links notify makes (linkTo) for as many days as they were made for', async () => {
    const linkTo = signedReportLinks({
      url: `https://${HOST}/`,
      days: 30,
      secret: async () => SECRET,
      clock: { now: () => NOW },
    });
    const link = new URL(await linkTo(KEY));
    expect(link.origin).toBe(`https://${HOST}`);
    expect(link.pathname).toMatch(/^\/r\/[\w-]+\.[\w-]+\/report\.html$/);
    expect(link.search).toBe('');
    const at = (ms: number) => fakes({ clock: { now: () => new Date(NOW.getTime() + ms) } });
    expect((await open(at(29 * 86_400_000).deps, get(link.pathname))).statusCode).toBe(200);
    expect((await open(at(30 * 86_400_000).deps, get(link.pathname))).statusCode).toBe(410);
  });

  it('answers an expired link with 410 and a page that says to ask for a new one', async () => {
    const { deps, presigned, reads } = fakes();
    const t = folderToken(new Date('2026-01-08T11:59:59Z'));
    for (const file of ['report.html', 'tables/kpis.csv']) {
      const response = await open(deps, get(`/r/${t}/${file}`));
      expect(response.statusCode).toBe(410);
      expect(response.headers).toMatchObject({
        ...NO_STORE,
        'Content-Type': 'text/html; charset=utf-8',
      });
      expect(response.body).toContain('This report link has expired');
      expect(response.body).toContain('Ask the sender of the insights report for a new link');
      expectPageWithout(response, t, FOLDER);
    }
    expect(presigned).toEqual([]);
    expect(reads).toEqual([]);
  });

  it('answers a tampered link with 403 and opens nothing', async () => {
    const { deps, presigned, reads } = fakes();
    const [payload, sig] = folderToken().split('.');
    const later = `${Buffer.from(JSON.stringify({ d: FOLDER, e: 1893456000 })).toString('base64url')}.${sig}`;
    const wrongSecret = folderToken(EXPIRES, FOLDER, 'w'.repeat(64));
    for (const t of [later, wrongSecret, `${payload}.${sig}A`, 'abc', '<script>']) {
      const response = await open(deps, get(`/r/${t}/report.html`));
      expect(response.statusCode, t).toBe(403);
      expect(response.headers).toMatchObject(NO_STORE);
      expect(response.body).toContain('Ask the sender of the insights report for a new link');
      expectPageWithout(response, t, 'reports/');
    }
    for (const t of ['<script>alert(1)</script>', keyToken(EXPIRES, KEY, 'w'.repeat(64))])
      expect((await open(deps, request({ t }))).statusCode).toBe(403);
    expect(presigned).toEqual([]);
    expect(reads).toEqual([]);
  });

  it('answers a link without its token with 400, and any other address with 404', async () => {
    const { deps, presigned } = fakes();
    for (const event of [request(undefined), request({ t: '' }), request({ other: keyToken() })]) {
      const response = await open(deps, event);
      expect(response.statusCode).toBe(400);
      expect(response.headers).toMatchObject(NO_STORE);
      expect(response.body).toContain('This report link is incomplete');
    }
    for (const path of ['/favicon.ico', '/robots.txt', `/reports/${RUN}/report.html`])
      expect((await open(deps, get(path))).statusCode, path).toBe(404);
    expect(presigned).toEqual([]);
  });

  it('answers methods other than GET and HEAD with 405', async () => {
    const { deps, presigned } = fakes();
    const response = await open(deps, get(`/r/${folderToken()}/report.html`, 'POST'));
    expect(response.statusCode).toBe(405);
    expect(response.headers['Allow']).toBe('GET');
    expect((await open(deps, request({ t: keyToken() }, 'POST'))).statusCode).toBe(405);
    expect(presigned).toEqual([]);
    expect((await open(deps, request({ t: keyToken() }, 'HEAD'))).statusCode).toBe(302);
  });

  it('answers a report that is not there with 404, and one too large to serve with a page that links to it', async () => {
    const big = 'x'.repeat(MAX_SERVED_BYTES + 1);
    const { deps, presigned, reads } = fakes({}, { [KEY]: big });
    const t = folderToken();
    const missing = await open(deps, get(`/r/${t}/report.md`));
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('This report is no longer there');

    const large = await open(deps, get(`/r/${t}/report.html`));
    expect(large.statusCode).toBe(200);
    expect(large.headers).toMatchObject({
      ...NO_STORE,
      'Content-Type': 'text/html; charset=utf-8',
    });
    expect(large.body).toContain('This report is too large to open through the link');
    expect(large.body).toContain('Its links to its tables will not work from there');
    expect(large.body).toContain(
      `<a href="https://lake.s3.amazonaws.com/${KEY}?X-Amz-Signature=abc">Open the report directly</a>`,
    );
    expect(reads).toEqual([`${FOLDER}report.md`, KEY]);
    expect(presigned).toEqual([KEY]);
  });

  it('does not serve a page whose JSON-escaped text would pass the Function URL response limit', async () => {
    // 4 MB of quotes: 8 MB once JSON escapes each.
    const quoted = '"'.repeat(4 * 1024 * 1024);
    const { deps, presigned } = fakes({}, { [KEY]: quoted });
    const response = await open(deps, get(`/r/${folderToken()}/report.html`));
    expect(response.body).toContain('This report is too large to open through the link');
    expect(presigned).toEqual([KEY]);
  });

  it('answers 503, not the error, when the secret or the report cannot be read', async () => {
    const denied = async () => {
      throw new Error('AccessDeniedException: arn:aws:secretsmanager:eu-west-1:123:secret:x');
    };
    for (const overrides of [{ secret: denied }, { read: denied }]) {
      const { deps } = fakes(overrides);
      const response = await open(deps, get(`/r/${folderToken()}/report.html`));
      expect(response.statusCode).toBe(503);
      expect(response.headers).toMatchObject(NO_STORE);
      expectPageWithout(response, 'secretsmanager', 'AccessDenied');
    }
  });

  it('counts the reports opened and the links refused, and nothing for addresses that are no link', async () => {
    const { metrics, counts } = countingMetrics();
    const { deps } = fakes({ metrics });
    const t = folderToken();
    await open(deps, get(`/r/${t}/report.html`));
    await open(deps, get(`/r/${t}/tables/kpis.csv`));
    await open(deps, get(`/r/${folderToken(new Date('2026-01-01'))}/report.html`));
    await open(deps, get(`/r/${t}/../x/report.html`));
    await open(deps, get('/favicon.ico'));
    expect(counts).toEqual({ ReportLinksOpened: 1, ReportLinksRefused: 2 });
  });

  it('never writes the token or a presigned URL into its logs', async () => {
    const lines: string[] = [];
    const logger = new Logger({ serviceName: 'test', logLevel: 'DEBUG' });
    for (const stream of [process.stdout, process.stderr])
      vi.spyOn(stream, 'write').mockImplementation((chunk) => {
        lines.push(String(chunk));
        return true;
      });
    try {
      const { deps } = fakes({ logger });
      const valid = folderToken();
      const expired = folderToken(new Date('2026-01-01T00:00:00Z'));
      const old = keyToken();
      const upgraded = await open(deps, request({ t: old }));
      await open(deps, get(`/r/${valid}/report.html`));
      await open(deps, get(`/r/${valid}/tables/kpis.csv`));
      await open(deps, get(`/r/${expired}/report.html`));
      const logs = lines.join('');
      expect(logs).toContain('report link opened');
      expect(logs).toContain('report file opened');
      expect(logs).toContain('"reason":"expired"');
      for (const secret of [valid, expired, old, upgraded.headers['Location']!, 'X-Amz-Signature'])
        expect(logs).not.toContain(secret);
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe('the deployed wiring (Secrets Manager, S3 GetObject and presigning)', () => {
  const env = {
    LAKE_BUCKET: 'lake-bucket',
    REPORT_LINK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:link-AbCdEf',
  };
  const awsCredentials = () => {
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  };
  const deployed = (): ReportLinkDeps => ({
    ...reportLinkAdapters(env),
    clock: { now: () => NOW },
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  const object = (text: string) => ({
    Body: sdkStreamMixin(Readable.from([Buffer.from(text)])),
    ContentLength: Buffer.byteLength(text),
  });
  const client = () =>
    new S3Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' },
    });

  it('reads the secret once per cold start, serves the page by GetObject, and redirects a table to a 5-minute presigned GetObject URL', async () => {
    awsCredentials();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
    s3.on(GetObjectCommand, { Bucket: 'lake-bucket', Key: KEY }).callsFake(async () =>
      object(PAGE),
    );
    const deps = deployed();
    const t = folderToken();

    const page = await open(deps, get(`/r/${t}/report.html`));
    expect(page.statusCode).toBe(200);
    expect(page.body).toBe(PAGE);
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'lake-bucket', Key: KEY },
    ]);

    for (const response of [
      await open(deps, get(`/r/${t}/tables/kpis.csv`)),
      await open(deps, get(`/r/${t}/tables/kpis.csv`)),
    ]) {
      expect(response.statusCode).toBe(302);
      const location = new URL(response.headers['Location']!);
      expect(location.hostname).toBe('lake-bucket.s3.eu-west-1.amazonaws.com');
      expect(decodeURIComponent(location.pathname)).toBe(`/${FOLDER}tables/kpis.csv`);
      expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
      expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    }
    // Presigning sends nothing.
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
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
    const deps = deployed();
    expect((await open(deps, get(`/r/${folderToken()}/tables/kpis.csv`))).statusCode).toBe(503);
    expect((await open(deps, get(`/r/${folderToken()}/tables/kpis.csv`))).statusCode).toBe(302);
  });

  it('presigns keys under reports/ only', async () => {
    const presign = reportPresigner(client(), 'lake-bucket');
    await expect(presign('curated/orders/a.parquet')).rejects.toThrow(/reports\//);
    await expect(presign(KEY)).resolves.toContain('X-Amz-Expires=300');
  });

  it('reads keys under reports/ only, up to the size asked, and tells a missing key', async () => {
    const read = reportReader(client(), 'lake-bucket');
    await expect(read('curated/orders/a.parquet', 100)).rejects.toThrow(/reports\//);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);

    s3.on(GetObjectCommand, { Key: KEY }).callsFake(async () => object('é'.repeat(10)));
    expect(await read(KEY, 20)).toEqual({ status: 'ok', body: 'é'.repeat(10) });
    // 20 bytes: S3's ContentLength says so before anything is read.
    expect(await read(KEY, 19)).toEqual({ status: 'too-large', bytes: 20 });

    s3.on(GetObjectCommand, { Key: `${FOLDER}report.md` }).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );
    expect(await read(`${FOLDER}report.md`, 20)).toEqual({ status: 'missing' });

    s3.on(GetObjectCommand, { Key: `${FOLDER}report.json` }).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }),
    );
    await expect(read(`${FOLDER}report.json`, 20)).rejects.toThrow('Access Denied');
  });
});
