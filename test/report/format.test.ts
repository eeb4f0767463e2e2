import { describe, expect, it } from 'vitest';
import {
  cell,
  formatChange,
  formatNumber,
  formatShare,
  normalRange,
  table,
} from '#report/format.ts';

describe('report formatting', () => {
  it('formats numbers for people', () => {
    expect(formatNumber(1234567.891)).toBe('1,234,568');
    expect(formatNumber(12.345)).toBe('12.35');
    expect(formatNumber(0.00123)).toBe('0.0012');
    expect(formatNumber(Number.NaN)).toBe('n/a');
    expect(formatNumber(null)).toBe('n/a');
  });

  it('formats changes with a sign', () => {
    expect(formatChange(0.1234)).toBe('+12.3%');
    expect(formatChange(-0.05)).toBe('-5.0%');
    expect(formatChange(2.5)).toBe('+250%');
    expect(formatChange(undefined)).toBe('n/a');
    expect(formatShare(0.0123)).toBe('1.2%');
  });

  it('keeps values from files from breaking a Markdown table', () => {
    expect(cell('a|b\nc')).toBe('a\\|b c');
    expect(cell('<script>')).toBe('\\<script\\>');
    expect(cell('net_amount')).toBe('net_amount');
    expect(table(['x'], [[cell('1|2')]])).toBe('| x |\n| --- |\n| 1\\|2 |');
  });
});

describe('normalRange', () => {
  it('leaves out a fence that lies beyond every observed value', () => {
    expect(normalRange({ low: -2, high: 6, min: 1, max: 183 })).toBe('up to 6');
    expect(normalRange({ low: 10, high: 50, min: 0, max: 40 })).toBe('from 10');
    expect(normalRange({ low: 10, high: 50, min: 0, max: 90 })).toBe('10 to 50');
    expect(normalRange({ low: 10, high: 50 })).toBe('10 to 50');
  });
});
