import { describe, expect, it } from 'vitest';
import type { ImportSummary, Problem } from './backend';
import { countRows, headline, problemRows } from './summary';

const zero = { new: 0, updated: 0, unchanged: 0, rejected: 0 };
const problem = (message: string): Problem => ({ file: 'f.xlsx', sheet: 'Invoices', cell: 'B7', column: 'timestamp', value: 'x', message });

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
    ...over,
  };
}

describe('counts table model', () => {
  it('has one row per table in a fixed order, four cells each, with test ids', () => {
    const rows = countRows(summary());
    expect(rows.map((r) => r.table)).toEqual(['products', 'stock', 'clients', 'invoices', 'lines']);
    expect(rows[0].label).toBe('Products');
    expect(rows[4].label).toBe('Invoice lines');
    expect(rows[4].cells).toEqual([
      { kind: 'new', value: 5000, testId: 'count-lines-new' },
      { kind: 'updated', value: 0, testId: 'count-lines-updated' },
      { kind: 'unchanged', value: 0, testId: 'count-lines-unchanged' },
      { kind: 'rejected', value: 7, testId: 'count-lines-rejected' },
    ]);
    expect(rows[2].cells.map((c) => c.value)).toEqual([40, 0, 5, 1]);
  });

  it('treats a table missing from the summary as zeros', () => {
    const s = summary();
    delete (s.counts as Partial<ImportSummary['counts']>).stock;
    expect(countRows(s)[1].cells.map((c) => c.value)).toEqual([0, 0, 0, 0]);
  });
});

describe('problems and headline', () => {
  it('lists errors before warnings', () => {
    const rows = problemRows(summary({ errors: [problem('e1'), problem('e2')], warnings: [problem('w1')] }));
    expect(rows.map((r) => `${r.severity}:${r.message}`)).toEqual(['error:e1', 'error:e2', 'warning:w1']);
  });

  it('says what happened', () => {
    expect(headline(summary())).toEqual({ tone: 'ok', text: 'Import #3 done.' });
    expect(headline(summary({ import_id: null, errors: [problem('e')] }))).toEqual({
      tone: 'error',
      text: 'Nothing was imported: 1 error must be fixed first.',
    });
    const same = { new: 0, updated: 0, unchanged: 10, rejected: 0 };
    expect(headline(summary({ counts: { products: same, stock: same, clients: same, invoices: same, lines: same } })).tone).toBe(
      'neutral',
    );
  });
});
