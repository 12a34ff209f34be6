// @vitest-environment happy-dom
// The screens against a fake Rust side: every command answered by name, as the bridge would.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => {
  class Channel<T> {
    onmessage: (m: T) => void = () => {};
  }
  return { invoke: vi.fn(), Channel, isTauri: () => true };
});
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }));
vi.mock('@tauri-apps/api/webview', () => ({ getCurrentWebview: vi.fn() }));

import { invoke, type Channel } from '@tauri-apps/api/core';
import type { AppInfo, Dashboard, ImportProgress, ImportRecord, ImportSummary, Preview, Setting } from './backend';
import { settings as catalog } from './generated/contract';
import { createDashboard } from './dashboard';
import { createHistory } from './history';
import { setLanguage } from './i18n';
import { createImporter } from './importer';
import { createRoleScreen, guardWebview, tabsFor } from './roles';
import { createSettings } from './settings';

type Handler = (args: Record<string, unknown>) => unknown;
let handlers: Record<string, Handler> = {};
const invokeMock = vi.mocked(invoke);

beforeEach(() => {
  setLanguage('en');
  handlers = {};
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
    const handler = handlers[cmd];
    if (!handler) throw { code: 'internal', message: `no fake for ${cmd}` };
    return handler((args ?? {}) as Record<string, unknown>);
  });
  document.body.replaceChildren();
});
afterEach(() => document.body.replaceChildren());

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};
const $ = <T extends Element = HTMLElement>(root: ParentNode, testid: string) => root.querySelector<T & Element>(`[data-testid="${testid}"]`);
const mount = (el: HTMLElement) => {
  document.body.append(el);
  return el;
};
const calls = (cmd: string) => invokeMock.mock.calls.filter((c) => c[0] === cmd).map((c) => c[1] as Record<string, unknown>);

const zero = { new: 0, updated: 0, unchanged: 0, rejected: 0 };
const problem = (message: string, cell: string, sheet = 'Invoices') => ({ file: '/d/book.xlsx', sheet, cell, column: 'qty', value: 'abc', message, code: 'not_a_number', params: ['abc'] });

function report(over: Partial<ImportSummary> = {}): ImportSummary {
  return {
    import_id: null,
    files: ['/d/book.xlsx'],
    counts: { products: { ...zero, new: 12 }, stock: zero, clients: zero, invoices: { ...zero, new: 3 }, lines: { ...zero, new: 40, rejected: 2 } },
    errors: [problem('Quantity is not a number.', 'C10'), problem('Missing invoice_id.', 'A2')],
    warnings: [problem('Unknown column.', 'H1', 'Products')],
    error_count: 2,
    warning_count: 1,
    outcome: 'dry_run',
    mappings_used: [],
    already_imported: [],
    ...over,
  };
}

const info = (over: Partial<AppInfo> = {}): AppInfo => ({
  version: '0.2.0',
  db_path: '/d/comptoir.duckdb',
  has_data: true,
  role: null,
  has_passphrase: false,
  started_ms: 50,
  ...over,
});

describe('opening screen', () => {
  it('gives the accountant no dashboard', () => {
    expect(tabsFor('accountant')).toEqual(['import', 'history', 'settings']);
    expect(tabsFor('admin')).toEqual(['dashboard', 'import', 'history', 'settings']);
  });

  it('asks for the passphrase and shows the refusal sentence', async () => {
    const chosen = vi.fn();
    handlers.choose_role = ({ passphrase }) => {
      if (passphrase !== 'open sesame') throw { code: 'forbidden', message: 'The passphrase is not right.' };
      return 'admin';
    };
    const el = mount(createRoleScreen(info({ has_passphrase: true }), chosen));
    $<HTMLButtonElement>(el, 'role-admin')!.click();
    const input = $<HTMLInputElement>(el, 'role-passphrase')!;
    expect(input.closest('form')!.hidden).toBe(false);
    input.value = 'wrong';
    $<HTMLButtonElement>(el, 'role-submit')!.click();
    await flush();
    expect($(el, 'role-error')!.hidden).toBe(false);
    expect($(el, 'role-error')!.textContent).toBe('The passphrase is not right.');
    expect(chosen).not.toHaveBeenCalled();
    input.value = 'open sesame';
    $<HTMLButtonElement>(el, 'role-submit')!.click();
    await flush();
    expect(chosen).toHaveBeenCalledWith('admin');
  });

  it('opens the accountant side at once', async () => {
    const chosen = vi.fn();
    handlers.choose_role = ({ role }) => role;
    const el = mount(createRoleScreen(info(), chosen));
    $<HTMLButtonElement>(el, 'role-accountant')!.click();
    await flush();
    expect(calls('choose_role')).toEqual([{ role: 'accountant', passphrase: null }]);
    expect(chosen).toHaveBeenCalledWith('accountant');
  });
});

