import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CONTEXT_PREFIX,
  DEFAULT_CONFIG,
  isScheduleExpression,
  parseConfig,
  readConfig,
} from '../../infra/config.ts';
import { CDK_JSON_CONTEXT } from './synth.ts';

// An App makes its outdir at once: share one and remove it.
const outdir = mkdtempSync(join(tmpdir(), 'insights-cdk-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const configOf = (context: Record<string, unknown>) =>
  readConfig(new App({ context, outdir }).node);

describe('deployment settings from CDK context', () => {
  it('uses the documented defaults when no context is given', () => {
    expect(configOf({})).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG.bytesScannedCutoffPerQuery).toBe(10 * 1024 ** 3);
  });

  it('ships cdk.json with exactly the defaults, one key per setting', () => {
    const ours = Object.fromEntries(
      Object.entries(CDK_JSON_CONTEXT)
        .filter(([k]) => k.startsWith(CONTEXT_PREFIX))
        .map(([k, v]) => [k.slice(CONTEXT_PREFIX.length), v]),
    );
    expect(ours).toEqual(DEFAULT_CONFIG);
  });

  it('accepts the strings that `cdk synth -c key=value` passes', () => {
    const config = configOf({
      'insights:recipients': 'a@example.com, b@example.org',
      'insights:bytesScannedCutoffPerQuery': '20000000',
      'insights:reportLinkDays': '3',
      'insights:logLevel': 'debug',
      'insights:scheduleTimeZone': 'Europe/Paris',
    });
    expect(config.recipients).toEqual(['a@example.com', 'b@example.org']);
    expect(config.bytesScannedCutoffPerQuery).toBe(20_000_000);
    expect(config.reportLinkDays).toBe(3);
    expect(config.logLevel).toBe('DEBUG');
    expect(config.scheduleTimeZone).toBe('Europe/Paris');
  });

  it('rejects an unknown insights key instead of ignoring a typo', () => {
    expect(() => configOf({ 'insights:recipient': 'a@example.com' })).toThrow(
      /Unknown context insights:recipient\b/,
    );
  });

  it('lists every invalid value at once', () => {
    let message = '';
    try {
      parseConfig({
        schedule: '0 6 * * *',
        scheduleTimeZone: 'Mars/Olympus',
        recipients: 'not-an-address',
        mailFrom: 'nobody',
        bytesScannedCutoffPerQuery: 1024,
        reportLinkDays: 91,
        logLevel: 'LOUD',
        logRetentionDays: 31,
        athenaResultsDays: 0,
        runQuietMinutes: 0,
        duckdbArchitecture: 'sparc',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    // One problem per setting, all eleven of them.
    expect(message.split('\n- ').slice(1)).toHaveLength(11);
    expect(message).toMatch(/schedule must be a Scheduler expression/);
    expect(message).toMatch(/reportLinkDays must be 1-90/);
    expect(message).toMatch(/at least 10 MB/);
  });

  it('lets a report link live 1 to 90 days (signed links have no 7-day presigning cap)', () => {
    for (const days of [1, 7, 8, 90])
      expect(parseConfig({ reportLinkDays: days }).reportLinkDays).toBe(days);
    for (const days of [0, 91, 365])
      expect(() => parseConfig({ reportLinkDays: days }), String(days)).toThrow(
        /reportLinkDays must be 1-90/,
      );
  });

  it('waits 1 to 1440 minutes of quiet after an upload before its run (default 5)', () => {
    expect(DEFAULT_CONFIG.runQuietMinutes).toBe(5);
    expect(configOf({ 'insights:runQuietMinutes': '15' }).runQuietMinutes).toBe(15);
    for (const minutes of [1, 60, 1440])
      expect(parseConfig({ runQuietMinutes: minutes }).runQuietMinutes).toBe(minutes);
    for (const minutes of [0, 1441])
      expect(() => parseConfig({ runQuietMinutes: minutes }), String(minutes)).toThrow(
        /runQuietMinutes must be 1-1440/,
      );
    expect(() => parseConfig({ runQuietMinutes: '2.5' })).toThrow(
      /insights:runQuietMinutes must be an integer/,
    );
  });

  it('puts the DuckDB layer and the functions that load it on x86_64 (default) or arm64', () => {
    expect(DEFAULT_CONFIG.duckdbArchitecture).toBe('x86_64');
    expect(configOf({}).duckdbArchitecture).toBe('x86_64');
    expect(configOf({ 'insights:duckdbArchitecture': 'arm64' }).duckdbArchitecture).toBe('arm64');
    expect(parseConfig({ duckdbArchitecture: ' ARM64 ' }).duckdbArchitecture).toBe('arm64');
    for (const bad of ['aarch64', 'x64', 'arm', ''])
      expect(() => parseConfig({ duckdbArchitecture: bad }), bad).toThrow(
        /duckdbArchitecture must be one of x86_64, arm64 .*; got "/,
      );
    expect(() => parseConfig({ duckdbArchitecture: 64 })).toThrow(
      /insights:duckdbArchitecture must be a string/,
    );
  });

  it('rejects values of the wrong type', () => {
    expect(() => parseConfig({ reportLinkDays: 'seven' })).toThrow(
      /insights:reportLinkDays must be an integer/,
    );
    expect(() => parseConfig({ recipients: [1, 2] })).toThrow(/insights:recipients must be a list/);
    expect(() => parseConfig({ recipients: '' })).toThrow(/at least one address/);
  });
});

describe('isScheduleExpression', () => {
  it('accepts what EventBridge Scheduler accepts', () => {
    for (const ok of [
      'cron(0 6 ? * MON *)',
      'cron(15 10 1 * ? *)',
      'cron(0/15 8-17 ? * MON-FRI *)',
      'rate(1 day)',
      'rate(12 hours)',
      'at(2026-01-31T06:00:00)',
    ]) {
      expect(isScheduleExpression(ok), ok).toBe(true);
    }
  });

  it('refuses what would only fail at deploy time', () => {
    for (const bad of [
      'cron(0 6 * * MON *)',
      'cron(0 6 * *)',
      'cron(0 6 ? * ? *)',
      'cron(61 25 ? * MON *)',
      'rate(0 days)',
      'rate(1 fortnight)',
      '0 6 * * *',
    ]) {
      expect(isScheduleExpression(bad), bad).toBe(false);
    }
  });
});
