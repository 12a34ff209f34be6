import { beforeEach, describe, expect, it, vi } from 'vitest';

// Hoisted above the imports by vitest: backend.ts gets these instead of the Tauri bridge.
vi.mock('@tauri-apps/api/core', () => {
  class Channel<T> {
    onmessage: (m: T) => void = () => {};
  }
  return { invoke: vi.fn(), Channel, isTauri: () => false };
});
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }));
vi.mock('@tauri-apps/api/webview', () => ({ getCurrentWebview: vi.fn() }));

import { Channel, invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import {
  appInfo,
  BackendError,
  chooseAndImport,
  getDashboard,
  importSample,
  onDashboardUpdated,
  onImportFinished,
  onImportProgress,
  toBackendError,
  type ImportProgress,
} from './backend';

const invokeMock = vi.mocked(invoke);
const listenMock = vi.mocked(listen);

beforeEach(() => {
  invokeMock.mockReset();
  listenMock.mockClear();
});

describe('commands', () => {
  it('app_info takes no arguments', async () => {
    const info = { version: '0.1.0', db_path: '/d/comptoir.duckdb', has_data: false };
    invokeMock.mockResolvedValue(info);
    await expect(appInfo()).resolves.toEqual(info);
    expect(invokeMock).toHaveBeenCalledTimes(1);
    expect(invokeMock.mock.calls[0][0]).toBe('app_info');
    expect(invokeMock.mock.calls[0][1]).toBeUndefined();
  });

  it('getDashboard sends the period as `window`', async () => {
    invokeMock.mockResolvedValue({ generation: 1 });
    await getDashboard('month');
    expect(invokeMock).toHaveBeenCalledWith('dashboard', { window: 'month' });
  });

  it('importSample sends a progress channel as `onProgress` and forwards its messages', async () => {
    invokeMock.mockResolvedValue({ import_id: 1 });
    const seen: ImportProgress[] = [];
    await importSample((p) => seen.push(p));
    expect(invokeMock).toHaveBeenCalledWith('import_sample', { onProgress: expect.any(Channel) });
    const channel = (invokeMock.mock.calls[0][1] as { onProgress: Channel<ImportProgress> }).onProgress;
    const msg: ImportProgress = { phase: 'reading', file: 'stock_data.xlsx', rows: 10, total_estimate: 100 };
    channel.onmessage(msg);
    expect(seen).toEqual([msg]);
  });

  it('chooseAndImport passes through null when the dialog is cancelled', async () => {
    invokeMock.mockResolvedValue(null);
    await expect(chooseAndImport(() => {})).resolves.toBeNull();
    expect(invokeMock).toHaveBeenCalledWith('choose_and_import', { onProgress: expect.any(Channel) });
  });

  it('rejects with a BackendError carrying the Rust code and message', async () => {
    invokeMock.mockRejectedValue({ code: 'unreadable_file', message: 'The file is encrypted.' });
    const err = await getDashboard('week').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ code: 'unreadable_file', message: 'The file is encrypted.' });
  });

  it('normalises any thrown value', () => {
    expect(toBackendError('command dashboard not found')).toMatchObject({ code: 'internal', message: 'command dashboard not found' });
    expect(toBackendError(new Error('boom'))).toMatchObject({ code: 'internal', message: 'boom' });
    expect(toBackendError(undefined).code).toBe('unknown');
  });
});

describe('events', () => {
  it('subscribes to the contract event names and unwraps the payload', async () => {
    const got: unknown[] = [];
    await onImportProgress((p) => got.push(p));
    await onImportFinished((f) => got.push(f));
    await onDashboardUpdated((d) => got.push(d));
    expect(listenMock.mock.calls.map((c) => c[0])).toEqual(['import-progress', 'import-finished', 'dashboard-updated']);
    for (const [name, handler] of listenMock.mock.calls) {
      (handler as (e: { event: string; id: number; payload: unknown }) => void)({ event: name, id: 1, payload: name });
    }
    expect(got).toEqual(['import-progress', 'import-finished', 'dashboard-updated']);
  });
});
