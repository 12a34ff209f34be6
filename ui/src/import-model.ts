// Pure view models for an import preview and its summary.
import {
  COUNT_KINDS,
  SHEET_KINDS,
  TABLES,
  type CountKind,
  type ImportRecord,
  type ImportSummary,
  type Problem,
  type SheetKind,
  type TableName,
  type UnrecognisedSheet,
} from './backend';
import { formatInt } from './format';
import { t, tn } from './i18n';
import { sortRows, type SortDir, type SortKind } from './sorting';

export function tableLabel(table: TableName): string {
  return t(`table.${table}`);
}

export function kindLabel(kind: CountKind): string {
  return t(`count.${kind}`);
}

export interface CountCell {
  kind: CountKind;
  value: number;
  testId: string;
}

export interface CountRow {
  table: TableName;
  cells: CountCell[];
}

/** One row per table in a fixed order; a table missing from the summary counts as zeros. */
export function countRows(summary: Pick<ImportSummary, 'counts'>): CountRow[] {
  return TABLES.map((table) => {
    const counts = summary.counts?.[table];
    return {
      table,
      cells: COUNT_KINDS.map((kind) => ({ kind, value: counts?.[kind] ?? 0, testId: `count-${table}-${kind}` })),
    };
  });
}

export type Severity = 'error' | 'warning';
export interface ProblemRow extends Problem {
  severity: Severity;
}

/** Errors first, then warnings, each in the order Rust reported them. */
export function problemRows(summary: Pick<ImportSummary, 'errors' | 'warnings'>): ProblemRow[] {
  return [
    ...summary.errors.map((p) => ({ ...p, severity: 'error' as const })),
    ...summary.warnings.map((p) => ({ ...p, severity: 'warning' as const })),
  ];
}

export type ProblemKey = 'severity' | 'file' | 'sheet' | 'cell' | 'column' | 'value' | 'message';

export type SeverityFilter = 'all' | 'errors' | 'warnings';
export interface ProblemFilter {
  severity: SeverityFilter;
  /** Empty string = every sheet. */
  sheet: string;
}

export function filterProblems(rows: readonly ProblemRow[], filter: ProblemFilter): ProblemRow[] {
  return rows.filter(
    (r) =>
      (filter.severity === 'all' || (filter.severity === 'errors') === (r.severity === 'error')) &&
      (filter.sheet === '' || r.sheet === filter.sheet),
  );
}

/** The sheets that have problems, in first-seen order. */
export function problemSheets(rows: readonly ProblemRow[]): string[] {
  return [...new Set(rows.map((r) => r.sheet))];
}

function problemSortKind(key: ProblemKey): SortKind {
  return key === 'cell' ? 'cell' : 'text';
}

/** Sorts by one column; cells sort as addresses (B2 before B10), errors before warnings. */
export function sortProblems(rows: readonly ProblemRow[], key: ProblemKey, dir: SortDir): ProblemRow[] {
  const value = (r: ProblemRow) => (key === 'severity' ? (r.severity === 'error' ? '0' : '1') : r[key]);
  return sortRows(rows, value, problemSortKind(key), dir);
}

/** "3 errors, 12 warnings" from the full counts (the lists themselves may be truncated). */
export function problemCountText(errorCount: number, warningCount: number): string {
  return `${tn('problems.errors', errorCount, { n: formatInt(errorCount) })}, ${tn('problems.warnings', warningCount, {
    n: formatInt(warningCount),
  })}`;
}

export function problemsTruncated(summary: Pick<ImportSummary, 'errors' | 'warnings' | 'error_count' | 'warning_count'>): boolean {
  return summary.errors.length < summary.error_count || summary.warnings.length < summary.warning_count;
}

function total(summary: Pick<ImportSummary, 'counts'>, kinds: CountKind[], tables: readonly TableName[] = TABLES): number {
  return tables.reduce((sum, table) => sum + kinds.reduce((s, k) => s + (summary.counts?.[table]?.[k] ?? 0), 0), 0);
}

export function validRows(summary: Pick<ImportSummary, 'counts'>): number {
  return total(summary, ['new', 'updated', 'unchanged']);
}

export interface Headline {
  tone: 'ok' | 'error' | 'neutral';
  text: string;
}

/** One sentence saying what an import (or its preview) did. */
export function outcomeSentence(summary: ImportSummary): Headline {
  const lines = formatInt(summary.counts?.lines?.new ?? 0);
  const rejected = total(summary, ['rejected']);
  switch (summary.outcome) {
    case 'imported': {
      const id = summary.import_id !== null ? String(summary.import_id) : '?';
      const text =
        rejected > 0
          ? t('outcome.importedSkipped', { id, lines, rejected: formatInt(rejected) })
          : t('outcome.imported', { id, lines });
      return { tone: 'ok', text };
    }
    case 'nothing_to_change':
      return { tone: 'neutral', text: t('outcome.nothing') };
    case 'rejected':
      return { tone: 'error', text: tn('outcome.rejected', summary.error_count, { n: formatInt(summary.error_count) }) };
    case 'dry_run':
    default:
      return { tone: 'neutral', text: t('outcome.dryRun') };
  }
}

/** Imports are undone newest first: only the newest import not yet undone offers Undo. */
export function undoableId(records: readonly ImportRecord[]): number | null {
  let best: number | null = null;
  for (const r of records) if (!r.undone && (best === null || r.import_id > best)) best = r.import_id;
  return best;
}

export function newestFirst(records: readonly ImportRecord[]): ImportRecord[] {
  return [...records].sort((a, b) => b.import_id - a.import_id);
}

/** "Prix d'achat " → "prix_d_achat": accents, case and punctuation ignored. */
export function normaliseHeader(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** The field a header names exactly (after normalising), or '' to ignore the column. */
export function guessField(header: string, fields: readonly { name: string }[]): string {
  const h = normaliseHeader(header);
  return fields.find((f) => normaliseHeader(f.name) === h)?.name ?? '';
}

/** The kind of sheet whose field names match the most headers; the first kind when none does. */
export function guessKind(u: Pick<UnrecognisedSheet, 'headers' | 'fields'>): SheetKind {
  let best: SheetKind = SHEET_KINDS[0];
  let bestScore = 0;
  for (const kind of SHEET_KINDS) {
    const fields = u.fields[kind] ?? [];
    const score = u.headers.filter((h) => guessField(h, fields) !== '').length;
    if (score > bestScore) {
      best = kind;
      bestScore = score;
    }
  }
  return best;
}
