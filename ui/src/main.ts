import { createAccountant } from './accountant';
import { createAdmin } from './admin';
import { appInfo, inTauri, onDashboardUpdated } from './backend';
import { h } from './dom';

type TabId = 'accountant' | 'admin';

const accountant = createAccountant(refreshInfo);
const admin = createAdmin();

const tabs: { id: TabId; label: string; view: { el: HTMLElement } }[] = [
  { id: 'accountant', label: 'Accountant', view: accountant },
  { id: 'admin', label: 'Administrator', view: admin },
];

const tabButtons = tabs.map((t) =>
  h(
    'button',
    { type: 'button', role: 'tab', id: `tab-${t.id}`, 'aria-controls': `panel-${t.id}`, 'data-testid': `tab-${t.id}` },
    t.label,
  ),
);
const panels = tabs.map((t) =>
  h('section', { role: 'tabpanel', id: `panel-${t.id}`, 'aria-labelledby': `tab-${t.id}`, class: 'panel' }, t.view.el),
);
const version = h('span', { class: 'version muted' });

function select(index: number, focus = false): void {
  tabButtons.forEach((btn, i) => {
    const on = i === index;
    btn.setAttribute('aria-selected', String(on));
    btn.tabIndex = on ? 0 : -1; // roving tabindex: Tab reaches the tab list once, arrows move inside
    panels[i].hidden = !on;
  });
  if (focus) tabButtons[index].focus();
  if (tabs[index].id === 'admin') admin.activate();
}

tabButtons.forEach((btn, i) => {
  btn.addEventListener('click', () => select(i));
  btn.addEventListener('keydown', (e) => {
    const last = tabButtons.length - 1;
    const moves: Record<string, number> = { ArrowRight: i === last ? 0 : i + 1, ArrowLeft: i === 0 ? last : i - 1, Home: 0, End: last };
    if (Object.hasOwn(moves, e.key)) {
      const next = moves[e.key];
      e.preventDefault();
      select(next, true);
    }
  });
});

const root = document.getElementById('app')!;
root.replaceChildren(
  h(
    'header',
    { class: 'app-header' },
    h('h1', { class: 'app-name' }, 'Comptoir'),
    h('nav', { role: 'tablist', 'aria-label': 'Screens', class: 'tabs' }, ...tabButtons),
    h('div', { class: 'spacer' }),
    version,
  ),
  h('main', { class: 'app-main' }, ...panels),
);
select(0);

let started = false;

function refreshInfo(): void {
  appInfo().then(
    (info) => {
      // A store that already holds sales opens on its dashboard; an empty one on the import screen.
      if (!started && info.has_data) select(tabs.findIndex((t) => t.id === 'admin'));
      started = true;
      version.textContent = `v${info.version}`;
      version.title = `Database: ${info.db_path}`;
      accountant.setHasData(info.has_data);
      admin.setHasData(info.has_data);
    },
    () => {
      /* the version line is cosmetic; command errors show where they matter */
    },
  );
}

if (inTauri()) {
  void onDashboardUpdated((d) => {
    accountant.setHasData(true);
    admin.setHasData(true);
    admin.pushed(d);
  });
  refreshInfo();
} else {
  root.prepend(
    h('div', { class: 'notice error banner' }, 'The Comptoir core is not available: open this page from the Comptoir app.'),
  );
}
