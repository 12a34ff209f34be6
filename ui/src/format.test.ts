import { afterEach, describe, expect, it } from 'vitest';
import {
  baseName,
  formatDate,
  formatDateTime,
  formatDecimal,
  formatInt,
  formatMoney,
  formatQuantity,
  formatRate,
  progressCounts,
  progressPercent,
  RateMeter,
  rowsPerSecond,
} from './format';
import { setLanguage } from './i18n';

const NB = '\u00a0';

afterEach(() => setLanguage('en'));

describe('money per locale', () => {
  it('formats money exactly in English', () => {
    expect(formatMoney('1234.50', '€', 'en')).toBe('€1,234.50');
    expect(formatMoney('1234567.89', '€', 'en')).toBe('€1,234,567.89');
    expect(formatMoney('0.5', '$', 'en')).toBe('$0.50');
    expect(formatMoney('-1234.5', '€', 'en')).toBe('-€1,234.50');
    expect(formatMoney('-0.00', '€', 'en')).toBe('€0.00');
    expect(formatMoney('12', 'CHF', 'en')).toBe(`CHF${NB}12.00`);
    // Beyond float precision: the digits survive untouched.
    expect(formatMoney('12345678901234567.01', '€', 'en')).toBe('€12,345,678,901,234,567.01');
    expect(formatMoney('n/a', '€', 'en')).toBe('n/a');
    expect(formatMoney(null, '€', 'en')).toBe('–');
  });

  it('formats money exactly in French', () => {
    expect(formatMoney('1234.50', '€', 'fr')).toBe(`1${NB}234,50${NB}€`);
    expect(formatMoney('-1234567.5', '€', 'fr')).toBe(`-1${NB}234${NB}567,50${NB}€`);
    expect(formatMoney('3', 'CHF', 'fr')).toBe(`3,00${NB}CHF`);
  });

  it('rounds more than two decimals half away from zero', () => {
    expect(formatMoney('2.345', '€', 'en')).toBe('€2.35');
    expect(formatMoney('-2.345', '€', 'en')).toBe('-€2.35');
  });

  it('uses the current language by default', () => {
    setLanguage('fr');
    expect(formatMoney('1234.5', '€')).toBe(`1${NB}234,50${NB}€`);
    setLanguage('en');
    expect(formatMoney('1234.5', '€')).toBe('€1,234.50');
  });
});

describe('numbers, rates and dates per locale', () => {
  it('formats decimals and quantities without changing their digits', () => {
    expect(formatDecimal('1500.250', 'en')).toBe('1,500.250');
    expect(formatDecimal('1500.250', 'fr')).toBe(`1${NB}500,250`);
    expect(formatDecimal('007', 'en')).toBe('7');
    expect(formatQuantity('12.000', 'en')).toBe('12');
    expect(formatQuantity('1200.50', 'fr')).toBe(`1${NB}200,5`);
    expect(formatQuantity('1500', 'en')).toBe('1,500');
  });

  it('formats integers', () => {
    expect(formatInt(0, 'en')).toBe('0');
    expect(formatInt(1234567.9, 'en')).toBe('1,234,567');
    expect(formatInt(-45000, 'fr')).toBe(`-45${NB}000`);
    expect(formatInt(Number.NaN, 'en')).toBe('–');
  });

  it('formats rates as percentages', () => {
    expect(formatRate('0.2534', 'en')).toBe('25.3%');
    expect(formatRate('0.2534', 'fr')).toBe(`25,3${NB}%`);
    expect(formatRate('-0.05', 'en')).toBe('-5.0%');
    expect(formatRate('1', 'en')).toBe('100.0%');
    expect(formatRate(null, 'en')).toBe('–');
  });

  it('formats ISO dates without time-zone drift', () => {
    expect(formatDate('2026-05-31', 'en')).toBe('31 May 2026');
    expect(formatDate('2026-05-31', 'fr')).toBe('31 mai 2026');
    expect(formatDate('2026-01-02T23:59:59', 'en')).toBe('2 Jan 2026');
    expect(formatDate(null, 'en')).toBe('–');
    expect(formatDate('yesterday', 'en')).toBe('yesterday');
    expect(formatDateTime('2026-05-31 14:05:09', 'en')).toBe('31 May 2026, 14:05');
    expect(formatDateTime('2026-05-31 14:05:09', 'fr')).toBe('31 mai 2026 à 14:05');
  });

  it('keeps only the file name of a path', () => {
    expect(baseName('/home/ana/Ventes mai.xlsx')).toBe('Ventes mai.xlsx');
    expect(baseName('C:\\Users\\ana\\stock.csv')).toBe('stock.csv');
  });
});

describe('progress', () => {
  it('computes rows per second', () => {
    expect(rowsPerSecond(50_000, 2_000)).toBe(25_000);
    expect(rowsPerSecond(1_000, 100)).toBeNull(); // too early to tell
    expect(rowsPerSecond(0, 5_000)).toBeNull();
  });

  it('measures the rate per phase and file and keeps the last rate between close events', () => {
    const m = new RateMeter();
    expect(m.update({ phase: 'reading', file: 'a.xlsx', rows: 0 }, 1_000)).toBeNull();
    expect(m.update({ phase: 'reading', file: 'a.xlsx', rows: 20_000 }, 2_000)).toBe(20_000);
    expect(m.update({ phase: 'reading', file: 'a.xlsx', rows: 50_000 }, 3_000)).toBe(25_000);
    expect(m.update({ phase: 'writing', file: 'a.xlsx', rows: 50_000 }, 3_500)).toBeNull();
    expect(m.update({ phase: 'writing', file: 'a.xlsx', rows: 60_000 }, 3_600)).toBeNull();
    expect(m.update({ phase: 'writing', file: 'a.xlsx', rows: 90_000 }, 4_500)).toBe(40_000);
  });

  it('computes the percentage only when the total is known', () => {
    expect(progressPercent({ phase: 'reading', rows: 250, total_estimate: 1_000 })).toBe(25);
    expect(progressPercent({ phase: 'writing', rows: 1_500, total_estimate: 1_000 })).toBe(100);
    expect(progressPercent({ phase: 'reading', rows: 10, total_estimate: null })).toBeNull();
    expect(progressPercent({ phase: 'done', rows: 10, total_estimate: null })).toBe(100);
  });

  it('says N of ~T rows and R rows/s, per locale', () => {
    const p = { phase: 'reading', file: '/tmp/stock_data.xlsx', rows: 12_000, total_estimate: 48_000 } as const;
    expect(progressCounts(p, 24_000, 'en')).toBe('12,000 of ~48,000 rows, 24,000 rows/s');
    expect(progressCounts(p, null, 'fr')).toBe(`12${NB}000 lignes sur ~48${NB}000`);
    expect(progressCounts({ ...p, rows: 1, total_estimate: null }, null, 'en')).toBe('1 row');
    // An estimate that turns out too low never reads "60,000 of ~48,000".
    expect(progressCounts({ ...p, rows: 60_000 }, null, 'en')).toBe('60,000 of ~60,000 rows');
  });
});
