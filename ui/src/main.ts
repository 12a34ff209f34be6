// Start-up and the app shell: opening screen (role), then the header with the role's tabs.
import {
  appInfo,
  cancelImport,
  getSettings,
  inTauri,
  leaveRole,
  onDashboardUpdated,
  onDragHover,
  onDropPreview,
  onWatchImported,
  recoverStore,
  toBackendError,
  type BackendError,
  type AppInfo,
  type Role,
} from './backend';
import { createDashboard, type DashboardView } from './dashboard';
import { button, h, toast } from './dom';
import { createHistory, type HistoryView } from './history';
import { formatInt } from './format';
import { getLanguage, t, tn } from './i18n';
import { createImporter, type ImporterView } from './importer';
import { applyPrefs, cachedPrefs, prefsFromSettings, type Prefs } from './prefs';
import { createRoleScreen, guardWebview, tabsFor, type TabId } from './roles';
import { createSettings, type SettingsView } from './settings';


const root = document.getElementById('app')!;
let info: AppInfo | null = null;
let role: Role | null = null;
let prefs: Prefs = cachedPrefs();
applyPrefs(prefs);

// Views are built when their tab is first shown, and rebuilt after a change of language.
let current: TabId = 'import';
let importer: ImporterView | null = null;
let dashboard: DashboardView | null = null;
let historyView: HistoryView | null = null;
let settingsView: SettingsView | null = null;
let tabButtons: HTMLButtonElement[] = [];
let panels = new Map<TabId, HTMLElement>();

/** The administrator opens on the dashboard once the store holds sales; otherwise on Import. */
function firstTab(r: Role): TabId {
  return r === 'admin' && info?.has_data !== false ? 'dashboard' : 'import';
}

/**
 * `data-store` on <body>: "data" once the store holds sales, else "empty". The CSS hides what only
 * an empty store needs (the "Load the sample" button) from a store that holds data.
 */
function markStore(hasData: boolean): void {
  document.body.dataset.store = hasData ? 'data' : 'empty';
}

function resetViews(): void {
  importer?.dispose();
  importer = dashboard = historyView = settingsView = null;
  panels = new Map();
}

function viewFor(id: TabId): HTMLElement {
  switch (id) {
    case 'dashboard':
      dashboard ??= createDashboard(() => select('import', true));
      return dashboard.el;
    case 'import':
      importer ??= createImporter(() => select('history', true), info?.has_data === false);
      return importer.el;
    case 'history':
      historyView ??= createHistory();
      return historyView.el;
    case 'settings':
      settingsView ??= createSettings({
        role: role ?? 'accountant',
        prefs,
        hasPassphrase: info?.has_passphrase ?? false,
        onPrefs: changePrefs,
        onPassphrase: (has) => {
          if (info) info.has_passphrase = has;
        },
        onSettingSaved: () => dashboard?.refresh(),
      });
      return settingsView.el;
  }
}

function select(id: TabId, focus = false): void {
  const panel = panels.get(id);
  if (!role || !panel) return;
  const isNew = !panel.firstChild;
  current = id;
  for (const btn of tabButtons) {
    const on = btn.dataset.tab === id;
    btn.setAttribute('aria-selected', String(on));
    btn.tabIndex = on ? 0 : -1; // roving tabindex: Tab reaches the tab list once, arrows move inside
    if (on && focus) btn.focus();
  }
  for (const [tab, p] of panels) p.hidden = tab !== id;
  if (isNew) panel.append(viewFor(id));
  if (id === 'dashboard' && isNew) dashboard?.refresh();
  if (id === 'history') historyView?.refresh();
}

