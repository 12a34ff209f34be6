// Import tab: drop zone, preview (counts + problems), column mapping, progress, summary.
import {
  cancelImport,
  chooseFiles,
  confirmImport,
  COUNT_KINDS,
  previewSample,
  saveMapping,
  saveProblems,
  toBackendError,
  type DropPreview,
  type ImportProgress,
  type ImportSummary,
  type Preview,
  type UnrecognisedSheet,
} from './backend';
import { button, h, select } from './dom';
import { baseName, formatInt, phaseLabel, progressCounts, progressPercent, RateMeter } from './format';
import { t, tn } from './i18n';
import {
  countRows,
  filterProblems,
  alreadyImportedText,
  linesSetAside,
  kindLabel,
  outcomeSentence,
  problemCountText,
  problemRows,
  problemSheets,
  problemsTruncated,
  sortProblems,
  tableLabel,
  validRows,
  type ProblemKey,
  type ProblemRow,
  type SeverityFilter,
} from './import-model';
import { mappingForm, rememberedMappings } from './mapping';
import { dataTable } from './table';

// Thousands of rows would make the table slow to build and useless to read; the workbook has them all.
const MAX_PROBLEM_ROWS = 1000;

export interface ImporterView {
  el: HTMLElement;
  /** A native drop was dry-run in Rust (or refused). */
  dropped(d: DropPreview): void;
  /** The view is going away (role or language change): let Rust drop a pending preview. */
  dispose(): void;
}

