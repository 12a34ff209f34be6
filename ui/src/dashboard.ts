// Administrator dashboard: KPIs, five charts and five tables, refreshed after every import.
import {
  CHART_NAMES,
  exportDashboard,
  exportOrderList,
  exportPromoClients,
  getDashboard,
  toBackendError,
  type AgeingBucket,
  type ChartName,
  type ClientTier,
  type Dashboard,
  type Loser,
  type LossRisk,
  type Markdown,
  type Period,
  type Replenishment,
  type Report,
  type Winner,
} from './backend';
import { exportChart } from './charts-export';
import { isNegative } from './decimal';
import {
  buildPeriod,
  dataQualitySentence,
  filterClients,
  formatKpi,
  hasPreviousPeriod,
  isIsoDate,
  KPI_FROM_LINES,
  KPI_NAMES,
  kpiChange,
  kpiChangeText,
  kpiUnknown,
  lastDays,
  lossRiskByReason,
  PERIOD_CHOICES,
  reasonLabel,
  tierCounts,
  type PeriodChoice,
  type TierFilter,
} from './dashboard-model';
import { button, h, select, toast } from './dom';
import { formatDate, formatDateTime, formatInt, formatMoney, formatQuantity, formatRate } from './format';
import { t } from './i18n';
import { svgFromString } from './svg';
import { openLines, type LinesRequest } from './lines';
import { activatable, dataTable } from './table';

export interface DashboardView {
  el: HTMLElement;
  /** Loads the figures (first display, or after an import pushed a new generation). */
  refresh(generation?: number): void;
}

