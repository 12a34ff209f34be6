//! Staging rows for an import: each sheet kind's typed columns, and a buffer
//! that turns converted rows into Arrow batches for DuckDB's appender (one C
//! call per vector of 2,048 rows instead of one per value).

use crate::error::{CoreError, Result};
use crate::import::layout::{FieldType, HeaderMap, SheetKind, RATE_SCALE};
use crate::read::input::InputFile;
use chrono::{NaiveDate, NaiveDateTime};
use duckdb::arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Decimal128Builder, Int32Builder, StringBuilder, TimestampMicrosecondBuilder, UInt64Builder,
};
use duckdb::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use duckdb::arrow::record_batch::RecordBatch;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::Arc;

/// A converted cell bound for a staging column.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Str(Option<String>),
    Dec(Option<Decimal>),
    Date(Option<NaiveDate>),
    Ts(Option<NaiveDateTime>),
    Digest(u64),
    /// A key or a line number (`inv_key`, `line_no`).
    Int(Option<i32>),
}

impl Val {
    pub fn is_null(&self) -> bool {
        match self {
            Val::Str(x) => x.is_none(),
            Val::Dec(x) => x.is_none(),
            Val::Date(x) => x.is_none(),
            Val::Ts(x) => x.is_none(),
            Val::Digest(_) => false,
            Val::Int(x) => x.is_none(),
        }
    }
}

impl FieldType {
    pub(crate) fn null(self) -> Val {
        match self {
            FieldType::Id | FieldType::Text => Val::Str(None),
            FieldType::Decimal { .. } | FieldType::Rate => Val::Dec(None),
            FieldType::Date => Val::Date(None),
            FieldType::DateTime => Val::Ts(None),
            FieldType::LineDigest => Val::Digest(0),
            FieldType::InvoiceKey | FieldType::LineNo => Val::Int(None),
        }
    }

    fn arrow_type(self) -> DataType {
        match self {
            FieldType::Id | FieldType::Text => DataType::Utf8,
            FieldType::Decimal { scale } => DataType::Decimal128(18, scale),
            FieldType::Rate => DataType::Decimal128(9, RATE_SCALE),
            FieldType::Date => DataType::Date32,
            FieldType::DateTime => DataType::Timestamp(TimeUnit::Microsecond, None),
            FieldType::LineDigest => DataType::UInt64,
            FieldType::InvoiceKey | FieldType::LineNo => DataType::Int32,
        }
    }
}

/// Rows buffered before they are handed to the stager: four of DuckDB's
/// vectors (the appender takes them a vector at a time). Four times fewer
/// batches than one vector each made the CSV folder's import ~5 % faster.
const BATCH_ROWS: usize = 8192;

enum Column {
    Str(StringBuilder),
    Dec(Decimal128Builder, u32),
    Date(Date32Builder),
    Ts(TimestampMicrosecondBuilder),
    Digest(UInt64Builder),
    Int(Int32Builder),
}

/// Converted rows of one sheet kind on their way to its staging table.
pub(crate) struct StageBuffer {
    kind: SheetKind,
    schema: SchemaRef,
    src: Int32Builder,
    row_no: Int32Builder,
    ok: BooleanBuilder,
    columns: Vec<Column>,
    rows: usize,
}

impl StageBuffer {
    pub fn new(kind: SheetKind) -> StageBuffer {
        let fields = kind.staged_fields();
        let mut schema = vec![
            Field::new("src", DataType::Int32, false),
            Field::new("row_no", DataType::Int32, false),
            Field::new("ok", DataType::Boolean, false),
        ];
        schema.extend(fields.iter().map(|(name, ty)| Field::new(*name, ty.arrow_type(), true)));
        let columns = fields
            .iter()
            .map(|(_, ty)| match ty.arrow_type() {
                DataType::Decimal128(p, s) => {
                    Column::Dec(Decimal128Builder::new().with_precision_and_scale(p, s).expect("valid decimal type"), s as u32)
                }
                DataType::Date32 => Column::Date(Date32Builder::new()),
                DataType::Timestamp(..) => Column::Ts(TimestampMicrosecondBuilder::new()),
                DataType::UInt64 => Column::Digest(UInt64Builder::new()),
                DataType::Int32 => Column::Int(Int32Builder::new()),
                _ => Column::Str(StringBuilder::new()),
            })
            .collect();
        StageBuffer {
            kind,
            schema: Arc::new(Schema::new(schema)),
            src: Int32Builder::new(),
            row_no: Int32Builder::new(),
            ok: BooleanBuilder::new(),
            columns,
            rows: 0,
        }
    }

