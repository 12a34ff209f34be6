import { describe, expect, it } from 'vitest';
import { DICTIONARIES, resolveLanguage, t, tn } from './i18n';

const slots = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('have exactly the same keys in French and English', () => {
    expect(Object.keys(DICTIONARIES.fr).sort()).toEqual(Object.keys(DICTIONARIES.en).sort());
  });

  it('use the same {slots} in both languages, and no empty sentence', () => {
    for (const key of Object.keys(DICTIONARIES.en) as (keyof typeof DICTIONARIES.en)[]) {
      expect(slots(DICTIONARIES.fr[key]), key).toEqual(slots(DICTIONARIES.en[key]));
      expect(DICTIONARIES.fr[key].trim(), key).not.toBe('');
    }
  });

  it('come in singular/plural pairs', () => {
    for (const key of Object.keys(DICTIONARIES.en)) {
      if (key.endsWith('.one')) expect(DICTIONARIES.en, key).toHaveProperty([key.replace(/one$/, 'other')]);
    }
  });
});

describe('t and tn', () => {
  it('fills slots and leaves unknown ones visible', () => {
    expect(t('common.savedTo', { path: '/tmp/a.xlsx' }, 'en')).toBe('Saved to /tmp/a.xlsx');
    expect(t('common.savedTo', {}, 'fr')).toBe('Enregistré dans {path}');
  });

  it('picks the plural form per language', () => {
    expect(tn('problems.errors', 1, { n: 1 }, 'en')).toBe('1 error');
    expect(tn('problems.errors', 0, { n: 0 }, 'en')).toBe('0 errors');
    expect(tn('problems.errors', 0, { n: 0 }, 'fr')).toBe('0 erreur');
    expect(tn('problems.errors', 2, { n: 2 }, 'fr')).toBe('2 erreurs');
    // (a store rebuilt from a lake of one import: said once, in the window's language)
    expect(tn('recovery.done', 1, { n: 1, path: '/d/s.damaged' }, 'en')).toBe(
      'The store was rebuilt from its lake (1 import); the damaged file is kept as /d/s.damaged.',
    );
    expect(tn('recovery.done', 1, { n: 1, path: '/d/s.damaged' }, 'fr')).toBe(
      'La base a été reconstruite depuis son lac (1 import) ; le fichier endommagé est conservé sous le nom /d/s.damaged.',
    );
  });

  it('resolves the language setting, auto following the system', () => {
    expect(resolveLanguage('fr', 'en-US')).toBe('fr');
    expect(resolveLanguage('en', 'fr-FR')).toBe('en');
    expect(resolveLanguage('auto', 'fr-CA')).toBe('fr');
    expect(resolveLanguage('auto', 'de-DE')).toBe('en');
    expect(resolveLanguage(null, 'fr')).toBe('fr');
  });
});
