//! Import: read workbooks → validate → write the store in one transaction.
//!
//! Rows are streamed from each sheet, converted to typed values in Rust and
//! appended to temporary staging tables; every cross-row rule (duplicate keys,
//! unknown products, invoice conflicts, totals) is then checked set-wise in SQL
//! (`sql/import_checks.sql`), so memory stays bounded whatever the file size.
//! Nothing touches the store's tables until every check has passed.

pub mod errors_out;
pub mod history;
pub mod layout;
pub mod mappings;
mod staging;
pub use staging::Problem;
use staging::{split_params, Source, StagedMeta};
pub mod suggest;

use crate::error::{CoreError, Result};
use crate::import::layout::FieldType;
use crate::import::mappings::SavedMapping;
use crate::import::staging::{line_digest, InvoiceKeys, StageBuffer, Stager, Val};
use crate::messages::{Lang, Text};
use crate::read::cells::{self, CellValue, DateEvidence, DayOrder};
use crate::read::cells::{Row, NEXT, STOP};
use crate::read::input::InputFile;
use crate::read::workbook::Workbook;
use crate::store::Store;
use duckdb::params;
use layout::{HeaderMap, SheetKind};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Rows before which a header must be found (title rows above it are skipped).
const HEADER_SEARCH_ROWS: u32 = 30;
/// Problems kept in a report per severity; the rest are counted.
const MAX_REPORTED_PROBLEMS: usize = 10_000;
/// Progress is reported every this many rows.
const PROGRESS_EVERY: u64 = 5_000;
/// DuckDB's memory during an import, in MB (SPEC §7: the whole process within
/// twice what DuckDB's own `read_xlsx` takes): the staged rows, the checks and
/// the writes spill to disk beyond it, so a large workbook never takes the
/// machine's memory. At 80 MB the 1,000,000-line workbook's import peaks at
/// ~166 MB, whole process, and takes ~10 % longer than unbounded (~356 MB;
/// BENCHMARKS.md). An import that needs more is run again with more.
const IMPORT_MEMORY_LIMIT_MB: u64 = 80;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    pub skip_invalid: bool,
    /// Write the rejected rows, with their problems beside them, to this workbook.
    pub errors_out: Option<PathBuf>,
    /// DuckDB's memory for the first attempt, in MB (None: the usual 80 MB).
    /// Tests give a small one to run the attempts that follow an exhausted one.
    pub first_memory_mb: Option<u64>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Reading,
    Validating,
    Writing,
    Refreshing,
    Done,
}

#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub phase: Phase,
    pub file: String,
    pub rows: u64,
    pub total_estimate: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counts {
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct TableCounts {
    pub products: Counts,
    pub stock: Counts,
    pub clients: Counts,
    pub invoices: Counts,
    pub lines: Counts,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Written to the store.
    Imported,
    /// Everything was already in the store; nothing written.
    NothingToChange,
    /// Errors blocked the import; nothing written.
    Rejected,
    /// A dry run: nothing written by design.
    DryRun,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub import_id: Option<i64>,
    pub files: Vec<String>,
    pub counts: TableCounts,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
    pub error_count: u64,
    pub warning_count: u64,
    pub outcome: Outcome,
    /// The remembered column mappings this import used (SPEC §2.2), so the
    /// preview can say so.
    pub mappings_used: Vec<MappingUse>,
    /// Files whose very content an earlier import already brought (same SHA-256).
    pub already_imported: Vec<EarlierImport>,
}

/// A file already imported, byte for byte.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EarlierImport {
    pub file: String,
    pub import_id: i64,
    pub imported_at: String,
}

impl ImportReport {
    /// Renders every problem's sentence in `lang` (for the app's screens).
    pub fn localize(&mut self, lang: Lang) {
        for p in self.errors.iter_mut().chain(self.warnings.iter_mut()) {
            p.message = crate::messages::render(&p.code, &p.params, lang);
        }
    }
}

/// A remembered mapping applied to a sheet whose header Comptoir does not recognise.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MappingUse {
    pub file: String,
    pub sheet: String,
    pub signature: String,
    pub kind: SheetKind,
}