export function createImporter(goToHistory: () => void, storeIsEmpty = false): ImporterView {
  const chooseBtn = button(t('import.choose'), () => void startPreview(chooseFiles), { 'data-testid': 'choose-files', class: 'btn primary' });
  // The sample is for trying Comptoir out: never offered on a store that holds data.
  const sampleBtn = button(t('import.sample'), () => void startPreview(previewSample), {
    'data-testid': 'load-sample',
    class: 'btn primary',
    hidden: !storeIsEmpty,
  });
  const emptyHint = h('p', { class: 'empty-hint', 'data-testid': 'empty-store', hidden: !storeIsEmpty }, t('import.emptyStore'));
  const dropzone = h(
    'div',
    { class: 'dropzone', 'data-testid': 'dropzone' },
    h('div', { class: 'dropzone-icon', 'aria-hidden': 'true' }),
    h('p', { class: 'dropzone-title' }, t('import.dropTitle')),
    h('p', { class: 'muted dropzone-formats' }, t('import.formats')),
    h('div', { class: 'actions' }, chooseBtn, sampleBtn),
    emptyHint,
  );
  const status = h('p', { class: 'muted status', 'aria-live': 'polite', hidden: true });
  const stage = h('div', { class: 'stage' });
  const remembered = rememberedMappings();
  const el = h('div', { class: 'importer' }, h('h2', { class: 'screen-title' }, t('import.title')), dropzone, status, stage, remembered.el);

  let busy = false;
  /** The token of the preview on screen (held by Rust until confirmed or cancelled). */
  let token: number | null = null;

  function setBusy(value: boolean, message = ''): void {
    busy = value;
    chooseBtn.disabled = value;
    sampleBtn.disabled = value;
    status.hidden = !message;
    status.textContent = message;
  }

  function release(): void {
    if (token !== null) void cancelImport(token).catch(() => {});
    token = null;
  }

  function showError(message: string): void {
    stage.replaceChildren(
      h('div', { class: 'notice error', role: 'alert', 'data-testid': 'import-error' }, h('strong', {}, t('import.failed')), ' ', message),
    );
    dropzone.classList.remove('compact');
  }

  async function startPreview(get: () => Promise<Preview | null>): Promise<void> {
    if (busy) return;
    setBusy(true, t('import.reading'));
    try {
      const preview = await get();
      setBusy(false);
      if (preview) show(preview);
    } catch (e) {
      setBusy(false);
      showError(toBackendError(e).message);
    }
  }

  /** Shows a step below the (now compact) drop zone and moves the focus to its heading. */
  function stageShow(section: HTMLElement | null): void {
    if (section) stage.replaceChildren(section);
    else stage.replaceChildren();
    dropzone.classList.toggle('compact', section !== null);
    const heading = section?.querySelector<HTMLElement>('h3');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
      section!.scrollIntoView?.({ block: 'nearest' });
    }
  }

  function show(preview: Preview): void {
    if (token !== null && token !== preview.token) release();
    token = preview.token;
    if (preview.unrecognised) stageShow(renderMapping(preview, preview.unrecognised));
    else if (preview.report) stageShow(renderPreview(preview, preview.report));
    else showError(t('import.emptyPreview'));
  }

  function cancel(): void {
    release();
    stageShow(null);
    chooseBtn.focus();
  }

  // ── Mapping step ─────────────────────────────────────────────────────────
  function renderMapping(preview: Preview, u: UnrecognisedSheet): HTMLElement {
    return h(
      'section',
      { class: 'card pad mapping', 'data-testid': 'mapping', 'aria-labelledby': 'mapping-title' },
      h('h3', { id: 'mapping-title' }, t('mapping.title')),
      h('p', {}, t('mapping.intro', { sheet: u.sheet, file: baseName(u.file), row: String(u.row) })),
      h('p', { class: 'muted' }, t('mapping.suggested')),
      mappingForm({
        id: 'mapping',
        layouts: u.layouts,
        headers: u.headers,
        samples: u.samples,
        initial: u.suggestion,
        saveLabel: t('mapping.save'),
        onSave: async (layout, columns) => {
          show(await saveMapping(preview.token, layout, columns));
          remembered.reload();
        },
        onCancel: cancel,
      }),
    );
  }

  // ── Preview ──────────────────────────────────────────────────────────────
  function renderPreview(preview: Preview, report: ImportSummary): HTMLElement {
    const errors = report.error_count;
    const rejected = countRows(report).reduce((s, r) => s + (r.cells.find((c) => c.kind === 'rejected')?.value ?? 0), 0);
    const confirmBtn = button(t('import.confirm'), () => void runImport(preview.token, false), {
      class: 'btn primary',
      'data-testid': 'confirm-import',
      disabled: errors > 0,
    });
    const validOnlyBtn = button(
      t('import.validOnly', { n: formatInt(validRows(report)), m: formatInt(rejected) }),
      () => void runImport(preview.token, true),
      { 'data-testid': 'import-valid-only', disabled: errors === 0 },
    );
    const savedNote = h('p', { class: 'muted', 'aria-live': 'polite', 'data-testid': 'problems-saved', hidden: true });
    const saveBtn = button(
      t('import.saveProblems'),
      () => {
        saveBtn.disabled = true;
        saveProblems(preview.token).then(
          (path) => {
            saveBtn.disabled = false;
            if (path === null) return;
            savedNote.hidden = false;
            savedNote.className = 'muted';
            savedNote.textContent = t('import.problemsSaved', { path });
          },
          (e: unknown) => {
            saveBtn.disabled = false;
            savedNote.hidden = false;
            savedNote.className = 'notice error';
            savedNote.textContent = toBackendError(e).message;
          },
        );
      },
      { 'data-testid': 'save-problems', disabled: errors + report.warning_count === 0 },
    );

    const files = preview.files.map(baseName).join(', ');
    const already = alreadyImportedText(report);
    const allAlready = report.already_imported.length === preview.files.length;
    const lead =
      errors > 0
        ? h('p', { class: 'headline error' }, tn('import.previewBlocked', errors, { n: formatInt(errors) }))
        : allAlready
          ? null
          : h('p', { class: 'headline ok' }, t('import.previewReady'));
    const setAside = linesSetAside(report);
    return h(
      'section',
      { class: 'card pad preview', 'data-testid': 'import-preview', 'aria-labelledby': 'preview-title' },
      h('h3', { id: 'preview-title' }, t('import.previewTitle')),
      files && h('p', { class: 'muted files' }, files),
      already && h('p', { class: `headline${allAlready && errors === 0 ? ' ok' : ''}`, 'data-testid': 'already-imported' }, already),
      lead,
      ...report.mappings_used.map((m) =>
        h('p', { class: 'muted', 'data-testid': 'mapping-used' }, t('import.mappingUsed', { file: baseName(m.file), sheet: m.sheet })),
      ),
      countsTable(report, 'preview-counts'),
      setAside > 0 && h('p', { class: 'muted', 'data-testid': 'set-aside-note' }, tn('import.setAside', setAside, { n: formatInt(setAside) })),
      h(
        'div',
        { class: 'actions start' },
        confirmBtn,
        validOnlyBtn,
        button(t('import.cancel'), cancel, { 'data-testid': 'cancel-import' }),
        saveBtn,
      ),
      savedNote,
      problemsSection(report),
    );
  }

  // ── Import itself ────────────────────────────────────────────────────────
  async function runImport(tok: number, skipInvalid: boolean): Promise<void> {
    if (busy) return;
    setBusy(true);
    const phase = h('strong', { class: 'phase' }, phaseLabel('reading'));
    const numbers = h('span', { class: 'progress-numbers' });
    const bar = h('progress', { max: 100, 'aria-labelledby': 'progress-label' });
    stageShow(
      h(
        'section',
        { class: 'card pad progress', 'data-testid': 'import-progress' },
        h('h3', {}, t('import.importing')),
        h('div', { class: 'progress-label', id: 'progress-label', 'aria-live': 'polite' }, phase, ' ', numbers),
        bar,
      ),
    );
    const meter = new RateMeter();
    let pending: ImportProgress | null = null;
    const paint = () => {
      if (!pending) return;
      const p = pending;
      pending = null;
      const rate = meter.update(p, performance.now());
      phase.textContent = p.file ? `${phaseLabel(p.phase)} ${baseName(p.file)}` : phaseLabel(p.phase);
      numbers.textContent = p.phase === 'done' ? '' : `— ${progressCounts(p, rate)}`;
      const pct = progressPercent(p);
      if (pct === null) bar.removeAttribute('value');
      else bar.value = pct;
    };
    // Progress can arrive thousands of times a second; paint at most once per frame.
    const onProgress = (p: ImportProgress) => {
      const scheduled = pending !== null;
      pending = p;
      if (!scheduled) requestAnimationFrame(paint);
    };
    try {
      const summary = await confirmImport(tok, skipInvalid, onProgress);
      token = null;
      pending = null;
      setBusy(false);
      if (summary.outcome === 'imported') {
        emptyHint.hidden = true;
        sampleBtn.hidden = true;
      }
      stageShow(renderSummary(summary));
    } catch (e) {
      token = null;
      pending = null;
      setBusy(false);
      showError(toBackendError(e).message);
    }
  }

  function renderSummary(summary: ImportSummary): HTMLElement {
    const head = outcomeSentence(summary);
    const historyLink = h('a', { href: '#history', class: 'link', 'data-testid': 'go-history' }, t('import.seeHistory'));
    historyLink.addEventListener('click', (e) => {
      e.preventDefault();
      goToHistory();
    });
    const files = summary.files.map(baseName).join(', ');
    return h(
      'section',
      { class: 'card pad summary', 'data-testid': 'import-summary', 'aria-labelledby': 'summary-title' },
      h('h3', { id: 'summary-title' }, t('import.summaryTitle')),
      h('p', { class: `headline ${head.tone}`, 'data-testid': 'import-outcome' }, head.text),
      files && h('p', { class: 'muted files' }, files),
      countsTable(summary, 'summary-counts'),
      h('p', {}, historyLink),
      summary.error_count + summary.warning_count > 0 ? problemsSection(summary) : null,
      h('div', { class: 'actions start' }, button(t('import.another'), () => cancel(), { 'data-testid': 'import-another' })),
    );
  }

  return {
    el,
    dropped(d: DropPreview) {
      if (busy) return; // an import is running; Rust refuses concurrent ones anyway
      if (d.preview) show(d.preview);
      else showError(d.message ?? t('import.dropRefused'));
    },
    dispose() {
      if (!busy) release();
    },
  };
}

