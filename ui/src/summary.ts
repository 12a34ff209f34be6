// Pure view models for an import summary.
import { COUNT_KINDS, TABLES, type CountKind, type ImportSummary, type Problem, type TableName } from './backend';
import { plural } from './format';

export const TABLE_LABELS: Record<TableName, string> = {
  products: 'Products',
  stock: 'Stock',
  clients: 'Clients',
  invoices: 'Invoices',
  lines: 'Invoice lines',
};

export const KIND_LABELS: Record<CountKind, string> = {
  new: 'New',
  updated: 'Updated',
  unchanged: 'Unchanged',
  rejected: 'Rejected',
};

export interface CountCell {
  kind: CountKind;
  value: number;
  testId: string;
}

export interface CountRow {
  table: TableName;
  label: string;
  cells: CountCell[];
}

/** One row per table in a fixed order; a table missing from the summary counts as zeros. */
export function countRows(summary: ImportSummary): CountRow[] {
  return TABLES.map((table) => {
    const counts = summary.counts?.[table];
    return {
      table,
      label: TABLE_LABELS[table],
      cells: COUNT_KINDS.map((kind) => ({
        kind,
        value: counts?.[kind] ?? 0,
        testId: `count-${table}-${kind}`,
      })),
    };
  });
}

export type Severity = 'error' | 'warning';
export interface ProblemRow extends Problem {
  severity: Severity;
}

/** Errors first, then warnings, each in the order Rust reported them. */
export function problemRows(summary: ImportSummary): ProblemRow[] {
  return [
    ...summary.errors.map((p) => ({ ...p, severity: 'error' as const })),
    ...summary.warnings.map((p) => ({ ...p, severity: 'warning' as const })),
  ];
}

export interface Headline {
  tone: 'ok' | 'error' | 'neutral';
  text: string;
}

export function headline(summary: ImportSummary): Headline {
  const errors = summary.errors.length;
  const changed = TABLES.some((t) => (summary.counts?.[t]?.new ?? 0) + (summary.counts?.[t]?.updated ?? 0) > 0);
  if (errors > 0 && summary.import_id === null) {
    return { tone: 'error', text: `Nothing was imported: ${plural(errors, 'error', 'errors')} must be fixed first.` };
  }
  if (!changed) {
    return { tone: 'neutral', text: 'Nothing to change: everything in these files is already in the store.' };
  }
  const id = summary.import_id !== null ? ` #${summary.import_id}` : '';
  return { tone: 'ok', text: `Import${id} done.` };
}
