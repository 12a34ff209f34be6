// The one module that talks to the Rust side. Everything else imports from here.
// Every command is declared in src-tauri/build.rs and allowed in capabilities/main.json;
// the Rust side checks the role (admin-only commands refuse the accountant with code "forbidden").
import { Channel, invoke, isTauri } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';

export type { UnlistenFn };

/** week, month, all, a calendar period, or a custom window "YYYY-MM-DD..YYYY-MM-DD". */
export type Period = 'week' | 'month' | 'all' | 'this-month' | 'last-month' | 'this-quarter' | 'this-year' | `${string}..${string}`;
export const PERIODS: readonly Period[] = ['week', 'month', 'all'];

export type Role = 'accountant' | 'admin';

export interface AppInfo {
  version: string;
  db_path: string;
  has_data: boolean;
  /** Null until the opening screen has picked one. */
  role: Role | null;
  /** True when an admin passphrase guards the Administrator side. */
  has_passphrase: boolean;
  /** Milliseconds from process start to this call (the first screen asks at once). */
  started_ms: number;
}

export type ImportPhase = 'reading' | 'validating' | 'writing' | 'refreshing' | 'done';

export interface ImportProgress {
  phase: ImportPhase;
  file: string;
  rows: number;
  total_estimate: number | null;
}

export interface Counts {
  new: number;
  updated: number;
  unchanged: number;
  rejected: number;
}
export type CountKind = keyof Counts;
export const COUNT_KINDS: readonly CountKind[] = ['new', 'updated', 'unchanged', 'rejected'];

export interface Problem {
  file: string;
  sheet: string;
  cell: string;
  column: string;
  value: string;
  message: string;
  /** The sentence's stable code (the message is already in the user's language). */
  code: string;
  /** The values the sentence is made of (cell value, column, limit…). */
  params: string[];
}

export type TableName = 'products' | 'stock' | 'clients' | 'invoices' | 'lines';
export const TABLES: readonly TableName[] = ['products', 'stock', 'clients', 'invoices', 'lines'];

export type Outcome = 'imported' | 'nothing_to_change' | 'rejected' | 'dry_run';

export interface ImportSummary {
  import_id: number | null;
  files: string[];
  counts: Record<TableName, Counts>;
  errors: Problem[];
  warnings: Problem[];
  error_count: number;
  warning_count: number;
  outcome: Outcome;
  /** Remembered mappings that read a sheet of these files. */
  mappings_used: { file: string; sheet: string; signature: string }[];
  /** Files whose very bytes an earlier import brought. */
  already_imported: { file: string; import_id: number; imported_at: string }[];
}

/** A field of a layout, named in the user's language. */
export interface FieldChoice {
  name: string;
  label: string;
  required: boolean;
}

/** What a sheet may hold: a sales export, or a table of the template. */
export interface LayoutChoice {
  id: string;
  label: string;
  fields: FieldChoice[];
}

/** A reading of a header row: the layout and, per header in order, its field (null = ignored). */
export interface MappingChoice {
  layout: string;
  columns: (string | null)[];
}

/** A file none of whose sheets was recognised: the user maps its header row's columns. */
export interface UnrecognisedSheet {
  file: string;
  sheet: string;
  /** 1-based row of the header shown. */
  row: number;
  headers: string[];
  /** Up to three rows under the header, aligned with `headers`. */
  samples: string[][];
  layouts: LayoutChoice[];
  /** Rust's guess from the header words and the values. */
  suggestion: MappingChoice;
}

/** A remembered mapping, as the review list shows it. */
export interface MappingView {
  signature: string;
  headers: string[];
  choice: MappingChoice;
  layout_label: string;
  saved_at: string;
}

export interface Mappings {
  layouts: LayoutChoice[];
  saved: MappingView[];
}

/**
 * A dry run of files held on the Rust side under `token` (the UI never sees paths).
 * `report` is null when `unrecognised` is set (the mapping step comes first).
 */
export interface Preview {
  token: number;
  files: string[];
  report: ImportSummary | null;
  unrecognised: UnrecognisedSheet | null;
}

export interface ImportRecord {
  import_id: number;
  imported_at: string;
  files: { name: string; sha256: string; bytes: number }[];
  counts: Record<TableName, Counts>;
  errors: number;
  warnings: number;
  rejected: number;
  undone: boolean;
}

/** Money values are decimal strings ("1234.50"), never floats. */
export interface Winner {
  rank: number;
  product_id: string;
  name: string;
  quantity: string;
  revenue: string;
  /** Null when profit is unknown: no line of the window has a cost (`ranked_by` is then "revenue"). */
  profit: string | null;
}