describe('webview guard', () => {
  const key = (init: KeyboardEventInit) => new KeyboardEvent('keydown', { cancelable: true, bubbles: true, ...init });
  const menu = () => new MouseEvent('contextmenu', { cancelable: true, bubbles: true });

  it('turns off the context menu and the reload keys in the released app', () => {
    const target = new EventTarget();
    guardWebview(target, true);
    for (const e of [menu(), key({ key: 'F5' }), key({ key: 'r', ctrlKey: true }), key({ key: 'R', ctrlKey: true, shiftKey: true })]) {
      target.dispatchEvent(e);
      expect(e.defaultPrevented, `${e.type} ${(e as KeyboardEvent).key ?? ''}`).toBe(true);
    }
    // Typing an r, or other shortcuts, is untouched.
    for (const e of [key({ key: 'r' }), key({ key: 'R', shiftKey: true }), key({ key: 'c', ctrlKey: true })]) {
      target.dispatchEvent(e);
      expect(e.defaultPrevented).toBe(false);
    }
  });

  it('leaves both alone in development', () => {
    const target = new EventTarget();
    guardWebview(target, false);
    const events = [menu(), key({ key: 'F5' }), key({ key: 'r', ctrlKey: true })];
    for (const e of events) target.dispatchEvent(e);
    expect(events.map((e) => e.defaultPrevented)).toEqual([false, false, false]);
  });
});