    pub fn kind(&self) -> SheetKind {
        self.kind
    }

    /// Adds one row (`values` in `SheetKind::staged_fields` order, taken out:
    /// the caller reuses the vector); flushes a full batch.
    pub fn push(&mut self, stager: &mut Stager, src: i32, row_no: u32, ok: bool, values: &mut Vec<Val>) -> Result<()> {
        self.src.append_value(src);
        self.row_no.append_value(row_no as i32);
        self.ok.append_value(ok);
        for (column, value) in self.columns.iter_mut().zip(values.drain(..)) {
            match (column, value) {
                (Column::Str(b), Val::Str(v)) => b.append_option(v),
                (Column::Dec(b, scale), Val::Dec(v)) => b.append_option(v.map(|d| mantissa(d, *scale))),
                (Column::Date(b), Val::Date(v)) => b.append_option(v.map(days_since_epoch)),
                (Column::Ts(b), Val::Ts(v)) => b.append_option(v.map(|t| t.and_utc().timestamp_micros())),
                (Column::Digest(b), Val::Digest(v)) => b.append_value(v),
                (Column::Int(b), Val::Int(v)) => b.append_option(v),
                _ => unreachable!("values follow staged_fields"),
            }
        }
        self.rows += 1;
        if self.rows == BATCH_ROWS {
            self.flush(stager)?;
        }
        Ok(())
    }

    pub fn flush(&mut self, stager: &mut Stager) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut arrays: Vec<ArrayRef> = vec![Arc::new(self.src.finish()), Arc::new(self.row_no.finish()), Arc::new(self.ok.finish())];
        for column in &mut self.columns {
            arrays.push(match column {
                Column::Str(b) => Arc::new(b.finish()),
                Column::Dec(b, _) => Arc::new(b.finish()),
                Column::Date(b) => Arc::new(b.finish()),
                Column::Ts(b) => Arc::new(b.finish()),
                Column::Digest(b) => Arc::new(b.finish()),
                Column::Int(b) => Arc::new(b.finish()),
            });
        }
        let batch = RecordBatch::try_new(self.schema.clone(), arrays).expect("arrays follow the schema");
        self.rows = 0;
        stager.send(StageWork::Rows(self.kind, batch))
    }
}

/// The thread that hands staged rows to DuckDB, on a connection of its own,
/// while the importing thread reads and converts the next ones: DuckDB's
/// append (Arrow to its vectors) and the stage's compression no longer hold
/// up the conversion. Its appender for a kind commits every
/// `CHECKPOINT_ROWS` rows and when told (a sheet of another kind starts, or
/// the staged rows are about to be read or removed), each time followed by
/// a checkpoint of the stage that compresses what it committed
/// (`layout::STAGE_DB`, which every connection of the store sees).
pub(crate) struct Stager {
    work: Option<std::sync::mpsc::SyncSender<StageWork>>,
    thread: Option<std::thread::JoinHandle<Result<()>>>,
}

pub(crate) enum StageWork {
    Rows(SheetKind, RecordBatch),
    /// Commit what the kind's appender holds.
    Commit(SheetKind),
    /// Commit everything, then say so.
    Sync(std::sync::mpsc::SyncSender<()>),
}

/// Batches waiting for the stager (~2 MB of lines each).
const BATCHES_IN_FLIGHT: usize = 8;

