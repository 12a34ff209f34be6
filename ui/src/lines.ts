// Drill-down: the invoice lines behind a figure, in a panel over the dashboard. Rust sorts,
// searches and pages them (a month of a large store is millions of lines); the totals cover
// every line that matches, so they equal the figure clicked. Escape or "Back" returns to the
// element that opened it.
import { exportLines, getLines, toBackendError, type Line, type LineFilter, type LineSort, type LinesPage, type PageRequest, type Period } from './backend';
import { button, h, toast } from './dom';
import { formatDate, formatInt, formatMoney, formatQuantity } from './format';
import { t, type MessageKey } from './i18n';

export interface LinesRequest {
  /** What was clicked, as the title says it ("Revenue", "Product P001 — Apple"). */
  what: string;
  period: Period;
  asOf: string | null;
  filter: Partial<LineFilter>;
  currency: string;
}

const PAGE_SIZE = 50;

const COLUMNS: { sort: LineSort; label: MessageKey; num?: boolean; cell: (l: Line, currency: string) => string }[] = [
  { sort: 'date', label: 'col.date', cell: (l) => formatDate(l.date) },
  { sort: 'invoice', label: 'col.invoice', cell: (l) => l.invoice_id },
  { sort: 'client', label: 'col.client', cell: (l) => l.client_name ?? l.client_id ?? '–' },
  { sort: 'product', label: 'col.product', cell: (l) => `${l.product_id} — ${l.product_name}` },
  { sort: 'qty', label: 'col.quantity', num: true, cell: (l) => formatQuantity(l.qty) },
  { sort: 'unit_price', label: 'col.unitPrice', num: true, cell: (l, c) => formatMoney(l.unit_price, c) },
  { sort: 'revenue', label: 'col.revenue', num: true, cell: (l, c) => formatMoney(l.revenue, c) },
  { sort: 'cost', label: 'col.cost', num: true, cell: (l, c) => (l.cost === null ? t('kpi.unknown') : formatMoney(l.cost, c)) },
  { sort: 'profit', label: 'col.profit', num: true, cell: (l, c) => (l.profit === null ? t('kpi.unknown') : formatMoney(l.profit, c)) },
];

