// The one module that talks to the Rust side. Everything else imports from here.
import { Channel, invoke, isTauri } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';

export type { UnlistenFn };

export type Period = 'week' | 'month' | 'all';
export const PERIODS: readonly Period[] = ['week', 'month', 'all'];

export interface AppInfo {
  version: string;
  db_path: string;
  has_data: boolean;
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
}

export type TableName = 'products' | 'stock' | 'clients' | 'invoices' | 'lines';
export const TABLES: readonly TableName[] = ['products', 'stock', 'clients', 'invoices', 'lines'];

export interface ImportSummary {
  import_id: number | null;
  files: string[];
  counts: Record<TableName, Counts>;
  errors: Problem[];
  warnings: Problem[];
}

export interface ImportFinished {
  ok: boolean;
  summary: ImportSummary | null;
  message: string | null;
}

/** Money values are decimal strings ("1234.50"), never floats. */
export interface Winner {
  rank: number;
  product_id: string;
  name: string;
  quantity: string;
  revenue: string;
  profit: string;
}

export interface Dashboard {
  generation: number;
  as_of: string | null;
  window: { name: Period; from: string | null; to: string | null };
  winners: Winner[];
  winners_chart_svg: string;
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

export function getDashboard(period: Period): Promise<Dashboard> {
  return call<Dashboard>('dashboard', { window: period });
}

export function importSample(onProgress: (p: ImportProgress) => void): Promise<ImportSummary> {
  return call<ImportSummary>('import_sample', { onProgress: progressChannel(onProgress) });
}

/** Resolves to null when the user cancels the file dialog. */
export function chooseAndImport(onProgress: (p: ImportProgress) => void): Promise<ImportSummary | null> {
  return call<ImportSummary | null>('choose_and_import', { onProgress: progressChannel(onProgress) });
}

// Events: imports started by a native file drop report here; the dashboard is pushed after every import.
export async function onImportProgress(handler: (p: ImportProgress) => void): Promise<UnlistenFn> {
  return listen<ImportProgress>('import-progress', (e) => handler(e.payload));
}

export async function onImportFinished(handler: (f: ImportFinished) => void): Promise<UnlistenFn> {
  return listen<ImportFinished>('import-finished', (e) => handler(e.payload));
}

export async function onDashboardUpdated(handler: (d: Dashboard) => void): Promise<UnlistenFn> {
  return listen<Dashboard>('dashboard-updated', (e) => handler(e.payload));
}

/** True while files are dragged over the window (the drop itself is handled in Rust). */
export async function onDragHover(handler: (hovering: boolean) => void): Promise<UnlistenFn> {
  return getCurrentWebview().onDragDropEvent((e) => {
    handler(e.payload.type === 'enter' || e.payload.type === 'over');
  });
}
