// Column mappings (SPEC §2.2): the form that says which column of an unknown header row holds
// what (first shown with Rust's guess), and the list of remembered mappings to review, edit or forget.
import { editMapping, forgetMapping, listMappings, toBackendError, type LayoutChoice, type MappingChoice, type Mappings } from './backend';
import { button, h, select } from './dom';
import { t } from './i18n';
import { mappingProblems } from './import-model';

export interface MappingFormOptions {
  /** Prefix of the element ids and test ids, so that two forms never clash. */
  id: string;
  layouts: readonly LayoutChoice[];
  headers: readonly string[];
  /** Rows under the header, aligned with `headers` (may be empty). */
  samples: readonly (readonly string[])[];
  initial: MappingChoice;
  saveLabel: string;
  onSave(layout: string, columns: [string, string | null][]): Promise<void>;
  onCancel(): void;
}

/** The layout select and one field select per header; Save is enabled once the reading is complete. */
export function mappingForm(o: MappingFormOptions): HTMLElement {
  const first = o.layouts.find((l) => l.id === o.initial.layout) ?? o.layouts[0];
  let layout: LayoutChoice = first;
  let initial: readonly (string | null)[] = o.initial.columns;
  const layoutSelect = select(
    o.layouts.map((l) => [l.id, l.label] as const),
    layout.id,
    { id: `${o.id}-layout`, 'data-testid': `${o.id}-layout` },
  );
  const tbody = h('tbody');
  const problems = h('p', { class: 'notice warn', role: 'status', hidden: true, 'data-testid': `${o.id}-problems` });
  const error = h('p', { class: 'notice error', role: 'alert', hidden: true, 'data-testid': `${o.id}-error` });
  let selects: HTMLSelectElement[] = [];
  const saveBtn = button(o.saveLabel, () => void save(), { class: 'btn primary', 'data-testid': `${o.id}-save` });

  const chosen = () => selects.map((s) => s.value || null);

  function check(): void {
    const { missing, twice } = mappingProblems(layout, chosen());
    const lines: string[] = [];
    if (missing.length) lines.push(t('mapping.missing', { fields: missing.join(', ') }));
    if (twice.length) lines.push(t('mapping.duplicate', { fields: twice.join(', ') }));
    problems.hidden = lines.length === 0;
    problems.textContent = lines.join(' ');
    saveBtn.disabled = lines.length > 0;
  }

  function drawRows(): void {
    const offered = new Set(layout.fields.map((f) => f.name));
    selects = o.headers.map((_header, i) => {
      const s = select(
        [['', t('mapping.ignore')], ...layout.fields.map((f) => [f.name, f.required ? `${f.label} *` : f.label] as const)],
        offered.has(initial[i] ?? '') ? (initial[i] as string) : '',
        { id: `${o.id}-${i}`, 'data-testid': `${o.id}-${i}` },
      );
      s.addEventListener('change', check);
      return s;
    });
    tbody.replaceChildren(
      ...o.headers.map((header, i) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, h('label', { for: `${o.id}-${i}` }, header || t('mapping.blankHeader', { n: String(i + 1) }))),
          o.samples.length ? h('td', { class: 'muted sample' }, o.samples.map((r) => r[i] ?? '').filter((v) => v !== '').join(' · ')) : null,
          h('td', {}, selects[i]),
        ),
      ),
    );
    check();
  }

  layoutSelect.addEventListener('change', () => {
    // Keep what the user picked where the new layout has the same field.
    initial = chosen();
    layout = o.layouts.find((l) => l.id === layoutSelect.value) ?? first;
    drawRows();
  });

  async function save(): Promise<void> {
    const columns: [string, string | null][] = o.headers.map((header, i) => [header, selects[i].value || null]);
    saveBtn.disabled = true;
    error.hidden = true;
    try {
      await o.onSave(layout.id, columns);
    } catch (e) {
      error.textContent = toBackendError(e).message;
      error.hidden = false;
      saveBtn.disabled = false;
    }
  }

  drawRows();
  return h(
    'div',
    { class: 'mapping-form' },
    h('div', { class: 'field-row' }, h('label', { for: `${o.id}-layout` }, t('mapping.kind')), layoutSelect),
    h('p', { class: 'muted' }, t('mapping.requiredNote')),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'data mapping-table', 'data-testid': `${o.id}-table` },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, t('mapping.header')),
            o.samples.length ? h('th', { scope: 'col' }, t('mapping.samples')) : null,
            h('th', { scope: 'col' }, t('mapping.field')),
          ),
        ),
        tbody,
      ),
    ),
    problems,
    error,
    h('div', { class: 'actions start' }, saveBtn, button(t('import.cancel'), o.onCancel, { 'data-testid': `${o.id}-cancel` })),
  );
}