/** Opens the panel; it closes itself and gives the focus back to `opener`. */
export function openLines(req: LinesRequest, opener: HTMLElement | null): HTMLElement {
  const filter: LineFilter = { product: null, client: null, invoice: null, category: null, search: null, ...req.filter };
  let page: PageRequest = { offset: 0, limit: PAGE_SIZE, sort: 'date', descending: true };
  let seq = 0;
  const money = (v: string | null) => (v === null ? t('kpi.unknown') : formatMoney(v, req.currency));

  const title = h('h2', { id: 'lines-title' }, t('lines.title', { what: req.what }));
  const windowText = h('p', { class: 'muted', 'data-testid': 'lines-window' });
  const totalsText = h('p', { class: 'lines-totals', 'data-testid': 'lines-totals', 'aria-live': 'polite' });
  const search = h('input', { type: 'search', id: 'lines-search', 'data-testid': 'lines-search', placeholder: t('lines.searchPlaceholder') });
  const error = h('p', { class: 'notice error', role: 'alert', hidden: true, 'data-testid': 'lines-error' });
  const headers = COLUMNS.map((c) => {
    const btn = h('button', { type: 'button', class: 'sort' }, t(c.label), h('span', { class: 'sort-mark', 'aria-hidden': 'true' }));
    btn.addEventListener('click', () => {
      page = { ...page, offset: 0, sort: c.sort, descending: page.sort === c.sort ? !page.descending : c.num === true };
      load();
    });
    return h('th', { scope: 'col', class: c.num ? 'num' : undefined, 'data-key': c.sort }, btn);
  });
  const tbody = h('tbody');
  const tfoot = h('tfoot');
  const table = h('table', { class: 'data', 'data-testid': 'lines-table' }, h('thead', {}, h('tr', {}, ...headers)), tbody, tfoot);
  const range = h('span', { class: 'muted', 'data-testid': 'lines-range' });
  const previous = button(t('lines.previous'), () => turn(-1), { 'data-testid': 'lines-previous', class: 'btn small' });
  const next = button(t('lines.next'), () => turn(1), { 'data-testid': 'lines-next', class: 'btn small' });
  const exportBtn = button(t('lines.export'), () => void exportAll(), { 'data-testid': 'lines-export' });
  const back = button(t('lines.back'), () => close(), { 'data-testid': 'lines-back', class: 'btn primary' });

  const panel = h(
    'div',
    { class: 'lines-panel card pad', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'lines-title', 'data-testid': 'lines-panel' },
    h('div', { class: 'toolbar wrap' }, title, h('div', { class: 'spacer' }), back),
    windowText,
    totalsText,
    h('div', { class: 'toolbar wrap' }, h('label', { for: 'lines-search' }, t('lines.search')), search, h('div', { class: 'spacer' }), exportBtn),
    error,
    h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': 'lines-title' }, table),
    h('div', { class: 'toolbar' }, previous, range, next),
  );
  const overlay = h('div', { class: 'lines-overlay', 'data-testid': 'lines-overlay' }, panel);

  function close(): void {
    overlay.remove();
    document.removeEventListener('keydown', onKey, true);
    opener?.focus();
  }

  function onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (e.key === 'Tab') {
      // The focus stays in the panel while it is open.
      const focusable = [...panel.querySelectorAll<HTMLElement>('button:not([disabled]), input, [tabindex="0"]')];
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  function turn(direction: 1 | -1): void {
    page = { ...page, offset: Math.max(0, page.offset + direction * page.limit) };
    load();
  }

  function load(): void {
    const mine = ++seq;
    panel.setAttribute('aria-busy', 'true');
    getLines(req.period, req.asOf, { ...filter, search: search.value.trim() || null }, page).then(
      (p) => {
        if (mine !== seq) return;
        panel.removeAttribute('aria-busy');
        error.hidden = true;
        render(p);
      },
      (e: unknown) => {
        if (mine !== seq) return;
        panel.removeAttribute('aria-busy');
        error.textContent = toBackendError(e).message;
        error.hidden = false;
      },
    );
  }

  function render(p: LinesPage): void {
    const tot = p.totals;
    windowText.textContent = t('lines.window', { from: formatDate(p.window.from), to: formatDate(p.window.to) });
    totalsText.textContent = t('lines.totals', { lines: formatInt(tot.lines), invoices: formatInt(tot.invoices) });
    headers.forEach((th) => {
      if (th.dataset.key === page.sort) th.setAttribute('aria-sort', page.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    });
    tbody.replaceChildren(
      ...(p.lines.length === 0
        ? [h('tr', { class: 'empty-row' }, h('td', { colspan: COLUMNS.length, class: 'muted' }, t('lines.none')))]
        : p.lines.map((l) =>
            h(
              'tr',
              { 'data-testid': 'line-row' },
              ...COLUMNS.map((c) => h('td', { class: c.num ? 'num' : undefined, 'data-col': c.sort }, c.cell(l, req.currency))),
            ),
          )),
    );
    const cell = (col: LineSort, text: string) => h('td', { class: 'num', 'data-testid': `lines-total-${col}` }, text);
    tfoot.replaceChildren(
      h(
        'tr',
        {},
        h('th', { scope: 'row', colspan: 4 }, t('lines.total')),
        cell('qty', formatQuantity(tot.qty)),
        h('td'),
        cell('revenue', money(tot.revenue)),
        cell('cost', money(tot.cost)),
        cell('profit', money(tot.profit)),
      ),
    );
    const first = tot.lines === 0 ? 0 : p.page.offset + 1;
    range.textContent = t('lines.range', { first: formatInt(first), last: formatInt(p.page.offset + p.lines.length), total: formatInt(tot.lines) });
    previous.disabled = p.page.offset === 0;
    next.disabled = p.page.offset + p.lines.length >= tot.lines;
  }

  async function exportAll(): Promise<void> {
    exportBtn.disabled = true;
    try {
      const path = await exportLines(req.period, req.asOf, { ...filter, search: search.value.trim() || null });
      if (path !== null) toast(t('common.savedTo', { path }), 'ok');
    } catch (e) {
      toast(toBackendError(e).message, 'error');
    } finally {
      exportBtn.disabled = false;
    }
  }

  let typing: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      page = { ...page, offset: 0 };
      load();
    }, 250);
  });
  overlay.addEventListener('click', (e) => {
    if (e.target === overlay) close();
  });
  document.addEventListener('keydown', onKey, true);
  document.body.append(overlay);
  back.focus();
  load();
  return overlay;
}
