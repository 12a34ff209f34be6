// Administrator tab: the dashboard, pushed by Rust after every import (never polled).
import { getDashboard, PERIODS, toBackendError, type Dashboard, type Period } from './backend';
import { h } from './dom';
import { formatDate, formatDecimal, formatMoney, isNegative } from './format';
import { svgFromString } from './svg';

const PERIOD_LABELS: Record<Period, string> = {
  week: 'Last 7 days',
  month: 'Last 30 days',
  all: 'All time',
};

export interface AdminView {
  el: HTMLElement;
  /** Called when the tab is shown; loads the dashboard the first time. */
  activate(): void;
  /** A dashboard pushed by the `dashboard-updated` event. */
  pushed(d: Dashboard): void;
  setHasData(hasData: boolean): void;
}

export function createAdmin(): AdminView {
  const select = h(
    'select',
    { id: 'period', 'data-testid': 'period' },
    ...PERIODS.map((p) => h('option', { value: p }, PERIOD_LABELS[p])),
  );
  let selected: Period = 'month';
  select.value = selected;

  const asOf = h('p', { class: 'muted as-of', 'data-testid': 'as-of' });
  const toolbar = h(
    'div',
    { class: 'toolbar' },
    h('h2', {}, 'Top 10 products by profit'),
    h('div', { class: 'spacer' }),
    h('label', { for: 'period' }, 'Period'),
    select,
  );

  const chart = h('figure', { class: 'card chart', 'data-testid': 'winners-chart' });
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'data winners', 'data-testid': 'winners-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'num' }, '#'),
        h('th', { scope: 'col' }, 'Product'),
        h('th', { scope: 'col' }, 'Name'),
        h('th', { scope: 'col', class: 'num' }, 'Quantity'),
        h('th', { scope: 'col', class: 'num' }, 'Revenue'),
        h('th', { scope: 'col', class: 'num' }, 'Profit'),
      ),
    ),
    tbody,
  );
  const content = h('div', { class: 'winners-grid', hidden: true }, chart, h('div', { class: 'card table-card' }, table));
  const empty = h('p', { class: 'empty', 'data-testid': 'admin-empty', hidden: true });
  const error = h('p', { class: 'notice error', role: 'alert', 'data-testid': 'admin-error', hidden: true });

  const el = h('div', { class: 'admin' }, toolbar, asOf, error, empty, content);

  let loaded = false;
  let hasData = true;
  let shownGeneration = -1;

  function accept(d: Dashboard): void {
    // Drop answers for a period no longer selected, and anything older than what is shown.
    if (d.window.name !== selected || d.generation < shownGeneration) return;
    shownGeneration = d.generation;
    error.hidden = true;
    render(d);
  }

  function load(): void {
    loaded = true;
    const period = selected;
    getDashboard(period).then(accept, (e: unknown) => {
      if (period !== selected) return;
      error.textContent = toBackendError(e).message;
      error.hidden = false;
    });
  }

  function render(d: Dashboard): void {
    const { from, to } = d.window;
    const range = from && to ? `${formatDate(from)} – ${formatDate(to)}` : 'all dates';
    asOf.textContent = d.as_of ? `As of ${formatDate(d.as_of)} · ${range}` : '';

    if (d.winners.length === 0) {
      content.hidden = true;
      empty.hidden = false;
      empty.textContent = hasData ? 'No sales in this period.' : 'No sales yet — import a workbook on the Accountant tab.';
      return;
    }
    empty.hidden = true;
    content.hidden = false;

    const svg = svgFromString(d.winners_chart_svg);
    if (svg) {
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-label', 'Profit of the top 10 products');
      chart.replaceChildren(svg);
    } else {
      chart.replaceChildren(h('p', { class: 'muted' }, 'The chart could not be drawn.'));
    }

    tbody.replaceChildren(
      ...d.winners.map((w) =>
        h(
          'tr',
          { 'data-testid': 'winner-row' },
          h('td', { class: 'num', 'data-col': 'rank' }, String(w.rank)),
          h('td', { class: 'mono', 'data-col': 'product_id' }, w.product_id),
          h('td', { class: 'name', 'data-col': 'name', title: w.name }, w.name),
          h('td', { class: 'num', 'data-col': 'quantity' }, formatDecimal(w.quantity)),
          h('td', { class: 'num', 'data-col': 'revenue' }, formatMoney(w.revenue)),
          h('td', { class: `num${isNegative(w.profit) ? ' bad' : ''}`, 'data-col': 'profit' }, formatMoney(w.profit)),
        ),
      ),
    );
  }

  select.addEventListener('change', () => {
    selected = select.value as Period;
    load();
  });

  return {
    el,
    activate() {
      if (!loaded) load();
    },
    pushed(d: Dashboard) {
      hasData = true;
      if (d.window.name === selected) {
        loaded = true;
        accept(d);
      } else if (loaded) {
        load();
      }
    },
    setHasData(value: boolean) {
      hasData = value;
    },
  };
}