export function createDashboard(goToImport: () => void): DashboardView {
  let choice: PeriodChoice = 'month';
  let currency = '€';
  let shownGeneration = -1;
  let requestSeq = 0;
  let loaded = false;
  const chartSvgs = new Map<ChartName, string>();

  // ── Toolbar ──────────────────────────────────────────────────────────────
  const periodSelect = select(
    PERIOD_CHOICES.map((c) => [c, t(`period.${c}`)] as const),
    choice,
    { id: 'period', 'data-testid': 'period' },
  );
  const fromInput = h('input', { type: 'date', id: 'period-from', 'data-testid': 'period-from' });
  const toInput = h('input', { type: 'date', id: 'period-to', 'data-testid': 'period-to' });
  const custom = h(
    'span',
    { class: 'custom-range', hidden: true },
    h('label', { for: 'period-from' }, t('period.from')),
    fromInput,
    h('label', { for: 'period-to' }, t('period.to')),
    toInput,
  );
  const asOfInput = h('input', { type: 'date', id: 'as-of-input', 'data-testid': 'as-of-input', 'aria-describedby': 'as-of-help' });
  /** The as-of date chosen here; null = the setting (the latest invoice by default). */
  let asOfChosen: string | null = null;
  const asOfReset = button(t('dash.asOfLatest'), () => {
    asOfChosen = null;
    asOfInput.value = '';
    asOfReset.hidden = true;
    load();
  }, { class: 'btn small', 'data-testid': 'as-of-reset', hidden: true });
  const excelBtn = button(t('dash.exportExcel'), () => void exportExcel(), { 'data-testid': 'export-excel' });
  const printBtn = button(t('dash.print'), () => window.print(), { 'data-testid': 'print' });
  const toolbar = h(
    'div',
    { class: 'toolbar wrap no-print' },
    h('label', { for: 'period' }, t('period.label')),
    periodSelect,
    custom,
    h('label', { for: 'as-of-input' }, t('dash.asOf')),
    asOfInput,
    asOfReset,
    h('span', { id: 'as-of-help', class: 'visually-hidden' }, t('dash.asOfHelp')),
    h('div', { class: 'spacer' }),
    excelBtn,
    printBtn,
  );

  const asOfText = h('span', { 'data-testid': 'as-of' });
  const refreshedAt = h('span', { 'data-testid': 'refreshed-at' });
  const meta = h('p', { class: 'muted meta' }, asOfText, ' · ', t('dash.refreshed'), ' ', refreshedAt);
  const dataQuality = h('p', { class: 'data-quality', 'data-testid': 'data-quality' });
  const message = h('p', { class: 'notice', 'data-testid': 'dashboard-message', hidden: true });
  const error = h('p', { class: 'notice error', role: 'alert', 'data-testid': 'dashboard-error', hidden: true });
  const importLink = h('a', { href: '#import', class: 'link' }, t('dash.goImport'));
  importLink.addEventListener('click', (e) => {
    e.preventDefault();
    goToImport();
  });
  const empty = h('div', { class: 'empty', 'data-testid': 'dashboard-empty', hidden: true }, h('p', {}, t('dash.empty')), h('p', {}, importLink));

  // ── KPIs ─────────────────────────────────────────────────────────────────
  const kpiGrid = h('div', { class: 'kpi-grid' });
  const loading = h('p', { class: 'muted loading', 'data-testid': 'dashboard-loading' }, t('common.loading'));

  // ── Charts ───────────────────────────────────────────────────────────────
  const chartBodies = new Map<ChartName, HTMLElement>();
  const chartTitles = new Map<ChartName, HTMLElement>();
  const chartSubtitles = new Map<ChartName, HTMLElement>();
  const chartTables = new Map<ChartName, HTMLElement>();
  const chartExports = new Map<ChartName, HTMLButtonElement[]>();
  const chartCards = CHART_NAMES.map((name) => {
    const body = h('div', { class: 'chart-body' });
    chartBodies.set(name, body);
    const title = h('span', { class: 'chart-title', id: `chart-${name}-title` }, t(`chart.${name}`));
    chartTitles.set(name, title);
    const subtitle = h('span', { class: 'chart-subtitle muted', id: `chart-${name}-subtitle` });
    chartSubtitles.set(name, subtitle);
    const exportBtn = (format: 'svg' | 'png') =>
      button(format.toUpperCase(), (e) => void saveChartAs(name, format, e.currentTarget as HTMLButtonElement), {
        class: 'btn small no-print',
        'data-testid': `chart-${name}-${format}`,
        'aria-label': t('chart.save', { chart: t(`chart.${name}`), format: format.toUpperCase() }),
      });
    const buttons = [exportBtn('svg'), exportBtn('png')];
    chartExports.set(name, buttons);
    // The text alternative of the picture: the same figures as a table.
    const table = h('div', { class: 'chart-table' });
    chartTables.set(name, table);
    return h(
      'figure',
      { class: 'card chart', 'data-testid': `chart-${name}`, 'aria-labelledby': `chart-${name}-title` },
      h('figcaption', {}, h('span', { class: 'chart-heading' }, title, subtitle), h('span', { class: 'spacer' }), ...buttons),
      body,
      h('details', { class: 'chart-data', 'data-testid': `chart-${name}-data` }, h('summary', {}, t('chart.table')), table),
    );
  });
  const charts = h('div', { class: 'chart-grid' }, ...chartCards);

  // ── Tables ───────────────────────────────────────────────────────────────
  const money = (v: string | null) => formatMoney(v, currency);
  /** The report on screen: what a click drills into. */
  let shown: Report | null = null;
  /** Opens the lines behind a figure of the report on screen (same window unless given). */
  const drill = (what: string, filter: LinesRequest['filter'], opener: HTMLElement, window?: Period) => {
    const p = window ?? period();
    if (p === null) return;
    openLines({ what, period: p, asOf: asOf(), filter, currency }, opener);
  };
  const productTitle = (id: string, name: string) => `${id} — ${name}`;
  const badClass = (v: string | null) => (isNegative(v) ? 'bad' : undefined);
  const reasons = (list: string[]) => h('span', { class: 'reasons' }, ...list.map((r) => h('span', { class: `badge reason ${r}` }, reasonLabel(r))));
  const text = <T,>(get: (r: T) => string | null) => ({ kind: 'text' as const, value: get });
  const dec = <T,>(get: (r: T) => string | null) => ({ kind: 'decimal' as const, value: get });

  const winners = dataTable<Winner>({
    testid: 'winners-table',
    label: t('dash.winners'),
    scroll: false,
    empty: t('dash.noSales'),
    rowAttrs: () => ({ 'data-testid': 'winner-row' }),
    onActivate: (r, tr) => drill(productTitle(r.product_id, r.name), { product: r.product_id }, tr),
    columns: [
      { key: 'rank', label: '#', num: true, cell: (r) => String(r.rank) },
      { key: 'product_id', label: t('col.product'), cell: (r) => r.product_id, cls: () => 'mono' },
      { key: 'name', label: t('col.name'), cell: (r) => r.name, cls: () => 'name', title: (r) => r.name },
      { key: 'quantity', label: t('col.quantity'), num: true, cell: (r) => formatQuantity(r.quantity) },
      { key: 'revenue', label: t('col.revenue'), num: true, cell: (r) => money(r.revenue) },
      {
        key: 'profit',
        label: t('col.profit'),
        num: true,
        // Unknown (no cost yet) is shown as unknown, never as 0.
        cell: (r) => (r.profit === null ? h('span', { class: 'muted', title: t('dash.profitUnknown') }, t('kpi.unknown')) : money(r.profit)),
        cls: (r) => badClass(r.profit),
      },
    ],
  });

  const losers = dataTable<Loser>({
    testid: 'losers-table',
    label: t('dash.losers'),
    scroll: false,
    onActivate: (r, tr) => drill(productTitle(r.product_id, r.name), { product: r.product_id }, tr),
    empty: t('dash.noLosers'),
    columns: [
      { key: 'product_id', label: t('col.product'), sort: text((r) => r.product_id), cell: (r) => r.product_id, cls: () => 'mono' },
      { key: 'name', label: t('col.name'), sort: text((r) => r.name), cell: (r) => r.name, cls: () => 'name', title: (r) => r.name },
      { key: 'reasons', label: t('col.reasons'), cell: (r) => reasons(r.reasons) },
      { key: 'margin_rate', label: t('col.marginRate'), num: true, sort: dec((r) => r.margin_rate), cell: (r) => formatRate(r.margin_rate), cls: (r) => badClass(r.margin_rate) },
      { key: 'min_margin', label: t('col.minMargin'), num: true, cell: (r) => formatRate(r.min_margin_threshold) },
      { key: 'revenue', label: t('col.revenue'), num: true, sort: dec((r) => r.revenue), cell: (r) => money(r.revenue) },
      { key: 'profit', label: t('col.profit'), num: true, sort: dec((r) => r.profit), cell: (r) => money(r.profit), cls: (r) => badClass(r.profit) },
    ],
  });

  const lossRisk = dataTable<LossRisk>({
    testid: 'loss-risk-table',
    label: t('dash.lossRisk'),
    scroll: false,
    // A batch opens its product's recent sales: the 30 days up to the report date.
    onActivate: (r, tr) => {
      if (shown) drill(t('lines.recent', { product: productTitle(r.product_id, r.name) }), { product: r.product_id }, tr, lastDays(shown.as_of, 30));
    },
    empty: t('dash.noRisk'),
    columns: [
      { key: 'stock_id', label: t('col.batch'), sort: text((r) => r.stock_id), cell: (r) => r.stock_id, cls: () => 'mono' },
      { key: 'name', label: t('col.name'), sort: text((r) => r.name), cell: (r) => r.name, cls: () => 'name', title: (r) => `${r.product_id} — ${r.name}` },
      { key: 'reasons', label: t('col.reasons'), cell: (r) => reasons(r.reasons) },
      { key: 'quantity', label: t('col.quantity'), num: true, sort: dec((r) => r.quantity), cell: (r) => formatQuantity(r.quantity) },
      { key: 'expiry_date', label: t('col.expiry'), sort: text((r) => r.expiry_date), cell: (r) => formatDate(r.expiry_date), cls: () => 'nowrap' },
      { key: 'days_left', label: t('col.daysLeft'), num: true, sort: { kind: 'number', value: (r) => r.days_left }, cell: (r) => (r.days_left === null ? '–' : formatInt(r.days_left)) },
      { key: 'value_at_risk', label: t('col.valueAtRisk'), num: true, sort: dec((r) => r.value_at_risk), cell: (r) => money(r.value_at_risk) },
      { key: 'forecast_leftover', label: t('col.leftover'), num: true, sort: dec((r) => r.forecast_leftover), cell: (r) => formatQuantity(r.forecast_leftover) },
      { key: 'forecast_leftover_value', label: t('col.leftoverValue'), num: true, sort: dec((r) => r.forecast_leftover_value), cell: (r) => money(r.forecast_leftover_value) },
    ],
    initialSort: { key: 'value_at_risk', dir: 'descending' },
  });

  const markdowns = dataTable<Markdown>({
    testid: 'markdowns-table',
    label: t('dash.markdowns'),
    scroll: false,
    empty: t('dash.noMarkdowns'),
    rowAttrs: () => ({ 'data-testid': 'markdown-row' }),
    onActivate: (r, tr) => {
      if (shown) drill(t('lines.recent', { product: productTitle(r.product_id, r.name) }), { product: r.product_id }, tr, lastDays(shown.as_of, 30));
    },
    columns: [
      { key: 'stock_id', label: t('col.batch'), sort: text((r) => r.stock_id), cell: (r) => r.stock_id, cls: () => 'mono' },
      { key: 'name', label: t('col.name'), sort: text((r) => r.name), cell: (r) => r.name, cls: () => 'name', title: (r) => `${r.product_id} — ${r.name}` },
      { key: 'days_left', label: t('col.daysLeft'), num: true, sort: { kind: 'number', value: (r) => r.days_left }, cell: (r) => formatInt(r.days_left) },
      {
        key: 'discount',
        label: t('col.discount'),
        num: true,
        sort: dec((r) => r.discount),
        // At the cap and still not enough: said in a word, the sentence in its title.
        cell: (r) =>
          r.cannot_clear
            ? h('span', { class: 'nowrap' }, `${formatRate(r.discount, undefined, 0)} `, h('span', { class: 'badge reason expired', title: t('markdown.cannotClear') }, t('markdown.notEnough')))
            : formatRate(r.discount, undefined, 0),
      },
      { key: 'suggested_price', label: t('col.suggestedPrice'), num: true, cell: (r) => money(r.suggested_price), title: (r) => (r.price ? `${money(r.price)} → ${money(r.suggested_price)}` : undefined) },
      { key: 'units_expected', label: t('col.unitsExpected'), num: true, cell: (r) => formatQuantity(r.units_expected) },
      { key: 'money_recovered', label: t('col.recovered'), num: true, sort: dec((r) => r.money_recovered), cell: (r) => money(r.money_recovered) },
      { key: 'money_lost_without', label: t('col.lostWithout'), num: true, sort: dec((r) => r.money_lost_without), cell: (r) => money(r.money_lost_without) },
      { key: 'elasticity', label: t('col.elasticity'), num: true, cell: (r) => formatQuantity(r.elasticity), title: (r) => t(`elasticity.${r.elasticity_source}`) },
    ],
  });

  const replenishment = dataTable<Replenishment>({
    testid: 'replenishment-table',
    label: t('dash.replenishment'),
    scroll: false,
    empty: t('dash.noReplenishment'),
    limit: 100,
    rowAttrs: (r) => ({ 'data-testid': 'replenishment-row', class: r.reorder ? 'reorder' : '' }),
    onActivate: (r, tr) => {
      if (shown) drill(t('lines.recent', { product: productTitle(r.product_id, r.name) }), { product: r.product_id }, tr, lastDays(shown.as_of, 30));
    },
    columns: [
      { key: 'product_id', label: t('col.product'), sort: text((r) => r.product_id), cell: (r) => r.product_id, cls: () => 'mono' },
      { key: 'name', label: t('col.name'), sort: text((r) => r.name), cell: (r) => r.name, cls: () => 'name', title: (r) => r.name },
      { key: 'on_hand', label: t('col.onHand'), num: true, sort: dec((r) => r.on_hand), cell: (r) => formatQuantity(r.on_hand) },
      { key: 'daily_rate', label: t('col.dailyRate'), num: true, sort: dec((r) => r.daily_rate), cell: (r) => formatQuantity(r.daily_rate) },
      { key: 'days_of_cover', label: t('col.cover'), num: true, sort: dec((r) => r.days_of_cover), cell: (r) => formatQuantity(r.days_of_cover) },
      { key: 'stock_out_date', label: t('col.stockOut'), sort: text((r) => r.stock_out_date), cell: (r) => formatDate(r.stock_out_date), cls: () => 'nowrap' },
      { key: 'reorder', label: t('col.reorder'), sort: { kind: 'number', value: (r) => (r.reorder ? 0 : 1) }, cell: (r) => (r.reorder ? h('span', { class: 'badge reason expiring' }, t('common.yes')) : t('common.no')) },
      { key: 'suggested_quantity', label: t('col.toOrder'), num: true, sort: dec((r) => r.suggested_quantity), cell: (r) => formatQuantity(r.suggested_quantity) },
      { key: 'order_value', label: t('col.orderValue'), num: true, sort: dec((r) => r.order_value), cell: (r) => money(r.order_value) },
    ],
    initialSort: { key: 'days_of_cover', dir: 'ascending' },
  });
  const reorderOnly = h('input', { type: 'checkbox', id: 'reorder-only', 'data-testid': 'reorder-only', checked: true });
  const orderBtn = button(t('dash.exportOrder'), () => void exportOrder(), { 'data-testid': 'export-order', class: 'btn no-print' });
  let replenishmentRows: Replenishment[] = [];
  const applyReorderFilter = () => replenishment.setRows(reorderOnly.checked ? replenishmentRows.filter((r) => r.reorder) : replenishmentRows);
  reorderOnly.addEventListener('change', applyReorderFilter);

  const tierLabel = (tier: ClientTier['tier']) => t(`tier.${tier}`);
  const clientsTable = dataTable<ClientTier>({
    testid: 'clients-table',
    label: t('dash.clients'),
    scroll: false,
    // A client opens all their invoices up to the report date (their lifetime revenue, less the opening amount).
    onActivate: (r, tr) => drill(t('lines.client', { client: `${r.client_id} — ${r.name}` }), { client: r.client_id }, tr, 'all'),
    empty: t('dash.noClients'),
    limit: 100,
    columns: [
      { key: 'client_id', label: t('col.client'), sort: text((r) => r.client_id), cell: (r) => r.client_id, cls: () => 'mono' },
      { key: 'name', label: t('col.name'), sort: text((r) => r.name), cell: (r) => r.name, cls: () => 'name', title: (r) => r.name },
      { key: 'lifetime_revenue', label: t('col.lifetime'), num: true, sort: dec((r) => r.lifetime_revenue), cell: (r) => money(r.lifetime_revenue) },
      { key: 'tier', label: t('col.tier'), sort: { kind: 'number', value: (r) => ({ Gold: 0, Silver: 1, Standard: 2 })[r.tier] ?? 3 }, cell: (r) => h('span', { class: `badge tier ${r.tier.toLowerCase()}` }, tierLabel(r.tier)) },
      { key: 'eligible_promo', label: t('col.promo'), sort: { kind: 'number', value: (r) => (r.eligible_promo ? 0 : 1) }, cell: (r) => (r.eligible_promo ? t('common.yes') : t('common.no')) },
      { key: 'to_next_tier', label: t('col.toNextTier'), num: true, sort: dec((r) => r.to_next_tier), cell: (r) => money(r.to_next_tier) },
    ],
  });
  const clientSearch = h('input', { type: 'search', id: 'client-search', 'data-testid': 'client-search', placeholder: t('clients.searchPlaceholder') });
  const tierSelect = select(
    [
      ['all', t('tier.all')],
      ['Gold', t('tier.Gold')],
      ['Silver', t('tier.Silver')],
      ['Standard', t('tier.Standard')],
    ],
    'all',
    { id: 'client-tier', 'data-testid': 'client-tier' },
  );
  const clientCount = h('span', { class: 'muted', 'aria-live': 'polite' });
  const promoBtn = button(t('clients.exportPromo'), () => void exportPromo(), { 'data-testid': 'export-promo', class: 'btn no-print' });
  let clients: ClientTier[] = [];
  const applyClientFilter = () => {
    const shown = filterClients(clients, clientSearch.value, tierSelect.value as TierFilter);
    clientCount.textContent = t('clients.count', { shown: formatInt(shown.length), total: formatInt(clients.length) });
    clientsTable.setRows(shown);
  };
  clientSearch.addEventListener('input', applyClientFilter);
  tierSelect.addEventListener('change', applyClientFilter);

  const ageing = dataTable<AgeingBucket>({
    testid: 'ageing-table',
    label: t('dash.ageing'),
    scroll: false,
    empty: t('dash.noStock'),
    columns: [
      { key: 'bucket', label: t('col.daysSinceMovement'), cell: (r) => t('ageing.bucket', { bucket: r.bucket }) },
      { key: 'batches', label: t('col.batches'), num: true, cell: (r) => formatInt(r.batches) },
      { key: 'units', label: t('col.units'), num: true, cell: (r) => formatQuantity(r.units) },
      { key: 'value', label: t('col.value'), num: true, cell: (r) => money(r.value) },
    ],
  });

  const section = (id: string, title: string, intro: string, ...body: (Node | null)[]) =>
    h('section', { class: 'card pad table-card', 'aria-labelledby': id }, h('h3', { id }, title), h('p', { class: 'muted intro' }, intro), ...body);
  const winnersSection = section('winners-title', t('dash.winners'), t('dash.winnersIntro'), winners.el);
  /** Winners are ranked by revenue, with profit unknown, while no sold line has a cost. */
  const showRankedBy = (rankedBy: Report['ranked_by']) => {
    const byRevenue = rankedBy === 'revenue';
    winnersSection.querySelector('h3')!.textContent = t(byRevenue ? 'dash.winnersByRevenue' : 'dash.winners');
    winnersSection.querySelector('p.intro')!.textContent = t(byRevenue ? 'dash.winnersByRevenueIntro' : 'dash.winnersIntro');
  };

  const content = h(
    'div',
    { class: 'dashboard-content', hidden: true },
    kpiGrid,
    charts,
    winnersSection,
    section('losers-title', t('dash.losers'), t('dash.losersIntro'), losers.el),
    section('risk-title', t('dash.lossRisk'), t('dash.lossRiskIntro'), lossRisk.el),
    section('markdowns-title', t('dash.markdowns'), t('dash.markdownsIntro'), markdowns.el),
    section(
      'replenishment-title',
      t('dash.replenishment'),
      t('dash.replenishmentIntro'),
      h(
        'div',
        { class: 'toolbar wrap no-print' },
        h('label', { class: 'check', for: 'reorder-only' }, reorderOnly, t('dash.reorderOnly')),
        h('div', { class: 'spacer' }),
        orderBtn,
      ),
      replenishment.el,
    ),
    section(
      'clients-title',
      t('dash.clients'),
      t('dash.clientsIntro'),
      h(
        'div',
        { class: 'toolbar wrap no-print' },
        h('label', { for: 'client-search' }, t('clients.search')),
        clientSearch,
        h('label', { for: 'client-tier' }, t('col.tier')),
        tierSelect,
        clientCount,
        h('div', { class: 'spacer' }),
        promoBtn,
      ),
      clientsTable.el,
    ),
    section('ageing-title', t('dash.ageing'), t('dash.ageingIntro'), ageing.el),
  );

  const el = h(
    'div',
    { class: 'dashboard' },
    h('h2', { class: 'screen-title' }, t('dash.title')),
    toolbar,
    meta,
    dataQuality,
    message,
    error,
    loading,
    empty,
    content,
  );

  // ── Behaviour ────────────────────────────────────────────────────────────
  function period(): Period | null {
    return buildPeriod(choice, fromInput.value, toInput.value);
  }

  function asOf(): string | null {
    return asOfChosen;
  }

  /** Export results: above the figures, and as a toast wherever the page is scrolled. */
  function say(textValue: string, tone: 'ok' | 'error'): void {
    message.hidden = false;
    message.className = `notice ${tone}`;
    message.textContent = textValue;
    toast(textValue, tone);
  }

  function load(): void {
    const p = period();
    if (p === null) return; // custom range not complete yet
    loaded = true;
    const seq = ++requestSeq;
    el.setAttribute('aria-busy', 'true');
    getDashboard(p, asOf()).then(
      (d) => {
        if (seq !== requestSeq) return; // a newer request is on its way
        el.removeAttribute('aria-busy');
        error.hidden = true;
        render(d);
      },
      (e: unknown) => {
        if (seq !== requestSeq) return;
        el.removeAttribute('aria-busy');
        loading.hidden = true;
        error.textContent = toBackendError(e).message;
        error.hidden = false;
      },
    );
  }

  function render(d: Dashboard): void {
    loading.hidden = true;
    shownGeneration = d.generation;
    currency = d.currency || currency;
    refreshedAt.textContent = formatDateTime(d.refreshed_at);
    const r = d.report;
    shown = r;
    if (!r) {
      asOfText.textContent = t('dash.noFigures');
      dataQuality.hidden = true;
      content.hidden = true;
      empty.hidden = false;
      return;
    }
    empty.hidden = true;
    content.hidden = false;
    dataQuality.hidden = false;
    if (asOfChosen === null) asOfInput.value = r.as_of;
    if (choice !== 'custom') {
      // A later switch to "Custom…" starts from the period on screen.
      fromInput.value = r.window.from;
      toInput.value = r.window.to;
    }
    asOfText.textContent = t('dash.window', { asOf: formatDate(r.as_of), from: formatDate(r.window.from), to: formatDate(r.window.to) });
    dataQuality.textContent = dataQualitySentence(r.data_quality, currency);
    renderKpis(r);
    renderChartTexts(r);
    for (const name of CHART_NAMES) renderChart(name, d.charts?.[name] ?? '');
    showRankedBy(r.ranked_by);
    winners.setRows(r.winners);
    losers.setRows(r.losers);
    lossRisk.setRows(r.loss_risk);
    markdowns.setRows(r.markdowns);
    replenishmentRows = r.replenishment;
    applyReorderFilter();
    clients = r.clients;
    applyClientFilter();
    ageing.setRows(r.stock_ageing);
  }

  function renderKpis(r: Report): void {
    // "vs previous period" only where there is one: sales dated before the window.
    const previous = hasPreviousPeriod(r);
    kpiGrid.replaceChildren(
      ...KPI_NAMES.map((name) => {
        const unknown = kpiUnknown(name, r.kpis.current);
        const change = kpiChange(name, r.kpis.current, r.kpis.previous);
        const foot = unknown
          ? h('div', { class: 'kpi-change' }, t('kpi.unknownHelp'))
          : previous
            ? h(
                'div',
                { class: `kpi-change ${change.tone}`, title: t('kpi.previousValue', { value: formatKpi(name, r.kpis.previous, currency) }) },
                kpiChangeText(change),
              )
            : null;
        const card = h(
          'div',
          { class: 'card kpi', 'data-testid': `kpi-${name}` },
          h('div', { class: 'kpi-label' }, t(`kpi.${name}`)),
          h('div', { class: unknown ? 'kpi-value unknown' : 'kpi-value' }, formatKpi(name, r.kpis.current, currency)),
          foot,
        );
        // The figures made of sales open their lines; the stock's are not sales.
        if (KPI_FROM_LINES.has(name)) activatable(card, () => drill(t(`kpi.${name}`), {}, card), `${t(`kpi.${name}`)}: ${t('lines.open')}`);
        return card;
      }),
    );
  }

  /** Titles, period and unit of the charts, and their figures as tables (their text alternative). */
  function renderChartTexts(r: Report): void {
    const period = t('chart.period', { from: formatDate(r.window.from), to: formatDate(r.window.to) });
    const byRevenue = r.ranked_by === 'revenue';
    for (const name of CHART_NAMES) {
      const title = name === 'winners' && byRevenue ? t('chart.winnersByRevenue') : t(`chart.${name}`);
      chartTitles.get(name)!.textContent = title;
      const unit = name === 'tiers' ? t('chart.unitClients') : currency;
      // Loss risk and tiers are judged at as_of, whatever the window.
      const when = name === 'tiers' || name === 'loss_risk' ? t('chart.atDate', { date: formatDate(r.as_of) }) : period;
      chartSubtitles.get(name)!.textContent = t('chart.subtitle', { period: when, unit });
      for (const [i, b] of chartExports.get(name)!.entries()) b.setAttribute('aria-label', t('chart.save', { chart: title, format: i === 0 ? 'SVG' : 'PNG' }));
    }
    const moneyCol = <T,>(key: string, label: string, get: (row: T) => string | null) => ({ key, label, num: true, cell: (row: T) => money(get(row)) });
    const profitCol = <T,>(get: (row: T) => string | null) => ({
      key: 'profit',
      label: t('col.profit'),
      num: true,
      cell: (row: T) => (get(row) === null ? t('kpi.unknown') : money(get(row))),
    });
    const table = <T,>(
      name: ChartName,
      columns: Parameters<typeof dataTable<T>>[0]['columns'],
      rows: readonly T[],
      onActivate?: (row: T, tr: HTMLElement) => void,
    ) => {
      const caption = chartTitles.get(name)!.textContent ?? '';
      const tbl = dataTable<T>({ testid: `chart-${name}-table`, caption, empty: t('chart.empty'), columns, scroll: false, onActivate });
      tbl.setRows(rows);
      chartTables.get(name)!.replaceChildren(tbl.el);
    };
    table<Winner>(
      'winners',
      [
        { key: 'rank', label: '#', num: true, cell: (w) => String(w.rank) },
        { key: 'name', label: t('col.name'), cell: (w) => w.name },
        moneyCol<Winner>('revenue', t('col.revenue'), (w) => w.revenue),
        profitCol<Winner>((w) => w.profit),
      ],
      r.winners,
      (w, tr) => drill(productTitle(w.product_id, w.name), { product: w.product_id }, tr),
    );
    table<Report['sales_timeline'][number]>(
      'revenue_profit',
      [
        { key: 'day', label: t('chart.col.day'), cell: (d) => formatDate(d.day), cls: () => 'nowrap' },
        moneyCol<Report['sales_timeline'][number]>('revenue', t('col.revenue'), (d) => d.revenue),
        profitCol<Report['sales_timeline'][number]>((d) => d.profit),
      ],
      r.sales_timeline,
      (d, tr) => drill(t('lines.day', { day: formatDate(d.day) }), {}, tr, `${d.day}..${d.day}`),
    );
    table<{ reason: string; value: string }>(
      'loss_risk',
      [
        { key: 'reason', label: t('chart.col.reason'), cell: (x) => reasonLabel(x.reason) },
        moneyCol<{ reason: string; value: string }>('value', t('col.valueAtRisk'), (x) => x.value),
      ],
      lossRiskByReason(r.loss_risk),
    );
    table<{ tier: ClientTier['tier']; count: number }>(
      'tiers',
      [
        { key: 'tier', label: t('chart.col.tier'), cell: (x) => tierLabel(x.tier) },
        { key: 'count', label: t('chart.col.clients'), num: true, cell: (x) => formatInt(x.count) },
      ],
      tierCounts(r.clients),
    );
    table<Report['category_sales'][number]>(
      'categories',
      [
        { key: 'category', label: t('chart.col.category'), cell: (c) => c.category ?? t('chart.noCategory') },
        moneyCol<Report['category_sales'][number]>('revenue', t('col.revenue'), (c) => c.revenue),
        profitCol<Report['category_sales'][number]>((c) => c.profit),
      ],
      r.category_sales,
      (c, tr) => drill(t('lines.category', { category: c.category ?? t('chart.noCategory') }), { category: c.category ?? '' }, tr),
    );
  }

  function renderChart(name: ChartName, svgText: string): void {
    chartSvgs.set(name, svgText);
    const body = chartBodies.get(name)!;
    const svg = svgFromString(svgText);
    for (const b of chartExports.get(name)!) b.disabled = !svg;
    if (svg) {
      // The picture is named by the caption; its figures are in the table below it.
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-labelledby', `chart-${name}-title chart-${name}-subtitle`);
      body.replaceChildren(svg);
      // Rust tags the bars of the product and category charts (`data-bar`: the row's index);
      // a click opens that row's lines. The same rows are reachable by keyboard in the table below.
      svg.addEventListener('click', (e) => {
        const bar = (e.target as Element).closest('[data-bar]');
        const index = Number(bar?.getAttribute('data-bar'));
        if (!bar || !shown || !Number.isInteger(index)) return;
        const opener = chartBodies.get(name)!;
        if (name === 'winners' && shown.winners[index]) {
          const w = shown.winners[index];
          drill(productTitle(w.product_id, w.name), { product: w.product_id }, opener);
        } else if (name === 'categories' && shown.category_sales[index]) {
          const c = shown.category_sales[index];
          drill(t('lines.category', { category: c.category ?? t('chart.noCategory') }), { category: c.category ?? '' }, opener);
        }
      });
    } else {
      body.replaceChildren(h('p', { class: 'muted chart-empty' }, svgText.trim() ? t('chart.unreadable') : t('chart.empty')));
    }
  }

  async function saveChartAs(name: ChartName, format: 'svg' | 'png', btn: HTMLButtonElement): Promise<void> {
    btn.disabled = true;
    try {
      const caption = { title: chartTitles.get(name)!.textContent ?? '', subtitle: chartSubtitles.get(name)!.textContent ?? '' };
      const path = await exportChart(name, format, chartSvgs.get(name) ?? '', caption);
      if (path !== null) say(t('common.savedTo', { path }), 'ok');
    } catch (e) {
      say(toBackendError(e).message, 'error');
    } finally {
      btn.disabled = false;
    }
  }

  async function exportExcel(): Promise<void> {
    const p = period();
    if (p === null) {
      say(t('period.incomplete'), 'error');
      return;
    }
    excelBtn.disabled = true;
    try {
      const path = await exportDashboard(p, asOf());
      if (path !== null) say(t('common.savedTo', { path }), 'ok');
    } catch (e) {
      say(toBackendError(e).message, 'error');
    } finally {
      excelBtn.disabled = false;
    }
  }

  async function exportOrder(): Promise<void> {
    orderBtn.disabled = true;
    try {
      const path = await exportOrderList();
      if (path !== null) say(t('common.savedTo', { path }), 'ok');
    } catch (e) {
      say(toBackendError(e).message, 'error');
    } finally {
      orderBtn.disabled = false;
    }
  }

  async function exportPromo(): Promise<void> {
    promoBtn.disabled = true;
    try {
      const path = await exportPromoClients();
      if (path !== null) say(t('common.savedTo', { path }), 'ok');
    } catch (e) {
      say(toBackendError(e).message, 'error');
    } finally {
      promoBtn.disabled = false;
    }
  }

  periodSelect.addEventListener('change', () => {
    choice = periodSelect.value as PeriodChoice;
    custom.hidden = choice !== 'custom';
    if (choice === 'custom') {
      fromInput.focus();
      load();
    } else {
      load();
    }
  });
  for (const input of [fromInput, toInput]) input.addEventListener('change', load);
  asOfInput.addEventListener('change', () => {
    if (asOfInput.value !== '' && !isIsoDate(asOfInput.value)) return;
    asOfChosen = asOfInput.value || null;
    asOfReset.hidden = asOfChosen === null;
    load();
  });

  return {
    el,
    refresh(generation?: number) {
      if (generation !== undefined && loaded && generation <= shownGeneration) return;
      load();
    },
  };
}