function countsTable(summary: Pick<ImportSummary, 'counts'>, testid: string): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'data counts', 'data-testid': testid },
      h(
        'thead',
        {},
        h('tr', {}, h('th', { scope: 'col' }, t('import.table')), ...COUNT_KINDS.map((k) => h('th', { scope: 'col', class: 'num' }, kindLabel(k)))),
      ),
      h(
        'tbody',
        {},
        ...countRows(summary).map((row) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, tableLabel(row.table)),
            ...row.cells.map((c) =>
              h(
                'td',
                {
                  class: `num${c.value === 0 ? ' zero' : ''}${c.kind === 'rejected' && c.value > 0 ? ' bad' : ''}`,
                  'data-testid': c.testId,
                },
                formatInt(c.value),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function problemsSection(summary: ImportSummary): HTMLElement {
  const rows = problemRows(summary);
  let severity: SeverityFilter = 'all';
  let sheet = '';
  const severitySelect = select(
    [
      ['all', t('problems.all')],
      ['errors', t('problems.onlyErrors')],
      ['warnings', t('problems.onlyWarnings')],
    ],
    severity,
    { id: 'problem-severity', 'data-testid': 'problem-severity' },
  );
  const sheetSelect = select([['', t('problems.allSheets')], ...problemSheets(rows).map((s) => [s, s] as const)], sheet, {
    id: 'problem-sheet',
    'data-testid': 'problem-sheet',
  });
  const severityName = (r: ProblemRow) => (r.severity === 'error' ? t('problems.error') : t('problems.warning'));
  const text = (key: Exclude<ProblemKey, 'severity'>) => ({ kind: key === 'cell' ? ('cell' as const) : ('text' as const), value: (r: ProblemRow) => r[key] });
  const table = dataTable<ProblemRow>({
    testid: 'problems-table',
    empty: rows.length === 0 ? t('problems.none') : t('problems.noneMatch'),
    limit: MAX_PROBLEM_ROWS,
    sorter: (list, key, dir) => sortProblems(list, key as ProblemKey, dir),
    rowAttrs: (r) => ({ class: r.severity }),
    columns: [
      {
        key: 'severity',
        label: t('problems.severity'),
        sort: { kind: 'text', value: (r) => r.severity },
        cell: (r) => h('span', { class: `badge ${r.severity}` }, severityName(r)),
      },
      { key: 'file', label: t('problems.file'), sort: text('file'), cell: (r) => baseName(r.file), title: (r) => r.file },
      { key: 'sheet', label: t('problems.sheet'), sort: text('sheet'), cell: (r) => r.sheet },
      { key: 'cell', label: t('problems.cell'), sort: text('cell'), cell: (r) => r.cell, cls: () => 'mono' },
      { key: 'column', label: t('problems.column'), sort: text('column'), cell: (r) => r.column },
      { key: 'value', label: t('problems.value'), sort: text('value'), cell: (r) => r.value, cls: () => 'mono value', title: (r) => r.value },
      { key: 'message', label: t('problems.message'), sort: text('message'), cell: (r) => r.message },
    ],
  });
  const apply = () => table.setRows(filterProblems(rows, { severity, sheet }));
  severitySelect.addEventListener('change', () => {
    severity = severitySelect.value as SeverityFilter;
    apply();
  });
  sheetSelect.addEventListener('change', () => {
    sheet = sheetSelect.value;
    apply();
  });
  apply();
  return h(
    'div',
    { class: 'problems' },
    h(
      'div',
      { class: 'toolbar wrap' },
      h('h4', { 'data-testid': 'problem-counts' }, problemCountText(summary.error_count, summary.warning_count)),
      h('div', { class: 'spacer' }),
      h('label', { for: 'problem-severity' }, t('problems.show')),
      severitySelect,
      h('label', { for: 'problem-sheet' }, t('problems.sheet')),
      sheetSelect,
    ),
    problemsTruncated(summary) ? h('p', { class: 'muted' }, t('problems.truncated')) : null,
    table.el,
  );
}