/** The remembered mappings, each with Edit and Forget; loads itself and redraws after each change. */
export function rememberedMappings(): { el: HTMLElement; reload(): void } {
  const body = h('div', { class: 'remembered-body' });
  const summary = h('summary', { 'data-testid': 'remembered-mappings-toggle' }, t('mapping.saved.title'));
  const el = h(
    'details',
    { class: 'card pad remembered-mappings', 'data-testid': 'remembered-mappings' },
    summary,
    h('p', { class: 'muted' }, t('mapping.saved.intro')),
    body,
  );

  function failed(e: unknown): void {
    body.prepend(h('p', { class: 'notice error', role: 'alert' }, toBackendError(e).message));
  }

  function draw(m: Mappings): void {
    summary.textContent = `${t('mapping.saved.title')} (${m.saved.length})`;
    if (m.saved.length === 0) {
      body.replaceChildren(h('p', { 'data-testid': 'remembered-none' }, t('mapping.saved.none')));
      return;
    }
    const rows = m.saved.map((saved, n) => {
      const edit = button(
        t('mapping.saved.edit'),
        () => {
          const form = mappingForm({
            id: `edit-mapping-${n}`,
            layouts: m.layouts,
            headers: saved.headers,
            samples: [],
            initial: saved.choice,
            saveLabel: t('mapping.saved.update'),
            onSave: async (layout, columns) => draw(await editMapping(saved.signature, layout, columns)),
            onCancel: () => draw(m),
          });
          body.replaceChildren(h('h4', {}, t('mapping.saved.editTitle')), h('p', { class: 'muted mono' }, saved.headers.join(' | ')), form);
          form.querySelector('select')?.focus();
        },
        { 'data-testid': `mapping-edit-${n}` },
      );
      const actions = h('td', { class: 'actions-cell' });
      const forget = button(
        t('mapping.saved.forget'),
        () => {
          // Asked in the row itself: no browser dialog.
          const yes = button(t('mapping.saved.forget'), () => forgetMapping(saved.signature).then(draw, failed), {
            class: 'btn danger',
            'data-testid': `mapping-forget-confirm-${n}`,
          });
          actions.replaceChildren(h('span', { role: 'alert' }, t('mapping.saved.forgetAsk')), ' ', yes, ' ', button(t('import.cancel'), () => draw(m)));
          yes.focus();
        },
        { 'data-testid': `mapping-forget-${n}`, class: 'btn danger' },
      );
      actions.append(edit, ' ', forget);
      return h(
        'tr',
        { 'data-testid': `mapping-row-${n}` },
        h('td', { class: 'mono wrap' }, saved.headers.join(' | ')),
        h('td', {}, saved.layout_label),
        h('td', { class: 'nowrap' }, saved.saved_at),
        actions,
      );
    });
    body.replaceChildren(
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'data', 'data-testid': 'remembered-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, t('mapping.saved.headers')),
              h('th', { scope: 'col' }, t('mapping.saved.layout')),
              h('th', { scope: 'col' }, t('mapping.saved.when')),
              h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('history.actions'))),
            ),
          ),
          h('tbody', {}, ...rows),
        ),
      ),
    );
  }

  const load = () => listMappings().then(draw, failed);
  el.addEventListener('toggle', () => {
    if (el.open) void load();
  });
  void load();
  return { el, reload: () => void load() };
}
