import { describe, expect, it } from 'vitest';
import {
  baseName,
  formatDate,
  formatDecimal,
  formatInt,
  formatMoney,
  isNegative,
  progressPercent,
  progressText,
  RateMeter,
  rowsPerSecond,
} from './format';

describe('money and numbers', () => {
  it('formats money strings exactly, with two decimals and thousands separators', () => {
    expect(formatMoney('1234.50')).toBe('1,234.50');
    expect(formatMoney('1234567.89')).toBe('1,234,567.89');
    expect(formatMoney('0.5')).toBe('0.50');
    expect(formatMoney('12')).toBe('12.00');
    expect(formatMoney('-1234.5')).toBe('-1,234.50');
    expect(formatMoney('-0.00')).toBe('0.00');
    // Beyond float precision: the digits survive untouched.
    expect(formatMoney('12345678901234567.01')).toBe('12,345,678,901,234,567.01');
    expect(formatMoney('n/a')).toBe('n/a');
  });

  it('formats decimal quantities without changing their digits', () => {
    expect(formatDecimal('1500')).toBe('1,500');
    expect(formatDecimal('1500.250')).toBe('1,500.250');
    expect(formatDecimal('007')).toBe('7');
    expect(formatDecimal('-3')).toBe('-3');
  });

  it('tells negative amounts apart from negative zero', () => {
    expect(isNegative('-0.01')).toBe(true);
    expect(isNegative('-0.00')).toBe(false);
    expect(isNegative('12.00')).toBe(false);
  });

  it('formats integers', () => {
    expect(formatInt(0)).toBe('0');
    expect(formatInt(999)).toBe('999');
    expect(formatInt(1000)).toBe('1,000');
    expect(formatInt(1234567.9)).toBe('1,234,567');
    expect(formatInt(-45000)).toBe('-45,000');
    expect(formatInt(Number.NaN)).toBe('–');
  });

  it('formats ISO dates without time-zone drift', () => {
    expect(formatDate('2026-05-31')).toBe('31 May 2026');
    expect(formatDate('2026-01-02T23:59:59')).toBe('2 Jan 2026');
    expect(formatDate(null)).toBe('–');
    expect(formatDate('yesterday')).toBe('yesterday');
  });

  it('keeps only the file name of a path', () => {
    expect(baseName('/home/ana/Ventes mai.xlsx')).toBe('Ventes mai.xlsx');
    expect(baseName('C:\\Users\\ana\\stock.csv')).toBe('stock.csv');
    expect(baseName('plain.ods')).toBe('plain.ods');
  });
});

describe('progress', () => {
  it('computes rows per second', () => {
    expect(rowsPerSecond(50_000, 2_000)).toBe(25_000);
    expect(rowsPerSecond(1_000, 3_000)).toBe(333);
    expect(rowsPerSecond(1_000, 100)).toBeNull(); // too early to tell
    expect(rowsPerSecond(0, 5_000)).toBeNull();
  });

  it('measures the rate per phase and file', () => {
    const m = new RateMeter();
    expect(m.update({ phase: 'reading', file: 'a.xlsx', rows: 0 }, 1_000)).toBeNull();
    expect(m.update({ phase: 'reading', file: 'a.xlsx', rows: 20_000 }, 2_000)).toBe(20_000);
    expect(m.update({ phase: 'reading', file: 'a.xlsx', rows: 50_000 }, 3_000)).toBe(25_000);
    // A new phase restarts the clock, whether rows restart or accumulate.
    expect(m.update({ phase: 'writing', file: 'a.xlsx', rows: 50_000 }, 3_500)).toBeNull();
    expect(m.update({ phase: 'writing', file: 'a.xlsx', rows: 90_000 }, 4_500)).toBe(40_000);
  });

  it('computes the percentage only when the total is known', () => {
    expect(progressPercent({ phase: 'reading', rows: 250, total_estimate: 1_000 })).toBe(25);
    expect(progressPercent({ phase: 'reading', rows: 999, total_estimate: 1_000 })).toBe(99);
    expect(progressPercent({ phase: 'writing', rows: 1_500, total_estimate: 1_000 })).toBe(100);
    expect(progressPercent({ phase: 'reading', rows: 10, total_estimate: null })).toBeNull();
    expect(progressPercent({ phase: 'reading', rows: 10, total_estimate: 0 })).toBeNull();
    expect(progressPercent({ phase: 'done', rows: 10, total_estimate: null })).toBe(100);
  });

  it('describes the progress in one line', () => {
    const p = { phase: 'reading', file: '/tmp/stock_data.xlsx', rows: 12_000, total_estimate: null } as const;
    expect(progressText(p, 48_000)).toBe('Reading stock_data.xlsx — 12,000 rows · 48,000 rows/s');
    expect(progressText({ ...p, phase: 'validating', rows: 1 }, null)).toBe('Checking stock_data.xlsx — 1 row');
  });
});
