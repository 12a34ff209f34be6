// Pure helpers of the administrator dashboard: periods, KPI changes, client filters, sentences.
import type { ClientTier, DataQuality, Kpis, Period, Report } from './backend';
import { percentChange, pointsChange, sumDec } from './decimal';
import { formatDecimal, formatInt, formatMoney, formatPercentNumber, formatQuantity, formatRate } from './format';
import { getLanguage, t, tn, type Lang } from './i18n';

export type PeriodChoice = 'this-month' | 'last-month' | 'this-quarter' | 'this-year' | 'week' | 'month' | 'all' | 'custom';
/** In the order of the period menu. */
export const PERIOD_CHOICES: readonly PeriodChoice[] = ['this-month', 'last-month', 'this-quarter', 'this-year', 'week', 'month', 'all', 'custom'];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** There is a previous period only when the store holds sales dated before the window. */
export function hasPreviousPeriod(r: Pick<Report, 'first_sale' | 'window'>): boolean {
  return r.first_sale !== null && r.first_sale !== undefined && r.first_sale < r.window.from;
}

/** The period to ask Rust for; null while a custom range is incomplete or reversed. */
export function buildPeriod(choice: PeriodChoice, from = '', to = ''): Period | null {
  if (choice !== 'custom') return choice;
  if (!isIsoDate(from) || !isIsoDate(to) || from > to) return null;
  return `${from}..${to}`;
}

export type KpiName = keyof Kpis;
export const KPI_NAMES: readonly KpiName[] = [
  'revenue',
  'profit',
  'margin_rate',
  'invoices',
  'average_basket',
  'units_sold',
  'stock_value',
  'value_at_risk',
];

/** The KPIs made of the window's sales: each opens the lines it is the sum (or ratio) of. */
export const KPI_FROM_LINES: ReadonlySet<KpiName> = new Set(['revenue', 'profit', 'margin_rate', 'invoices', 'average_basket', 'units_sold']);

/** The period of the `days` days up to `asOf` (inclusive), as Rust takes it: `FROM..TO`. */
export function lastDays(asOf: string, days: number): Period {
  const to = new Date(`${asOf}T00:00:00Z`);
  const from = new Date(to.getTime() - (days - 1) * 86_400_000);
  return `${from.toISOString().slice(0, 10)}..${asOf}`;
}

const MONEY_KPIS: ReadonlySet<KpiName> = new Set(['revenue', 'profit', 'average_basket', 'stock_value', 'value_at_risk']);

function raw(kpis: Kpis, name: KpiName): string | null {
  const v = kpis[name];
  return v === null || v === undefined ? null : String(v);
}

/** Profit (and so the margin rate) is unknown while no line of the period has a cost. */
export function kpiUnknown(name: KpiName, kpis: Kpis): boolean {
  return (name === 'profit' || name === 'margin_rate') && raw(kpis, 'profit') === null;
}

export function formatKpi(name: KpiName, kpis: Kpis, currency: string, lang: Lang = getLanguage()): string {
  const v = raw(kpis, name);
  if (kpiUnknown(name, kpis)) return t('kpi.unknown', {}, lang);
  if (v === null) return '–';
  if (name === 'margin_rate') return formatRate(v, lang);
  if (name === 'invoices') return formatInt(Number(v), lang);
  if (MONEY_KPIS.has(name)) return formatMoney(v, currency, lang);
  return formatQuantity(v, lang);
}

export interface KpiChange {
  /** Percent change, or percentage points for the margin rate; null when there is nothing to compare. */
  value: number | null;
  unit: 'percent' | 'points';
  direction: 'up' | 'down' | 'flat';
  /** Whether the change is good news (value at risk going up is not). */
  tone: 'good' | 'bad' | 'neutral';
}

/** Change of a KPI against the previous period, computed exactly on the decimal strings. */
export function kpiChange(name: KpiName, current: Kpis, previous: Kpis): KpiChange {
  const cur = raw(current, name);
  const prev = raw(previous, name);
  const unit = name === 'margin_rate' ? 'points' : 'percent';
  const value = unit === 'points' ? pointsChange(cur, prev) : percentChange(cur, prev);
  const direction = value === null || value === 0 ? 'flat' : value > 0 ? 'up' : 'down';
  const upIsGood = name !== 'value_at_risk';
  const tone = direction === 'flat' ? 'neutral' : (direction === 'up') === upIsGood ? 'good' : 'bad';
  return { value, unit, direction, tone };
}

