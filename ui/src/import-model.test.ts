import { describe, expect, it } from 'vitest';
import type { ImportRecord, ImportSummary, Problem } from './backend';
import { setLanguage } from './i18n';
import {
  countRows,
  filterProblems,
  newestFirst,
  outcomeSentence,
  problemCountText,
  problemRows,
  problemSheets,
  problemsTruncated,
  sortProblems,
  undoableId,
} from './import-model';
import { compareValues, parseCell, sortRows } from './sorting';

const zero = { new: 0, updated: 0, unchanged: 0, rejected: 0 };
const problem = (message: string, over: Partial<Problem> = {}): Problem => ({
  file: '/d/f.xlsx',
  sheet: 'Invoices',
  cell: 'B7',
  column: 'timestamp',
  value: 'x',
  message,
  code: 'not_a_date',
  params: ['x'],
  ...over,
});

function summary(over: Partial<ImportSummary> = {}): ImportSummary {
  return {
    import_id: 3,
    files: ['/data/stock_data.xlsx'],
    counts: {
      products: { new: 120, updated: 2, unchanged: 0, rejected: 0 },
      stock: zero,
      clients: { new: 40, updated: 0, unchanged: 5, rejected: 1 },
      invoices: zero,
      lines: { new: 5000, updated: 0, unchanged: 0, rejected: 7 },
    },
    errors: [],
    warnings: [],
    error_count: 0,
    warning_count: 0,
    outcome: 'imported',
    mappings_used: [],
    already_imported: [],
    ...over,
  };
}

describe('counts table model', () => {
  it('has one row per table in a fixed order, four cells each, with test ids', () => {
    const rows = countRows(summary());
    expect(rows.map((r) => r.table)).toEqual(['products', 'stock', 'clients', 'invoices', 'lines']);
    expect(rows[4].cells).toEqual([
      { kind: 'new', value: 5000, testId: 'count-lines-new' },
      { kind: 'updated', value: 0, testId: 'count-lines-updated' },
      { kind: 'unchanged', value: 0, testId: 'count-lines-unchanged' },
      { kind: 'rejected', value: 7, testId: 'count-lines-rejected' },
    ]);
  });

  it('treats a table missing from the summary as zeros', () => {
    const s = summary();
    delete (s.counts as Partial<ImportSummary['counts']>).stock;
    expect(countRows(s)[1].cells.map((c) => c.value)).toEqual([0, 0, 0, 0]);
  });
});

describe('problems', () => {
  const rows = problemRows(
    summary({
      errors: [problem('e1', { cell: 'B10' }), problem('e2', { cell: 'B2', sheet: 'Stock' })],
      warnings: [problem('w1', { cell: 'AA1' }), problem('w2', { cell: 'C3', sheet: 'Stock' })],
    }),
  );

  it('lists errors before warnings', () => {
    expect(rows.map((r) => `${r.severity}:${r.message}`)).toEqual(['error:e1', 'error:e2', 'warning:w1', 'warning:w2']);
  });

  it('filters by severity and by sheet', () => {
    expect(filterProblems(rows, { severity: 'errors', sheet: '' }).map((r) => r.message)).toEqual(['e1', 'e2']);
    expect(filterProblems(rows, { severity: 'warnings', sheet: '' }).map((r) => r.message)).toEqual(['w1', 'w2']);
    expect(filterProblems(rows, { severity: 'all', sheet: 'Stock' }).map((r) => r.message)).toEqual(['e2', 'w2']);
    expect(filterProblems(rows, { severity: 'warnings', sheet: 'Stock' }).map((r) => r.message)).toEqual(['w2']);
    expect(problemSheets(rows)).toEqual(['Invoices', 'Stock']);
  });

  it('sorts cells as addresses, and keeps ties in order', () => {
    expect(sortProblems(rows, 'cell', 'ascending').map((r) => r.cell)).toEqual(['B2', 'B10', 'C3', 'AA1']);
    expect(sortProblems(rows, 'cell', 'descending').map((r) => r.cell)).toEqual(['AA1', 'C3', 'B10', 'B2']);
    expect(sortProblems(rows, 'sheet', 'ascending').map((r) => r.message)).toEqual(['e1', 'w1', 'e2', 'w2']);
    expect(sortProblems(rows, 'severity', 'descending').map((r) => r.severity)).toEqual(['warning', 'warning', 'error', 'error']);
  });

  it('counts from error_count and warning_count, even when the lists are truncated', () => {
    expect(problemCountText(12_345, 1)).toBe('12,345 errors, 1 warning');
    expect(problemsTruncated(summary({ errors: [problem('e')], error_count: 10_001 }))).toBe(true);
    expect(problemsTruncated(summary({ errors: [problem('e')], error_count: 1 }))).toBe(false);
    setLanguage('fr');
    expect(problemCountText(0, 2)).toBe('0 erreur, 2 avertissements');
    setLanguage('en');
  });
});