function renderShell(r: Role): void {
  const tabs = tabsFor(r);
  if (!tabs.includes(current)) current = tabs[0];
  tabButtons = tabs.map((id) =>
    h(
      'button',
      { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': `panel-${id}`, 'data-testid': `tab-${id}`, 'data-tab': id },
      t(`tab.${id}`),
    ),
  );
  tabButtons.forEach((btn, i) => {
    btn.addEventListener('click', () => select(tabs[i]));
    btn.addEventListener('keydown', (e) => {
      const last = tabButtons.length - 1;
      const moves: Record<string, number> = { ArrowRight: i === last ? 0 : i + 1, ArrowLeft: i === 0 ? last : i - 1, Home: 0, End: last };
      if (Object.hasOwn(moves, e.key)) {
        e.preventDefault();
        select(tabs[moves[e.key]], true);
      }
    });
  });
  const panelEls = tabs.map((id) => {
    const p = h('section', { role: 'tabpanel', id: `panel-${id}`, 'aria-labelledby': `tab-${id}`, class: 'panel', hidden: true });
    panels.set(id, p);
    return p;
  });
  const version = h('span', { class: 'version muted', 'data-testid': 'version', title: info ? t('app.database', { path: info.db_path }) : undefined }, info ? `v${info.version}` : '');
  root.replaceChildren(
    h(
      'header',
      { class: 'app-header' },
      h('h1', { class: 'app-name' }, 'Comptoir'),
      h('nav', { role: 'tablist', 'aria-label': t('app.screens'), class: 'tabs' }, ...tabButtons),
      h('div', { class: 'spacer' }),
      h('span', { class: 'role-badge', 'data-testid': 'current-role' }, r === 'admin' ? t('roles.admin') : t('roles.accountant')),
      button(t('app.switchRole'), switchRole, { class: 'btn small', 'data-testid': 'switch-role' }),
      version,
    ),
    h('main', { class: 'app-main' }, ...panelEls),
  );
  select(current);
}

function render(): void {
  if (!info) return;
  markStore(info.has_data);
  resetViews();
  if (role) {
    renderShell(role);
  } else {
    root.replaceChildren(
      createRoleScreen(info, (chosen) => {
        role = chosen;
        if (info) info.role = chosen;
        current = firstTab(chosen);
        render();
        tabButtons.find((b) => b.dataset.tab === current)?.focus();
      }),
    );
    root.querySelector<HTMLButtonElement>('[data-testid="role-accountant"]')?.focus();
  }
}

/** The role ends in Rust too, at once: the Administrator screens need the passphrase again. */
function switchRole(): void {
  role = null;
  render();
  leaveRole().catch((e: unknown) => toast(toBackendError(e).message, 'error', 12000));
}

function changePrefs(next: Prefs): void {
  const before = getLanguage();
  prefs = next;
  if (applyPrefs(next) !== before) {
    render(); // every string is re-read from the dictionary
    tabButtons.find((b) => b.dataset.tab === current)?.focus();
  }
}

/** The store did not open and a lake can rebuild it: say why, offer it, lose nothing. */
function showRecovery(error: BackendError): void {
  const status = h('p', { role: 'status', 'data-testid': 'recovery-status' });
  const rebuild = button(t('recovery.rebuild'), () => {
    rebuild.disabled = true;
    status.textContent = t('recovery.working');
    recoverStore().then(
      (rebuilt) => {
        toast(tn('recovery.done', rebuilt.imports, { n: formatInt(rebuilt.imports), path: rebuilt.kept_aside }), 'ok', 10000);
        openFirstScreen();
      },
      (e: unknown) => {
        rebuild.disabled = false;
        status.textContent = toBackendError(e).message;
      },
    );
  }, { class: 'btn primary', 'data-testid': 'recovery-rebuild' });
  root.replaceChildren(
    h(
      'section',
      { class: 'recovery', 'data-testid': 'recovery-screen', 'aria-labelledby': 'recovery-title' },
      h('h1', { id: 'recovery-title' }, t('recovery.title')),
      h('p', { class: 'notice error', role: 'alert' }, error.message),
      h('p', {}, t('recovery.keep')),
      rebuild,
      status,
    ),
  );
  rebuild.focus();
}

/** What the role screen assumes until app_info answers (a role is never kept across loads). */
const UNANSWERED: AppInfo = { version: '', db_path: '', has_data: true, role: null, has_passphrase: false, started_ms: 0 };

/**
 * The first screen is the role screen, and drawing it needs nothing from Rust:
 * it is drawn at once, while the store opens, then redrawn with app_info's
 * answer (or replaced by the recovery screen if the store did not open).
 * A page that starts (a reload too) always asks for the role: the one Rust may
 * still hold is ended, and app_info's `role` is never taken.
 */
function openFirstScreen(): void {
  let paintedAt: number | null = null;
  role = null;
  leaveRole().catch(() => {
    /* the store is not open: no role is held */
  });
  if (!info && !role) {
    info = UNANSWERED;
    render();
    requestAnimationFrame(() => {
      paintedAt = performance.now();
    });
  }
  appInfo().then(
    (i) => {
      const answeredAt = performance.now();
      const untouched = info === UNANSWERED && !role;
      info = { ...i, role };
      markStore(i.has_data);
      if (untouched) render();
      // Start-up figure (BENCHMARKS.md): process start → first screen painted.
      // started_ms is the process's age when Rust answered, about `answeredAt`.
      requestAnimationFrame(() => {
        const painted = paintedAt ?? performance.now();
        document.documentElement.dataset.firstScreenMs = String(Math.round(i.started_ms - (answeredAt - painted)));
      });
    },
    (e: unknown) => {
      info = null;
      const error = toBackendError(e);
      if (error.code === 'store_damaged') showRecovery(error);
      else root.replaceChildren(h('div', { class: 'notice error banner', role: 'alert' }, error.message));
    },
  );
  getSettings().then(
    (settings) => {
      const stored = prefsFromSettings(settings);
      if (stored.language !== prefs.language || stored.theme !== prefs.theme) changePrefs(stored);
    },
    () => {
      /* the cached preferences stay */
    },
  );
}

function start(): void {
  guardWebview(window, import.meta.env.PROD);
  if (!inTauri()) {
    root.replaceChildren(h('div', { class: 'notice error banner' }, t('app.noCore')));
    return;
  }
  openFirstScreen();
  void onDropPreview((d) => {
    if (!role) {
      if (d.preview) void cancelImport(d.preview.token).catch(() => {});
      return;
    }
    select('import');
    importer?.dropped(d);
  }).catch(() => {});
  void onDashboardUpdated((generation) => {
    if (info) info.has_data = true;
    markStore(true);
    dashboard?.refresh(generation);
    if (current === 'history') historyView?.refresh();
  }).catch(() => {});
  // The watch folder's outcomes arrive as sentences from Rust: a notification each.
  void onWatchImported((w) => {
    toast(w.message, w.imported ? 'ok' : 'error', w.imported ? 6000 : 12000);
    if (current === 'history') historyView?.refresh();
  }).catch(() => {});
  void onDragHover((hovering) => {
    document.body.dataset.dropLabel = role ? t('import.dropOverlay') : t('import.dropChooseRole');
    document.body.classList.toggle('drag-hover', hovering);
  }).catch(() => {});
}

start();
