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