describe('sorting helpers', () => {
  it('parses A1 addresses', () => {
    expect(parseCell('B7')).toEqual([2, 7]);
    expect(parseCell('AA10')).toEqual([27, 10]);
    expect(parseCell('$C$3')).toEqual([3, 3]);
    expect(parseCell('row 3')).toBeNull();
  });

  it('compares decimals exactly and text naturally; empty values sort last both ways', () => {
    expect(compareValues('10.5', '9.75', 'decimal')).toBeGreaterThan(0);
    expect(compareValues('item 2', 'item 10', 'text')).toBeLessThan(0);
    const rows = [{ v: '2' }, { v: null }, { v: '-1.5' }, { v: '10' }];
    expect(sortRows(rows, (r) => r.v, 'decimal', 'ascending').map((r) => r.v)).toEqual(['-1.5', '2', '10', null]);
    expect(sortRows(rows, (r) => r.v, 'decimal', 'descending').map((r) => r.v)).toEqual(['10', '2', '-1.5', null]);
  });
});

describe('outcome and history', () => {
  it('says what happened', () => {
    expect(outcomeSentence(summary())).toEqual({ tone: 'ok', text: 'Import #3 done: 5,000 new invoice lines; 8 rows were set aside.' });
    const clean = summary({ counts: { ...summary().counts, clients: zero, lines: { ...zero, new: 10 } } });
    expect(outcomeSentence(clean).text).toBe('Import #3 done: 10 new invoice lines.');
    expect(outcomeSentence(summary({ outcome: 'nothing_to_change' })).tone).toBe('neutral');
    expect(outcomeSentence(summary({ outcome: 'rejected', import_id: null, error_count: 1 }))).toEqual({
      tone: 'error',
      text: 'Nothing was imported: 1 error must be fixed first.',
    });
  });

  it('offers undo on the newest import still in force only', () => {
    const rec = (id: number, undone: boolean) => ({ import_id: id, undone }) as ImportRecord;
    expect(undoableId([rec(1, false), rec(3, true), rec(2, false)])).toBe(2);
    expect(undoableId([rec(1, true)])).toBeNull();
    expect(undoableId([])).toBeNull();
    expect(newestFirst([rec(1, false), rec(3, true), rec(2, false)]).map((r) => r.import_id)).toEqual([3, 2, 1]);
  });
});

describe('the mapping step', () => {
  const sales = {
    id: 'sales',
    label: 'Sales export',
    fields: [
      { name: 'invoice_id', label: 'Invoice number', required: true },
      { name: 'timestamp', label: 'Date (and time)', required: true },
      { name: 'qty', label: 'Quantity sold', required: true },
      { name: 'unit_price', label: 'Unit price', required: false },
    ],
  };

  it('names missing and doubled fields by their labels, never their ids', async () => {
    const { mappingProblems } = await import('./import-model');
    expect(mappingProblems(sales, ['invoice_id', null, 'qty', 'qty'])).toEqual({ missing: ['Date (and time)'], twice: ['Quantity sold'] });
    expect(mappingProblems(sales, ['invoice_id', 'timestamp', 'qty', 'unit_price'])).toEqual({ missing: [], twice: [] });
  });

  it('says which files were already imported and counts lines set aside with their invoice', async () => {
    const { alreadyImportedText, linesSetAside } = await import('./import-model');
    expect(alreadyImportedText({ already_imported: [] })).toBe('');
    expect(alreadyImportedText({ already_imported: [{ file: 'a.xlsx', import_id: 3, imported_at: '2026-05-31 14:05' }] })).toBe(
      'Nothing new in a.xlsx: it was already imported on 2026-05-31 14:05 (import #3).',
    );
    const p = (code: string) => ({ file: 'f', sheet: 's', cell: 'A1', column: 'c', value: '', message: 'm', code, params: [] });
    expect(linesSetAside({ errors: [p('set_aside_with_invoice'), p('required'), p('set_aside_with_invoice')] })).toBe(2);
  });
});