/// Rows staged between two checkpoints of the stage: DuckDB's appender's own
/// flush (204,800 rows). Uncompressed, they are ~16 MB of lines.
const CHECKPOINT_ROWS: usize = 204_800;

impl Stager {
    pub fn start(conn: duckdb::Connection) -> Stager {
        let (work, queue) = std::sync::mpsc::sync_channel(BATCHES_IN_FLIGHT);
        let thread = std::thread::Builder::new().name("stager".into()).spawn(move || stage_all(&conn, queue)).expect("a thread starts");
        Stager { work: Some(work), thread: Some(thread) }
    }

    pub fn send(&mut self, work: StageWork) -> Result<()> {
        match self.work.as_ref().map(|w| w.send(work)) {
            Some(Ok(())) => Ok(()),
            Some(Err(_)) => self.finish().and(Err(stopped())),
            None => Err(stopped()),
        }
    }

    pub fn commit(&mut self, kind: SheetKind) -> Result<()> {
        self.send(StageWork::Commit(kind))
    }

    /// Returns once every row sent is committed and compressed.
    pub fn sync(&mut self) -> Result<()> {
        let (done, wait) = std::sync::mpsc::sync_channel(1);
        self.send(StageWork::Sync(done))?;
        wait.recv().or_else(|_| self.finish().and(Err(stopped())))
    }

    /// Lets the thread go once it has done what it was sent; its error, if it
    /// failed (it then stopped taking work).
    pub fn finish(&mut self) -> Result<()> {
        self.work = None;
        match self.thread.take() {
            None => Ok(()),
            Some(thread) => thread.join().unwrap_or_else(|_| Err(stopped())),
        }
    }
}

fn stopped() -> CoreError {
    CoreError::Store("the staging thread stopped".into())
}