export interface Kpis {
  revenue: string;
  /** Null when profit is unknown: no line of the window has a cost. */
  profit: string | null;
  margin_rate: string | null;
  invoices: number;
  average_basket: string | null;
  units_sold: string;
  stock_value: string;
  value_at_risk: string;
}

export interface Loser {
  product_id: string;
  name: string;
  reasons: string[];
  buy_price: string | null;
  sell_price: string | null;
  margin_rate: string | null;
  min_margin_threshold: string;
  quantity: string;
  revenue: string;
  profit: string;
}

export interface LossRisk {
  stock_id: string;
  product_id: string;
  name: string;
  reasons: string[];
  quantity: string;
  expiry_date: string | null;
  last_movement: string | null;
  days_left: number | null;
  value_at_risk: string | null;
  forecast_leftover: string | null;
  forecast_leftover_value: string | null;
}

/** A markdown suggestion for a batch at risk (SPEC §4.1; Rust: `analytics::Markdown`). */
export interface Markdown {
  stock_id: string;
  product_id: string;
  name: string;
  quantity: string;
  days_left: number;
  /** e, 2 decimals, as used. */
  elasticity: string;
  elasticity_source: 'product' | 'category' | 'default';
  /** The rate taken off the price: "0.25" = 25 %. */
  discount: string;
  price: string | null;
  suggested_price: string | null;
  units_expected: string;
  /** The batch's revenue with the markdown minus without it (may be negative). */
  money_recovered: string | null;
  /** forecast_leftover_value: lost without a markdown. */
  money_lost_without: string | null;
  /** Even max_markdown does not sell it out before expiry. */
  cannot_clear: boolean;
}

/** Days of cover and what to order, per product sold in the 30 days (SPEC §4.1; Rust: `analytics::Replenishment`). */
export interface Replenishment {
  product_id: string;
  name: string;
  units_30: string;
  daily_rate: string;
  on_hand: string;
  days_of_cover: string;
  stock_out_date: string | null;
  reorder: boolean;
  suggested_quantity: string | null;
  buy_price: string | null;
  order_value: string | null;
}

export interface ClientTier {
  client_id: string;
  name: string;
  lifetime_revenue: string;
  tier: 'Gold' | 'Silver' | 'Standard';
  eligible_promo: boolean;
  to_next_tier: string | null;
}

export interface AgeingBucket {
  bucket: string;
  units: string;
  value: string;
  batches: number;
}

export interface DataQuality {
  lines_without_cost: number;
  revenue_without_cost: string;
  rejected_rows_last_import: number;
  products_unknown_to_products_sheet: number;
  products_without_cost: number;
  /** Stock adjustments (negative quantity at unit price 0) in the window: not sales. */
  adjustment_lines: number;
}

export interface Report {
  as_of: string;
  window: { from: string; to: string };
  /** Date of the earliest invoice in the store: none before the window = no previous period. */
  first_sale: string | null;
  kpis: { current: Kpis; previous: Kpis };
  winners: Winner[];
  /** "profit", or "revenue" when no line of the window has a cost yet. */
  ranked_by: 'profit' | 'revenue';
  losers: Loser[];
  loss_risk: LossRisk[];
  clients: ClientTier[];
  stock_ageing: AgeingBucket[];
  data_quality: DataQuality;
  /** Every day of the window, as on the revenue and profit chart. */
  sales_timeline: { day: string; revenue: string; profit: string | null }[];
  /** Sales per category (null = products without a category); profit null when none has a cost. */
  category_sales: { category: string | null; revenue: string; profit: string | null; quantity: string }[];
  /** Markdown suggestions for the batches at risk, judged at as_of. */
  markdowns: Markdown[];
  /** Per product sold in the 30 days up to as_of: reorder first, shortest cover first. */
  replenishment: Replenishment[];
}

export type ChartName = 'winners' | 'revenue_profit' | 'loss_risk' | 'tiers' | 'categories';
export const CHART_NAMES: readonly ChartName[] = ['winners', 'revenue_profit', 'loss_risk', 'tiers', 'categories'];

export interface Dashboard {
  generation: number;
  /** When these figures were computed (local time, "YYYY-MM-DD HH:MM:SS"). */
  refreshed_at: string;
  /** Null when the store holds no sales yet. */
  report: Report | null;
  /** SVG documents drawn by plotters in Rust; empty strings when there is no data. */
  charts: Record<ChartName, string>;
  currency: string;
}

/** How a setting is typed, checked and shown (Rust: `store::catalog::Kind`). */
export type SettingKind = 'days' | 'amount' | 'percent' | 'number' | 'date' | 'text' | 'folder' | 'choice';

/** A setting with its catalog entry (Rust: `app::service::Setting`). */
export interface Setting {
  key: string;
  value: string;
  kind: SettingKind;
  /** The values a `choice` accepts. */
  choices: string[];
  /** Any role may change it (language, theme); the others are the administrator's. */
  personal: boolean;
}

