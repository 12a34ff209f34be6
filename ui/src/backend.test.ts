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
  chooseFiles,
  chooseRole,
  confirmImport,
  getDashboard,
  onDashboardUpdated,
  onDropPreview,
  saveChart,
  saveMapping,
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
    const info = { version: '0.1.0', db_path: '/d/comptoir.duckdb', has_data: false, role: null, has_passphrase: false, started_ms: 80 };
    invokeMock.mockResolvedValue(info);
    await expect(appInfo()).resolves.toEqual(info);
    expect(invokeMock.mock.calls[0][0]).toBe('app_info');
    expect(invokeMock.mock.calls[0][1]).toBeUndefined();
  });

  it('getDashboard sends the period as `window` and as_of as `asOf`', async () => {
    invokeMock.mockResolvedValue({ generation: 1 });
    await getDashboard('month');
    expect(invokeMock).toHaveBeenCalledWith('dashboard', { window: 'month', asOf: null });
    await getDashboard('2026-05-01..2026-05-31', '2026-05-31');
    expect(invokeMock).toHaveBeenLastCalledWith('dashboard', { window: '2026-05-01..2026-05-31', asOf: '2026-05-31' });
  });

  it('chooseRole sends the role and the passphrase', async () => {
    invokeMock.mockResolvedValue('admin');
    await expect(chooseRole('admin', 'secret')).resolves.toBe('admin');
    expect(invokeMock).toHaveBeenCalledWith('choose_role', { role: 'admin', passphrase: 'secret' });
  });

  it('confirmImport sends a progress channel as `onProgress` and forwards its messages', async () => {
    invokeMock.mockResolvedValue({ import_id: 1 });
    const seen: ImportProgress[] = [];
    await confirmImport(7, true, (p) => seen.push(p));
    expect(invokeMock).toHaveBeenCalledWith('confirm_import', { token: 7, skipInvalid: true, onProgress: expect.any(Channel) });
    const channel = (invokeMock.mock.calls[0][1] as { onProgress: Channel<ImportProgress> }).onProgress;
    const msg: ImportProgress = { phase: 'reading', file: 'stock_data.xlsx', rows: 10, total_estimate: 100 };
    channel.onmessage(msg);
    expect(seen).toEqual([msg]);
  });

  it('chooseFiles passes through null when the dialog is cancelled', async () => {
    invokeMock.mockResolvedValue(null);
    await expect(chooseFiles()).resolves.toBeNull();
    expect(invokeMock).toHaveBeenCalledWith('choose_files', undefined);
  });

  it('saveMapping and saveChart send their arguments by name', async () => {
    invokeMock.mockResolvedValue(null);
    await saveMapping(3, 'sales', [
      ['Pièce', 'invoice_id'],
      ['Remarque', null],
    ]);
    expect(invokeMock).toHaveBeenCalledWith('save_mapping', {
      token: 3,
      layout: 'sales',
      columns: [
        ['Pièce', 'invoice_id'],
        ['Remarque', null],
      ],
    });
    await saveChart('tiers', 'png', [137, 80]);
    expect(invokeMock).toHaveBeenLastCalledWith('save_chart', { name: 'tiers', format: 'png', png: [137, 80] });
  });

  it('rejects with a BackendError carrying the Rust code and message', async () => {
    invokeMock.mockRejectedValue({ code: 'forbidden', message: 'The passphrase is wrong.' });
    const err = await chooseRole('admin', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ code: 'forbidden', message: 'The passphrase is wrong.' });
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
    await onDropPreview((d) => got.push(d));
    await onDashboardUpdated((g) => got.push(g));
    expect(listenMock.mock.calls.map((c) => c[0])).toEqual(['drop-preview', 'dashboard-updated']);
    for (const [name, handler] of listenMock.mock.calls) {
      (handler as (e: { event: string; id: number; payload: unknown }) => void)({ event: name, id: 1, payload: name });
    }
    expect(got).toEqual(['drop-preview', 'dashboard-updated']);
  });
});
