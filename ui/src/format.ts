// Pure formatting helpers. Money arrives as decimal strings and is never turned into a float.
import type { ImportPhase, ImportProgress } from './backend';

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1234567.5" → "1,234,567.5"; anything that is not a plain decimal is returned unchanged. */
export function formatDecimal(value: string): string {
  const m = /^\s*([+-]?)(\d+)(?:\.(\d+))?\s*$/.exec(value);
  if (!m) return value;
  const [, sign, int, frac] = m;
  const intPart = group(int.replace(/^0+(?=\d)/, ''));
  const negative = sign === '-' && /[1-9]/.test(int + (frac ?? ''));
  return `${negative ? '-' : ''}${intPart}${frac !== undefined ? '.' + frac : ''}`;
}

/** Money with at least two decimals: "1234.5" → "1,234.50". */
export function formatMoney(value: string): string {
  const m = /^\s*([+-]?\d+)(?:\.(\d*))?\s*$/.exec(value);
  if (!m) return value;
  return formatDecimal(`${m[1]}.${(m[2] ?? '').padEnd(2, '0')}`);
}

export function isNegative(value: string): boolean {
  return /^\s*-/.test(value) && /[1-9]/.test(value);
}

export function formatInt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const t = Math.trunc(n);
  return (t < 0 ? '-' : '') + group(String(Math.abs(t)));
}

/** Rows per second, or null while too little time has passed to say anything honest. */
export function rowsPerSecond(rows: number, elapsedMs: number): number | null {
  if (!(rows > 0) || !(elapsedMs >= 250)) return null;
  return Math.round((rows * 1000) / elapsedMs);
}

/**
 * Measures the rate of one phase of one file: it restarts whenever the phase or file changes,
 * so it works whether `rows` is cumulative or restarts at 0 in each phase.
 */
export class RateMeter {
  private key = '';
  private startMs = 0;
  private startRows = 0;

  update(p: Pick<ImportProgress, 'phase' | 'file' | 'rows'>, nowMs: number): number | null {
    const key = `${p.phase}\u0000${p.file}`;
    if (key !== this.key || p.rows < this.startRows) {
      this.key = key;
      this.startMs = nowMs;
      this.startRows = p.rows;
      return null;
    }
    return rowsPerSecond(p.rows - this.startRows, nowMs - this.startMs);
  }

  reset(): void {
    this.key = '';
  }
}

/** 0–100, or null when the total is unknown (indeterminate bar). */
export function progressPercent(p: Pick<ImportProgress, 'phase' | 'rows' | 'total_estimate'>): number | null {
  if (p.phase === 'done') return 100;
  if (p.total_estimate === null || !(p.total_estimate > 0)) return null;
  return Math.min(100, Math.max(0, Math.floor((p.rows / p.total_estimate) * 100)));
}

const PHASE_LABELS: Record<ImportPhase, string> = {
  reading: 'Reading',
  validating: 'Checking',
  writing: 'Writing',
  refreshing: 'Refreshing the analytics',
  done: 'Done',
};

export function phaseLabel(phase: ImportPhase): string {
  return PHASE_LABELS[phase] ?? phase;
}

export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** "Reading stock_data.xlsx — 12,000 rows · 48,000 rows/s" */
export function progressText(p: ImportProgress, rate: number | null): string {
  let text = phaseLabel(p.phase);
  if (p.file) text += ` ${baseName(p.file)}`;
  if (p.phase !== 'refreshing' || p.rows > 0) text += ` — ${formatInt(p.rows)} ${p.rows === 1 ? 'row' : 'rows'}`;
  if (rate !== null) text += ` · ${formatInt(rate)} rows/s`;
  return text;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-05-31" (or an ISO timestamp) → "31 May 2026"; no Date object, so no time-zone shift. */
export function formatDate(iso: string | null): string {
  if (!iso) return '–';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const month = MONTHS[Number(m[2]) - 1];
  return month ? `${Number(m[3])} ${month} ${m[1]}` : iso;
}

export function plural(n: number, one: string, many: string): string {
  return `${formatInt(n)} ${n === 1 ? one : many}`;
}
