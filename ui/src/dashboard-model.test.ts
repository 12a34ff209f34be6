import { afterEach, describe, expect, it } from 'vitest';
import type { ClientTier, DataQuality, Kpis } from './backend';
import {
  lastDays,
  buildPeriod,
  dataQualitySentence,
  filterClients,
  formatKpi,
  hasPreviousPeriod,
  isIsoDate,
  lossRiskByReason,
  kpiChange,
  kpiChangeText,
  reasonLabel,
} from './dashboard-model';
import { setLanguage } from './i18n';

const NB = '\u00a0';
afterEach(() => setLanguage('en'));

const kpis = (over: Partial<Kpis> = {}): Kpis => ({
  revenue: '1000.00',
  profit: '250.00',
  margin_rate: '0.25',
  invoices: 40,
  average_basket: '25.00',
  units_sold: '300',
  stock_value: '5000.00',
  value_at_risk: '200.00',
  ...over,
});

describe('periods', () => {
  it('builds the standard and custom periods', () => {
    expect(buildPeriod('week')).toBe('week');
    expect(buildPeriod('month')).toBe('month');
    expect(buildPeriod('all')).toBe('all');
    expect(buildPeriod('custom', '2026-05-01', '2026-05-31')).toBe('2026-05-01..2026-05-31');
    expect(buildPeriod('custom', '2026-05-01', '2026-05-01')).toBe('2026-05-01..2026-05-01');
  });

  it('refuses incomplete, invalid or reversed custom ranges', () => {
    expect(buildPeriod('custom', '', '2026-05-31')).toBeNull();
    expect(buildPeriod('custom', '2026-06-01', '2026-05-31')).toBeNull();
    expect(buildPeriod('custom', '2026-02-30', '2026-05-31')).toBeNull();
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
  });
});

describe('KPIs', () => {
  it('formats each KPI per locale', () => {
    const k = kpis({ revenue: '1234.5' });
    expect(formatKpi('revenue', k, '€', 'en')).toBe('€1,234.50');
    expect(formatKpi('revenue', k, '€', 'fr')).toBe(`1${NB}234,50${NB}€`);
    expect(formatKpi('margin_rate', k, '€', 'en')).toBe('25.0%');
    expect(formatKpi('invoices', kpis({ invoices: 1200 }), '€', 'en')).toBe('1,200');
    expect(formatKpi('units_sold', k, '€', 'en')).toBe('300');
    expect(formatKpi('average_basket', kpis({ average_basket: null }), '€', 'en')).toBe('–');
  });

  it('computes the change against the previous period exactly', () => {
    const cur = kpis({ revenue: '1100.00', value_at_risk: '300.00', margin_rate: '0.30', invoices: 40 });
    const prev = kpis();
    expect(kpiChange('revenue', cur, prev)).toEqual({ value: 10, unit: 'percent', direction: 'up', tone: 'good' });
    expect(kpiChange('value_at_risk', cur, prev)).toEqual({ value: 50, unit: 'percent', direction: 'up', tone: 'bad' });
    expect(kpiChange('margin_rate', cur, prev)).toEqual({ value: 5, unit: 'points', direction: 'up', tone: 'good' });
    expect(kpiChange('invoices', cur, prev)).toEqual({ value: 0, unit: 'percent', direction: 'flat', tone: 'neutral' });
    expect(kpiChange('profit', kpis({ profit: '-10' }), kpis({ profit: '0.00' })).value).toBeNull();
    expect(kpiChange('average_basket', kpis({ average_basket: null }), prev).value).toBeNull();
  });

  it('writes the change with an arrow', () => {
    expect(kpiChangeText({ value: 12.5, unit: 'percent', direction: 'up', tone: 'good' }, 'en')).toBe('▲ 12.5% vs previous period');
    expect(kpiChangeText({ value: -3, unit: 'percent', direction: 'down', tone: 'bad' }, 'fr')).toBe(`▼ 3,0${NB}% vs période précédente`);
    expect(kpiChangeText({ value: -2.1, unit: 'points', direction: 'down', tone: 'bad' }, 'en')).toBe('▼ 2.1 pts vs previous period');
    expect(kpiChangeText({ value: 0, unit: 'percent', direction: 'flat', tone: 'neutral' }, 'en')).toBe('= 0.0% vs previous period');
    expect(kpiChangeText({ value: null, unit: 'percent', direction: 'flat', tone: 'neutral' }, 'en')).toBe('No previous figure to compare');
  });
});

