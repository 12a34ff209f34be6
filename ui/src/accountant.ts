// Accountant tab: start imports, follow their progress, read the result.
import {
  chooseAndImport,
  COUNT_KINDS,
  importSample,
  onDragHover,
  onImportFinished,
  onImportProgress,
  toBackendError,
  type ImportProgress,
  type ImportSummary,
} from './backend';
import { h } from './dom';
import { baseName, formatInt, plural, progressPercent, progressText, RateMeter } from './format';
import { countRows, headline, KIND_LABELS, problemRows } from './summary';

// Thousands of problems would make the table slow to build and useless to read.
const MAX_PROBLEM_ROWS = 500;

export interface AccountantView {
  el: HTMLElement;
  setHasData(hasData: boolean): void;
}

type Outcome = { summary: ImportSummary } | { error: string } | { cancelled: true };

export function createAccountant(onImportEnded: () => void): AccountantView {
  const chooseBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'choose-files' }, 'Choose files…');
  const sampleBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'load-sample' }, 'Load the sample workbook');
  const emptyHint = h(
    'p',
    { class: 'empty-hint', hidden: true },
    'The store is empty. Load the sample workbook to try Comptoir with example products, stock, clients and sales.',
  );
  const dropzone = h(
    'div',
    { class: 'dropzone' },
    h('div', { class: 'dropzone-icon', 'aria-hidden': 'true' }),
    h('p', { class: 'dropzone-title' }, 'Drop workbooks (.xlsx, .xls, .ods, .csv) anywhere on this window'),
    h('div', { class: 'actions' }, chooseBtn, sampleBtn),
    emptyHint,
  );

  const bar = h('progress', { max: 100 });
  const progressLabel = h('div', { class: 'progress-label', 'aria-live': 'polite' });
  const progress = h('div', { class: 'progress', 'data-testid': 'import-progress', hidden: true }, progressLabel, bar);
  const result = h('div', { class: 'result' });

  const el = h('div', { class: 'accountant' }, dropzone, progress, result);

  let busy = false;
  let showingProgress = false;
  let pending: ImportProgress | null = null;
  const meter = new RateMeter();

  function setBusy(value: boolean): void {
    busy = value;
    chooseBtn.disabled = value;
    sampleBtn.disabled = value;
  }

  function renderProgress(): void {
    if (!pending) return;
    const p = pending;
    pending = null;
    const rate = meter.update(p, performance.now());
    progressLabel.textContent = progressText(p, rate);
    const pct = progressPercent(p);
    if (pct === null) bar.removeAttribute('value'); // indeterminate
    else bar.value = pct;
  }

  // Progress can arrive thousands of times a second; paint at most once per frame.
  function onProgress(p: ImportProgress): void {
    if (!busy) setBusy(true); // an import started by a native drop
    if (!showingProgress) {
      showingProgress = true;
      meter.reset();
      result.replaceChildren();
      progress.hidden = false;
    }
    const scheduled = pending !== null;
    pending = p;
    if (!scheduled) requestAnimationFrame(renderProgress);
  }

  function finish(outcome: Outcome): void {
    setBusy(false);
    showingProgress = false;
    pending = null;
    progress.hidden = true;
    if ('cancelled' in outcome) return;
    result.replaceChildren('summary' in outcome ? renderSummary(outcome.summary) : renderError(outcome.error));
    onImportEnded();
  }

  async function run(start: (cb: (p: ImportProgress) => void) => Promise<ImportSummary | null>): Promise<void> {
    if (busy) return;
    setBusy(true);
    try {
      const summary = await start(onProgress);
      finish(summary ? { summary } : { cancelled: true });
    } catch (e) {
      finish({ error: toBackendError(e).message });
    }
  }

  chooseBtn.addEventListener('click', () => void run(chooseAndImport));
  sampleBtn.addEventListener('click', () => void run(importSample));

  // Imports started by dropping files on the window (handled natively in Rust).
  void onImportProgress(onProgress).catch(() => {});
  void onImportFinished((f) => {
    if (f.ok && f.summary) finish({ summary: f.summary });
    else finish({ error: f.message ?? 'The import failed.' });
  }).catch(() => {});
  void onDragHover((hovering) => el.ownerDocument.body.classList.toggle('drag-hover', hovering)).catch(() => {});

  return {
    el,
    setHasData(hasData: boolean) {
      emptyHint.hidden = hasData;
      sampleBtn.classList.toggle('primary', !hasData);
      dropzone.classList.toggle('empty-store', !hasData);
    },
  };
}

function renderError(message: string): HTMLElement {
  return h(
    'div',
    { class: 'notice error', role: 'alert', 'data-testid': 'import-error' },
    h('strong', {}, 'The import failed. '),
    message,
  );
}

function renderSummary(summary: ImportSummary): HTMLElement {
  const head = headline(summary);
  const files = summary.files.map(baseName).join(', ');

  const countsTable = h(
    'table',
    { class: 'data counts' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Table'), ...COUNT_KINDS.map((k) => h('th', { scope: 'col', class: 'num' }, KIND_LABELS[k])))),
    h(
      'tbody',
      {},
      ...countRows(summary).map((row) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, row.label),
          ...row.cells.map((c) =>
            h(
              'td',
              { class: `num${c.value === 0 ? ' zero' : ''}${c.kind === 'rejected' && c.value > 0 ? ' bad' : ''}`, 'data-testid': c.testId },
              formatInt(c.value),
            ),
          ),
        ),
      ),
    ),
  );

  const section = h(
    'section',
    { class: 'card summary', 'data-testid': 'import-summary', 'aria-label': 'Import result' },
    h('p', { class: `headline ${head.tone}` }, head.text),
    files && h('p', { class: 'muted files' }, files),
    countsTable,
  );

  const problems = problemRows(summary);
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEM_ROWS);
    section.append(
      h(
        'h3',
        {},
        `Problems: ${plural(summary.errors.length, 'error', 'errors')}, ${plural(summary.warnings.length, 'warning', 'warnings')}`,
      ),
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'data problems', 'data-testid': 'import-problems' },
          h(
            'thead',
            {},
            h('tr', {}, ...['', 'File', 'Sheet', 'Cell', 'Column', 'Value', 'Message'].map((t) => h('th', { scope: 'col' }, t))),
          ),
          h(
            'tbody',
            {},
            ...shown.map((p) =>
              h(
                'tr',
                { class: p.severity },
                h('td', {}, h('span', { class: `badge ${p.severity}` }, p.severity === 'error' ? 'Error' : 'Warning')),
                h('td', { title: p.file }, baseName(p.file)),
                h('td', {}, p.sheet),
                h('td', { class: 'mono' }, p.cell),
                h('td', {}, p.column),
                h('td', { class: 'mono value', title: p.value }, p.value),
                h('td', {}, p.message),
              ),
            ),
          ),
        ),
      ),
    );
    if (problems.length > shown.length) {
      section.append(h('p', { class: 'muted' }, `…and ${formatInt(problems.length - shown.length)} more.`));
    }
  }
  return section;
}
