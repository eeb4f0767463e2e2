import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { reportLinkAdapters } from '#platform/aws/report-links.ts';
import type { Clock } from '#platform/ports.ts';
import { ReportLinkError, verifyReportLink } from '#platform/report-link-token.ts';
import { systemClock } from '#platform/runtime.ts';
import {
  awsObservability,
  observe,
  telemetryOf,
  tracedClients,
  type Observability,
} from './middleware.ts';

/**
 * The emailed report link: `GET <function URL>?t=<token>`. A genuine, unexpired token is
 * answered with a redirect to a freshly presigned S3 URL of the report (minutes long); anything
 * else with a short page that says why, in words, without the token or the key.
 */
export interface ReportLinkDeps extends Observability {
  /** The HMAC secret the links are signed with (read once per cold start in AWS). */
  secret: () => Promise<string>;
  /** A short-lived URL that opens the report (an S3 presigned GetObject in AWS). */
  presign: (key: string) => Promise<string>;
  clock: Clock;
}

type Response = APIGatewayProxyStructuredResultV2;

export const makeHandler = (deps: ReportLinkDeps) => {
  const telemetry = telemetryOf(deps);
  return middy(async (event: LambdaFunctionURLEvent): Promise<Response> => {
    const method = event.requestContext.http.method;
    if (method !== 'GET' && method !== 'HEAD') return page(405, PAGES.method, { Allow: 'GET' });
    const token = event.queryStringParameters?.['t'];
    if (!token) return page(400, PAGES.incomplete);
    try {
      const { key } = verifyReportLink(token, await deps.secret(), deps.clock.now());
      const location = await deps.presign(key);
      deps.logger.info('report link opened', { key });
      telemetry.count('ReportLinksOpened', 1);
      return { statusCode: 302, headers: { ...SAFE_HEADERS, Location: location }, body: '' };
    } catch (error) {
      if (error instanceof ReportLinkError) {
        // The reason only: the token is a credential and never goes into a log.
        deps.logger.warn('report link refused', { reason: error.reason });
        telemetry.count('ReportLinksRefused', 1);
        return error.reason === 'expired' ? page(410, PAGES.expired) : page(403, PAGES.invalid);
      }
      deps.logger.error('report link could not be served', { error });
      return page(503, PAGES.unavailable);
    }
  }).use(observe(deps));
};

/** No caching anywhere, and no Referer: the token must not leak to S3 or any later page. */
const SAFE_HEADERS = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Robots-Tag': 'noindex',
};

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
): Response {
  return {
    statusCode,
    headers: {
      ...SAFE_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      ...headers,
    },
    body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>\n`,
  };
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