describe('clients', () => {
  const client = (client_id: string, name: string, tier: ClientTier['tier']): ClientTier => ({
    client_id,
    name,
    tier,
    lifetime_revenue: '1.00',
    eligible_promo: false,
    to_next_tier: null,
  });
  const list = [client('C1', 'Épicerie Dupont', 'Gold'), client('C2', 'Café du Port', 'Silver'), client('17850', 'Boulangerie', 'Standard')];

  it('searches names and ids, ignoring case and accents', () => {
    expect(filterClients(list, 'epicerie', 'all').map((c) => c.client_id)).toEqual(['C1']);
    expect(filterClients(list, 'CAFE', 'all').map((c) => c.client_id)).toEqual(['C2']);
    expect(filterClients(list, '1785', 'all').map((c) => c.client_id)).toEqual(['17850']);
    expect(filterClients(list, '  ', 'all')).toHaveLength(3);
  });

  it('filters by tier', () => {
    expect(filterClients(list, '', 'Silver').map((c) => c.client_id)).toEqual(['C2']);
    expect(filterClients(list, 'dupont', 'Silver')).toEqual([]);
  });
});

describe('sentences', () => {
  const dq = (over: Partial<DataQuality> = {}): DataQuality => ({
    lines_without_cost: 0,
    revenue_without_cost: '0.00',
    rejected_rows_last_import: 0,
    products_unknown_to_products_sheet: 0,
    products_without_cost: 0,
    adjustment_lines: 0,
    ...over,
  });

  it('sums up data quality in one sentence', () => {
    expect(dataQualitySentence(dq(), '€', 'en')).toMatch(/^Data quality: every sold product has a cost/);
    expect(dataQualitySentence(dq({ lines_without_cost: 3, revenue_without_cost: '45.5', rejected_rows_last_import: 1 }), '€', 'en')).toBe(
      'Data quality: 3 invoice lines have a product without cost (€45.50 of revenue left out of profit); 1 row was set aside by the last import.',
    );
    expect(dataQualitySentence(dq({ products_without_cost: 2 }), '€', 'fr')).toBe('Qualité des données : 2 produits n’ont pas de prix d’achat.');
    expect(dataQualitySentence(dq({ adjustment_lines: 1336 }), '€', 'en')).toBe(
      'Data quality: 1,336 stock adjustments (negative quantity at price 0) are not counted as sales.',
    );
  });

  it('translates reasons, and shows unknown ones as words', () => {
    expect(reasonLabel('expiring', 'en')).toBe('Expiring soon');
    expect(reasonLabel('margin_below_threshold', 'fr')).toBe('Marge trop faible');
    expect(reasonLabel('some_new_reason', 'en')).toBe('some new reason');
  });
});

describe('previous period and chart figures', () => {
  it('has a previous period only when a sale is dated before the window', () => {
    const window = { from: '2026-05-02', to: '2026-05-31' };
    expect(hasPreviousPeriod({ window, first_sale: '2026-05-01' })).toBe(true);
    expect(hasPreviousPeriod({ window, first_sale: '2026-05-02' })).toBe(false);
    expect(hasPreviousPeriod({ window, first_sale: null })).toBe(false);
  });

  it('sums the value at risk per reason exactly, a batch in each of its reasons', () => {
    const rows = [
      { reasons: ['expired'], value_at_risk: '0.10' },
      { reasons: ['expired', 'no_movement'], value_at_risk: '0.20' },
      { reasons: ['expiring'], value_at_risk: null },
    ];
    expect(lossRiskByReason(rows)).toEqual([
      { reason: 'expired', value: '0.30' },
      { reason: 'expiring', value: '0' },
      { reason: 'no_movement', value: '0.20' },
    ]);
  });
});

describe('lastDays', () => {
  it('counts the report date as the last of the days, across months and leap years', () => {
    expect(lastDays('2026-05-31', 30)).toBe('2026-05-02..2026-05-31');
    // 2026 is not a leap year: 1 March − 29 days = 31 January.
    expect(lastDays('2026-03-01', 30)).toBe('2026-01-31..2026-03-01');
    expect(lastDays('2028-03-01', 30)).toBe('2028-02-01..2028-03-01');
    expect(lastDays('2026-05-31', 1)).toBe('2026-05-31..2026-05-31');
  });
});
