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

async function boot(info: Partial<AppInfo>, settings = [{ key: 'language', value: 'en' }, { key: 'theme', value: 'dark' }]) {
  vi.resetModules();
  localStorage.clear();
  document.body.replaceChildren();
  const app = document.createElement('div');
  app.id = 'app';
  document.body.append(app);
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
    switch (cmd) {
      case 'app_info':
        return { version: '0.2.0', db_path: '/d/c.duckdb', has_data: true, role: null, has_passphrase: false, started_ms: 5, ...info };
      case 'get_settings':
        return settings;
      case 'choose_role':
        return (args as { role: string }).role;
      case 'dashboard':
        return { generation: 1, refreshed_at: '2026-05-31 10:00:00', report: null, charts: {}, currency: '€' } as unknown as Dashboard;
      case 'history':
        return [];
      default:
        return null;
    }
  });
  await import('./main');
  await flush();
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
  });

  it('skips the role screen when the role is already chosen, with roving tabindex on the tabs', async () => {
    await boot({ role: 'admin' });
    expect($('role-screen')).toBeNull();
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

    $<HTMLButtonElement>('switch-role')!.click();
    await flush();
    expect($('role-screen')).not.toBeNull();
  });

  it('follows the language setting and re-renders when it changes', async () => {
    await boot({ role: 'accountant' }, [{ key: 'language', value: 'fr' }, { key: 'theme', value: 'light' }]);
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