/** "▲ 12.5%", "▼ 2.0 pts", "= 0.0%"; "no previous figure" when it cannot be computed. */
export function kpiChangeText(change: KpiChange, lang: Lang = getLanguage()): string {
  if (change.value === null) return t('kpi.noPrevious', {}, lang);
  const arrow = change.direction === 'up' ? '▲' : change.direction === 'down' ? '▼' : '=';
  const amount =
    change.unit === 'points'
      ? t('kpi.points', { n: formatDecimal(Math.abs(change.value).toFixed(1), lang) }, lang)
      : formatPercentNumber(change.value, lang);
  return `${arrow} ${amount} ${t('kpi.vsPrevious', {}, lang)}`;
}

export type TierFilter = 'all' | ClientTier['tier'];

function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** Clients whose name or id contains the search text (accents and case ignored), of one tier. */
export function filterClients(clients: readonly ClientTier[], search: string, tier: TierFilter): ClientTier[] {
  const q = fold(search.trim());
  return clients.filter(
    (c) => (tier === 'all' || c.tier === tier) && (q === '' || fold(c.name).includes(q) || fold(c.client_id).includes(q)),
  );
}

/** One sentence about what the figures cannot see. */
export function dataQualitySentence(dq: DataQuality, currency: string, lang: Lang = getLanguage()): string {
  const parts: string[] = [];
  if (dq.lines_without_cost > 0) {
    parts.push(
      tn('dq.linesWithoutCost', dq.lines_without_cost, { n: formatInt(dq.lines_without_cost, lang), revenue: formatMoney(dq.revenue_without_cost, currency, lang) }, lang),
    );
  }
  if (dq.products_without_cost > 0) {
    parts.push(tn('dq.productsWithoutCost', dq.products_without_cost, { n: formatInt(dq.products_without_cost, lang) }, lang));
  }
  if (dq.products_unknown_to_products_sheet > 0) {
    parts.push(
      tn('dq.productsFromSales', dq.products_unknown_to_products_sheet, { n: formatInt(dq.products_unknown_to_products_sheet, lang) }, lang),
    );
  }
  if (dq.rejected_rows_last_import > 0) {
    parts.push(tn('dq.rejected', dq.rejected_rows_last_import, { n: formatInt(dq.rejected_rows_last_import, lang) }, lang));
  }
  if (dq.adjustment_lines > 0) {
    parts.push(tn('dq.adjustments', dq.adjustment_lines, { n: formatInt(dq.adjustment_lines, lang) }, lang));
  }
  if (parts.length === 0) return t('dq.allGood', {}, lang);
  return t('dq.issues', { list: parts.join(lang === 'fr' ? ' ; ' : '; ') }, lang);
}

/** "margin_below_threshold" → the translated reason; unknown reasons read as words. */
export function reasonLabel(reason: string, lang: Lang = getLanguage()): string {
  switch (reason) {
    case 'expired':
      return t('reason.expired', {}, lang);
    case 'expiring':
      return t('reason.expiring', {}, lang);
    case 'no_movement':
      return t('reason.no_movement', {}, lang);
    case 'margin_below_threshold':
      return t('reason.margin_below_threshold', {}, lang);
    case 'negative_profit':
      return t('reason.negative_profit', {}, lang);
    default:
      return reason.replace(/_/g, ' ');
  }
}

export const RISK_REASONS = ['expired', 'expiring', 'no_movement'] as const;

/** Value at risk per reason, as on the loss-risk chart (a batch with two reasons counts in both). */
export function lossRiskByReason(rows: readonly { reasons: string[]; value_at_risk: string | null }[]): { reason: string; value: string }[] {
  return RISK_REASONS.map((reason) => ({ reason, value: sumDec(rows.filter((r) => r.reasons.includes(reason)).map((r) => r.value_at_risk)) }));
}

/** How many clients each tier holds, as on the tiers chart. */
export function tierCounts(clients: readonly Pick<ClientTier, 'tier'>[]): { tier: ClientTier['tier']; count: number }[] {
  return (['Gold', 'Silver', 'Standard'] as const).map((tier) => ({ tier, count: clients.filter((c) => c.tier === tier).length }));
}
