import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { reportLinkAdapters, type ReportRead } from '#platform/aws/report-links.ts';
import type { Clock } from '#platform/ports.ts';
import {
  ReportLinkError,
  parseReportLinkPath,
  reportFileOf,
  reportLinkPath,
  resolveReportLink,
  signReportFolderLink,
  verifyReportLink,
} from '#platform/report-link-token.ts';
import { systemClock } from '#platform/runtime.ts';
import { escapeHtml } from '#report/html.ts';
import {
  awsObservability,
  observe,
  telemetryOf,
  tracedClients,
  type Observability,
} from './middleware.ts';

/**
 * The emailed report link: `GET <function URL>/r/<token>/<file>`, the token opening one
 * report's folder (`reports/<run-id>/`) until it expires, the file one of that report's files
 * (report-link-token.ts). A genuine, unexpired token is answered with:
 * - report.html and report.md: the file itself, read from S3 and served from this origin, so
 *   that its relative links (`tables/kpis.csv`) resolve to `/r/<token>/tables/kpis.csv` here
 *   (a redirect to S3 would make the presigned URL the page's base, and its links would reach
 *   S3 unsigned, which refuses them);
 * - the CSV tables and report.json: a redirect to a freshly presigned S3 URL of exactly that
 *   key, which lives minutes.
 * Links emailed before path links, `GET <function URL>?t=<key token>`, are answered with a
 * redirect to the path link of the same report, with the same expiry.
 * Anything else gets a short page that says why, in words, without the token or the key.
 */
export interface ReportLinkDeps extends Observability {
  /** The HMAC secret the links are signed with (read once per cold start in AWS). */
  secret: () => Promise<string>;
  /** A short-lived URL that opens a report file (an S3 presigned GetObject in AWS). */
  presign: (key: string) => Promise<string>;
  /** A report file's text, to serve it, if it is at most `maxBytes` long (S3 GetObject in AWS). */
  read: (key: string, maxBytes: number) => Promise<ReportRead>;
  clock: Clock;
}

type Response = APIGatewayProxyStructuredResultV2;

/**
 * The largest report page served from the function, in bytes of its JSON-escaped text: a
 * Function URL response is at most 6 MB, headers and the JSON around the body included.
 * A longer page gets a page with a presigned link to it instead (`tooLarge`).
 */
export const MAX_SERVED_BYTES = 5 * 1024 * 1024;

