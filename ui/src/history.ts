// History tab: every import, newest first; the newest one still in force can be undone.
import { history, importFailures, toBackendError, undoImport, type ImportFailure, type ImportRecord } from './backend';
import { button, h } from './dom';
import { formatDateTime, formatInt } from './format';
import { t } from './i18n';
import { newestFirst, undoableId } from './import-model';


export interface HistoryView {
  el: HTMLElement;
  refresh(): void;
}

export function createHistory(): HistoryView {
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'data history', 'data-testid': 'history-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'num' }, t('history.id')),
        h('th', { scope: 'col' }, t('history.date')),
        h('th', { scope: 'col' }, t('history.files')),
        h('th', { scope: 'col', class: 'num' }, t('history.linesNew')),
        h('th', { scope: 'col', class: 'num' }, t('history.rejected')),
        h('th', { scope: 'col' }, t('history.status')),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('history.actions'))),
      ),
    ),
    tbody,
  );
  const confirmBox = h('div', { class: 'confirm notice', role: 'alertdialog', 'aria-live': 'polite', hidden: true });
  const message = h('p', { class: 'notice', role: 'status', hidden: true });
  const empty = h('p', { class: 'empty', hidden: true }, t('history.empty'));
  const el = h(
    'div',
    { class: 'history-view' },
    h('h2', { class: 'screen-title' }, t('history.title')),
    h('p', { class: 'muted' }, t('history.intro')),
    confirmBox,
    message,
    empty,
    h('div', { class: 'card table-card' }, h('div', { class: 'table-scroll tall' }, table)),
  );
  // Imports that wrote nothing (a watch-folder file with errors, an unreadable file).
  const failedBody = h('tbody');
  const failedCard = h(
    'div',
    { class: 'card table-card', hidden: true },
    h('h3', {}, t('history.failedTitle')),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'data', 'data-testid': 'failures-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, t('history.date')),
            h('th', { scope: 'col' }, t('history.files')),
            h('th', { scope: 'col' }, t('history.failedWhy')),
          ),
        ),
        failedBody,
      ),
    ),
  );
  el.append(failedCard);

  function drawFailures(list: ImportFailure[]): void {
    failedCard.hidden = list.length === 0;
    failedBody.replaceChildren(
      ...list.map((f) =>
        h(
          'tr',
          {},
          h('td', { class: 'nowrap' }, formatDateTime(f.failed_at)),
          h('td', {}, f.file_name),
          h(
            'td',
            { title: f.problems.map((p) => `${p.sheet}!${p.cell}: ${p.message}`).join('\n') },
            f.message,
          ),
        ),
      ),
    );
  }

  let records: ImportRecord[] = [];
  let loading = false;

  function say(text: string, tone: 'ok' | 'error'): void {
    message.hidden = false;
    message.className = `notice ${tone === 'error' ? 'error' : 'ok'}`;
    message.textContent = text;
  }

  function askUndo(r: ImportRecord, trigger: HTMLButtonElement): void {
    const yes = button(t('history.undoYes'), () => void doUndo(r.import_id), { class: 'btn danger', 'data-testid': 'undo-confirm' });
    const no = button(
      t('history.undoNo'),
      () => {
        confirmBox.hidden = true;
        trigger.focus();
      },
      { 'data-testid': 'undo-cancel' },
    );
    const files = r.files.map((f) => f.name).join(', ');
    confirmBox.replaceChildren(
      h('p', {}, h('strong', {}, t('history.undoQuestion', { id: String(r.import_id), files }))),
      h('p', {}, t('history.undoExplain')),
      h('div', { class: 'actions start' }, yes, no),
    );
    confirmBox.hidden = false;
    yes.focus();
  }

  async function doUndo(id: number): Promise<void> {
    for (const b of confirmBox.querySelectorAll('button')) b.disabled = true;
    try {
      await undoImport(id);
      confirmBox.hidden = true;
      say(t('history.undone', { id: String(id) }), 'ok');
    } catch (e) {
      confirmBox.hidden = true;
      say(toBackendError(e).message, 'error');
    }
    refresh();
  }

  function draw(): void {
    const undoable = undoableId(records);
    empty.hidden = records.length > 0;
    tbody.replaceChildren(
      ...newestFirst(records).map((r) => {
        const files = Array.isArray(r.files) ? r.files : [];
        const undo =
          r.import_id === undoable
            ? button(t('history.undo'), (e) => askUndo(r, e.currentTarget as HTMLButtonElement), { 'data-testid': `undo-${r.import_id}` })
            : null;
        return h(
          'tr',
          { class: r.undone ? 'undone' : undefined, 'data-testid': `history-row-${r.import_id}` },
          h('td', { class: 'num' }, String(r.import_id)),
          h('td', { class: 'nowrap' }, formatDateTime(r.imported_at)),
          h('td', { class: 'files-cell', title: files.map((f) => `${f.name} — SHA-256 ${f.sha256}`).join('\n') }, files.map((f) => f.name).join(', ')),
          h('td', { class: 'num' }, formatInt(r.counts?.lines?.new ?? 0)),
          h('td', { class: `num${r.rejected > 0 ? ' bad' : ''}` }, formatInt(r.rejected)),
          h('td', {}, h('span', { class: `badge ${r.undone ? 'muted-badge' : 'ok'}` }, r.undone ? t('history.statusUndone') : t('history.statusDone'))),
          h('td', {}, undo),
        );
      }),
    );
  }

  function refresh(): void {
    if (loading) return;
    loading = true;
    importFailures().then(drawFailures, () => drawFailures([]));
    history().then(
      (list) => {
        loading = false;
        records = list;
        draw();
      },
      (e: unknown) => {
        loading = false;
        say(toBackendError(e).message, 'error');
      },
    );
  }

  return { el, refresh };
}
