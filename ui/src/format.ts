// Locale-aware formatting. Money arrives as decimal strings and is never turned into a float.
// fr: "1 234,50 €", "25,3 %", "31 mai 2026"; en: "€1,234.50", "25.3%", "31 May 2026".
import type { ImportPhase, ImportProgress } from './backend';
import { roundDec, times100 } from './decimal';
import { getLanguage, t, type Lang } from './i18n';

const NBSP = '\u00a0';

function separators(lang: Lang): { group: string; decimal: string } {
  return lang === 'fr' ? { group: NBSP, decimal: ',' } : { group: ',', decimal: '.' };
}

function group(digits: string, sep: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** "1234567.5" → "1,234,567.5" (en) / "1 234 567,5" (fr); non-decimals are returned unchanged. */
export function formatDecimal(value: string, lang: Lang = getLanguage()): string {
  const m = /^\s*([+-]?)(\d+)(?:\.(\d+))?\s*$/.exec(value);
  if (!m) return value;
  const [, sign, int, frac] = m;
  const { group: g, decimal } = separators(lang);
  const intPart = group(int.replace(/^0+(?=\d)/, ''), g);
  const negative = sign === '-' && /[1-9]/.test(int + (frac ?? ''));
  return `${negative ? '-' : ''}${intPart}${frac !== undefined ? decimal + frac : ''}`;
}

/** A currency written before the amount in English: a one-character symbol ($, €, £). */
function symbolFirst(currency: string): boolean {
  return [...currency].length === 1;
}

/** Money with exactly two decimals: fr "1 234,50 €", en "€1,234.50", "-€3.00", "CHF 12.00". */
export function formatMoney(value: string | null, currency: string, lang: Lang = getLanguage()): string {
  if (value === null) return '–';
  const rounded = roundDec(value, 2);
  if (rounded === null) return value;
  const negative = rounded.startsWith('-') && /[1-9]/.test(rounded);
  const amount = formatDecimal(rounded.replace(/^-/, ''), lang);
  const cur = currency.trim();
  if (!cur) return (negative ? '-' : '') + amount;
  if (lang === 'fr') return `${negative ? '-' : ''}${amount}${NBSP}${cur}`;
  return `${negative ? '-' : ''}${cur}${symbolFirst(cur) ? '' : NBSP}${amount}`;
}

/** A quantity string, decimals kept as sent but trailing zeros after the point dropped. */
export function formatQuantity(value: string | null, lang: Lang = getLanguage()): string {
  if (value === null) return '–';
  const trimmed = /\./.test(value) ? value.replace(/\.?0+$/, '') : value;
  return formatDecimal(trimmed, lang);
}

export function formatInt(n: number, lang: Lang = getLanguage()): string {
  if (!Number.isFinite(n)) return '–';
  const t = Math.trunc(n);
  return (t < 0 ? '-' : '') + group(String(Math.abs(t)), separators(lang).group);
}

/** A rate string ("0.2534") as a percentage with one decimal: "25.3%" / "25,3 %". */
export function formatRate(value: string | null, lang: Lang = getLanguage(), places = 1): string {
  if (value === null) return '–';
  const pct = times100(value);
  const rounded = pct === null ? null : roundDec(pct, places);
  if (rounded === null) return value;
  return percentSuffix(formatDecimal(rounded, lang), lang);
}

function percentSuffix(text: string, lang: Lang): string {
  return lang === 'fr' ? `${text}${NBSP}%` : `${text}%`;
}

/** A number already in percent (e.g. 12.5) with one decimal: "12.5%" / "12,5 %". */
export function formatPercentNumber(pct: number, lang: Lang = getLanguage(), places = 1): string {
  const text = Math.abs(pct).toFixed(places);
  return percentSuffix(formatDecimal(text, lang), lang);
}

const MONTHS: Record<Lang, string[]> = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  fr: ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
};

/** "2026-05-31" (or an ISO timestamp) → "31 May 2026" / "31 mai 2026"; no Date, no time-zone shift. */
export function formatDate(iso: string | null, lang: Lang = getLanguage()): string {
  if (!iso) return '–';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const month = MONTHS[lang][Number(m[2]) - 1];
  return month ? `${Number(m[3])} ${month} ${m[1]}` : iso;
}

/** "2026-05-31 14:05:09" → "31 May 2026, 14:05" / "31 mai 2026 à 14:05". */
export function formatDateTime(stamp: string | null, lang: Lang = getLanguage()): string {
  if (!stamp) return '–';
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})/.exec(stamp);
  if (!m) return formatDate(stamp, lang);
  return `${formatDate(m[1], lang)}${lang === 'fr' ? ' à ' : ', '}${m[2]}:${m[3]}`;
}

export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

// ── Import progress ────────────────────────────────────────────────────────

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
  private last: number | null = null;

  update(p: Pick<ImportProgress, 'phase' | 'file' | 'rows'>, nowMs: number): number | null {
    const key = `${p.phase}\u0000${p.file}`;
    if (key !== this.key || p.rows < this.startRows) {
      this.key = key;
      this.startMs = nowMs;
      this.startRows = p.rows;
      this.last = null;
      return null;
    }
    const rate = rowsPerSecond(p.rows - this.startRows, nowMs - this.startMs);
    if (rate !== null) this.last = rate;
    return this.last;
  }

  reset(): void {
    this.key = '';
    this.last = null;
  }
}

/** 0–100, or null when the total is unknown (indeterminate bar). */
export function progressPercent(p: Pick<ImportProgress, 'phase' | 'rows' | 'total_estimate'>): number | null {
  if (p.phase === 'done') return 100;
  if (p.total_estimate === null || !(p.total_estimate > 0)) return null;
  return Math.min(100, Math.max(0, Math.floor((p.rows / p.total_estimate) * 100)));
}

export function phaseLabel(phase: ImportPhase): string {
  switch (phase) {
    case 'reading':
      return t('phase.reading');
    case 'validating':
      return t('phase.validating');
    case 'writing':
      return t('phase.writing');
    case 'refreshing':
      return t('phase.refreshing');
    case 'done':
      return t('phase.done');
    default:
      return String(phase);
  }
}

/** "12,000 of ~48,000 rows, 24,000 rows/s" — the numbers line under the progress bar. */
export function progressCounts(p: ImportProgress, rate: number | null, lang: Lang = getLanguage()): string {
  const rows = formatInt(p.rows, lang);
  let text =
    p.total_estimate !== null && p.total_estimate > 0
      ? t('progress.rowsOfTotal', { rows, total: formatInt(Math.max(p.total_estimate, p.rows), lang) }, lang)
      : t(p.rows === 1 ? 'progress.row' : 'progress.rows', { rows }, lang);
  if (rate !== null) text += t('progress.rate', { rate: formatInt(rate, lang) }, lang);
  return text;
}
