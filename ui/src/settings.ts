// Settings tab: language and theme for everyone; thresholds, as_of, currency, watch folder and
// the passphrase for the administrator.
import { getSettings, pickFolder, setPassphrase, setSetting, toBackendError, type Role, type Setting, type SettingKind } from './backend';
import { times100 } from './decimal';
import { button, h, select } from './dom';
import { formatDecimal } from './format';
import { getLanguage, t, type Lang, type MessageKey } from './i18n';
import { THEMES, type Prefs, type Theme } from './prefs';

/**
 * The words of each setting on screen. What a setting is (its kind, default, who may change it)
 * and the order it is shown in come from Rust's catalog (`store::catalog`) with each setting;
 * each is shown in a person's terms (20 000, 15 %, a date) and Rust reads it back the same way.
 */
const WORDS: Record<string, { label: MessageKey; hint: MessageKey }> = {
  expiring_days: { label: 'setting.expiring_days', hint: 'setting.expiring_days.hint' },
  no_movement_days: { label: 'setting.no_movement_days', hint: 'setting.no_movement_days.hint' },
  silver_min: { label: 'setting.silver_min', hint: 'setting.silver_min.hint' },
  gold_min: { label: 'setting.gold_min', hint: 'setting.gold_min.hint' },
  promo_threshold: { label: 'setting.promo_threshold', hint: 'setting.promo_threshold.hint' },
  min_margin: { label: 'setting.min_margin', hint: 'setting.min_margin.hint' },
  as_of: { label: 'setting.as_of', hint: 'setting.as_of.hint' },
  currency: { label: 'setting.currency', hint: 'setting.currency.hint' },
  watch_folder: { label: 'setting.watch_folder', hint: 'setting.watch_folder.hint' },
  lead_time_days: { label: 'setting.lead_time_days', hint: 'setting.lead_time_days.hint' },
  safety_days: { label: 'setting.safety_days', hint: 'setting.safety_days.hint' },
  target_cover_days: { label: 'setting.target_cover_days', hint: 'setting.target_cover_days.hint' },
  max_markdown: { label: 'setting.max_markdown', hint: 'setting.max_markdown.hint' },
  default_elasticity: { label: 'setting.default_elasticity', hint: 'setting.default_elasticity.hint' },
};

/** The administrator's settings, in the catalog's order (personal ones have their own card). */
export function adminSettings(settings: readonly Setting[]): Setting[] {
  return settings.filter((s) => !s.personal);
}

