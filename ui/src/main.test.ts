// @vitest-environment happy-dom
// Start-up and the shell: role from app_info, the role's tabs, roving tabindex, switching role.
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => {
  class Channel<T> {
    onmessage: (m: T) => void = () => {};
  }
  return { invoke: vi.fn(), Channel, isTauri: () => true };
});
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }));
vi.mock('@tauri-apps/api/webview', () => ({ getCurrentWebview: () => ({ onDragDropEvent: async () => () => {} }) }));

import { invoke } from '@tauri-apps/api/core';
import type { AppInfo, Dashboard } from './backend';

const invokeMock = vi.mocked(invoke);
const flush = async () => {
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0));
};
const $ = <T extends HTMLElement = HTMLElement>(testid: string) => document.querySelector<T>(`[data-testid="${testid}"]`);
const tabs = () => [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')].map((b) => b.dataset.tab);

/** A fresh page: main.ts started again against `core` as the Rust side. */
async function startWith(core: (cmd: string, args?: unknown) => Promise<unknown>) {
  vi.resetModules();
  localStorage.clear();
  document.body.replaceChildren();
  const app = document.createElement('div');
  app.id = 'app';
  document.body.append(app);
  invokeMock.mockReset();
  // The import screen lists the remembered mappings as it opens.
  const withMappings = async (cmd: string, args?: unknown) => (cmd === 'list_mappings' ? { layouts: [], saved: [] } : core(cmd, args));
  invokeMock.mockImplementation(withMappings as typeof invoke);
  await import('./main');
  await flush();
}

async function boot(info: Partial<AppInfo>, settings = [{ key: 'language', value: 'en' }, { key: 'theme', value: 'dark' }]) {
  await startWith(async (cmd: string, args?: unknown) => {
    switch (cmd) {
      case 'app_info':
        return { version: '0.2.0', db_path: '/d/c.duckdb', has_data: true, role: null, has_passphrase: false, started_ms: 5, ...info };
      case 'get_settings':
        return settings;
      case 'choose_role':
        return (args as { role: string }).role;
      case 'leave_role':
        return null;
      case 'dashboard':
        return { generation: 1, refreshed_at: '2026-05-31 10:00:00', report: null, charts: {}, currency: '€' } as unknown as Dashboard;
      case 'history':
        return [];
      default:
        return null;
    }
  });
}

describe('app shell', () => {
  beforeEach(() => {
    document.documentElement.removeAttribute('data-theme');
  });

  it('opens on the role screen, then shows the accountant tabs without the dashboard', async () => {
    await boot({});
    expect($('role-screen')).not.toBeNull();
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
    expect(document.documentElement.lang).toBe('en');
    $<HTMLButtonElement>('role-accountant')!.click();
    await flush();
    expect(tabs()).toEqual(['import', 'history', 'settings']);
    expect($('tab-dashboard')).toBeNull();
    expect($('tab-import')!.getAttribute('aria-selected')).toBe('true');
    expect($('load-sample')).not.toBeNull();
    expect($('version')!.textContent).toBe('v0.2.0');
    // A store that holds data is not offered the sample (the CSS hides it on this mark).
    expect(document.body.dataset.store).toBe('data');
  });

  it('marks an empty store, so that the sample is offered only there', async () => {
    await boot({ has_data: false });
    expect(document.body.dataset.store).toBe('empty');
  });

  it('starts at the role screen even when Rust still answers Administrator, and ends that role in Rust', async () => {
    await boot({ role: 'admin' });
    expect($('role-screen')).not.toBeNull();
    expect($('tab-dashboard')).toBeNull();
    expect(invokeMock.mock.calls.some((c) => c[0] === 'dashboard')).toBe(false);
    expect(invokeMock.mock.calls.filter((c) => c[0] === 'leave_role')).toHaveLength(1);
    // leave_role is sent before any choice can be.
    const order = invokeMock.mock.calls.map((c) => c[0]);
    $<HTMLButtonElement>('role-accountant')!.click();
    await flush();
    expect(order.indexOf('leave_role')).toBeLessThan(invokeMock.mock.calls.findIndex((c) => c[0] === 'choose_role'));
  });

  it('shows the administrator tabs with roving tabindex, and "Switch role" ends the role in Rust', async () => {
    await boot({});
    $<HTMLButtonElement>('role-admin')!.click();
    await flush();
    expect(tabs()).toEqual(['dashboard', 'import', 'history', 'settings']);
    expect($('tab-dashboard')!.getAttribute('aria-selected')).toBe('true');
    expect(invokeMock.mock.calls.some((c) => c[0] === 'dashboard')).toBe(true);
    expect([...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')].map((b) => b.tabIndex)).toEqual([0, -1, -1, -1]);
    $('tab-dashboard')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    expect($('tab-import')!.getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe($('tab-import'));
    $('tab-import')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    expect($('tab-settings')!.getAttribute('aria-selected')).toBe('true');
    expect(document.getElementById('panel-import')!.hidden).toBe(true);
    expect(document.getElementById('panel-settings')!.hidden).toBe(false);

    const leftBefore = invokeMock.mock.calls.filter((c) => c[0] === 'leave_role').length;
    $<HTMLButtonElement>('switch-role')!.click();
    await flush();
    expect($('role-screen')).not.toBeNull();
    expect(invokeMock.mock.calls.filter((c) => c[0] === 'leave_role')).toHaveLength(leftBefore + 1);
  });

  it('follows the language setting and re-renders when it changes', async () => {
    await boot({}, [{ key: 'language', value: 'fr' }, { key: 'theme', value: 'light' }]);
    $<HTMLButtonElement>('role-accountant')!.click();
    await flush();
    expect(document.documentElement.lang).toBe('fr');
    expect($('tab-history')!.textContent).toBe('Historique');
    $<HTMLButtonElement>('tab-settings')!.click();
    const lang = $<HTMLSelectElement>('language')!;
    lang.value = 'en';
    lang.dispatchEvent(new Event('change'));
    await flush();
    expect(document.documentElement.lang).toBe('en');
    expect($('tab-history')!.textContent).toBe('History');
    expect($('tab-settings')!.getAttribute('aria-selected')).toBe('true');
    expect(invokeMock.mock.calls.filter((c) => c[0] === 'set_setting').map((c) => c[1])).toEqual([{ key: 'language', value: 'en' }]);
  });
});

describe('a store that does not open', () => {
  it('says why, offers the rebuild from the lake, and starts normally once rebuilt', async () => {
    let damaged = true;
    const message =
      'The store at /d/c.duckdb cannot be opened: WAL does not match database file. Nothing has been changed or deleted; it can be rebuilt from the lake at /d/lake, keeping the damaged file aside.';
    await startWith(async (cmd: string) => {
      switch (cmd) {
        case 'app_info':
          if (damaged) throw { code: 'store_damaged', message };
          return { version: '0.2.0', db_path: '/d/c.duckdb', has_data: true, role: null, has_passphrase: false, started_ms: 5 };
        case 'recover_store':
          damaged = false;
          return { imports: 3, kept_aside: '/d/c.duckdb.damaged-20261122-070000' };
        case 'get_settings':
          return [{ key: 'language', value: 'en' }];
        default:
          return null;
      }
    });
    expect($('recovery-screen')?.textContent).toContain(message);
    expect($('role-screen')).toBeNull();
    const rebuild = $<HTMLButtonElement>('recovery-rebuild')!;
    expect(document.activeElement).toBe(rebuild);
    rebuild.click();
    await flush();
    expect(invokeMock.mock.calls.filter(([c]) => c === 'recover_store')).toHaveLength(1);
    expect($('recovery-screen')).toBeNull();
    expect($('role-screen')).not.toBeNull();
    expect(document.getElementById('toasts')?.textContent).toContain(
      'The store was rebuilt from its lake (3 imports); the damaged file is kept as /d/c.duckdb.damaged-20261122-070000.',
    );
  });

  it('shows other start-up failures as a sentence with nothing to click', async () => {
    await startWith(async (cmd: string) => {
      if (cmd === 'app_info') throw { code: 'store_open', message: 'The store at /d/c.duckdb cannot be opened: Permission denied.' };
      if (cmd === 'get_settings') throw { code: 'store_open', message: 'same' };
      return null;
    });
    expect($('recovery-screen')).toBeNull();
    expect(document.querySelector('[role="alert"]')?.textContent).toBe('The store at /d/c.duckdb cannot be opened: Permission denied.');
  });
});

describe('start-up', () => {
  it('draws the role screen before the store has answered, then redraws it with the answer', async () => {
    let answer: (i: AppInfo) => void = () => {};
    await startWith((cmd: string) => {
      if (cmd === 'app_info') return new Promise((resolve) => (answer = resolve as (i: AppInfo) => void));
      if (cmd === 'get_settings') return Promise.resolve([]);
      return Promise.resolve(null);
    });
    expect($('role-screen')).not.toBeNull();
    expect($('role-admin')?.hasAttribute('aria-expanded')).toBe(false);
    answer({ version: '0.2.0', db_path: '/d/c.duckdb', has_data: true, role: null, has_passphrase: true, started_ms: 5 });
    await flush();
    // With a passphrase, Administrator now opens the passphrase form.
    expect($('role-admin')?.getAttribute('aria-expanded')).toBe('false');
  });
});