/** Every rejected command surfaces as this, whatever the Rust side (or the bridge) threw. */
export class BackendError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
  }
}

export function toBackendError(e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') {
    const code = (e as { code?: unknown }).code;
    return new BackendError(typeof code === 'string' ? code : 'internal', (e as { message: string }).message);
  }
  if (typeof e === 'string' && e !== '') return new BackendError('internal', e);
  return new BackendError('unknown', 'Something went wrong in the application core.');
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toBackendError(e);
  }
}

function progressChannel(onProgress: (p: ImportProgress) => void): Channel<ImportProgress> {
  const channel = new Channel<ImportProgress>();
  channel.onmessage = onProgress;
  return channel;
}

/** False when the page runs in a plain browser (`npm run dev` without Tauri). */
export function inTauri(): boolean {
  return isTauri();
}

export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>('app_info');
}

/** What a rebuild from the lake did (slot.rs `Rebuilt`). */
export interface Rebuilt {
  /** The imports read back from the lake. */
  imports: number;
  /** Where the damaged file now is. */
  kept_aside: string;
}

/**
 * Only when app_info failed with code "store_damaged": rebuilds the store from
 * the lake beside it (the damaged file is kept aside).
 */
export function recoverStore(): Promise<Rebuilt> {
  return call<Rebuilt>('recover_store');
}

// ── Roles ──────────────────────────────────────────────────────────────────
/** Fails with code "forbidden" when the passphrase is wrong. */
/** The last leave_role sent: a role is chosen only after it, never overtaken by it. */
let leaving: Promise<unknown> = Promise.resolve();

export async function chooseRole(role: Role, passphrase: string | null): Promise<Role> {
  await leaving;
  return call<Role>('choose_role', { role, passphrase });
}

/** Ends the role in Rust at once ("Switch role", and every page load). */
export function leaveRole(): Promise<void> {
  const left = call<void>('leave_role');
  leaving = left.catch(() => {});
  return left;
}

/**
 * Admin only. `next` null removes the passphrase. When one is set, `current` must be it;
 * wrong ones are throttled in Rust (code "forbidden", the sentence says how long to wait).
 */
export function setPassphrase(current: string | null, next: string | null): Promise<void> {
  return call<void>('set_passphrase', { current, next });
}

// ── Import (accountant and admin) ──────────────────────────────────────────
/** Opens the native file dialog, then dry-runs the chosen files. Null when cancelled. */
export function chooseFiles(): Promise<Preview | null> {
  return call<Preview | null>('choose_files');
}

/** Dry-runs the sample workbook embedded in the app. */
export function previewSample(): Promise<Preview> {
  return call<Preview>('preview_sample');
}

/** Saves a column mapping for the unrecognised sheet of a preview, then previews again. */
export function saveMapping(token: number, layout: string, columns: [string, string | null][]): Promise<Preview> {
  return call<Preview>('save_mapping', { token, layout, columns });
}

/** The remembered column mappings. */
export function listMappings(): Promise<Mappings> {
  return call<Mappings>('list_mappings');
}

/** Reads a remembered header row another way. */
export function editMapping(signature: string, layout: string, columns: [string, string | null][]): Promise<Mappings> {
  return call<Mappings>('edit_mapping', { signature, layout, columns });
}

/** Forgets a remembered mapping: files with that header ask again. */
export function forgetMapping(signature: string): Promise<Mappings> {
  return call<Mappings>('forget_mapping', { signature });
}

/** Imports the previewed files; `skipInvalid` imports the valid rows only. */
export function confirmImport(
  token: number,
  skipInvalid: boolean,
  onProgress: (p: ImportProgress) => void,
): Promise<ImportSummary> {
  return call<ImportSummary>('confirm_import', { token, skipInvalid, onProgress: progressChannel(onProgress) });
}

export function cancelImport(token: number): Promise<void> {
  return call<void>('cancel_import', { token });
}

/** Writes the annotated errors workbook where the user chooses. Null when cancelled. */
export function saveProblems(token: number): Promise<string | null> {
  return call<string | null>('save_problems', { token });
}

export function history(): Promise<ImportRecord[]> {
  return call<ImportRecord[]>('history');
}

/** An import that wrote nothing (the watch folder's failures), with its first problems. */
export interface ImportFailure {
  failed_at: string;
  file_name: string;
  message: string;
  problems: Problem[];
}

export function importFailures(): Promise<ImportFailure[]> {
  return call<ImportFailure[]>('import_failures');
}

export function undoImport(importId: number): Promise<void> {
  return call<void>('undo_import', { importId });
}

// ── Administrator ──────────────────────────────────────────────────────────
/** Admin only. `asOf` null = the setting (latest invoice by default). */
export function getDashboard(period: Period, asOf: string | null = null): Promise<Dashboard> {
  return call<Dashboard>('dashboard', { window: period, asOf });
}

