// Language and theme: applied at once, remembered locally so the next start paints right away.
import type { Setting } from './backend';
import { resolveLanguage, setLanguage, type Lang } from './i18n';

export type Theme = 'light' | 'dark' | 'system';
export const THEMES: readonly Theme[] = ['light', 'dark', 'system'];

export interface Prefs {
  /** The setting as stored: 'fr', 'en' or 'auto'. */
  language: string;
  theme: Theme;
}

const STORAGE_KEY = 'comptoir.prefs';

function asTheme(value: string | undefined): Theme {
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function prefsFromSettings(settings: readonly Setting[]): Prefs {
  const get = (key: string) => settings.find((s) => s.key === key)?.value;
  return { language: get('language') ?? 'auto', theme: asTheme(get('theme')) };
}

export function cachedPrefs(): Prefs {
  try {
    const raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Prefs>;
    return { language: typeof raw.language === 'string' ? raw.language : 'auto', theme: asTheme(raw.theme) };
  } catch {
    return { language: 'auto', theme: 'system' };
  }
}

function remember(prefs: Prefs): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(prefs));
  } catch {
    /* storage is a speed-up only */
  }
}

/** `data-theme` on <html> drives the CSS variables; "system" follows prefers-color-scheme. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  root.setAttribute('data-theme', theme);
}

/** Applies both preferences; returns the language now in use. */
export function applyPrefs(prefs: Prefs): Lang {
  applyTheme(prefs.theme);
  const lang = resolveLanguage(prefs.language, typeof navigator === 'undefined' ? '' : navigator.language);
  setLanguage(lang);
  document.documentElement.lang = lang;
  remember(prefs);
  return lang;
}