impl Drop for Stager {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

fn stage_all(conn: &duckdb::Connection, queue: std::sync::mpsc::Receiver<StageWork>) -> Result<()> {
    // (each kind's open appender and the rows it took since its last commit)
    let mut open: HashMap<SheetKind, (duckdb::Appender<'_>, usize)> = HashMap::new();
    let commit = |open: &mut HashMap<SheetKind, (duckdb::Appender<'_>, usize)>, kind: SheetKind| -> Result<()> {
        if let Some((mut appender, rows)) = open.remove(&kind) {
            appender.flush()?;
            drop(appender);
            if rows > 0 {
                conn.execute_batch(&format!("CHECKPOINT {}", crate::import::layout::STAGE_DB))?;
            }
        }
        Ok(())
    };
    for work in queue {
        match work {
            StageWork::Rows(kind, batch) => {
                let rows = batch.num_rows();
                let (appender, taken) = match open.entry(kind) {
                    std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert((conn.appender_to_catalog_and_db(kind.staging_table(), crate::import::layout::STAGE_DB, "main")?, 0))
                    }
                };
                appender.append_record_batch(batch)?;
                *taken += rows;
                if *taken >= CHECKPOINT_ROWS {
                    commit(&mut open, kind)?;
                }
            }
            StageWork::Commit(kind) => commit(&mut open, kind)?,
            StageWork::Sync(done) => {
                for kind in SheetKind::ALL {
                    commit(&mut open, kind)?;
                }
                let _ = done.send(());
            }
        }
    }
    Ok(())
}

/// The decimal as an integer at `scale` digits, rounded half away from zero
/// (as DuckDB rounds when it narrows a decimal).
fn mantissa(d: Decimal, scale: u32) -> i128 {
    let mut r = d.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(scale);
    r.mantissa()
}

/// A stable 64-bit digest (FNV-1a) of a line's product, quantity and unit price
/// as written, at the staging scales. Summed per invoice (mod 2^64) it gives
/// an order-independent digest of the invoice's lines, computed while reading
/// instead of by aggregating strings in SQL.
pub(crate) fn line_digest(product_id: Option<&str>, qty: Option<Decimal>, unit_price: Option<Decimal>) -> u64 {
    let scaled = |d: Option<Decimal>, scale| d.map(|d| mantissa(d, scale).to_le_bytes());
    let (qty, price) = (scaled(qty, 3), scaled(unit_price, 4));
    // (slices of the values on the stack: a line is digested without allocating)
    fn part(p: &Option<[u8; 16]>) -> [&[u8]; 2] {
        match p {
            Some(bytes) => [b"|", bytes],
            None => [b"|-", b""],
        }
    }
    let ([q1, q2], [p1, p2]) = (part(&qty), part(&price));
    fnv1a_64(&[product_id.unwrap_or("").as_bytes(), q1, q2, p1, p2])
}

/// Gives each invoice id of an import a small number, its key (1, 2, … in the
/// order the ids are first read), and numbers each invoice's lines 1, 2, …
/// in the order they are read (files, sheets, rows). The checks join and
/// group the staged rows on the key instead of the text, and need no window
/// to number the lines.
///
/// The ids are kept once, end to end in one string, and the table holds only
/// keys: a few bytes an invoice beyond its id (~7 MB for 286,000 invoices,
/// where a map of owned strings would take ~20).
#[derive(Default)]
pub(crate) struct InvoiceKeys {
    ids: String,
    /// Where id `key` ends in `ids` (at index key - 1; it starts where the previous one ends).
    ends: Vec<u32>,
    table: hashbrown::HashTable<u32>,
    /// The lines numbered so far, per key (index key - 1).
    lines: Vec<i32>,
    /// Where each invoice's first head was staged (source, row; source -1: none yet).
    first_head: Vec<(i32, u32)>,
    /// The invoices (key, source) already found repeated in a sheet that
    /// carries one row per line: only their first row there is a head.
    repeated_in: std::collections::HashSet<(i32, i32)>,
    /// Seeded at random: a crafted workbook cannot make its ids collide.
    hasher: std::hash::RandomState,
}

impl InvoiceKeys {
    /// The key of `invoice_id`, given it on first sight.
    pub fn key(&mut self, invoice_id: &str) -> i32 {
        let hash = self.hasher.hash_one(invoice_id);
        let Self { ids, ends, table, lines, first_head, hasher, .. } = self;
        if let Some(&key) = table.find(hash, |&key| id_of(ids, ends, key) == invoice_id) {
            return key as i32;
        }
        ids.push_str(invoice_id);
        ends.push(u32::try_from(ids.len()).expect("under 4 GB of invoice ids (the workbook is capped far below)"));
        lines.push(0);
        first_head.push(NO_HEAD);
        let key = ends.len() as u32;
        table.insert_unique(hash, key, |&k| hasher.hash_one(id_of(ids, ends, k)));
        key as i32
    }

    /// The number of the next line of the invoice `key`.
    pub fn next_line(&mut self, key: i32) -> i32 {
        let counter = &mut self.lines[key as usize - 1];
        *counter += 1;
        *counter
    }

    /// Notes the row of invoice `key` at (`src`, `row`): a head is an Invoices
    /// sheet's row, or the first row of the invoice in a sheet that carries
    /// one row per line. Returns the first head's place when this row is a
    /// later head of the same invoice: an invoice listed twice (SPEC §3).
    /// (Found while reading, on the keys: in SQL, over the staged heads, it
    /// was a tenth of the checks.)
    pub fn head(&mut self, key: i32, src: i32, row: u32, carries_lines: bool) -> Option<(i32, u32)> {
        let first = &mut self.first_head[key as usize - 1];
        if *first == NO_HEAD {
            *first = (src, row);
            return None;
        }
        // (a sheet of lines: the invoice's other rows in the sheet of its first head are its lines)
        let repeated = !carries_lines || (first.0 != src && self.repeated_in.insert((key, src)));
        repeated.then_some(*first)
    }