struct Importer<'a> {
    store: &'a Store,
    /// Column mappings the user confirmed, by header signature.
    mappings: HashMap<String, SavedMapping>,
    sources: Vec<Source>,
    mappings_used: Vec<MappingUse>,
    progress: &'a mut dyn FnMut(Progress),
    rows_read: u64,
    estimate: Estimate,
    /// Staged rows not yet a full batch, by sheet kind.
    stages: HashMap<SheetKind, StageBuffer>,
    /// Hands the full batches to DuckDB.
    stager: Stager,
    /// Sources, columns and problems on their way to their staging tables.
    meta: StagedMeta,
    /// The day/month order each date column proved in this import's latest
    /// sheet that had text dates in it: the first guess for the next sheet.
    date_orders: HashMap<&'static str, DayOrder>,
    invoice_keys: InvoiceKeys,
}

/// The estimated total rows of an import, for progress: the rows the open
/// file declares, plus the files not opened yet at the rows per byte seen so far.
#[derive(Default)]
struct Estimate {
    bytes_total: u64,
    bytes_opened: u64,
    rows_before_file: u64,
    file_rows: Option<u64>,
}

impl Estimate {
    fn total(&self, rows_read: u64) -> Option<u64> {
        let opened_rows = self.rows_before_file + self.file_rows?;
        let unopened = self.bytes_total.saturating_sub(self.bytes_opened);
        let rest = (unopened as f64 * opened_rows as f64 / self.bytes_opened.max(1) as f64) as u64;
        Some((opened_rows + rest).max(rows_read))
    }
}

/// Imports `paths` as one import (SPEC §3); each file is opened once.
pub fn import_files(store: &Store, paths: &[PathBuf], options: &ImportOptions, progress: &mut dyn FnMut(Progress)) -> Result<ImportReport> {
    let inputs = paths.iter().map(|p| InputFile::open(p)).collect::<Result<Vec<_>>>()?;
    import_inputs(store, &inputs, options, progress)
}

