// Opening screen: who is using Comptoir? The administrator may need the passphrase.
import { chooseRole, toBackendError, type AppInfo, type Role } from './backend';
import { h } from './dom';
import { t } from './i18n';

export type TabId = 'dashboard' | 'import' | 'history' | 'settings';

/** The accountant never sees the dashboard. */
export function tabsFor(role: Role): TabId[] {
  return role === 'admin' ? ['dashboard', 'import', 'history', 'settings'] : ['import', 'history', 'settings'];
}

export function createRoleScreen(info: AppInfo, onChosen: (role: Role) => void): HTMLElement {
  const error = h('p', { class: 'notice error', role: 'alert', 'data-testid': 'role-error', hidden: true });
  const passInput = h('input', {
    type: 'password',
    id: 'role-passphrase',
    'data-testid': 'role-passphrase',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'role-submit' }, t('roles.open'));
  const form = h(
    'form',
    { class: 'passphrase-form card pad', hidden: true, 'aria-labelledby': 'passphrase-label' },
    h('label', { for: 'role-passphrase', id: 'passphrase-label' }, t('roles.passphrase')),
    h('div', { class: 'field-input' }, passInput, submit),
  );

  async function choose(role: Role, passphrase: string | null, busy: HTMLButtonElement[]): Promise<void> {
    error.hidden = true;
    for (const b of busy) b.disabled = true;
    try {
      onChosen(await chooseRole(role, passphrase));
    } catch (e) {
      error.textContent = toBackendError(e).message;
      error.hidden = false;
      if (role === 'admin' && !form.hidden) {
        passInput.select();
        passInput.focus();
      }
    } finally {
      for (const b of busy) b.disabled = false;
    }
  }

  const roleButton = (role: Role, title: string, text: string) =>
    h(
      'button',
      { type: 'button', class: 'role-button card', 'data-testid': `role-${role}` },
      h('span', { class: `role-icon ${role}`, 'aria-hidden': 'true' }),
      h('span', { class: 'role-title' }, title),
      h('span', { class: 'role-text muted' }, text),
    );
  const accountant = roleButton('accountant', t('roles.accountant'), t('roles.accountantText'));
  const admin = roleButton('admin', t('roles.admin'), t('roles.adminText'));

  accountant.addEventListener('click', () => void choose('accountant', null, [accountant, admin]));
  admin.addEventListener('click', () => {
    if (!info.has_passphrase) {
      void choose('admin', null, [accountant, admin]);
      return;
    }
    form.hidden = false;
    admin.setAttribute('aria-expanded', 'true');
    passInput.focus();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void choose('admin', passInput.value, [submit, accountant, admin]);
  });
  if (info.has_passphrase) admin.setAttribute('aria-expanded', 'false');

  return h(
    'main',
    { class: 'role-screen', 'data-testid': 'role-screen' },
    h('h1', { class: 'role-app-name' }, 'Comptoir'),
    h('p', { class: 'role-question' }, t('roles.question')),
    h('div', { class: 'role-buttons' }, accountant, admin),
    form,
    error,
    h('p', { class: 'muted version' }, info.version ? `v${info.version}` : ''),
  );
}

/** Reload keys of WebKitGTK: F5, Ctrl+R, Ctrl+Shift+R (and Ctrl+F5). */
function isReloadKey(e: KeyboardEvent): boolean {
  return e.key === 'F5' || ((e.ctrlKey || e.metaKey) && (e.key === 'r' || e.key === 'R'));
}

/**
 * In the released app, the webview's own menu (with its Reload) and reload keys are off:
 * the app is not a web page. A reload would start at the role screen anyway (the role
 * ends in Rust on every page load), but it would also drop the work on screen.
 * Development builds keep both, for the inspector.
 */
export function guardWebview(target: EventTarget, production: boolean): void {
  if (!production) return;
  target.addEventListener('contextmenu', (e) => e.preventDefault());
  target.addEventListener('keydown', (e) => {
    if (isReloadKey(e as KeyboardEvent)) e.preventDefault();
  });
}