    /// Gives back the numbers a sheet's rows took, before they are unstaged
    /// (the sheet is read again): the counters and heads are as before it was read.
    pub fn forget(&mut self, conn: &duckdb::Connection, src: i32) -> Result<()> {
        for first in self.first_head.iter_mut().filter(|first| first.0 == src) {
            *first = NO_HEAD;
        }
        self.repeated_in.retain(|&(_, repeated_src)| repeated_src != src);
        let mut stmt = conn.prepare(
            "SELECT inv_key, count(*)::INTEGER FROM (SELECT inv_key, line_no FROM stg_lines WHERE src = ?1
                                              UNION ALL SELECT inv_key, line_no FROM stg_invoices WHERE src = ?1)
             WHERE line_no IS NOT NULL GROUP BY inv_key",
        )?;
        for row in stmt.query_map([src], |r| Ok((r.get::<_, i32>(0)?, r.get::<_, i32>(1)?)))? {
            let (key, taken) = row?;
            self.lines[key as usize - 1] -= taken;
        }
        Ok(())
    }
}

const NO_HEAD: (i32, u32) = (-1, 0);

fn id_of<'a>(ids: &'a str, ends: &[u32], key: u32) -> &'a str {
    let at = key as usize - 1;
    let start = if at == 0 { 0 } else { ends[at - 1] as usize };
    &ids[start..ends[at] as usize]
}

/// FNV-1a, 64 bits: stable across versions and platforms, unlike std's hasher.
fn fnv1a_64(parts: &[&[u8]]) -> u64 {
    parts.iter().flat_map(|p| p.iter()).fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3))
}

fn days_since_epoch(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")).num_days() as i32
}

/// One problem, located to the cell (SPEC §3). `message` is the English
/// sentence; screens and workbooks render `code` with `params` in the user's
/// language (`messages`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub sheet: String,
    pub cell: String,
    pub column: String,
    pub value: String,
    pub message: String,
    // Problems remembered by versions before codes have none.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub params: Vec<String>,
}

/// What staging says about its sheets (source, columns) and the problems it
/// found, gathered in memory and appended in bulk: one INSERT a row cost
/// ~1 ms, 8 ms a file, 2.6 s for a folder of 305 daily exports.
#[derive(Default)]
pub(crate) struct StagedMeta {
    sources: Vec<(i32, String, String, bool, bool)>,
    columns: Vec<(i32, String, String, u32)>,
    problems: Vec<ProblemRow>,
}

/// A row of stg_problems (`import_staging.sql`).
struct ProblemRow {
    src: i32,
    row: u32,
    column: String,
    value: String,
    code: String,
    params: String,
    severity: &'static str,
    message: String,
}

/// Problems kept in memory before they are appended (a sheet full of errors
/// stays bounded).
const PROBLEMS_IN_MEMORY: usize = 10_000;

impl StagedMeta {
    pub fn source(&mut self, src: i32, file: &str, sheet: &str, carries_lines: bool) {
        self.sources.push((src, file.to_string(), sheet.to_string(), carries_lines, false));
    }

    /// A flat sales export (SPEC §2.2): known once its whole file is read.
    pub fn mark_flat(&mut self, src: i32) {
        self.sources.iter_mut().filter(|s| s.0 == src).for_each(|s| s.4 = true);
    }

    pub fn column(&mut self, src: i32, name: String, index: u32) {
        self.columns.push((src, name, crate::read::cells::column_letters(index), index));
    }

    /// A problem at a row (`value` as the cell shows it; the English sentence is kept).
    pub fn problem(
        &mut self,
        conn: &duckdb::Connection,
        at: (i32, u32),
        column: &str,
        value: &str,
        text: &crate::messages::Text,
        severity: &'static str,
    ) -> Result<()> {
        self.problems.push(ProblemRow {
            src: at.0,
            row: at.1,
            column: column.to_string(),
            value: value.to_string(),
            code: text.code.to_string(),
            params: join_params(&text.params),
            severity,
            message: text.render(crate::messages::Lang::En),
        });
        if self.problems.len() >= PROBLEMS_IN_MEMORY {
            self.append_problems(conn)?;
        }
        Ok(())
    }

