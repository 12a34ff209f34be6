// Design harness: the real screens against a fake core, in a plain browser (`npm run dev`, then
// open /dev/mock.html?role=admin&lang=fr&theme=dark). Never part of the build.
import { emit } from '@tauri-apps/api/event';
import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import type { Dashboard, ImportRecord, ImportSummary, Preview, Setting } from '../src/backend';
import { settings as catalog } from '../src/generated/contract';

const q = new URLSearchParams(location.search);
const zero = { new: 0, updated: 0, unchanged: 0, rejected: 0 };
localStorage.setItem('comptoir.prefs', JSON.stringify({ language: q.get('lang') ?? 'en', theme: q.get('theme') ?? 'system' }));

function bars(n: number, color: string): string {
  const rects = Array.from({ length: n }, (_, i) => `<rect x="${40 + i * 70}" y="${300 - (n - i) * 25}" width="50" height="${(n - i) * 25}" fill="${color}"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="340" viewBox="0 0 800 340"><rect width="800" height="340" fill="#fff"/>${rects}<text x="40" y="330" font-size="14" fill="#333">sample chart</text></svg>`;
}

const noCost = q.has('nocost');
const kpis = { revenue: '48210.50', profit: noCost ? null : '12040.20', margin_rate: '0.2497', invoices: 1312, average_basket: '36.75', units_sold: '5120', stock_value: '81234.00', value_at_risk: '2310.40' };
const dashboard: Dashboard = {
  generation: 1,
  refreshed_at: '2026-05-31 14:05:09',
  currency: '€',
  charts: { winners: bars(10, '#2563c9'), revenue_profit: bars(8, '#12733f'), loss_risk: bars(3, '#b42318'), tiers: bars(3, '#9a5b00'), categories: '' },
  report: {
    as_of: '2026-05-31',
    window: { from: '2026-05-02', to: '2026-05-31' },
    first_sale: q.has('noprevious') ? '2026-05-02' : '2025-11-03',
    kpis: { current: kpis, previous: { ...kpis, revenue: '45100.00', value_at_risk: '1900.00', margin_rate: '0.2611', invoices: 1400 } },
    winners: Array.from({ length: 10 }, (_, i) => ({ rank: i + 1, product_id: `P${100 + i}`, name: `Huile d'olive vierge extra ${i + 1} L — bouteille verre`, quantity: String(500 - i * 30), revenue: `${9000 - i * 600}.00`, profit: noCost ? null : `${3000 - i * 250}.50` })),
    ranked_by: noCost ? 'revenue' : 'profit',
    losers: [{ product_id: 'P900', name: 'Sel de Guérande', reasons: ['margin_below_threshold', 'negative_profit'], buy_price: '3.00', sell_price: '2.80', margin_rate: '-0.0714', min_margin_threshold: '0.15', quantity: '40', revenue: '112.00', profit: '-8.00' }],
    loss_risk: Array.from({ length: 14 }, (_, i) => ({ stock_id: `S${i}`, product_id: `P${i}`, name: `Yaourt nature ${i}`, reasons: i % 3 === 0 ? ['expired'] : ['expiring', 'no_movement'], quantity: '24', expiry_date: '2026-06-03', last_movement: '2026-04-01', days_left: i - 2, value_at_risk: `${20 + i}.40`, forecast_leftover: '12', forecast_leftover_value: '10.20' })),
    clients: Array.from({ length: 40 }, (_, i) => ({ client_id: `C${i}`, name: `Client ${i} SARL`, lifetime_revenue: `${30000 - i * 800}.00`, tier: i < 5 ? 'Gold' : i < 25 ? 'Silver' : 'Standard', eligible_promo: i < 12, to_next_tier: i < 5 ? null : '1200.00' }) as const),
    stock_ageing: [
      { bucket: '0-30', units: '1200', value: '40000.00', batches: 80 },
      { bucket: '31-60', units: '300', value: '9000.00', batches: 20 },
      { bucket: '61-90', units: '40', value: '900.00', batches: 4 },
      { bucket: '90+', units: '10', value: '120.00', batches: 1 },
    ],
    data_quality: { lines_without_cost: 12, revenue_without_cost: '340.00', rejected_rows_last_import: 2, products_unknown_to_products_sheet: 0, products_without_cost: 3, adjustment_lines: 4 },
    sales_timeline: Array.from({ length: 30 }, (_, i) => ({ day: `2026-05-${String(i + 2).padStart(2, '0')}`, revenue: `${1200 + (i % 7) * 90}.00`, profit: `${300 + (i % 5) * 20}.00` })),
    category_sales: [{ category: 'Épicerie', revenue: '30000.00', profit: '8000.00', quantity: '3000' }, { category: null, revenue: '18210.50', profit: null, quantity: '2120' }],
    markdowns: [],
    replenishment: [],
  },
};

const field = (name: string, en: string, fr: string, required = false) => ({ name, label: q.get('lang') === 'fr' ? fr : en, required });
const MOCK_LAYOUTS = [
  { id: 'sales', label: q.get('lang') === 'fr' ? 'Export de ventes (une ligne par article vendu)' : 'Sales export (one row per item sold)', fields: [field('invoice_id', 'Invoice number', 'Numéro de facture', true), field('timestamp', 'Date (and time)', 'Date (et heure)', true), field('client_id', 'Client code', 'Code client'), field('product_id', 'Product code', 'Code article', true), field('description', 'Product description', 'Désignation de l’article'), field('qty', 'Quantity sold', 'Quantité vendue', true), field('unit_price', 'Unit price', 'Prix unitaire')] },
  { id: 'products', label: q.get('lang') === 'fr' ? 'Produits' : 'Products', fields: [field('product_id', 'Product code', 'Code article', true), field('name', 'Name', 'Nom', true)] },
];
const problems = Array.from({ length: 30 }, (_, i) => ({ file: '/home/ana/Ventes mai.xlsx', sheet: i % 2 ? 'Invoices' : 'Stock', cell: `C${i + 2}`, column: 'qty', value: `douze ${i}`, message: 'The quantity is not a number.', code: 'not_a_number', params: [`douze ${i}`] }));
const summary = (over: Partial<ImportSummary> = {}): ImportSummary => ({
  import_id: null,
  files: ['/home/ana/Ventes mai.xlsx'],
  counts: { products: { ...zero, new: 120, updated: 3 }, stock: { ...zero, new: 300 }, clients: { ...zero, unchanged: 50 }, invoices: { ...zero, new: 1200, rejected: 4 }, lines: { ...zero, new: 20000, rejected: 15 } },
  errors: problems.slice(0, 15),
  warnings: problems.slice(15),
  error_count: 15,
  warning_count: 15,
  outcome: 'dry_run',
  mappings_used: [],
  already_imported: [],
  ...over,
});
const history: ImportRecord[] = [1, 2, 3].map((id) => ({ import_id: id, imported_at: `2026-05-2${id} 09:1${id}:00`, files: [{ name: `ventes-${id}.xlsx`, sha256: 'abc', bytes: 1000 }], counts: summary().counts, errors: 0, warnings: 2, rejected: id === 3 ? 0 : 4, undone: id === 3 }));
// The real catalog (as Rust sends it), with the language and theme of the URL.
const chosen: Record<string, string | null> = { language: q.get('lang') ?? 'en', theme: q.get('theme') ?? 'system' };
let settings: Setting[] = catalog.map((s) => ({ ...s, value: chosen[s.key] ?? s.value }));

(globalThis as { isTauri?: boolean }).isTauri = true;
mockWindows('main');
mockIPC(
  async (cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case 'app_info':
        return { version: '0.2.0', db_path: '/home/ana/.local/share/comptoir/comptoir.duckdb', has_data: !q.has('nodata'), role: q.get('role'), has_passphrase: q.has('pass'), started_ms: 40 };
      case 'choose_role':
        if (args.role === 'admin' && q.has('pass') && args.passphrase !== q.get('pass')) throw { code: 'forbidden', message: 'The passphrase is not right.' };
        return args.role;
      case 'get_settings':
        return settings;
      case 'set_setting':
        if (String(args.value).trim().startsWith('-')) throw { code: 'invalid_setting', message: `${String(args.key)}: type an amount of at least 0, such as 5 000 or 5000 €, not “${String(args.value)}”.` };
        settings = settings.map((s) => (s.key === args.key ? { ...s, value: String(args.value) } : s));
        return settings;
      case 'pick_folder':
        return '/home/ana/Caisse/exports';
      case 'dashboard':
        return q.has('empty') ? { ...dashboard, report: null } : dashboard;
      case 'preview_sample':
      case 'choose_files':
        return q.has('mapping')
          ? ({ token: 1, files: ['/d/till.csv'], report: null, unrecognised: { file: '/d/till.csv', sheet: 'till', row: 1, headers: ['Pièce', 'Date', 'Client', 'Article', 'Qté', 'PU', 'Remarque'], samples: [['T1', '16/02/2026 09:12', 'C1', 'A-1', '2', '1,50', ''], ['T2', '16/02/2026 10:40', '', 'A-2', '1', '4,00', 'cadeau']], layouts: MOCK_LAYOUTS, suggestion: { layout: 'sales', columns: ['invoice_id', 'timestamp', 'client_id', 'product_id', 'qty', 'unit_price', null] } } } satisfies Preview)
          : ({ token: 1, files: ['/home/ana/Ventes mai.xlsx'], report: summary(), unrecognised: null } satisfies Preview);
      case 'list_mappings':
      case 'forget_mapping':
      case 'edit_mapping':
        return { layouts: MOCK_LAYOUTS, saved: cmd === 'forget_mapping' ? [] : [{ signature: 'piece|date|client|article|qte|pu|remarque', headers: ['Pièce', 'Date', 'Client', 'Article', 'Qté', 'PU', 'Remarque'], choice: { layout: 'sales', columns: ['invoice_id', 'timestamp', 'client_id', 'product_id', 'qty', 'unit_price', null] }, layout_label: MOCK_LAYOUTS[0].label, saved_at: '2026-05-30 17:42' }] };
      case 'save_mapping':
        return { token: 1, files: ['/d/till.csv'], report: summary({ errors: [], warnings: [], error_count: 0, warning_count: 0 }), unrecognised: null };
      case 'confirm_import': {
        const channel = args.onProgress as { onmessage: (p: unknown) => void };
        for (let rows = 0; rows <= 20000; rows += 2000) {
          channel.onmessage({ phase: 'reading', file: '/home/ana/Ventes mai.xlsx', rows, total_estimate: 21000 });
          await new Promise((r) => setTimeout(r, Number(q.get('slow') ?? 60)));
        }
        void emit('dashboard-updated', 2);
        return summary({ import_id: 4, outcome: 'imported' });
      }
      case 'history':
        return history;
      case 'save_chart':
        (window as { lastSaveChart?: unknown }).lastSaveChart = { name: args.name, format: args.format, pngBytes: Array.isArray(args.png) ? args.png.length : null, head: Array.isArray(args.png) ? args.png.slice(0, 4) : null };
        return `/home/ana/Documents/${String(args.name)}.${String(args.format)}`;
      case 'lines': {
        // A fake store of 120 lines: enough for paging, sorting and the totals row.
        const page = args.page as { offset: number; limit: number };
        const all = Array.from({ length: 120 }, (_, i) => ({
          date: `2026-05-${String(31 - (i % 28)).padStart(2, '0')}`,
          invoice_id: `F${String(9000 - Math.floor(i / 3)).padStart(5, '0')}`,
          client_id: i % 4 === 0 ? null : `C${100 + (i % 17)}`,
          client_name: i % 4 === 0 ? null : `Client ${100 + (i % 17)}`,
          product_id: `P${String(1 + (i % 9)).padStart(3, '0')}`,
          product_name: ['Lait demi-écrémé 1 L', 'Pain de campagne', 'Camembert AOP', 'Pommes Gala 1 kg'][i % 4],
          qty: String(1 + (i % 5)),
          unit_price: '2.40',
          revenue: (2.4 * (1 + (i % 5))).toFixed(2),
          cost: i % 9 === 8 ? null : (1.6 * (1 + (i % 5))).toFixed(2),
          profit: i % 9 === 8 ? null : (0.8 * (1 + (i % 5))).toFixed(2),
        }));
        return {
          window: { from: '2026-05-02', to: '2026-05-31' },
          filter: args.filter,
          page: args.page,
          totals: { lines: 120, invoices: 40, qty: '360', revenue: '864.00', cost: '512.00', profit: '256.00' },
          lines: all.slice(page.offset, page.offset + page.limit),
        };
      }
      case 'export_lines':
      case 'save_problems':
      case 'export_dashboard':
      case 'export_promo_clients':
        return '/home/ana/Documents/export.xlsx';
      default:
        return null;
    }
  },
  { shouldMockEvents: true },
);

await import('../src/main');

// ?click=role-accountant,load-sample clicks those test ids in turn (for headless screenshots).
for (const id of (q.get('click') ?? '').split(',').filter(Boolean)) {
  await new Promise((r) => setTimeout(r, 300));
  document.querySelector<HTMLElement>(`[data-testid="${id}"]`)?.click();
}
