// A tiny element builder: text goes through text nodes only, never through HTML parsing.
type AttrValue = string | number | boolean | null | undefined;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, AttrValue> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

/** A plain button (type=button) with a click handler. */
export function button(
  label: string,
  onClick: (e: MouseEvent) => void,
  attrs: Record<string, AttrValue> = {},
): HTMLButtonElement {
  const btn = h('button', { type: 'button', class: 'btn', ...attrs }, label);
  btn.addEventListener('click', onClick);
  return btn;
}

/** A <select> whose options are [value, label] pairs. */
export function select(
  options: readonly (readonly [string, string])[],
  value: string,
  attrs: Record<string, AttrValue> = {},
): HTMLSelectElement {
  const el = h('select', attrs, ...options.map(([v, label]) => h('option', { value: v }, label)));
  el.value = value;
  return el;
}

/**
 * A short message at the bottom of the window, seen wherever the page is scrolled (exports
 * started from far down a dashboard). Screen readers hear it through role=status.
 */
export function toast(text: string, tone: 'ok' | 'error', ms = 6000): HTMLElement {
  let host = document.getElementById('toasts');
  if (!host) {
    host = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(host);
  }
  const el = h('div', { class: `toast notice ${tone}`, 'data-testid': 'toast' }, text);
  host.append(el);
  setTimeout(() => el.remove(), ms);
  return el;
}
