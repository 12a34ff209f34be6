// Settings tab: language and theme for everyone; thresholds, as_of, currency, watch folder and
// the passphrase for the administrator.
import { getSettings, setPassphrase, setSetting, toBackendError, type Role, type Setting } from './backend';
import { button, h, select } from './dom';
import { t, type MessageKey } from './i18n';
import { THEMES, type Prefs, type Theme } from './prefs';

const PREF_KEYS = new Set(['language', 'theme']);

/** The order and input type of the known settings; unknown ones follow as text. */
const KNOWN: Record<string, { type: 'number' | 'decimal' | 'text'; label: MessageKey; hint: MessageKey }> = {
  expiring_days: { type: 'number', label: 'setting.expiring_days', hint: 'setting.expiring_days.hint' },
  no_movement_days: { type: 'number', label: 'setting.no_movement_days', hint: 'setting.no_movement_days.hint' },
  silver_min: { type: 'decimal', label: 'setting.silver_min', hint: 'setting.silver_min.hint' },
  gold_min: { type: 'decimal', label: 'setting.gold_min', hint: 'setting.gold_min.hint' },
  promo_threshold: { type: 'decimal', label: 'setting.promo_threshold', hint: 'setting.promo_threshold.hint' },
  min_margin: { type: 'decimal', label: 'setting.min_margin', hint: 'setting.min_margin.hint' },
  as_of: { type: 'text', label: 'setting.as_of', hint: 'setting.as_of.hint' },
  currency: { type: 'text', label: 'setting.currency', hint: 'setting.currency.hint' },
  watch_folder: { type: 'text', label: 'setting.watch_folder', hint: 'setting.watch_folder.hint' },
};
const ORDER = Object.keys(KNOWN);

/** Admin settings in a stable order: known keys first (in ORDER), then the rest by name. */
export function adminSettings(settings: readonly Setting[]): Setting[] {
  const rank = (k: string) => (ORDER.includes(k) ? ORDER.indexOf(k) : ORDER.length);
  return settings.filter((s) => !PREF_KEYS.has(s.key)).sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key));
}

export interface SettingsContext {
  role: Role;
  prefs: Prefs;
  hasPassphrase: boolean;
  /** Language or theme changed: apply it (the app re-renders for a language change). */
  onPrefs(prefs: Prefs): void;
  onPassphrase(has: boolean): void;
  /** A store setting changed (thresholds, as_of, currency): the figures need recomputing. */
  onSettingSaved?(key: string): void;
}

export interface SettingsView {
  el: HTMLElement;
  refresh(): void;
}

function status(id: string): HTMLElement {
  return h('p', { class: 'field-status', id, role: 'status', 'aria-live': 'polite', 'data-testid': id });
}

function show(el: HTMLElement, text: string, tone: 'ok' | 'error'): void {
  el.className = `field-status ${tone}`;
  el.textContent = text;
}

