// Exact arithmetic on the decimal strings Rust sends ("1234.50"): BigInt, never binary floats.

export interface Dec {
  /** The value times 10^scale. */
  units: bigint;
  scale: number;
}

const DECIMAL = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/;

/** "−12.50" style strings → exact value; null for anything that is not a plain decimal. */
export function parseDec(value: string | null | undefined): Dec | null {
  if (value === null || value === undefined) return null;
  const m = DECIMAL.exec(value);
  if (!m) return null;
  const [, sign, int, frac = ''] = m;
  if (int === '' && frac === '') return null;
  const units = BigInt((int || '0') + frac);
  return { units: sign === '-' ? -units : units, scale: frac.length };
}

function rescale(d: Dec, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [rescale(a, scale), rescale(b, scale), scale];
}

function decToString(d: Dec): string {
  const negative = d.units < 0n;
  let digits = (negative ? -d.units : d.units).toString();
  if (d.scale > 0) {
    digits = digits.padStart(d.scale + 1, '0');
    digits = `${digits.slice(0, -d.scale)}.${digits.slice(-d.scale)}`;
  }
  return (negative ? '-' : '') + digits;
}

/** Orders decimal strings exactly; values that are not decimals sort after all numbers. */
export function compareDec(a: string | null, b: string | null): number {
  const x = parseDec(a);
  const y = parseDec(b);
  if (!x || !y) return (x ? 0 : 1) - (y ? 0 : 1);
  const [p, q] = align(x, y);
  return p < q ? -1 : p > q ? 1 : 0;
}

function divRound(n: bigint, d: bigint): bigint {
  // Rounds half away from zero; d > 0.
  const q = n / d;
  const r = n % d;
  if (r * 2n >= d) return q + 1n;
  if (r * 2n <= -d) return q - 1n;
  return q;
}

/** Rounds to `places` decimals, half away from zero. */
export function roundDec(value: string, places: number): string | null {
  const d = parseDec(value);
  if (!d) return null;
  if (d.scale <= places) return decToString({ units: rescale(d, places), scale: places });
  return decToString({ units: divRound(d.units, 10n ** BigInt(d.scale - places)), scale: places });
}

/** "0.2534" → "25.34" (exact shift of the decimal point). */
export function times100(value: string): string | null {
  const d = parseDec(value);
  if (!d) return null;
  return d.scale >= 2 ? decToString({ units: d.units, scale: d.scale - 2 }) : decToString({ units: rescale(d, 2), scale: 0 });
}

/**
 * Relative change (current − previous) / |previous| in percent, rounded to `places` decimals
 * exactly; Number only for the final figure. Null when previous is zero or a value is missing.
 */
export function percentChange(current: string | null, previous: string | null, places = 1): number | null {
  const x = parseDec(current);
  const y = parseDec(previous);
  if (!x || !y || y.units === 0n) return null;
  const [c, p] = align(x, y);
  const abs = p < 0n ? -p : p;
  const scaled = divRound((c - p) * 100n * 10n ** BigInt(places), abs);
  return Number(scaled) / 10 ** places;
}

/** Difference of two rates in percentage points ("0.30" vs "0.25" → 5), rounded to `places`. */
export function pointsChange(current: string | null, previous: string | null, places = 1): number | null {
  const x = parseDec(current);
  const y = parseDec(previous);
  if (!x || !y) return null;
  const [c, p, scale] = align(x, y);
  const diff = (c - p) * 100n * 10n ** BigInt(places);
  return Number(divRound(diff, 10n ** BigInt(scale))) / 10 ** places;
}

export function isNegative(value: string | null): boolean {
  const d = parseDec(value);
  return d !== null && d.units < 0n;
}

/** The exact sum of decimal strings (non-decimals are skipped). */
export function sumDec(values: readonly (string | null)[]): string {
  let total: Dec = { units: 0n, scale: 0 };
  for (const v of values) {
    const d = parseDec(v);
    if (!d) continue;
    const [a, b, scale] = align(total, d);
    total = { units: a + b, scale };
  }
  return decToString(total);
}