    /// Forgets the problems of a source read again (those already appended are deleted by the caller).
    pub fn forget_problems(&mut self, src: i32) {
        self.problems.retain(|p| p.src != src);
    }

    fn append_problems(&mut self, conn: &duckdb::Connection) -> Result<()> {
        let mut appender = conn.appender_to_catalog_and_db("stg_problems", "temp", "main")?;
        for p in self.problems.drain(..) {
            appender.append_row(duckdb::params![p.src, p.row, p.column, p.value, p.code, p.params, p.severity, p.message])?;
        }
        Ok(appender.flush()?)
    }

    /// Appends everything gathered to stg_sources, stg_columns and stg_problems.
    pub fn append(&mut self, conn: &duckdb::Connection) -> Result<()> {
        let mut sources = conn.appender_to_catalog_and_db("stg_sources", "temp", "main")?;
        for (src, file, sheet, carries_lines, flat) in self.sources.drain(..) {
            sources.append_row(duckdb::params![src, file, sheet, carries_lines, flat])?;
        }
        sources.flush()?;
        let mut columns = conn.appender_to_catalog_and_db("stg_columns", "temp", "main")?;
        for (src, name, letter, index) in self.columns.drain(..) {
            columns.append_row(duckdb::params![src, name, letter, index])?;
        }
        columns.flush()?;
        self.append_problems(conn)
    }
}

/// Where staged rows came from: one entry per (file, sheet).
pub(crate) struct Source {
    pub input: Arc<InputFile>,
    pub sheet: String,
    pub header: HeaderMap,
}

/// Problem parameters as one text (the staging table's column): joined by
/// the unit separator, which no sentence contains.
pub(crate) fn join_params(params: &[String]) -> String {
    params.join("\u{1f}")
}

pub(crate) fn split_params(joined: &str) -> Vec<String> {
    if joined.is_empty() {
        Vec::new()
    } else {
        joined.split('\u{1f}').map(str::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn decimals_are_scaled_and_rounded_half_away_from_zero() {
        assert_eq!(mantissa(Decimal::from_str("12.5").unwrap(), 2), 1250);
        assert_eq!(mantissa(Decimal::from_str("0.125").unwrap(), 2), 13);
        assert_eq!(mantissa(Decimal::from_str("-0.125").unwrap(), 2), -13);
        assert_eq!(mantissa(Decimal::from_str("3.14159").unwrap(), 4), 31416);
        assert_eq!(days_since_epoch(NaiveDate::from_ymd_opt(2026, 5, 31).unwrap()), 20604);
    }

    #[test]
    fn line_digest_depends_on_every_field_as_written() {
        let d = |s: &str| Some(Decimal::from_str(s).unwrap());
        let base = line_digest(Some("P1"), d("2"), d("1.5"));
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a_64(&[b""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(&[b"a"]), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a_64(&[b"foo", b"bar"]), 0x8594_4171_f739_67e8);
        assert_eq!(base, line_digest(Some("P1"), d("2.000"), d("1.50")), "same values, other scale");
        assert_ne!(base, line_digest(Some("P2"), d("2"), d("1.5")));
        assert_ne!(base, line_digest(Some("P1"), d("3"), d("1.5")));
        assert_ne!(base, line_digest(Some("P1"), d("2"), d("1.6")));
        assert_ne!(base, line_digest(Some("P1"), d("2"), None), "an empty price is not a price");
        // The bytes digested, as stored invoices' content hashes were made from them:
        // the product, then "|" and each value's 16-byte little-endian mantissa
        // (quantity at 3 decimals, price at 4), or "|-" for none.
        let mut written = b"P1|".to_vec();
        written.extend_from_slice(&2000i128.to_le_bytes());
        written.push(b'|');
        written.extend_from_slice(&15000i128.to_le_bytes());
        assert_eq!(base, fnv1a_64(&[&written]));
        assert_eq!(line_digest(None, None, d("0.0001")), fnv1a_64(&[b"|-|", &1i128.to_le_bytes()]));
    }
}