describe('import screen', () => {
  it('previews, filters and sorts problems, then imports the valid rows', async () => {
    handlers.preview_sample = (): Preview => ({ token: 5, files: ['/d/book.xlsx'], report: report(), unrecognised: null });
    let progress: Channel<ImportProgress> | null = null;
    handlers.confirm_import = (args) => {
      progress = args.onProgress as Channel<ImportProgress>;
      progress.onmessage({ phase: 'writing', file: '/d/book.xlsx', rows: 10, total_estimate: 40 });
      return report({ import_id: 9, outcome: 'imported' });
    };
    const goHistory = vi.fn();
    const view = createImporter(goHistory);
    const el = mount(view.el);
    $<HTMLButtonElement>(el, 'load-sample')!.click();
    await flush();

    expect($(el, 'preview-counts')).not.toBeNull();
    expect($(el, 'count-lines-new')!.textContent).toBe('40');
    expect($(el, 'count-products-new')!.textContent).toBe('12');
    expect($<HTMLButtonElement>(el, 'confirm-import')!.disabled).toBe(true);
    expect($<HTMLButtonElement>(el, 'import-valid-only')!.disabled).toBe(false);
    expect($(el, 'problem-counts')!.textContent).toBe('2 errors, 1 warning');

    const table = $(el, 'problems-table')!;
    const cells = () => [...table.querySelectorAll('tbody tr td[data-col="cell"]')].map((td) => td.textContent);
    expect(cells()).toEqual(['C10', 'A2', 'H1']);
    const severity = $<HTMLSelectElement>(el, 'problem-severity')!;
    severity.value = 'warnings';
    severity.dispatchEvent(new Event('change'));
    expect(cells()).toEqual(['H1']);
    severity.value = 'all';
    severity.dispatchEvent(new Event('change'));
    const sheet = $<HTMLSelectElement>(el, 'problem-sheet')!;
    expect([...sheet.options].map((o) => o.value)).toEqual(['', 'Invoices', 'Products']);
    sheet.value = 'Invoices';
    sheet.dispatchEvent(new Event('change'));
    const cellHeader = table.querySelector<HTMLElement>('th[data-key="cell"]')!;
    cellHeader.querySelector('button')!.click();
    expect(cellHeader.getAttribute('aria-sort')).toBe('ascending');
    expect(cells()).toEqual(['A2', 'C10']);
    cellHeader.querySelector('button')!.click();
    expect(cellHeader.getAttribute('aria-sort')).toBe('descending');
    expect(cells()).toEqual(['C10', 'A2']);

    $<HTMLButtonElement>(el, 'import-valid-only')!.click();
    await flush();
    expect(calls('confirm_import')[0]).toMatchObject({ token: 5, skipInvalid: true });
    expect($(el, 'import-summary')).not.toBeNull();
    expect($(el, 'import-outcome')!.textContent).toBe('Import #9 done: 40 new invoice lines; 2 rows were set aside.');
    $<HTMLAnchorElement>(el, 'go-history')!.click();
    expect(goHistory).toHaveBeenCalled();
  });

  it('shows the progress bar while importing', async () => {
    let finish: (s: ImportSummary) => void = () => {};
    handlers.preview_sample = (): Preview => ({ token: 1, files: ['/d/a.csv'], report: report({ errors: [], warnings: [], error_count: 0, warning_count: 0 }), unrecognised: null });
    handlers.confirm_import = (args) => {
      (args.onProgress as Channel<ImportProgress>).onmessage({ phase: 'reading', file: '/d/a.csv', rows: 1200, total_estimate: 4800 });
      return new Promise<ImportSummary>((resolve) => (finish = resolve));
    };
    const el = mount(createImporter(() => {}).el);
    $<HTMLButtonElement>(el, 'load-sample')!.click();
    await flush();
    expect($<HTMLButtonElement>(el, 'confirm-import')!.disabled).toBe(false);
    expect($<HTMLButtonElement>(el, 'import-valid-only')!.disabled).toBe(true);
    $<HTMLButtonElement>(el, 'confirm-import')!.click();
    await flush();
    await new Promise((r) => setTimeout(r, 50)); // one animation frame
    const box = $(el, 'import-progress')!;
    expect(box.querySelector('progress')!.getAttribute('value')).toBe('25');
    expect(box.textContent).toContain('Reading a.csv');
    expect(box.textContent).toContain('1,200 of ~4,800 rows');
    finish(report({ import_id: 2, outcome: 'imported', errors: [], warnings: [], error_count: 0, warning_count: 0 }));
    await flush();
    expect($(el, 'import-summary')).not.toBeNull();
  });

  it('cancels a preview and shows a refused drop as a sentence', async () => {
    handlers.preview_sample = (): Preview => ({ token: 4, files: ['/d/a.csv'], report: report(), unrecognised: null });
    handlers.cancel_import = () => null;
    const view = createImporter(() => {});
    const el = mount(view.el);
    $<HTMLButtonElement>(el, 'load-sample')!.click();
    await flush();
    $<HTMLButtonElement>(el, 'cancel-import')!.click();
    await flush();
    expect(calls('cancel_import')).toEqual([{ token: 4 }]);
    expect($(el, 'import-preview')).toBeNull();
    view.dropped({ preview: null, message: 'photo.png is not a spreadsheet.' });
    expect($(el, 'import-error')!.textContent).toContain('photo.png is not a spreadsheet.');
  });

  it('maps the columns of an unrecognised sheet with human names, starting from the guess, then previews again', async () => {
    const f = (name: string, label: string, required = false) => ({ name, label, required });
    const layouts = [
      { id: 'sales', label: 'Sales export', fields: [f('invoice_id', 'Invoice number', true), f('timestamp', 'Date (and time)', true), f('qty', 'Quantity sold', true)] },
      { id: 'products', label: 'Products', fields: [f('product_id', 'Product code', true), f('name', 'Name', true)] },
    ];
    handlers.preview_sample = (): Preview => ({
      token: 8,
      files: ['/d/till.csv'],
      report: null,
      unrecognised: {
        file: '/d/till.csv',
        sheet: 'till',
        row: 1,
        headers: ['Pièce', 'Date', 'Nb', 'Remarque'],
        samples: [['T1', '16/02/2026', '2', 'ok']],
        layouts,
        suggestion: { layout: 'sales', columns: ['invoice_id', 'timestamp', null, null] },
      },
    });
    handlers.save_mapping = (): Preview => ({ token: 8, files: ['/d/till.csv'], report: report(), unrecognised: null });
    const el = mount(createImporter(() => {}, true).el);
    $<HTMLButtonElement>(el, 'load-sample')!.click();
    await flush();
    expect($<HTMLSelectElement>(el, 'mapping-layout')!.value).toBe('sales');
    expect($<HTMLSelectElement>(el, 'mapping-0')!.value).toBe('invoice_id');
    expect($(el, 'mapping-table')!.textContent).toContain('16/02/2026');
    const options = [...$<HTMLSelectElement>(el, 'mapping-2')!.options].map((o) => o.textContent);
    expect(options).toContain('Quantity sold *');
    expect(options.join(' ')).not.toContain('qty');
    const save = $<HTMLButtonElement>(el, 'mapping-save')!;
    expect(save.disabled).toBe(true);
    expect($(el, 'mapping-problems')!.textContent).toBe('Required fields not mapped yet: Quantity sold.');
    const pick = (i: number, v: string) => {
      const s = $<HTMLSelectElement>(el, `mapping-${i}`)!;
      s.value = v;
      s.dispatchEvent(new Event('change'));
    };
    pick(2, 'qty');
    expect(save.disabled).toBe(false);
    save.click();
    await flush();
    expect(calls('save_mapping')).toEqual([
      {
        token: 8,
        layout: 'sales',
        columns: [
          ['Pièce', 'invoice_id'],
          ['Date', 'timestamp'],
          ['Nb', 'qty'],
          ['Remarque', null],
        ],
      },
    ]);
    expect($(el, 'preview-counts')).not.toBeNull();
  });

  it('says a file was already imported, and which saved mapping read it', async () => {
    handlers.preview_sample = (): Preview => ({
      token: 5,
      files: ['/d/a.xlsx'],
      report: report({
        errors: [],
        warnings: [],
        error_count: 0,
        warning_count: 0,
        already_imported: [{ file: 'a.xlsx', import_id: 3, imported_at: '2026-05-31 14:05' }],
        mappings_used: [{ file: '/d/a.xlsx', sheet: 'Feuil1', signature: 'x' }],
      }),
      unrecognised: null,
    });
    const el = mount(createImporter(() => {}, true).el);
    $<HTMLButtonElement>(el, 'load-sample')!.click();
    await flush();
    expect($(el, 'already-imported')!.textContent).toBe('Nothing new in a.xlsx: it was already imported on 2026-05-31 14:05 (import #3).');
    expect(el.textContent).not.toContain('Everything can be imported');
    expect($(el, 'mapping-used')!.textContent).toBe('a.xlsx (Feuil1) was read with the column mapping you saved.');
  });

  it('offers the sample only on an empty store', () => {
    expect($<HTMLButtonElement>(mount(createImporter(() => {}, true).el), 'load-sample')!.hidden).toBe(false);
    expect($<HTMLButtonElement>(mount(createImporter(() => {}, false).el), 'load-sample')!.hidden).toBe(true);
  });

  it('lists remembered mappings; forgetting one is asked in the row, then done in Rust', async () => {
    const layouts = [{ id: 'sales', label: 'Sales export', fields: [] }];
    const saved = { signature: 'piece|nb', headers: ['Pièce', 'Nb'], choice: { layout: 'sales', columns: ['invoice_id', 'qty'] }, layout_label: 'Sales export', saved_at: '2026-05-30 17:42' };
    handlers.list_mappings = () => ({ layouts, saved: [saved] });
    handlers.forget_mapping = () => ({ layouts, saved: [] });
    const el = mount(createImporter(() => {}).el);
    await flush();
    expect($(el, 'mapping-row-0')!.textContent).toContain('Pièce | Nb');
    expect($(el, 'mapping-row-0')!.textContent).toContain('Sales export');
    $<HTMLButtonElement>(el, 'mapping-forget-0')!.click();
    expect(calls('forget_mapping')).toEqual([]);
    $<HTMLButtonElement>(el, 'mapping-forget-confirm-0')!.click();
    await flush();
    expect(calls('forget_mapping')).toEqual([{ signature: 'piece|nb' }]);
    expect($(el, 'remembered-none')).not.toBeNull();
  });
});