/// Imports files already opened and checked as one import (SPEC §3).
pub fn import_inputs(
    store: &Store,
    inputs: &[Arc<InputFile>],
    options: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport> {
    if inputs.is_empty() {
        return Err(CoreError::Usage("No file to import was given.".into()));
    }
    if let Some(out) = &options.errors_out {
        refuse_overwriting_an_input(out, inputs)?;
    }
    // A very large import (a few million lines) may need more than the usual
    // limit in its checks and writes; it is then run again from the start with
    // twice the memory, up to the desktop limit. Nothing was written: its
    // staging is temporary and its writes one transaction.
    let mut limit_mb = options.first_memory_mb.unwrap_or(IMPORT_MEMORY_LIMIT_MB);
    loop {
        match store.with_memory_limit(&format!("{limit_mb}MB"), || import_once(store, inputs, options, &mut *progress)) {
            Err(e) if e.is_out_of_memory() && limit_mb < crate::store::MEMORY_LIMIT_MB => {
                let more = (limit_mb * 2).min(crate::store::MEMORY_LIMIT_MB);
                tracing::warn!("the import needed more than {limit_mb} MB ({e}); it runs again with {more} MB");
                limit_mb = more;
            }
            other => return other,
        }
    }
}

/// One attempt at an import, under the memory limit the caller set.
fn import_once(
    store: &Store,
    inputs: &[Arc<InputFile>],
    options: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport> {
    let conn = store.conn();
    conn.execute_batch(include_str!("sql/import_staging.sql"))?;
    // The checks name the staged tables without their database: it follows
    // the store's on the search path (the store stays the default database).
    let store_db: String = conn.query_row("SELECT current_database()", [], |r| r.get(0))?;
    let store_db = store_db.replace('"', "\"\"").replace('\'', "''");
    let search_path = format!("SET search_path = '\"{store_db}\",{}'", layout::STAGE_DB);
    store.with_setting(&search_path, "RESET search_path", || {
        for kind in SheetKind::ALL {
            conn.execute_batch(&kind.staging_sql())?;
        }
        let mappings = crate::import::mappings::load_all(store)?;
        let bytes_total = inputs.iter().map(|i| i.len()).sum();
        let estimate = Estimate { bytes_total, ..Estimate::default() };
        let mut importer = Importer {
            store,
            mappings,
            sources: Vec::new(),
            mappings_used: Vec::new(),
            progress,
            rows_read: 0,
            estimate,
            date_orders: HashMap::new(),
            meta: StagedMeta::default(),
            stages: HashMap::new(),
            stager: Stager::start(conn.try_clone()?),
            invoice_keys: InvoiceKeys::default(),
        };
        // DuckDB on one thread while the rows are staged: the staging is this
        // thread's appends, and a second DuckDB thread only takes the core
        // the reading children parse on (~0.2 s of CPU for a million lines).
        let staged = store.with_one_thread(|| {
            let files = inputs.iter().map(|input| importer.stage_file(input)).collect::<Result<Vec<_>>>();
            // (stopped however the staging ended: the stage is let go below)
            let stopped = importer.flush_buffers().and(importer.stager.finish());
            let files = files?;
            stopped?;
            importer.meta.append(conn)?;
            Ok(files)
        });
        // The keys live in the staged rows now: their memory goes back before the checks.
        importer.invoice_keys = InvoiceKeys::default();
        let report = staged.and_then(|file_meta| {
            importer.report(Phase::Validating, "");
            importer.validate_and_write(&file_meta, options)
        });
        conn.execute_batch(include_str!("sql/import_cleanup.sql"))?;
        let report = report?;
        importer.report(Phase::Done, "");
        Ok(report)
    })
}

/// A file as an import records it (its history shows the name; the SHA-256
/// says whether the same content comes again).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileMeta {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

impl Importer<'_> {
    fn report(&mut self, phase: Phase, file: &str) {
        let total_estimate = self.estimate.total(self.rows_read);
        (self.progress)(Progress { phase, file: file.to_string(), rows: self.rows_read, total_estimate });
    }

    fn stage_file(&mut self, input: &Arc<InputFile>) -> Result<FileMeta> {
        let name = input.name().to_string();
        let sha256 = input.sha256()?;
        let mut book = Workbook::from_input(Arc::clone(input))?;
        self.estimate.rows_before_file = self.rows_read;
        self.estimate.bytes_opened += input.len();
        let earlier_bytes = self.estimate.bytes_opened - input.len();
        self.estimate.file_rows = book.estimated_rows().or_else(|| {
            // Unknown: assume this file has the rows per byte of the earlier ones.
            (self.rows_read > 0).then(|| (self.rows_read as f64 * input.len() as f64 / earlier_bytes.max(1) as f64) as u64)
        });
        self.report(Phase::Reading, &name);
        let first_source = self.sources.len();
        let sheets = book.sheet_names();
        for (i, sheet) in sheets.iter().enumerate() {
            if let Some(next) = sheets.get(i + 1) {
                book.read_ahead(next);
            }
            self.stage_sheet(&mut book, &name, sheet)?;
        }
        match &self.sources[first_source..] {
            [] => return Err(CoreError::NoKnownSheet { file: name }),
            [only] if is_flat_export(only, &input.extension()) => self.meta.mark_flat(first_source as i32),
            _ => {}
        }
        Ok(FileMeta { name, sha256, bytes: input.len() })
    }

    /// Stages one sheet; returns false when it is not one of ours.
    fn stage_sheet(&mut self, book: &mut Workbook, file: &str, sheet: &str) -> Result<bool> {
        // Text dates decide day/month order per column over the whole column
        // (month-first when some dates can only be month-first and none only
        // day-first; else day-first). A first pass reads each column in the
        // order the import's previous sheet proved (day-first at first); if the
        // column proves the other order, the sheet is read again. A folder of
        // daily exports is thus read once a file, not twice.
        let mut orders = self.date_orders.clone();
        let rows_at_start = self.rows_read;
        for attempt in 0..2 {
            self.rows_read = rows_at_start; // a second pass reads the same rows again
            let src = self.sources.len() as i32;
            let outcome = self.stage_sheet_pass(book, file, sheet, src, &orders)?;
            let Some((header, evidence)) = outcome else { return Ok(false) };
            let proved: HashMap<&'static str, DayOrder> = evidence
                .iter()
                .map(|(c, e)| (*c, if e.month_first > 0 && e.day_first == 0 { DayOrder::MonthFirst } else { DayOrder::DayFirst }))
                .collect();
            let read_otherwise = proved.iter().any(|(c, order)| orders.get(c).copied().unwrap_or(DayOrder::DayFirst) != *order);
            self.date_orders.extend(proved.iter().map(|(c, order)| (*c, *order)));
            if attempt == 0 && read_otherwise {
                self.unstage(src)?;
                orders.extend(proved);
                continue;
            }
            for (column, e) in &evidence {
                if e.ambiguous > 0 && e.day_first == 0 && e.month_first == 0 {
                    let col = header.index_of(column).unwrap_or(0);
                    let text = Text::new("ambiguous_dates", [cells::column_letters(col)]);
                    self.add_problem(src, header.row, column, "", &text, "warning")?;
                }
            }
            for (col, text) in &header.unknown {
                let warning = Text::new("unknown_column", [text.clone(), cells::column_letters(*col)]);
                self.add_problem(src, header.row, text, text, &warning, "warning")?;
            }
            // (stg_sources.carries_lines: an Invoices sheet with one row per line)
            self.meta.source(src, file, sheet, header.kind == SheetKind::Invoices && carries_lines(&header));
            let named = header.columns.iter().map(|(c, n)| (*c, n.to_string()));
            for (col, name) in named.chain(header.unknown.iter().cloned()) {
                self.meta.column(src, name, col);
            }
            self.sources.push(Source { input: Arc::clone(book.input()), sheet: sheet.to_string(), header });
            return Ok(true);
        }
        unreachable!("the second pass always returns")
    }

    fn unstage(&mut self, src: i32) -> Result<()> {
        self.flush_buffers()?;
        let conn = self.store.conn();
        self.invoice_keys.forget(conn, src)?;
        for kind in SheetKind::ALL {
            conn.execute(&format!("DELETE FROM {} WHERE src = ?", kind.staging_table()), params![src])?;
        }
        conn.execute("DELETE FROM stg_problems WHERE src = ?", params![src])?;
        self.meta.forget_problems(src);
        Ok(())
    }

    #[allow(clippy::type_complexity)]
    fn stage_sheet_pass(
        &mut self,
        book: &mut Workbook,
        file: &str,
        sheet: &str,
        src: i32,
        orders: &HashMap<&'static str, DayOrder>,
    ) -> Result<Option<(HeaderMap, HashMap<&'static str, Evidence>)>> {
        let named_kind = SheetKind::from_sheet_name(sheet);
        let mut header: Option<HeaderMap> = None;
        let mut evidence: HashMap<&'static str, Evidence> = HashMap::new();
        let mut staging: Option<Staging> = None;
        let mut problems: Vec<(u32, &'static str, String, Text)> = Vec::new();
        let mut mapping_used = None;
        let progress = &mut *self.progress;
        let estimate = &self.estimate;
        let stages = &mut self.stages;
        let stager = &mut self.stager;
        let rows_read = &mut self.rows_read;
        let mappings = &self.mappings;
        let invoice_keys = &mut self.invoice_keys;
        let sources = &self.sources;
        let dates = DateBounds::today();
        // A row's converted values, in one vector for the whole sheet.
        let mut values: Vec<Val> = Vec::new();
        book.for_each_row_pipelined(sheet, &mut |mut row: Row| {
            if header.is_none() {
                if row.index >= HEADER_SEARCH_ROWS {
                    return Ok(STOP);
                }
                let texts = row.texts();
                // A header Comptoir recognises is read as such; a remembered
                // mapping only ever applies to one it does not (SPEC §2.2).
                let recognised = match named_kind {
                    Some(k) => layout::header_for(k, row.index, &texts),
                    None => layout::guess_header(row.index, &texts),
                };
                header = recognised.or_else(|| {
                    let confirmed = mappings.get(&crate::import::mappings::signature(&texts))?;
                    mapping_used = Some(MappingUse {
                        file: file.to_string(),
                        sheet: sheet.to_string(),
                        signature: confirmed.signature.clone(),
                        kind: confirmed.kind,
                    });
                    Some(confirmed.header_map(row.index, &texts))
                });
                if let Some(h) = &header {
                    let plan = h
                        .kind
                        .staged_fields()
                        .into_iter()
                        .map(|(name, ty)| FieldPlan {
                            name,
                            ty,
                            col: h.index_of(name),
                            required: is_required(h.kind, name),
                            order: orders.get(name).copied().unwrap_or(DayOrder::DayFirst),
                        })
                        .collect();
                    // Rows of other kinds are committed and their appenders let go: a
                    // workbook's earlier sheets hold no memory while its next one is read.
                    for kind in stages.keys().filter(|k| **k != h.kind) {
                        stager.commit(*kind)?;
                    }
                    let stage = stages.remove(&h.kind).unwrap_or_else(|| StageBuffer::new(h.kind));
                    staging = Some(Staging { stage, plan, carries_lines: carries_lines(h) });
                }
                return Ok(NEXT);
            }
            let Staging { stage, plan, carries_lines } = staging.as_mut().expect("staging starts with the header");
            let row_index = row.index;
            values.clear();
            let mut ok = true;
            for field in plan.iter() {
                if field.ty == FieldType::LineDigest {
                    values.push(digest_of(plan, &values));
                    continue;
                }
                if field.ty == FieldType::InvoiceKey {
                    let invoice_id = match plan.iter().zip(&values).find(|(f, _)| f.name == "invoice_id") {
                        Some((_, Val::Str(Some(id)))) => Some(id.as_str()),
                        _ => None,
                    };
                    let key = invoice_id.map(|id| (id, invoice_keys.key(id)));
                    // (a Lines sheet's rows are never heads)
                    if let Some((id, key)) = key.filter(|_| stage.kind() == SheetKind::Invoices) {
                        if let Some((first_src, first_row)) = invoice_keys.head(key, src, row_index, *carries_lines) {
                            let first_sheet = if first_src == src { sheet } else { sources[first_src as usize].sheet.as_str() };
                            let params = [id.to_string(), first_sheet.to_string(), (first_row + 1).to_string()];
                            problems.push((row_index, "invoice_id", id.to_string(), Text::new("duplicate_invoice", params)));
                        }
                    }
                    values.push(Val::Int(key.map(|(_, key)| key)));
                    continue;
                }
                if field.ty == FieldType::LineNo {
                    let line_no = match values.last() /* the invoice's key */ {
                        Some(Val::Int(Some(key))) if *carries_lines => Some(invoice_keys.next_line(*key)),
                        _ => None,
                    };
                    values.push(Val::Int(line_no));
                    continue;
                }
                let mut absent = CellValue::Empty;
                let cell = field.col.and_then(|c| row.get_mut(c)).unwrap_or(&mut absent);
                if let (CellValue::Text(t), FieldType::Date | FieldType::DateTime) = (&*cell, field.ty) {
                    evidence.entry(field.name).or_default().add(cells::date_evidence(t));
                }
                let taken = match field.ty {
                    FieldType::Id => cells::take_clean_text(cell, true),
                    FieldType::Text => cells::take_clean_text(cell, false),
                    _ => None,
                };
                let converted = match taken {
                    Some(text) => Ok(Val::Str(Some(text))),
                    None => convert(cell, field.ty, field.order, dates),
                };
                match converted {
                    Ok(v) => {
                        if field.required && v.is_null() {
                            ok = false;
                            problems.push((row_index, field.name, String::new(), Text::new("required", [field.name.to_string()])));
                        }
                        values.push(v);
                    }
                    Err(msg) => {
                        ok = false;
                        problems.push((row_index, field.name, cell.display(), msg));
                        values.push(field.ty.null());
                    }
                }
            }
            stage.push(stager, src, row.index, ok, &mut values)?;
            *rows_read += 1;
            if (*rows_read).is_multiple_of(PROGRESS_EVERY) {
                let total_estimate = estimate.total(*rows_read);
                progress(Progress { phase: Phase::Reading, file: file.to_string(), rows: *rows_read, total_estimate });
            }
            Ok(NEXT)
        })?;
        // Full batches went to the stager; the last rows wait in the buffer
        // for the next sheet of the same kind.
        if let Some(Staging { stage, .. }) = staging {
            self.stages.insert(stage.kind(), stage);
        }
        let Some(header) = header else { return Ok(None) };
        if let Some(used) = mapping_used {
            // The second pass (month-first dates) uses the same mapping again.
            if !self.mappings_used.contains(&used) {
                self.mappings_used.push(used);
            }
        }
        for (row, column, value, text) in problems {
            self.add_problem(src, row, column, &value, &text, "error")?;
        }
        Ok(Some((header, evidence)))
    }

    /// Hands every staged row still buffered to DuckDB.
    fn flush_buffers(&mut self) -> Result<()> {
        for stage in self.stages.values_mut() {
            stage.flush(&mut self.stager)?;
        }
        self.stager.sync()
    }

    fn add_problem(&mut self, src: i32, row: u32, column: &str, value: &str, text: &Text, severity: &'static str) -> Result<()> {
        self.meta.problem(self.store.conn(), (src, row), column, value, text, severity)
    }

    /// Renders the English sentence of each problem the SQL checks found
    /// (one rendering per distinct code and parameters).
    fn render_messages(&self) -> Result<()> {
        let conn = self.store.conn();
        conn.execute_batch("CREATE OR REPLACE TEMP TABLE stg_texts (code VARCHAR, params VARCHAR, message VARCHAR)")?;
        let mut stmt = conn.prepare("SELECT DISTINCT code, params FROM stg_problems WHERE message IS NULL")?;
        let pending = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut texts = conn.appender_to_catalog_and_db("stg_texts", "temp", "main")?;
        for row in pending {
            let (code, joined) = row?;
            let message = crate::messages::render(&code, &split_params(&joined), Lang::En);
            texts.append_row(params![code, joined, message])?;
        }
        texts.flush()?;
        drop(texts);
        conn.execute_batch(
            "UPDATE stg_problems p SET message = t.message FROM stg_texts t
             WHERE p.message IS NULL AND p.code = t.code AND p.params = t.params",
        )?;
        Ok(())
    }

    fn validate_and_write(&mut self, files: &[FileMeta], options: &ImportOptions) -> Result<ImportReport> {
        let conn = self.store.conn();
        conn.execute_batch(include_str!("sql/import_checks.sql"))?;
        self.render_messages()?;
        let counts = self.read_counts()?;
        let (errors, error_count) = self.read_problems("error")?;
        let (warnings, warning_count) = self.read_problems("warning")?;
        if let Some(out) = &options.errors_out {
            let lang = Lang::from_setting(&crate::store::settings::get(self.store, "language")?);
            crate::import::errors_out::write(self.store.conn(), &self.sources, out, lang)?;
        }
        let mut report = ImportReport {
            import_id: None,
            files: files.iter().map(|f| f.name.clone()).collect(),
            counts,
            errors,
            warnings,
            error_count,
            warning_count,
            outcome: Outcome::DryRun,
            mappings_used: self.mappings_used.clone(),
            already_imported: self.already_imported(files)?,
        };
        if options.dry_run {
            return Ok(report);
        }
        if error_count > 0 && !options.skip_invalid {
            report.outcome = Outcome::Rejected;
            return Ok(report);
        }
        let c = &report.counts;
        let tables = [&c.products, &c.stock, &c.clients, &c.invoices, &c.lines];
        let changes: u64 = tables.iter().map(|t| t.new + t.updated).sum();
        let rejected: u64 = tables.iter().map(|t| t.rejected).sum();
        if changes == 0 {
            report.outcome = if error_count > 0 { Outcome::Rejected } else { Outcome::NothingToChange };
            return Ok(report);
        }
        self.report(Phase::Writing, "");
        let import_id: i64 = conn.query_row("SELECT coalesce(max(import_id), 0) + 1 FROM imports", [], |r| r.get(0))?;
        let files_json = serde_json::to_string(files).expect("file list serialises");
        let counts_json = serde_json::to_string(&report.counts).expect("counts serialise");
        crate::store::in_transaction(conn, |conn| {
            conn.execute("SET VARIABLE import_id = ?", params![import_id])?;
            conn.execute_batch(include_str!("sql/import_write.sql"))?;
            crate::store::add_staged_sales_aggregates(conn, import_id)?;
            conn.execute(
                "INSERT INTO imports (import_id, imported_at, files, file_names, counts, errors, warnings, rejected)
                 VALUES (?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?)",
                params![
                    import_id,
                    files_json,
                    report.files.join(", "),
                    counts_json,
                    error_count as i64,
                    warning_count as i64,
                    rejected as i64
                ],
            )?;
            Ok(())
        })?;
        // Fold the WAL into the file now, while no schema change is pending. The
        // import is committed: if this fails, the WAL keeps it until DuckDB folds it later.
        if let Err(e) = conn.execute_batch("CHECKPOINT") {
            tracing::warn!("import #{import_id} is committed; folding the log into the store failed and waits: {e}");
        }
        report.import_id = Some(import_id);
        report.outcome = Outcome::Imported;
        Ok(report)
    }

    fn already_imported(&self, files: &[FileMeta]) -> Result<Vec<EarlierImport>> {
        let known = crate::import::history::earlier_imports(self.store)?;
        Ok(files
            .iter()
            .filter_map(|f| {
                let (import_id, imported_at) = known.get(&f.sha256)?.clone();
                Some(EarlierImport { file: f.name.clone(), import_id, imported_at })
            })
            .collect())
    }

    fn read_counts(&self) -> Result<TableCounts> {
        let mut counts = TableCounts::default();
        let mut stmt = self.store.conn().prepare("SELECT tbl, new, updated, unchanged, rejected FROM import_counts")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?, r.get::<_, i64>(4)?))
        })?;
        for row in rows {
            let (tbl, new, updated, unchanged, rejected) = row?;
            let c = Counts { new: new as u64, updated: updated as u64, unchanged: unchanged as u64, rejected: rejected as u64 };
            match tbl.as_str() {
                "products" => counts.products = c,
                "stock" => counts.stock = c,
                "clients" => counts.clients = c,
                "invoices" => counts.invoices = c,
                "lines" => counts.lines = c,
                _ => {}
            }
        }
        Ok(counts)
    }

    fn read_problems(&self, severity: &str) -> Result<(Vec<Problem>, u64)> {
        let conn = self.store.conn();
        let total: i64 = conn.query_row("SELECT count(*) FROM stg_problems WHERE severity = ?", params![severity], |r| r.get(0))?;
        let mut stmt = conn.prepare(
            "SELECT o.file, o.sheet, coalesce(c.letter, 'A') || (p.row_no + 1), p.col, p.val, p.message,
                    p.code, coalesce(p.params, '')
             FROM stg_problems p
             JOIN stg_sources o USING (src)
             LEFT JOIN stg_columns c ON c.src = p.src AND c.name = p.col
             WHERE p.severity = ?
             ORDER BY p.src, p.row_no, c.idx NULLS FIRST
             LIMIT ?",
        )?;
        let rows = stmt.query_map(params![severity, MAX_REPORTED_PROBLEMS as i64], |r| {
            Ok(Problem {
                file: r.get(0)?,
                sheet: r.get(1)?,
                cell: r.get(2)?,
                column: r.get(3)?,
                value: r.get(4)?,
                message: r.get(5)?,
                code: r.get(6)?,
                params: split_params(&r.get::<_, String>(7)?),
            })
        })?;
        Ok((rows.collect::<duckdb::Result<Vec<_>>>()?, total as u64))
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Evidence {
    day_first: u64,
    month_first: u64,
    ambiguous: u64,
}

impl Evidence {
    fn add(&mut self, e: DateEvidence) {
        match e {
            DateEvidence::DayFirstOnly => self.day_first += 1,
            DateEvidence::MonthFirstOnly => self.month_first += 1,
            DateEvidence::Ambiguous => self.ambiguous += 1,
            DateEvidence::None => {}
        }
    }
}

/// A sheet being staged: its table's stage and how each field is read.
struct Staging {
    stage: StageBuffer,
    plan: Vec<FieldPlan>,
    /// Its rows are invoice lines (a Lines sheet, or an Invoices sheet with one row per line).
    carries_lines: bool,
}

/// Whether a sheet's rows are invoice lines: a Lines sheet, or an Invoices
/// sheet with one row per line (it has products and quantities).
fn carries_lines(header: &HeaderMap) -> bool {
    match header.kind {
        SheetKind::InvoiceLines => true,
        SheetKind::Invoices => header.index_of("product_id").is_some() && header.index_of("qty").is_some(),
        _ => false,
    }
}

/// How one staged field is read from a sheet whose header is known.
struct FieldPlan {
    name: &'static str,
    ty: FieldType,
    /// The sheet column holding it, if any.
    col: Option<u32>,
    required: bool,
    order: DayOrder,
}

/// The line digest of the values converted so far in a row.
fn digest_of(plan: &[FieldPlan], values: &[Val]) -> Val {
    let find = |wanted: &str| plan.iter().zip(values).find(|(f, _)| f.name == wanted).map(|(_, v)| v);
    let decimal = |v: Option<&Val>| match v {
        Some(Val::Dec(d)) => *d,
        _ => None,
    };
    let product = match find("product_id") {
        Some(Val::Str(s)) => s.as_deref(),
        _ => None,
    };
    Val::Digest(line_digest(product, decimal(find("qty")), decimal(find("unit_price"))))
}

/// Whether a file's only recognised sheet is a flat sales export (SPEC §2.2),
/// which alone may bring products and clients of its own: one row per sold
/// line, in a text file or in a sheet not named as the template's Invoices
/// sheet. A normalised workbook (SPEC §2.1) never does: an unknown product
/// there is a typo, an error at its cell (SPEC §3).
fn is_flat_export(source: &Source, extension: &str) -> bool {
    source.header.kind == SheetKind::Invoices
        && carries_lines(&source.header)
        && (crate::read::workbook::DELIMITED.contains(&extension) || SheetKind::from_sheet_name(&source.sheet) != Some(SheetKind::Invoices))
}

fn is_required(kind: SheetKind, column: &str) -> bool {
    kind.columns().iter().any(|c| c.name == column && c.required)
}

/// Amounts and quantities beyond this are typing accidents, and beyond the store's columns.
const MAX_MAGNITUDE: i64 = 1_000_000_000_000;
/// Margin rates at or beyond 10,000 % are typing accidents (and beyond DECIMAL(9, 4)).
const MAX_RATE: i64 = 100;

fn checked_decimal(cell: &CellValue) -> std::result::Result<Option<Decimal>, Text> {
    let d = cells::to_decimal(cell)?;
    match d {
        Some(v) if v.abs() >= Decimal::from(MAX_MAGNITUDE) => Err(Text::new("too_large", [v.to_string()])),
        other => Ok(other),
    }
}

/// The dates a cell may hold (SPEC §3): from 1990-01-01 to one year after
/// today; anything else is a typing accident (9999-12-31 would move as_of).
#[derive(Clone, Copy)]
struct DateBounds {
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
}

impl DateBounds {
    fn today() -> DateBounds {
        let today = chrono::Local::now().date_naive();
        DateBounds {
            first: chrono::NaiveDate::from_ymd_opt(1990, 1, 1).expect("a valid date"),
            last: today.checked_add_months(chrono::Months::new(12)).unwrap_or(today),
        }
    }

    fn check(self, day: Option<chrono::NaiveDate>) -> std::result::Result<(), Text> {
        match day {
            Some(d) if d < self.first => Err(Text::new("date_too_early", [d.to_string()])),
            Some(d) if d > self.last => Err(Text::new("date_too_late", [d.to_string(), self.last.to_string()])),
            _ => Ok(()),
        }
    }
}

fn convert(cell: &CellValue, ty: FieldType, order: DayOrder, dates: DateBounds) -> std::result::Result<Val, Text> {
    Ok(match ty {
        FieldType::Id => Val::Str(cells::to_id(cell)?),
        FieldType::Text => Val::Str(cells::to_text(cell)?),
        FieldType::Decimal { .. } => Val::Dec(checked_decimal(cell)?),
        // A margin typed as 15 means 15 %; as 0.15 or 15% it already is a rate.
        FieldType::Rate => Val::Dec(match checked_decimal(cell)? {
            Some(d) => {
                let rate = if d.abs() > Decimal::ONE { d / Decimal::from(100) } else { d };
                if rate.abs() >= Decimal::from(MAX_RATE) {
                    return Err(Text::new("not_a_rate", [d.to_string()]));
                }
                Some(rate)
            }
            None => None,
        }),
        FieldType::Date => {
            let day = cells::to_date(cell, order)?;
            dates.check(day)?;
            Val::Date(day)
        }
        FieldType::DateTime => {
            let at = cells::to_datetime(cell, order)?;
            dates.check(at.map(|t| t.date()))?;
            Val::Ts(at)
        }
        FieldType::LineDigest | FieldType::InvoiceKey | FieldType::LineNo => ty.null(),
    })
}

/// An errors workbook written over one of the files being imported would
/// destroy it: refused before anything is read.
fn refuse_overwriting_an_input(out: &std::path::Path, inputs: &[Arc<InputFile>]) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let Ok(target) = std::fs::metadata(out) else { return Ok(()) };
    for input in inputs {
        let same = input.descriptor()?.metadata().is_ok_and(|m| m.dev() == target.dev() && m.ino() == target.ino());
        if same {
            return Err(CoreError::Usage(format!(
                "The errors workbook cannot be written over {}, one of the files being imported; choose another name.",
                input.name()
            )));
        }
    }
    Ok(())
}