/** The files served from the function (their relative links must resolve here), and their types. */
const SERVED: Record<string, { contentType: string; csp: string }> = {
  'report.html': {
    contentType: 'text/html; charset=utf-8',
    // The page carries its own, stricter policy (its style sheet by hash, html.ts); both
    // apply, so this one adds what a <meta> policy cannot: no framing (clickjacking), and
    // nothing loads or runs even if the page's own policy were missing.
    csp: "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  },
  'report.md': {
    contentType: 'text/markdown; charset=utf-8',
    csp: "default-src 'none'; sandbox; frame-ancestors 'none'",
  },
};

export const makeHandler = (deps: ReportLinkDeps) => {
  const telemetry = telemetryOf(deps);

  /** A refusal: the reason only goes into the log (the token is a credential), and a page out. */
  const refused = (error: ReportLinkError): Response => {
    deps.logger.warn('report link refused', { reason: error.reason });
    telemetry.count('ReportLinksRefused', 1);
    if (error.reason === 'expired') return page(410, PAGES.expired);
    if (error.reason === 'forbidden-file') return page(404, PAGES.notInReport);
    return page(403, PAGES.invalid);
  };

  /** `/r/<token>/<file>`: the file served, or a redirect to a presigned URL of it. */
  const open = async (token: string, file: string, head: boolean): Promise<Response> => {
    const { key } = resolveReportLink(token, file, await deps.secret(), deps.clock.now());
    const served = SERVED[file];
    if (!served) {
      const location = await deps.presign(key);
      deps.logger.info('report file opened', { key });
      return redirect(location);
    }
    const read = await deps.read(key, MAX_SERVED_BYTES);
    if (read.status === 'missing') {
      deps.logger.warn('report link names a report that is not there', { key });
      return page(404, PAGES.missing);
    }
    if (read.status === 'ok' && Buffer.byteLength(JSON.stringify(read.body)) <= MAX_SERVED_BYTES) {
      deps.logger.info('report link opened', { key });
      telemetry.count('ReportLinksOpened', 1);
      return {
        statusCode: 200,
        headers: {
          ...SAFE_HEADERS,
          'Content-Type': served.contentType,
          'Content-Security-Policy': served.csp,
        },
        body: head ? '' : read.body,
      };
    }
    const bytes = read.status === 'ok' ? Buffer.byteLength(read.body) : read.bytes;
    deps.logger.warn('report too large to serve: offered a presigned link to it instead', {
      key,
      bytes,
    });
    telemetry.count('ReportLinksOpened', 1);
    return tooLarge(await deps.presign(key), bytes);
  };

  /** `?t=<key token>`, as emailed before path links: on to the path link of the same report. */
  const upgrade = async (token: string): Promise<Response> => {
    const secret = await deps.secret();
    const { key, expiresAt } = verifyReportLink(token, secret, deps.clock.now());
    const at = reportFileOf(key);
    if (!at) throw new ReportLinkError('forbidden-key', 'The report link names no report file');
    // The same folder and the same expiry: the page the old link opened, with its tables.
    const folderToken = signReportFolderLink({ folder: at.folder, expiresAt }, secret);
    deps.logger.info('report link of the query form sent on to its path form', { key });
    return redirect(reportLinkPath(folderToken, at.file));
  };

  return middy(async (event: LambdaFunctionURLEvent): Promise<Response> => {
    const method = event.requestContext.http.method;
    if (method !== 'GET' && method !== 'HEAD') return page(405, PAGES.method, { Allow: 'GET' });
    // The path as sent: nothing here decodes it, and no report file's name has a `%`.
    const path = event.rawPath ?? event.requestContext.http.path ?? '/';
    const link = parseReportLinkPath(path);
    const token = link ? undefined : event.queryStringParameters?.['t'];
    // Not a link (a browser's /favicon.ico): no refusal to count.
    if (!link && path !== '/' && path !== '') return page(404, PAGES.method);
    if (!link && !token) return page(400, PAGES.incomplete);
    try {
      return link ? await open(link.token, link.file, method === 'HEAD') : await upgrade(token!);
    } catch (error) {
      if (error instanceof ReportLinkError) return refused(error);
      deps.logger.error('report link could not be served', { error });
      return page(503, PAGES.unavailable);
    }
  }).use(observe(deps));
};

/** No caching anywhere, and no Referer: the token must not leak to S3 or any later page. */
const SAFE_HEADERS = {
  'Cache-Control': 'private, no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Robots-Tag': 'noindex',
};

const redirect = (location: string): Response => ({
  statusCode: 302,
  headers: { ...SAFE_HEADERS, Location: location },
  body: '',
});

/** The pages are fixed text: nothing from the request is ever written into them. */
const PAGES = {
  incomplete: [
    'This report link is incomplete',
    'Part of the link is missing. Open it again from the email, or copy the whole link into the address bar.',
  ],
  invalid: [
    'This report link does not work',
    'The link may have been cut short or changed, or it has expired. Ask the sender of the insights report for a new link.',
  ],
  expired: [
    'This report link has expired',
    'Report links work for a limited number of days. Ask the sender of the insights report for a new link.',
  ],
  notInReport: [
    'This is not a file of the report',
    'The link may have been changed. Open the report from the link in the email, and its tables from the report.',
  ],
  missing: [
    'This report is no longer there',
    'It may have been removed. Ask the sender of the insights report whether a newer report replaces it.',
  ],
  unavailable: [
    'The report cannot be opened right now',
    'Something on our side failed. Try the link again in a few minutes.',
  ],
  method: ['This address only opens reports', 'Open the link from the report email.'],
} satisfies Record<string, [title: string, text: string]>;

function page(
  statusCode: number,
  [title, text]: [string, string],
  headers: Record<string, string> = {},
  extra = '',
): Response {
  return {
    statusCode,
    headers: {
      ...SAFE_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      ...headers,
    },
    body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p>${extra}</body></html>\n`,
  };
}

/**
 * A report page too long for a Function URL response: a page that says so, with a link to a
 * presigned URL of it (minutes long). The report opens from there, but not its relative links.
 */
function tooLarge(location: string, bytes: number): Response {
  const megabytes = (bytes / 1024 / 1024).toFixed(1);
  return page(
    200,
    [
      'This report is too large to open through the link',
      `It is ${megabytes} MB; the link opens reports of up to ${MAX_SERVED_BYTES / 1024 / 1024} MB.`,
    ],
    {},
    `<p><a href="${escapeHtml(location)}">Open the report directly</a> within five minutes. Its links to its tables will not work from there: ask the sender of the insights report for the tables you need.</p>`,
  );
}

/** The deployed wiring: the lake bucket and the secret from the environment, on first use. */
export function awsReportLinkDeps(): ReportLinkDeps {
  const observability = awsObservability();
  return {
    ...reportLinkAdapters(process.env, tracedClients(observability)),
    clock: systemClock,
    ...observability,
  };
}

export const handler = makeHandler(awsReportLinkDeps());
