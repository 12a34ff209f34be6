// Pure sorting helpers shared by every sortable table.
import { compareDec } from './decimal';

export type SortKind = 'text' | 'number' | 'decimal' | 'cell';
export type SortDir = 'ascending' | 'descending';
export type SortValue = string | number | null;

/** "B7" → [2, 7]; "AA10" → [27, 10]; null when it is not an A1 address. */
export function parseCell(cell: string): [number, number] | null {
  const m = /^\s*\$?([A-Za-z]{1,3})\$?(\d+)\s*$/.exec(cell);
  if (!m) return null;
  let col = 0;
  for (const ch of m[1].toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
  return [col, Number(m[2])];
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Compares two values of a column; empty values always sort last in ascending order. */
export function compareValues(a: SortValue, b: SortValue, kind: SortKind): number {
  const emptyA = a === null || a === '';
  const emptyB = b === null || b === '';
  if (emptyA || emptyB) return (emptyA ? 1 : 0) - (emptyB ? 1 : 0);
  switch (kind) {
    case 'number':
      return Number(a) - Number(b);
    case 'decimal':
      return compareDec(String(a), String(b));
    case 'cell': {
      const x = parseCell(String(a));
      const y = parseCell(String(b));
      if (x && y) return x[0] - y[0] || x[1] - y[1];
      return collator.compare(String(a), String(b));
    }
    default:
      return collator.compare(String(a), String(b));
  }
}

/** A stable sort by one column (ties keep their original order). Returns a new array. */
export function sortRows<T>(rows: readonly T[], value: (row: T) => SortValue, kind: SortKind, dir: SortDir): T[] {
  const sign = dir === 'ascending' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, v: value(row) }))
    .sort((x, y) => {
      const emptyX = x.v === null || x.v === '';
      const emptyY = y.v === null || y.v === '';
      // Empty values stay at the bottom whichever the direction.
      if (emptyX !== emptyY) return emptyX ? 1 : -1;
      return sign * compareValues(x.v, y.v, kind) || x.index - y.index;
    })
    .map((x) => x.row);
}