export function createSettings(ctx: SettingsContext): SettingsView {
  // ── Language and theme (both roles) ──────────────────────────────────────
  const currentLang = ctx.prefs.language === 'fr' || ctx.prefs.language === 'en' ? ctx.prefs.language : document.documentElement.lang || 'en';
  const langSelect = select(
    [
      ['fr', 'Français'],
      ['en', 'English'],
    ],
    currentLang,
    { id: 'language', 'data-testid': 'language' },
  );
  const themeSelect = select(
    THEMES.map((th) => [th, t(`theme.${th}`)] as const),
    ctx.prefs.theme,
    { id: 'theme', 'data-testid': 'theme' },
  );
  const prefsStatus = status('prefs-status');

  function savePref(key: 'language' | 'theme', value: string): void {
    const next: Prefs = { ...ctx.prefs, [key]: value } as Prefs;
    ctx.onPrefs(next); // applied immediately, even before the store has it
    setSetting(key, value).catch((e: unknown) => show(prefsStatus, toBackendError(e).message, 'error'));
  }
  langSelect.addEventListener('change', () => savePref('language', langSelect.value));
  themeSelect.addEventListener('change', () => savePref('theme', themeSelect.value as Theme));

  const prefsCard = h(
    'section',
    { class: 'card pad settings-card', 'aria-labelledby': 'prefs-title' },
    h('h3', { id: 'prefs-title' }, t('settings.display')),
    h('div', { class: 'field' }, h('label', { for: 'language' }, t('settings.language')), langSelect),
    h('div', { class: 'field' }, h('label', { for: 'theme' }, t('settings.theme')), themeSelect),
    prefsStatus,
  );

  const el = h('div', { class: 'settings' }, h('h2', { class: 'screen-title' }, t('settings.title')), prefsCard);
  if (ctx.role !== 'admin') return { el, refresh() {} };

  // ── Administrator settings ───────────────────────────────────────────────
  const fields = h('div', { class: 'fields' }, h('p', { class: 'muted' }, t('common.loading')));
  const loadError = h('p', { class: 'notice error', role: 'alert', hidden: true });
  el.append(
    h(
      'section',
      { class: 'card pad settings-card', 'aria-labelledby': 'thresholds-title' },
      h('h3', { id: 'thresholds-title' }, t('settings.thresholds')),
      loadError,
      fields,
    ),
  );

  function field(s: Setting): HTMLElement {
    const known = KNOWN[s.key];
    const id = `setting-${s.key}`;
    const input = h('input', {
      id,
      'data-testid': id,
      type: known?.type === 'number' ? 'number' : 'text',
      inputmode: known?.type === 'decimal' ? 'decimal' : undefined,
      min: known?.type === 'number' ? 0 : undefined,
      step: known?.type === 'number' ? 1 : undefined,
      'aria-describedby': `${id}-hint ${id}-status`,
    });
    input.value = s.value;
    const note = status(`${id}-status`);
    const save = button(
      t('common.save'),
      () => {
        save.disabled = true;
        setSetting(s.key, input.value.trim()).then(
          (all) => {
            save.disabled = false;
            const stored = all.find((x) => x.key === s.key);
            if (stored) input.value = stored.value;
            show(note, t('common.saved'), 'ok');
            ctx.onSettingSaved?.(s.key);
          },
          (e: unknown) => {
            save.disabled = false;
            show(note, toBackendError(e).message, 'error');
          },
        );
      },
      { 'data-testid': `save-${s.key}` },
    );
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') save.click();
    });
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, known ? t(known.label) : s.key),
      h('div', { class: 'field-input' }, input, save),
      h('p', { class: 'muted hint', id: `${id}-hint` }, known ? t(known.hint) : ''),
      note,
    );
  }

  // ── Passphrase ───────────────────────────────────────────────────────────
  let hasPassphrase = ctx.hasPassphrase;
  const current = h('input', { type: 'password', id: 'passphrase-current', 'data-testid': 'passphrase-current', autocomplete: 'current-password' });
  const currentField = h('div', { class: 'field' }, h('label', { for: 'passphrase-current' }, t('passphrase.current')), current);
  const pass1 = h('input', { type: 'password', id: 'passphrase-new', 'data-testid': 'passphrase-new', autocomplete: 'new-password' });
  const pass2 = h('input', { type: 'password', id: 'passphrase-confirm', 'data-testid': 'passphrase-confirm', autocomplete: 'new-password' });
  const passStatus = status('passphrase-status');
  const passState = h('p', { class: 'muted' });
  /** Changing or removing a passphrase needs the current one (Rust checks it and throttles guesses). */
  const needsCurrent = () => hasPassphrase && current.value === '';
  const removeBtn = button(
    t('passphrase.remove'),
    () => {
      if (needsCurrent()) return show(passStatus, t('passphrase.currentMissing'), 'error');
      void changePassphrase(null);
    },
    { 'data-testid': 'remove-passphrase' },
  );
  const setBtn = button(
    t('passphrase.set'),
    () => {
      if (needsCurrent()) return show(passStatus, t('passphrase.currentMissing'), 'error');
      if (pass1.value === '') return show(passStatus, t('passphrase.empty'), 'error');
      if (pass1.value !== pass2.value) return show(passStatus, t('passphrase.mismatch'), 'error');
      void changePassphrase(pass1.value);
    },
    { class: 'btn primary', 'data-testid': 'set-passphrase' },
  );
  function drawPassState(): void {
    passState.textContent = hasPassphrase ? t('passphrase.isSet') : t('passphrase.isNotSet');
    removeBtn.hidden = !hasPassphrase;
    currentField.hidden = !hasPassphrase;
  }
  async function changePassphrase(next: string | null): Promise<void> {
    setBtn.disabled = removeBtn.disabled = true;
    try {
      await setPassphrase(hasPassphrase ? current.value : null, next);
      hasPassphrase = next !== null;
      ctx.onPassphrase(hasPassphrase);
      current.value = pass1.value = pass2.value = '';
      show(passStatus, next === null ? t('passphrase.removed') : t('passphrase.saved'), 'ok');
      drawPassState();
    } catch (e) {
      show(passStatus, toBackendError(e).message, 'error');
    } finally {
      setBtn.disabled = removeBtn.disabled = false;
    }
  }
  drawPassState();
  el.append(
    h(
      'section',
      { class: 'card pad settings-card', 'aria-labelledby': 'passphrase-title' },
      h('h3', { id: 'passphrase-title' }, t('passphrase.title')),
      passState,
      currentField,
      h('div', { class: 'field' }, h('label', { for: 'passphrase-new' }, t('passphrase.new')), pass1),
      h('div', { class: 'field' }, h('label', { for: 'passphrase-confirm' }, t('passphrase.confirm')), pass2),
      h('div', { class: 'actions start' }, setBtn, removeBtn),
      passStatus,
    ),
  );

  function refresh(): void {
    getSettings().then(
      (all) => {
        loadError.hidden = true;
        fields.replaceChildren(...adminSettings(all).map(field));
      },
      (e: unknown) => {
        loadError.textContent = toBackendError(e).message;
        loadError.hidden = false;
      },
    );
  }
  refresh();
  return { el, refresh };
}