describe('history', () => {
  const record = (id: number, undone: boolean): ImportRecord => ({
    import_id: id,
    imported_at: `2026-05-0${id} 10:00:00`,
    files: [{ name: `day${id}.xlsx`, sha256: 'ab', bytes: 10 }],
    counts: { products: zero, stock: zero, clients: zero, invoices: zero, lines: { ...zero, new: id * 100 } },
    errors: 0,
    warnings: 0,
    rejected: 0,
    undone,
  });

  it('offers undo on the newest import only, asks inline, then refreshes', async () => {
    let records = [record(1, false), record(2, false), record(3, true)];
    handlers.history = () => records;
    handlers.undo_import = ({ importId }) => {
      records = records.map((r) => (r.import_id === importId ? { ...r, undone: true } : r));
      return null;
    };
    const view = createHistory();
    const el = mount(view.el);
    view.refresh();
    await flush();
    const rows = el.querySelectorAll('[data-testid="history-table"] tbody tr');
    expect(rows).toHaveLength(3);
    expect(rows[0].querySelector('td')!.textContent).toBe('3');
    expect($(el, 'undo-3')).toBeNull();
    expect($(el, 'undo-1')).toBeNull();
    $<HTMLButtonElement>(el, 'undo-2')!.click();
    expect($(el, 'undo-confirm')).not.toBeNull();
    expect(calls('undo_import')).toHaveLength(0);
    $<HTMLButtonElement>(el, 'undo-confirm')!.click();
    await flush();
    expect(calls('undo_import')).toEqual([{ importId: 2 }]);
    expect($(el, 'undo-1')).not.toBeNull();
    expect($(el, 'undo-2')).toBeNull();
  });

  it('lists the imports that failed, with their sentence, only when there are some', async () => {
    handlers.history = () => [];
    handlers.import_failures = () => [];
    const view = createHistory();
    const el = mount(view.el);
    view.refresh();
    await flush();
    expect($(el, 'failures-table')!.closest('.card')!.hasAttribute('hidden')).toBe(true);
    handlers.import_failures = () => [
      { failed_at: '2026-05-31 09:00:00', file_name: 'notes.csv', message: 'notes.csv cannot be imported: no sheet looks like Products.', problems: [] },
    ];
    view.refresh();
    await flush();
    const rows = el.querySelectorAll('[data-testid="failures-table"] tbody tr');
    expect(rows).toHaveLength(1);
    expect(rows[0].textContent).toContain('notes.csv cannot be imported');
    expect($(el, 'failures-table')!.closest('.card')!.hasAttribute('hidden')).toBe(false);
  });
});

