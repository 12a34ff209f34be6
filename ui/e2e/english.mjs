// The English sentences the app can show, read from its two dictionaries: the UI's
// (ui/src/i18n.ts) and the core's catalog (core/src/messages.rs). A screen in French must hold
// none of those whose French differs. Used by the e2e walk through the French screens.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function unescapeTs(s) {
  return s.replace(/\\u\{?([0-9a-fA-F]+)\}?/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16))).replace(/\\(.)/g, '$1');
}

/** `'key': 'text',` entries of one dictionary block of i18n.ts. */
function tsEntries(block) {
  const out = new Map();
  for (const m of block.matchAll(/^\s*'([^']+)':\s*'((?:[^'\\]|\\.)*)',?\s*$/gm)) out.set(m[1], unescapeTs(m[2]));
  return out;
}

/** [english, french] pairs of the UI dictionary. */
export function uiPairs(file = join(ROOT, 'ui/src/i18n.ts')) {
  const src = readFileSync(file, 'utf8');
  const en = tsEntries(src.slice(src.indexOf('const en = {'), src.indexOf('export type MessageKey')));
  const fr = tsEntries(src.slice(src.indexOf('const fr: Record<MessageKey, string> = {')));
  return [...en].map(([key, text]) => [text, fr.get(key) ?? '']);
}

/** [english, french] pairs of the core's catalog, `t("code", "en", "fr")`. */
export function corePairs(file = join(ROOT, 'core/src/messages.rs')) {
  const src = readFileSync(file, 'utf8');
  const str = '"((?:[^"\\\\]|\\\\.)*)"';
  const re = new RegExp(`\\bt\\(\\s*${str},\\s*${str},\\s*${str},?\\s*\\)`, 'g');
  return [...src.matchAll(re)].map((m) => [unescapeTs(m[2]), unescapeTs(m[3])]);
}

const PLACEHOLDER = /\{\w+\}/g;

/**
 * Whether a text is worth looking for: a phrase, or one long word that French never uses
 * ("clients", "Standard" and "Import" are French too).
 */
function telling(literal, frenchWords) {
  const words = literal.match(/[A-Za-z]{2,}/g) ?? [];
  return words.length >= 2 || (words.length === 1 && words[0].length >= 6 && !frenchWords.has(words[0].toLowerCase()));
}

/**
 * Regular expressions of the English texts whose French differs: placeholders match anything
 * short, and a text is looked for only through its telling parts.
 */
export function englishPatterns() {
  const seen = new Set();
  const patterns = [];
  const pairs = [...uiPairs(), ...corePairs()];
  const frenchWords = new Set(pairs.flatMap(([, fr]) => (fr.toLowerCase().match(/[a-zà-ÿœ]{2,}/g) ?? [])));
  for (const [en, fr] of pairs) {
    if (!en || en === fr) continue;
    const parts = en.split(PLACEHOLDER).map((p) => p.trim()).filter((p) => telling(p, frenchWords));
    if (parts.length === 0) continue;
    const source = parts.map((p) => `(?<![A-Za-z])${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+')}(?![A-Za-z])`).join('[\\s\\S]{0,80}?');
    if (seen.has(source)) continue;
    seen.add(source);
    patterns.push({ en, re: new RegExp(source) });
  }
  return patterns;
}

/** The English texts found in `text` (what a screen shows, names and tooltips included). */
export function englishIn(text, patterns = englishPatterns()) {
  return patterns.filter((p) => p.re.test(text)).map((p) => p.en);
}
