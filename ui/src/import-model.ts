// Pure view models for an import preview and its summary.
import {
  COUNT_KINDS,
  TABLES,
  type CountKind,
  type ImportRecord,
  type ImportSummary,
  type Problem,
  type TableName,
  type LayoutChoice,
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

/** What keeps a mapping from being saved: required fields no column holds, fields held twice (by their labels). */
export function mappingProblems(layout: LayoutChoice, chosen: readonly (string | null)[]): { missing: string[]; twice: string[] } {
  const picked = chosen.filter((c): c is string => c !== null && c !== '');
  const label = (name: string) => layout.fields.find((f) => f.name === name)?.label ?? name;
  const missing = layout.fields.filter((f) => f.required && !picked.includes(f.name)).map((f) => f.label);
  const twice = [...new Set(picked.filter((v, i) => picked.indexOf(v) !== i))].map(label);
  return { missing, twice };
}

/** The files of a preview an earlier import already brought, byte for byte, as one sentence; '' when none. */
export function alreadyImportedText(report: Pick<ImportSummary, 'already_imported'>): string {
  return report.already_imported
    .map((e) => t('import.alreadyImported', { file: e.file, date: e.imported_at, id: String(e.import_id) }))
    .join(' ');
}

/** Lines rejected only because their invoice has an error elsewhere. */
export function linesSetAside(report: Pick<ImportSummary, 'errors'>): number {
  return report.errors.filter((p) => p.code === 'set_aside_with_invoice').length;
}