/** Admin only: the dashboard as an Excel workbook, one sheet per table. Null when cancelled. */
export function exportDashboard(period: Period, asOf: string | null = null): Promise<string | null> {
  return call<string | null>('export_dashboard', { window: period, asOf });
}

/** Which lines a drill-down shows: any of these together (null = not filtered). */
export interface LineFilter {
  product: string | null;
  client: string | null;
  invoice: string | null;
  /** "" = the products without a category. */
  category: string | null;
  search: string | null;
}

export type LineSort = 'date' | 'invoice' | 'client' | 'product' | 'qty' | 'unit_price' | 'revenue' | 'cost' | 'profit';

export interface PageRequest {
  offset: number;
  limit: number;
  sort: LineSort;
  descending: boolean;
}

/** One invoice line behind a figure (Rust: `analytics::lines::Line`). */
export interface Line {
  date: string;
  invoice_id: string;
  client_id: string | null;
  client_name: string | null;
  product_id: string;
  product_name: string;
  qty: string;
  unit_price: string;
  revenue: string;
  /** Null without a buy price: unknown, never 0. */
  cost: string | null;
  profit: string | null;
}

/** The sums of every line that matches: they equal the figure clicked. */
export interface LineTotals {
  lines: number;
  invoices: number;
  qty: string;
  revenue: string;
  cost: string | null;
  profit: string | null;
}

export interface LinesPage {
  window: { from: string; to: string };
  filter: LineFilter;
  page: PageRequest;
  totals: LineTotals;
  lines: Line[];
}

/** Admin only: a page of the invoice lines behind a figure, with the totals of them all. */
export function getLines(period: Period, asOf: string | null, filter: LineFilter, page: PageRequest): Promise<LinesPage> {
  return call<LinesPage>('lines', { window: period, asOf, filter, page });
}

/** Admin only: every line behind a figure, as an Excel workbook. Null when cancelled. */
export function exportLines(period: Period, asOf: string | null, filter: LineFilter): Promise<string | null> {
  return call<string | null>('export_lines', { window: period, asOf, filter });
}

/** Admin only: the products to reorder and how many, as an Excel workbook. Null when cancelled. */
export function exportOrderList(): Promise<string | null> {
  return call<string | null>('export_order_list');
}

/** Admin only: the clients eligible for the promotion, as an Excel workbook. */
export function exportPromoClients(): Promise<string | null> {
  return call<string | null>('export_promo_clients');
}

/** Admin only: saves a chart; `png` carries the PNG bytes rendered by the webview. */
export function saveChart(name: ChartName, format: 'svg' | 'png', png: number[] | null = null): Promise<string | null> {
  return call<string | null>('save_chart', { name, format, png });
}

// ── Settings ───────────────────────────────────────────────────────────────
/** Thresholds, as_of, currency, language (fr/en), theme (light/dark/system), watch_folder. */
export function getSettings(): Promise<Setting[]> {
  return call<Setting[]>('get_settings');
}

/** language and theme: any role; the rest: admin only. Returns the settings after the change. */
export function setSetting(key: string, value: string): Promise<Setting[]> {
  return call<Setting[]>('set_setting', { key, value });
}

/** Admin only: the native folder chooser; the chosen folder, or null when cancelled. */
export function pickFolder(): Promise<string | null> {
  return call<string | null>('pick_folder');
}

// ── Events ─────────────────────────────────────────────────────────────────
/** A native file drop was dry-run (or refused: then `message` says why). */
export interface DropPreview {
  preview: Preview | null;
  message: string | null;
}

export async function onDropPreview(handler: (d: DropPreview) => void): Promise<UnlistenFn> {
  return listen<DropPreview>('drop-preview', (e) => handler(e.payload));
}

/** Pushed after every import (any window, any source); admins receive fresh figures without polling. */
export async function onDashboardUpdated(handler: (generation: number) => void): Promise<UnlistenFn> {
  return listen<number>('dashboard-updated', (e) => handler(e.payload));
}

/** What the watch folder did with one file (imported, already there, or failed). */
export interface WatchOutcome {
  file: string;
  imported: boolean;
  message: string;
}

export async function onWatchImported(handler: (w: WatchOutcome) => void): Promise<UnlistenFn> {
  return listen<WatchOutcome>('watch-imported', (e) => handler(e.payload));
}

/** True while files are dragged over the window (the drop itself is handled in Rust). */
export async function onDragHover(handler: (hovering: boolean) => void): Promise<UnlistenFn> {
  return getCurrentWebview().onDragDropEvent((e) => {
    handler(e.payload.type === 'enter' || e.payload.type === 'over');
  });
}