describe('dashboard', () => {
  const kpis = { revenue: '1100.00', profit: '300.00', margin_rate: '0.2727', invoices: 12, average_basket: '91.67', units_sold: '150', stock_value: '5000.00', value_at_risk: '120.00' };
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="10" height="10"/></svg>';
  const dashboard = (over: Partial<Dashboard> = {}): Dashboard => ({
    generation: 3,
    refreshed_at: '2026-05-31 14:05:09',
    currency: '€',
    charts: { winners: svg, revenue_profit: svg, loss_risk: '', tiers: svg, categories: svg },
    report: {
      as_of: '2026-05-31',
      window: { from: '2026-05-02', to: '2026-05-31' },
      first_sale: '2026-01-04',
      kpis: { current: kpis, previous: { ...kpis, revenue: '1000.00' } },
      winners: [{ rank: 1, product_id: 'P1', name: 'Olive oil', quantity: '10', revenue: '100.00', profit: '40.00' }],
      ranked_by: 'profit',
      losers: [],
      loss_risk: [],
      clients: [
        { client_id: 'C1', name: 'Dupont', lifetime_revenue: '25000.00', tier: 'Gold', eligible_promo: true, to_next_tier: null },
        { client_id: 'C2', name: 'Martin', lifetime_revenue: '6000.00', tier: 'Silver', eligible_promo: false, to_next_tier: '14000.00' },
      ],
      stock_ageing: [{ bucket: '0-30', units: '10', value: '50.00', batches: 2 }],
      data_quality: { lines_without_cost: 0, revenue_without_cost: '0', rejected_rows_last_import: 0, products_unknown_to_products_sheet: 0, products_without_cost: 0, adjustment_lines: 0 },
      sales_timeline: [],
      category_sales: [],
      markdowns: [],
      replenishment: [],
    },
    ...over,
  });

  it('opens the lines behind a KPI, a product row and a bar, pages them, and gives the focus back', async () => {
    const d = dashboard();
    d.charts.winners = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect data-bar="0" width="10" height="10"/></svg>';
    handlers.dashboard = () => d;
    const line = (i: number) => ({
      date: '2026-05-31',
      invoice_id: `F${i}`,
      client_id: null,
      client_name: null,
      product_id: 'P1',
      product_name: 'Olive oil',
      qty: '1',
      unit_price: '10.00',
      revenue: '10.00',
      cost: '6.00',
      profit: '4.00',
    });
    handlers.lines = ({ filter, page }) => {
      const p = page as { offset: number; limit: number };
      return {
        window: { from: '2026-05-02', to: '2026-05-31' },
        filter,
        page,
        totals: { lines: 110, invoices: 12, qty: '150', revenue: '1100.00', cost: '800.00', profit: '300.00' },
        lines: Array.from({ length: Math.min(p.limit, 110 - p.offset) }, (_, i) => line(p.offset + i)),
      };
    };
    const view = createDashboard(() => {});
    const el = mount(view.el);
    view.refresh();
    await flush();

    // A KPI card: reachable by keyboard, opened with Enter; the same window, no filter.
    const card = $(el, 'kpi-revenue')!;
    expect(card.tabIndex).toBe(0);
    card.focus();
    card.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await flush();
    expect(calls('lines').at(-1)).toEqual({
      window: 'month',
      asOf: null,
      filter: { product: null, client: null, invoice: null, category: null, search: null },
      page: { offset: 0, limit: 50, sort: 'date', descending: true },
    });
    const panel = $(document.body, 'lines-panel')!;
    expect(panel.getAttribute('role')).toBe('dialog');
    expect($(panel, 'lines-total-revenue')!.textContent).toBe('€1,100.00');
    expect($(panel, 'lines-totals')!.textContent).toBe('110 lines · 12 invoices');
    expect(panel.querySelectorAll('[data-testid="line-row"]')).toHaveLength(50);
    expect($(panel, 'lines-range')!.textContent).toBe('Lines 1–50 of 110');
    expect($<HTMLButtonElement>(panel, 'lines-previous')!.disabled).toBe(true);
    $<HTMLButtonElement>(panel, 'lines-next')!.click();
    $<HTMLButtonElement>(panel, 'lines-next')!.click();
    await flush();
    expect($(panel, 'lines-range')!.textContent).toBe('Lines 101–110 of 110');
    expect($<HTMLButtonElement>(panel, 'lines-next')!.disabled).toBe(true);
    // Sorting by revenue asks Rust for the largest first, from the first page.
    (panel.querySelector('th[data-key="revenue"] button') as HTMLButtonElement).click();
    await flush();
    expect(calls('lines').at(-1)!.page).toEqual({ offset: 0, limit: 50, sort: 'revenue', descending: true });
    // Escape closes it and the focus is back on the card.
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect($(document.body, 'lines-panel')).toBeNull();
    expect(document.activeElement).toBe(card);

    // A winner's row opens that product's lines; so does its bar in the chart.
    (el.querySelector('[data-testid="winner-row"]') as HTMLElement).click();
    await flush();
    expect(calls('lines').at(-1)!.filter).toMatchObject({ product: 'P1' });
    $<HTMLButtonElement>(document.body, 'lines-back')!.click();
    const bar = el.querySelector('[data-testid="chart-winners"] [data-bar="0"]')!;
    bar.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await flush();
    expect(calls('lines').at(-1)!.filter).toMatchObject({ product: 'P1' });
    expect($(document.body, 'lines-panel')!.textContent).toContain('P1 — Olive oil');
    // A client's row opens all their invoices, whatever the window.
    $<HTMLButtonElement>(document.body, 'lines-back')!.click();
    (el.querySelector('[data-testid="clients-table"] tbody tr') as HTMLElement).click();
    await flush();
    expect(calls('lines').at(-1)).toMatchObject({ window: 'all', filter: { client: 'C1' } });
  });

  it('ranks winners by revenue with an unknown profit, never €0.00, while nothing has a cost', async () => {
    const d = dashboard();
    const noCost = { ...kpis, profit: null, margin_rate: null };
    d.report = {
      ...d.report!,
      ranked_by: 'revenue',
      kpis: { current: noCost, previous: noCost },
      winners: [{ rank: 1, product_id: 'P1', name: 'Olive oil', quantity: '10', revenue: '100.00', profit: null }],
    };
    handlers.dashboard = () => d;
    const view = createDashboard(() => {});
    const el = mount(view.el);
    view.refresh();
    await flush();
    expect(el.querySelector('#winners-title')!.textContent).toBe('Top 10 products by revenue');
    const cells = el.querySelectorAll('[data-testid="winners-table"] tbody tr td');
    expect(cells[4].textContent).toBe('€100.00');
    expect(cells[5].textContent).toBe('Unknown');
    // The KPI cards too: profit and margin rate unknown, not €0.00 or "–".
    for (const name of ['profit', 'margin_rate']) {
      expect($(el, `kpi-${name}`)!.querySelector('.kpi-value')!.textContent).toBe('Unknown');
      expect($(el, `kpi-${name}`)!.textContent).toContain('No product sold in this period has a buy price yet');
      expect($(el, `kpi-${name}`)!.textContent).not.toMatch(/0[.,]00|vs previous/);
    }
    // The chart says what it shows, and its table says the same.
    expect(el.querySelector('#chart-winners-title')!.textContent).toBe('Revenue of the top 10 products');
    const row = el.querySelector('[data-testid="chart-winners-table"] tbody tr')!;
    expect([...row.querySelectorAll('td')].map((c) => c.textContent)).toEqual(['1', 'Olive oil', '€100.00', 'Unknown']);
  });

  it('never compares with a previous period when no sale is dated before the window', async () => {
    const d = dashboard();
    d.report = { ...d.report!, first_sale: '2026-05-02' };
    handlers.dashboard = () => d;
    const view = createDashboard(() => {});
    const el = mount(view.el);
    view.refresh();
    await flush();
    expect($(el, 'kpi-revenue')!.textContent).toBe('Revenue€1,100.00');
    expect(el.querySelector('.kpi-grid')!.textContent).not.toMatch(/previous/);
    // One sale the day before the window is enough for a comparison.
    d.report = { ...d.report!, first_sale: '2026-05-01' };
    view.refresh();
    await flush();
    expect($(el, 'kpi-revenue')!.textContent).toContain('▲ 10.0% vs previous period');
  });

  it('offers calendar periods, and gives each chart its period, unit and figures as a table', async () => {
    handlers.dashboard = () => dashboard();
    const view = createDashboard(() => {});
    const el = mount(view.el);
    view.refresh();
    await flush();
    const period = $<HTMLSelectElement>(el, 'period')!;
    expect([...period.options].map((o) => o.value)).toEqual(['this-month', 'last-month', 'this-quarter', 'this-year', 'week', 'month', 'all', 'custom']);
    period.value = 'last-month';
    period.dispatchEvent(new Event('change'));
    await flush();
    expect(calls('dashboard').at(-1)).toEqual({ window: 'last-month', asOf: null });
    expect(el.querySelector('#chart-revenue_profit-subtitle')!.textContent).toBe('2 May 2026 – 31 May 2026 · in €');
    expect(el.querySelector('#chart-tiers-subtitle')!.textContent).toBe('on 31 May 2026 · in number of clients');
    const tiers = [...el.querySelectorAll('[data-testid="chart-tiers-table"] tbody tr')].map((r) => r.textContent);
    expect(tiers).toEqual(['Gold1', 'Silver1', 'Standard0']);
    expect($(el, 'chart-winners')!.querySelector('svg')!.getAttribute('aria-labelledby')).toBe('chart-winners-title chart-winners-subtitle');
  });

  it('shows KPIs, charts and tables, and reloads for a new period', async () => {
    handlers.dashboard = () => dashboard();
    const view = createDashboard(() => {});
    const el = mount(view.el);
    view.refresh();
    await flush();
    expect(calls('dashboard')).toEqual([{ window: 'month', asOf: null }]);
    expect($(el, 'kpi-revenue')!.textContent).toContain('€1,100.00');
    expect($(el, 'kpi-revenue')!.textContent).toContain('▲ 10.0%');
    expect($(el, 'kpi-margin_rate')!.textContent).toContain('27.3%');
    expect($(el, 'refreshed-at')!.textContent).toBe('31 May 2026, 14:05');
    expect($(el, 'data-quality')!.textContent).toMatch(/^Data quality/);
    const winner = el.querySelector('[data-testid="winners-table"] tbody tr')!;
    expect(winner.querySelectorAll('td')[2].textContent).toBe('Olive oil');
    expect($(el, 'chart-winners')!.querySelector('svg rect')).not.toBeNull();
    expect($(el, 'chart-loss_risk')!.querySelector('svg')).toBeNull();
    expect($<HTMLButtonElement>(el, 'chart-loss_risk-png')!.disabled).toBe(true);

    const tier = $<HTMLSelectElement>(el, 'client-tier')!;
    tier.value = 'Silver';
    tier.dispatchEvent(new Event('change'));
    expect([...el.querySelectorAll('[data-testid="clients-table"] tbody tr')].map((r) => r.querySelector('td')!.textContent)).toEqual(['C2']);

    const period = $<HTMLSelectElement>(el, 'period')!;
    period.value = 'custom';
    period.dispatchEvent(new Event('change'));
    await flush();
    // "Custom…" starts from the period on screen.
    expect(calls('dashboard').at(-1)).toEqual({ window: '2026-05-02..2026-05-31', asOf: null });
    const from = $<HTMLInputElement>(el, 'period-from')!;
    const to = $<HTMLInputElement>(el, 'period-to')!;
    from.value = '2026-05-01';
    to.value = '2026-05-15';
    to.dispatchEvent(new Event('change'));
    await flush();
    expect(calls('dashboard').at(-1)).toEqual({ window: '2026-05-01..2026-05-15', asOf: null });

    // A pushed generation already shown changes nothing; a newer one reloads.
    view.refresh(3);
    view.refresh(4);
    await flush();
    expect(calls('dashboard')).toHaveLength(4);

    // The as-of input shows the date in use; a date picked here is sent until "Latest".
    const asOf = $<HTMLInputElement>(el, 'as-of-input')!;
    expect(asOf.value).toBe('2026-05-31');
    asOf.value = '2026-05-20';
    asOf.dispatchEvent(new Event('change'));
    await flush();
    expect(calls('dashboard').at(-1)).toEqual({ window: '2026-05-01..2026-05-15', asOf: '2026-05-20' });
    $<HTMLButtonElement>(el, 'as-of-reset')!.click();
    await flush();
    expect(calls('dashboard').at(-1)).toEqual({ window: '2026-05-01..2026-05-15', asOf: null });
  });

  it('says what to do when the store has no sales', async () => {
    handlers.dashboard = () => dashboard({ report: null });
    const view = createDashboard(() => {});
    const el = mount(view.el);
    view.refresh();
    await flush();
    expect($(el, 'dashboard-empty')!.hidden).toBe(false);
    expect($(el, 'dashboard-empty')!.textContent).toContain('Import tab');
  });
});

