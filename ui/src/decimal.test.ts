import { describe, expect, it } from 'vitest';
import { compareDec, parseDec, percentChange, pointsChange, roundDec, times100 } from './decimal';

describe('exact decimals', () => {
  it('parses plain decimal strings only', () => {
    expect(parseDec('1234.50')).toEqual({ units: 123450n, scale: 2 });
    expect(parseDec('-0.5')).toEqual({ units: -5n, scale: 1 });
    expect(parseDec('.5')).toEqual({ units: 5n, scale: 1 });
    expect(parseDec('1e3')).toBeNull();
    expect(parseDec('')).toBeNull();
    expect(parseDec(null)).toBeNull();
  });

  it('compares and rounds without floats', () => {
    expect(compareDec('10.00', '9.99')).toBe(1);
    expect(compareDec('-1', '1')).toBe(-1);
    expect(compareDec('2.50', '2.5')).toBe(0);
    expect(compareDec('n/a', '1')).toBe(1);
    expect(roundDec('2.345', 2)).toBe('2.35');
    expect(roundDec('2.344', 2)).toBe('2.34');
    expect(roundDec('-2.345', 2)).toBe('-2.35');
    expect(roundDec('7', 2)).toBe('7.00');
    expect(times100('0.2534')).toBe('25.34');
    expect(times100('0.5')).toBe('50');
    expect(times100('-0.015')).toBe('-1.5');
  });

  it('computes changes in percent and in points', () => {
    expect(percentChange('110.00', '100.00')).toBe(10);
    expect(percentChange('0.3', '0.1')).toBe(200); // exact, where 0.3 - 0.1 in floats is 0.19999999999999998
    expect(percentChange('90', '100')).toBe(-10);
    expect(percentChange('1', '3')).toBe(-66.7);
    expect(percentChange('100', '-50')).toBe(300); // against a loss, the sign follows the improvement
    expect(percentChange('5', '0')).toBeNull();
    expect(percentChange(null, '1')).toBeNull();
    expect(pointsChange('0.30', '0.25')).toBe(5);
    expect(pointsChange('0.2', '0.2534')).toBe(-5.3);
  });
});
