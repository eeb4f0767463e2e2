import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import {
  DUCKDB_ARCHITECTURES,
  isDuckDbArchitecture,
  type DuckDbArchitecture,
} from '../layers/duckdb/build.ts';
import { MAX_REPORT_LINK_DAYS } from '../functions/platform/report-link-token.ts';

/**
 * Deployment settings, read from CDK context (`cdk.json` or `cdk synth -c insights:<key>=<value>`).
 * Every key is optional; the defaults below make a working stack.
 */
export interface InsightsConfig {
  /**
   * EventBridge Scheduler expression that starts a report run (`cron(min hour day month weekday year)`).
   * @default 'cron(0 6 ? * MON *)' (Mondays at 06:00)
   */
  readonly schedule: string;
  /**
   * IANA time zone the schedule is read in.
   * @default 'UTC'
   */
  readonly scheduleTimeZone: string;
  /**
   * Minutes of quiet after an upload before its report run starts: files ingested within one
   * slot of this many minutes share one run, which starts one quiet period after the slot
   * ends (1-1440).
   * @default 5
   */
  readonly runQuietMinutes: number;
  /**
   * Who receives the report link; stored in an SSM parameter an operator can edit without a deploy.
   * Comma-separated on the command line.
   * @default ['insights@example.com']
   */
  readonly recipients: string[];
  /**
   * Sender address; its domain must be a verified SES identity (sending is scoped to it).
   * @default 'reports@example.com'
   */
  readonly mailFrom: string;
  /**
   * Athena stops (and fails) any query that scans more than this many bytes. Athena's minimum is 10 MB.
   * @default 10 GiB (10737418240)
   */
  readonly bytesScannedCutoffPerQuery: number;
  /**
   * How many days the emailed report link stays valid, 1-90. The link carries a token signed
   * by the stack, checked by the link function, so SigV4's 7-day presigning cap no longer
   * applies; 90 bounds how long a forwarded or leaked email can open the report.
   * @default 7
   */
  readonly reportLinkDays: number;
  /**
   * Powertools `LOG_LEVEL` of every function.
   * @default 'INFO'
   */
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * Retention of the functions' and the state machine's logs, in days (a CloudWatch Logs value).
   * @default 30
   */
  readonly logRetentionDays: number;
  /**
   * Days before Athena query results under `athena-results/` expire.
   * @default 7
   */
  readonly athenaResultsDays: number;
  /**
   * Lambda architecture of the DuckDB layer and of the functions that load DuckDB (ingest).
   * arm64 uses the layer `npm run layer:arm64` builds from the npm registry (synth fails,
   * naming that command, while it is missing); x86_64 is assembled from node_modules at synth.
   * @default 'x86_64'
   */
  readonly duckdbArchitecture: DuckDbArchitecture;
}

export const DEFAULT_CONFIG: InsightsConfig = {
  schedule: 'cron(0 6 ? * MON *)',
  scheduleTimeZone: 'UTC',
  runQuietMinutes: 5,
  recipients: ['insights@example.com'],
  mailFrom: 'reports@example.com',
  bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
  reportLinkDays: 7,
  logLevel: 'INFO',
  logRetentionDays: 30,
  athenaResultsDays: 7,
  duckdbArchitecture: 'x86_64',
};

/** Context keys are `insights:<field>`, e.g. `insights:recipients`. */
export const CONTEXT_PREFIX = 'insights:';

const EMAIL = /^[^\s@,]+@([a-z0-9-]+\.)+[a-z]{2,}$/i;
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
const RETENTION_DAYS = new Set(
  Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'),
);

/** Reads and validates the `insights:*` context; an unknown key is an error, not a silent default. */
export function readConfig(node: Node): InsightsConfig {
  const context = node.getAllContext() as Record<string, unknown>;
  const known = new Set(Object.keys(DEFAULT_CONFIG).map((k) => CONTEXT_PREFIX + k));
  const unknown = Object.keys(context).filter((k) => k.startsWith(CONTEXT_PREFIX) && !known.has(k));
  if (unknown.length > 0) {
    throw new Error(`Unknown context ${unknown.join(', ')}; known keys: ${[...known].join(', ')}`);
  }
  return parseConfig(
    Object.fromEntries(
      Object.keys(DEFAULT_CONFIG)
        .map((k) => [k, context[CONTEXT_PREFIX + k]])
        .filter(([, v]) => v !== undefined),
    ),
  );
}