/** A stored value as the screen shows it: "20000" → "20 000" (fr) / "20,000" (en), "0.15" → "15 %". */
export function displayValue(kind: SettingKind, stored: string, lang: Lang = getLanguage()): string {
  if (kind === 'amount' || kind === 'number') return formatDecimal(stored, lang);
  if (kind === 'percent') {
    const pct = times100(stored);
    if (pct === null) return stored;
    const trimmed = pct.includes('.') ? pct.replace(/\.?0+$/, '') : pct;
    return `${formatDecimal(trimmed, lang)}${lang === 'fr' ? '\u00a0%' : '%'}`;
  }
  return stored;
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

  // ── Administrator settings: one form, one Save ──────────────────────────
  const fields = h('div', { class: 'fields' }, h('p', { class: 'muted' }, t('common.loading')));
  const loadError = h('p', { class: 'notice error', role: 'alert', hidden: true });
  const saveBtn = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'save-settings' }, t('settings.save'));
  const formStatus = status('settings-status');
  const form = h('form', { class: 'settings-form', novalidate: true, 'aria-labelledby': 'thresholds-title' }, fields, h('div', { class: 'actions' }, saveBtn, formStatus));
  el.append(
    h(
      'section',
      { class: 'card pad settings-card', 'aria-labelledby': 'thresholds-title' },
      h('h3', { id: 'thresholds-title' }, t('settings.thresholds')),
      loadError,
      form,
    ),
  );

  /** One field of the form: what it sends now, what it showed when drawn, where its message goes. */
  interface Field {
    key: string;
    value(): string;
    shown: string;
    show(stored: string): void;
    note: HTMLElement;
    input: HTMLInputElement;
  }
  let drawn: Field[] = [];

  function field(s: Setting): { el: HTMLElement; field: Field } {
    const words = WORDS[s.key];
    const kind = s.kind;
    const id = `setting-${s.key}`;
    const note = status(`${id}-status`);
    const input = h('input', {
      id,
      'data-testid': id,
      type: kind === 'date' ? 'date' : 'text',
      inputmode: kind === 'days' ? 'numeric' : kind === 'amount' || kind === 'percent' || kind === 'number' ? 'decimal' : undefined,
      autocomplete: 'off',
      'aria-describedby': `${id}-hint ${id}-status`,
    });
    const label = h('label', { for: id }, words ? t(words.label) : s.key);
    const hint = h(
      'p',
      { class: 'muted hint', id: `${id}-hint` },
      words ? t(words.hint) : '',
      kind === 'amount' ? ` ${t('setting.amount.hint')}` : '',
    );
    let control: HTMLElement = h('div', { class: 'field-input' }, input);
    let value = () => input.value.trim();
    let display = (stored: string) => {
      input.value = displayValue(kind, stored);
    };
    if (kind === 'date') {
      // "latest" (the latest invoice) or a day chosen in the date field.
      const latest = h('input', { type: 'checkbox', id: `${id}-latest`, 'data-testid': `${id}-latest` });
      latest.addEventListener('change', () => {
        input.disabled = latest.checked;
        if (!latest.checked && !input.value) input.focus();
      });
      control = h(
        'div',
        { class: 'field-input as-of' },
        h('label', { class: 'check', for: `${id}-latest` }, latest, t('setting.as_of.latest')),
        input,
      );
      input.setAttribute('aria-label', t('setting.as_of.date'));
      value = () => (latest.checked ? 'latest' : input.value.trim());
      display = (stored: string) => {
        latest.checked = stored === 'latest';
        input.disabled = latest.checked;
        input.value = stored === 'latest' ? '' : stored;
      };
    } else if (kind === 'folder') {
      const choose = button(
        t('setting.watch_folder.choose'),
        () => {
          pickFolder().then(
            (folder) => {
              if (folder !== null) input.value = folder;
            },
            (e: unknown) => showNote(note, input, toBackendError(e).message),
          );
        },
        { 'data-testid': `${id}-choose` },
      );
      control = h('div', { class: 'field-input' }, input, choose);
    }
    display(s.value);
    const f: Field = { key: s.key, value, shown: value(), show: display, note, input };
    return { el: h('div', { class: 'field' }, label, control, hint, note), field: f };
  }

  function showNote(note: HTMLElement, input: HTMLInputElement, message: string | null): void {
    if (message === null) {
      note.textContent = '';
      note.className = 'field-status';
      input.removeAttribute('aria-invalid');
    } else {
      show(note, message, 'error');
      input.setAttribute('aria-invalid', 'true');
    }
  }

  function draw(all: readonly Setting[]): void {
    const made = adminSettings(all).map(field);
    drawn = made.map((m) => m.field);
    fields.replaceChildren(...made.map((m) => m.el));
  }

  /** Saves every changed field, one after the other; each refusal is shown under its field. */
  async function saveAll(): Promise<void> {
    const changed = drawn.filter((f) => f.value() !== f.shown);
    for (const f of drawn) showNote(f.note, f.input, null);
    if (changed.length === 0) return show(formStatus, t('settings.nothingChanged'), 'ok');
    saveBtn.disabled = true;
    formStatus.textContent = '';
    let failed: Field | null = null;
    for (const f of changed) {
      try {
        const all = await setSetting(f.key, f.value());
        const stored = all.find((x) => x.key === f.key);
        if (stored) f.show(stored.value);
        f.shown = f.value();
        ctx.onSettingSaved?.(f.key);
      } catch (e) {
        showNote(f.note, f.input, toBackendError(e).message);
        failed ??= f;
      }
    }
    saveBtn.disabled = false;
    if (failed) {
      show(formStatus, t('settings.someFailed'), 'error');
      failed.input.focus();
    } else {
      show(formStatus, t('settings.saved'), 'ok');
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void saveAll();
  });

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
        draw(all);
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