/** A setting of the real catalog (as Rust sends it) with a value. */
function setting(key: string, value: string): Setting {
  const known = catalog.find((s) => s.key === key);
  if (!known) throw new Error(`no setting ${key} in the catalog`);
  return { ...known, value };
}

describe('settings', () => {
  it("is one form with one Save, in a person's terms, and shows each refusal under its field", async () => {
    let settings: Setting[] = [
      setting('expiring_days', '7'),
      setting('silver_min', '5000'),
      setting('gold_min', '20000'),
      setting('min_margin', '0.15'),
      setting('as_of', 'latest'),
      setting('language', 'en'),
      setting('theme', 'system'),
    ];
    handlers.get_settings = () => settings;
    const canonical: Record<string, string> = { '25 000 €': '25000', '12,5 %': '0.125', '2026-05-31': '2026-05-31' };
    handlers.set_setting = ({ key, value }) => {
      if (String(value).startsWith('-')) throw { code: 'invalid_setting', message: `Silver tier from: type an amount of at least 0, such as 5 000 or 5000 €, not “${value}”.` };
      settings = settings.map((s) => (s.key === key ? { ...s, value: canonical[String(value)] ?? String(value) } : s));
      return settings;
    };
    const onPrefs = vi.fn();
    const saved = vi.fn();
    const view = createSettings({ role: 'admin', prefs: { language: 'en', theme: 'system' }, hasPassphrase: false, onPrefs, onPassphrase: () => {}, onSettingSaved: saved });
    const el = mount(view.el);
    await flush();
    const inputs = [...el.querySelectorAll<HTMLInputElement>('input[data-testid^="setting-"]')].map((i) => i.dataset.testid);
    expect(inputs).toEqual(['setting-expiring_days', 'setting-silver_min', 'setting-gold_min', 'setting-min_margin', 'setting-as_of-latest', 'setting-as_of']);
    // Shown as a person writes them.
    expect($<HTMLInputElement>(el, 'setting-gold_min')!.value).toBe('20,000');
    expect($<HTMLInputElement>(el, 'setting-min_margin')!.value).toBe('15%');
    expect($<HTMLInputElement>(el, 'setting-as_of-latest')!.checked).toBe(true);
    expect($<HTMLInputElement>(el, 'setting-as_of')!.disabled).toBe(true);
    expect(el.querySelectorAll('button[data-testid^="save-"]')).toHaveLength(1);

    // Nothing changed: nothing sent.
    $<HTMLButtonElement>(el, 'save-settings')!.click();
    await flush();
    expect(calls('set_setting')).toHaveLength(0);
    expect($(el, 'settings-status')!.textContent).toBe('Nothing to save: no setting was changed.');

    // Three changes, one refused: the others are saved, the refusal is under its field.
    $<HTMLInputElement>(el, 'setting-gold_min')!.value = '25 000 €';
    $<HTMLInputElement>(el, 'setting-silver_min')!.value = '-5';
    $<HTMLInputElement>(el, 'setting-min_margin')!.value = '12,5 %';
    const latest = $<HTMLInputElement>(el, 'setting-as_of-latest')!;
    latest.checked = false;
    latest.dispatchEvent(new Event('change'));
    $<HTMLInputElement>(el, 'setting-as_of')!.value = '2026-05-31';
    $<HTMLButtonElement>(el, 'save-settings')!.click();
    await flush();
    expect(calls('set_setting')).toEqual([
      { key: 'silver_min', value: '-5' },
      { key: 'gold_min', value: '25 000 €' },
      { key: 'min_margin', value: '12,5 %' },
      { key: 'as_of', value: '2026-05-31' },
    ]);
    expect($(el, 'setting-silver_min-status')!.textContent).toBe('Silver tier from: type an amount of at least 0, such as 5 000 or 5000 €, not “-5”.');
    expect($<HTMLInputElement>(el, 'setting-silver_min')!.getAttribute('aria-invalid')).toBe('true');
    expect($(el, 'settings-status')!.textContent).toBe('Some settings were not saved: see the message under each.');
    // What was stored comes back in the same terms.
    expect($<HTMLInputElement>(el, 'setting-gold_min')!.value).toBe('25,000');
    expect($<HTMLInputElement>(el, 'setting-min_margin')!.value).toBe('12.5%');
    expect(saved.mock.calls.map((c) => c[0])).toEqual(['gold_min', 'min_margin', 'as_of']);

    // Fixed: only the field still different is sent again.
    $<HTMLInputElement>(el, 'setting-silver_min')!.value = '6000';
    $<HTMLButtonElement>(el, 'save-settings')!.click();
    await flush();
    expect(calls('set_setting').at(-1)).toEqual({ key: 'silver_min', value: '6000' });
    expect(calls('set_setting')).toHaveLength(5);
    expect($(el, 'settings-status')!.textContent).toBe('The settings were saved.');
    expect($(el, 'setting-silver_min-status')!.textContent).toBe('');

    const theme = $<HTMLSelectElement>(el, 'theme')!;
    theme.value = 'dark';
    theme.dispatchEvent(new Event('change'));
    expect(onPrefs).toHaveBeenCalledWith({ language: 'en', theme: 'dark' });
  });

  it('shows amounts and percentages the French way', async () => {
    const { displayValue } = await import('./settings');
    expect(displayValue('amount', '20000', 'fr')).toBe('20\u00a0000');
    expect(displayValue('percent', '0.15', 'fr')).toBe('15\u00a0%');
    expect(displayValue('percent', '-0.075', 'en')).toBe('-7.5%');
    expect(displayValue('percent', '0', 'en')).toBe('0%');
    expect(displayValue('text', '€', 'fr')).toBe('€');
  });

  it('changes or removes the passphrase only with the current one, and shows the throttle sentence', async () => {
    let stored: string | null = 'old-secret';
    handlers.get_settings = () => [];
    handlers.set_passphrase = ({ current, next }) => {
      if (current !== stored) throw { code: 'forbidden', message: 'The current passphrase is not the right one; nothing was changed.' };
      stored = next as string | null;
      return null;
    };
    const onPassphrase = vi.fn();
    const view = createSettings({ role: 'admin', prefs: { language: 'en', theme: 'system' }, hasPassphrase: true, onPrefs: () => {}, onPassphrase });
    const el = mount(view.el);
    const current = $<HTMLInputElement>(el, 'passphrase-current')!;
    expect(current.closest('.field')!.hasAttribute('hidden')).toBe(false);
    expect(el.querySelector('label[for="passphrase-current"]')!.textContent).toBe('Current passphrase');
    // Without the current one, nothing is even sent.
    $<HTMLButtonElement>(el, 'remove-passphrase')!.click();
    await flush();
    expect($(el, 'passphrase-status')!.textContent).toBe('Type the current passphrase first.');
    expect(calls('set_passphrase')).toHaveLength(0);
    // A wrong one: Rust's sentence, shown inline.
    current.value = 'guess';
    $<HTMLInputElement>(el, 'passphrase-new')!.value = 'new-secret';
    $<HTMLInputElement>(el, 'passphrase-confirm')!.value = 'new-secret';
    $<HTMLButtonElement>(el, 'set-passphrase')!.click();
    await flush();
    expect($(el, 'passphrase-status')!.textContent).toBe('The current passphrase is not the right one; nothing was changed.');
    expect(stored).toBe('old-secret');
    // The right one changes it; then removing needs the new one.
    current.value = 'old-secret';
    $<HTMLButtonElement>(el, 'set-passphrase')!.click();
    await flush();
    expect(calls('set_passphrase').at(-1)).toEqual({ current: 'old-secret', next: 'new-secret' });
    expect($(el, 'passphrase-status')!.textContent).toBe('The passphrase was changed.');
    expect(current.value).toBe('');
    current.value = 'new-secret';
    $<HTMLButtonElement>(el, 'remove-passphrase')!.click();
    await flush();
    expect(calls('set_passphrase').at(-1)).toEqual({ current: 'new-secret', next: null });
    expect(stored).toBeNull();
    expect(onPassphrase).toHaveBeenLastCalledWith(false);
    // With no passphrase there is no current one to give.
    expect(current.closest('.field')!.hasAttribute('hidden')).toBe(true);
    $<HTMLInputElement>(el, 'passphrase-new')!.value = 'fresh-secret';
    $<HTMLInputElement>(el, 'passphrase-confirm')!.value = 'fresh-secret';
    $<HTMLButtonElement>(el, 'set-passphrase')!.click();
    await flush();
    expect(calls('set_passphrase').at(-1)).toEqual({ current: null, next: 'fresh-secret' });
  });

  it('shows only language and theme to the accountant', () => {
    const view = createSettings({ role: 'accountant', prefs: { language: 'fr', theme: 'light' }, hasPassphrase: false, onPrefs: () => {}, onPassphrase: () => {} });
    expect(view.el.querySelector('[data-testid^="setting-"]')).toBeNull();
    expect(view.el.querySelector('[data-testid="passphrase-new"]')).toBeNull();
    expect($<HTMLSelectElement>(view.el, 'language')!.value).toBe('fr');
    expect(calls('get_settings')).toHaveLength(0);
  });
});