/** Validates raw values (JSON from cdk.json, or strings from `-c`) over the defaults. */
export function parseConfig(raw: Record<string, unknown>): InsightsConfig {
  const config: InsightsConfig = {
    schedule: str(raw, 'schedule'),
    scheduleTimeZone: str(raw, 'scheduleTimeZone'),
    runQuietMinutes: int(raw, 'runQuietMinutes'),
    recipients: list(raw, 'recipients'),
    mailFrom: str(raw, 'mailFrom'),
    bytesScannedCutoffPerQuery: int(raw, 'bytesScannedCutoffPerQuery'),
    reportLinkDays: int(raw, 'reportLinkDays'),
    logLevel: str(raw, 'logLevel').toUpperCase() as InsightsConfig['logLevel'],
    logRetentionDays: int(raw, 'logRetentionDays'),
    athenaResultsDays: int(raw, 'athenaResultsDays'),
    duckdbArchitecture: str(raw, 'duckdbArchitecture').toLowerCase() as DuckDbArchitecture,
  };
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => ok || problems.push(message);
  check(
    isScheduleExpression(config.schedule),
    `schedule must be a Scheduler expression: cron with six fields and ? in the day-of-month or the day-of-week field, like cron(0 6 ? * MON *), rate(1 day), or at(2026-01-31T06:00:00); got "${config.schedule}"`,
  );
  check(
    isTimeZone(config.scheduleTimeZone),
    `scheduleTimeZone must be an IANA zone, got "${config.scheduleTimeZone}"`,
  );
  check(
    config.runQuietMinutes >= 1 && config.runQuietMinutes <= 1440,
    `runQuietMinutes must be 1-1440 (minutes of quiet after an upload before its run starts); got ${config.runQuietMinutes}`,
  );
  check(config.recipients.length > 0, 'recipients must list at least one address');
  for (const r of config.recipients)
    check(EMAIL.test(r), `recipient "${r}" is not an email address`);
  check(EMAIL.test(config.mailFrom), `mailFrom "${config.mailFrom}" is not an email address`);
  check(
    config.bytesScannedCutoffPerQuery >= 10 * 1024 ** 2,
    'bytesScannedCutoffPerQuery must be at least 10 MB (Athena minimum)',
  );
  check(
    config.reportLinkDays >= 1 && config.reportLinkDays <= MAX_REPORT_LINK_DAYS,
    `reportLinkDays must be 1-${MAX_REPORT_LINK_DAYS} (how many days an emailed link may open its report)`,
  );
  check(
    (LOG_LEVELS as readonly string[]).includes(config.logLevel),
    `logLevel must be one of ${LOG_LEVELS.join(', ')}`,
  );
  check(
    RETENTION_DAYS.has(config.logRetentionDays),
    `logRetentionDays must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, ...)`,
  );
  check(config.athenaResultsDays >= 1, 'athenaResultsDays must be at least 1');
  check(
    isDuckDbArchitecture(config.duckdbArchitecture),
    `duckdbArchitecture must be one of ${DUCKDB_ARCHITECTURES.join(', ')} (the Lambda architecture of the DuckDB layer and of ingest); got "${config.duckdbArchitecture}"`,
  );
  if (problems.length > 0) throw new Error(`Invalid insights context:\n- ${problems.join('\n- ')}`);
  return config;
}

/** The domain of `mailFrom`: the SES identity that sending is scoped to. */
/** The domain of a sender address: `reports@example.org` -> `example.org`. */
export const mailDomain = (address: string): string => address.split('@')[1] ?? '';

function str(raw: Record<string, unknown>, key: keyof InsightsConfig): string {
  const value = raw[key] ?? DEFAULT_CONFIG[key];
  if (typeof value !== 'string') throw new Error(`${CONTEXT_PREFIX}${key} must be a string`);
  return value.trim();
}

function int(raw: Record<string, unknown>, key: keyof InsightsConfig): number {
  const value = raw[key] ?? DEFAULT_CONFIG[key];
  // `-c key=value` always gives a string.
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n))
    throw new Error(`${CONTEXT_PREFIX}${key} must be an integer`);
  return n;
}

function list(raw: Record<string, unknown>, key: keyof InsightsConfig): string[] {
  const value = raw[key] ?? DEFAULT_CONFIG[key];
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || !items.every((v) => typeof v === 'string')) {
    throw new Error(
      `${CONTEXT_PREFIX}${key} must be a list of strings or a comma-separated string`,
    );
  }
  return items.map((v) => v.trim()).filter((v) => v.length > 0);
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * EventBridge Scheduler's expressions, checked as far as synth can: `cron(min hour dom month
 * dow year)` with `?` in exactly one of dom and dow, `rate(n unit)` with n >= 1, `at(ISO)`.
 */
export function isScheduleExpression(expression: string): boolean {
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6) return false;
    const [minute, hour, dom, , dow] = fields as [string, string, string, string, string, string];
    const inRange = (field: string, max: number) =>
      field.split(/[,/-]/).every((p) => p === '*' || (/^\d+$/.test(p) && Number(p) <= max));
    return (dom === '?') !== (dow === '?') && inRange(minute, 59) && inRange(hour, 23);
  }
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) return Number(rate[1]) >= 1;
  return /^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/.test(expression);
}
