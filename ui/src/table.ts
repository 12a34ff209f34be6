// A data table with optional click-to-sort headers (aria-sort) and a row limit.
import { h } from './dom';
import { formatInt } from './format';
import { t } from './i18n';
import { sortRows, type SortDir, type SortKind, type SortValue } from './sorting';

export interface Column<T> {
  key: string;
  label: string;
  num?: boolean;
  /** Present when the column can be sorted by clicking its header. */
  sort?: { kind: SortKind; value: (row: T) => SortValue };
  cell: (row: T) => Node | string;
  cls?: (row: T) => string | undefined;
  title?: (row: T) => string | undefined;
}

export interface TableOptions<T> {
  testid: string;
  columns: Column<T>[];
  /** Sentence shown in the body when there is no row. */
  empty: string;
  caption?: string;
  /** The table's name when it has no caption (its section's title), for the scrolling box. */
  label?: string;
  /** Rows beyond this are not drawn (the note says how many are hidden). */
  limit?: number;
  initialSort?: { key: string; dir: SortDir };
  /** Custom sort (problems sort cells as addresses and so on); defaults to sortRows. */
  sorter?: (rows: readonly T[], key: string, dir: SortDir) => T[];
  rowAttrs?: (row: T) => Record<string, string>;
  /** Makes each row open something (the lines behind it): by click, Enter or Space. */
  onActivate?: (row: T, tr: HTMLElement) => void;
  /** The row's name for assistive technology when it can be activated. */
  activateLabel?: (row: T) => string;
  /**
   * false: the table is drawn at its full height (no inner scroll that would hold the mouse
   * wheel). The wrapper still scrolls sideways when the window is too narrow.
   */
  scroll?: boolean;
}

export interface DataTable<T> {
  el: HTMLElement;
  setRows(rows: readonly T[]): void;
}

export function dataTable<T>(opts: TableOptions<T>): DataTable<T> {
  let sort = opts.initialSort ?? null;
  let rows: readonly T[] = [];
  const tbody = h('tbody');
  const note = h('p', { class: 'muted table-note', hidden: true });
  const headers = opts.columns.map((col) => {
    const th = h('th', { scope: 'col', class: col.num ? 'num' : undefined, 'data-key': col.key });
    if (col.sort) {
      const btn = h('button', { type: 'button', class: 'sort' }, col.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }));
      btn.addEventListener('click', () => {
        sort = { key: col.key, dir: sort?.key === col.key && sort.dir === 'ascending' ? 'descending' : 'ascending' };
        draw();
      });
      th.append(btn);
    } else {
      th.append(col.label);
    }
    return th;
  });
  const table = h(
    'table',
    { class: 'data', 'data-testid': opts.testid },
    opts.caption ? h('caption', { class: 'visually-hidden' }, opts.caption) : null,
    h('thead', {}, h('tr', {}, ...headers)),
    tbody,
  );

  function sorted(): readonly T[] {
    if (!sort) return rows;
    const col = opts.columns.find((c) => c.key === sort!.key);
    if (!col?.sort) return rows;
    if (opts.sorter) return opts.sorter(rows, sort.key, sort.dir);
    return sortRows(rows, col.sort.value, col.sort.kind, sort.dir);
  }

  function draw(): void {
    headers.forEach((th, i) => {
      const col = opts.columns[i];
      if (!col.sort) return;
      if (sort?.key === col.key) th.setAttribute('aria-sort', sort.dir);
      else th.removeAttribute('aria-sort');
    });
    const all = sorted();
    const shown = opts.limit !== undefined ? all.slice(0, opts.limit) : all;
    if (shown.length === 0) {
      tbody.replaceChildren(h('tr', { class: 'empty-row' }, h('td', { colspan: opts.columns.length, class: 'muted' }, opts.empty)));
    } else {
      tbody.replaceChildren(
        ...shown.map((row) => {
          const tr = h(
            'tr',
            opts.rowAttrs?.(row) ?? {},
            ...opts.columns.map((col) => {
              const cls = [col.num ? 'num' : '', col.cls?.(row) ?? ''].filter(Boolean).join(' ');
              return h('td', { class: cls || undefined, 'data-col': col.key, title: col.title?.(row) }, col.cell(row));
            }),
          );
          if (opts.onActivate) activatable(tr, () => opts.onActivate!(row, tr), opts.activateLabel?.(row));
          return tr;
        }),
      );
    }
    note.hidden = shown.length === all.length;
    note.textContent = t('table.limited', { shown: formatInt(shown.length), total: formatInt(all.length) });
  }

  draw();
  // A scrolling box is reachable from the keyboard and named (WCAG 2.1.1; axe scrollable-region-focusable).
  const label = opts.caption ?? opts.label;
  const box = h(
    'div',
    { class: opts.scroll === false ? 'table-scroll full' : 'table-scroll', tabindex: 0, role: 'region', 'aria-label': label },
    table,
  );
  return {
    el: h('div', { class: 'table-wrap' }, box, note),
    setRows(next) {
      rows = next;
      draw();
    },
  };
}

/** Makes an element open something on click, Enter or Space, and reachable with Tab. */
export function activatable(el: HTMLElement, open: () => void, label?: string): void {
  el.tabIndex = 0;
  el.classList.add('drill');
  el.title = t('lines.open');
  if (label) el.setAttribute('aria-label', label);
  el.addEventListener('click', open);
  el.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open();
    }
  });
}
