//! Opening files and streaming their rows.
//!
//! A file is opened once (`input`). Spreadsheets are parsed by calamine
//! (`spreadsheet`) in a capped child process (`sandbox`). Delimited text is
//! read here, streamed, with every line capped.

use crate::error::CoreError;
use crate::messages::Text;
use crate::read::cells::{CellValue, Flow, Row, NEXT, STOP};
use crate::read::input::{InputFile, OLE_MAGIC, ZIP_MAGIC};
use crate::read::spreadsheet::{declared_sheets, open_spreadsheet, stream_sheet, Spreadsheet};
use calamine::Reader;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A spreadsheet or delimited-text file opened for reading.
pub struct Workbook {
    source: Source,
    input: Arc<InputFile>,
}

enum Source {
    /// Parsed by a child process under limits (see `sandbox`): every
    /// spreadsheet, whenever the executable serves as that child.
    Child { exe: PathBuf, sheets: Vec<(String, u64)>, ahead: Option<crate::read::sandbox::Prefetched> },
    /// Parsed in this process: only for a library user that did not enable
    /// the child (unit tests).
    InProcess(Box<Spreadsheet>),
    /// CSV/TSV/TXT: one sheet, named after the file.
    Delimited { delimiter: u8, encoding: &'static encoding_rs::Encoding },
}

/// Delimited-text extensions (SPEC §2).
pub const DELIMITED: &[&str] = &["csv", "tsv", "txt"];
/// The longest line accepted in a delimited file; longer means it is not a table.
const MAX_CSV_RECORD_BYTES: usize = 1 << 20;

impl Workbook {
    /// Opens `path` once (see [`InputFile::open`]) and reads what it holds.
    pub fn open(path: &Path) -> Result<Workbook, CoreError> {
        Self::from_input(InputFile::open(path)?)
    }

    /// Reads a file already opened and checked.
    pub fn from_input(input: Arc<InputFile>) -> Result<Workbook, CoreError> {
        let refuse = |reason: Text| CoreError::unreadable(input.name(), reason);
        let ext = input.extension();
        if DELIMITED.contains(&ext.as_str()) {
            return Self::open_delimited(input);
        }
        let head = input.head(8)?;
        let zip_based = matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "ods");
        if zip_based && head.starts_with(OLE_MAGIC) {
            // Encrypted OOXML is stored in an OLE container instead of a ZIP.
            return Err(refuse(Text::new("password_protected", [])));
        }
        if zip_based && !head.starts_with(ZIP_MAGIC) {
            return Err(refuse(Text::new("not_valid_ext", [ext])));
        }
        if !head.starts_with(ZIP_MAGIC) && !head.starts_with(OLE_MAGIC) {
            return Err(refuse(Text::new("not_a_spreadsheet", [])));
        }
        if head.starts_with(ZIP_MAGIC) {
            // A cheap first filter; the guard is the child that may die.
            crate::read::preflight::check_zip(&input)?;
        }
        let source = match crate::read::sandbox::executable() {
            Some(exe) => Source::Child { exe: exe.to_path_buf(), sheets: crate::read::sandbox::sheets(exe, &input)?, ahead: None },
            None => Source::InProcess(Box::new(open_spreadsheet(&input, &ext)?)),
        };
        Ok(Workbook { source, input })
    }

    /// Sniffs the encoding (a UTF-8 or UTF-16 byte-order mark, else UTF-8 if
    /// valid, else Windows-1252) and the delimiter (`,` `;` TAB `|`) from the first 64 KB.
    fn open_delimited(input: Arc<InputFile>) -> Result<Workbook, CoreError> {
        let head = input.head(1 << 16)?;
        let (encoding, bom) = encoding_rs::Encoding::for_bom(&head).unwrap_or((encoding_rs::UTF_8, 0));
        let body = &head[bom..];
        let encoding = if encoding != encoding_rs::UTF_8 {
            encoding // UTF-16 LE/BE, as Excel's "Unicode Text" writes it
        } else if body.contains(&0) {
            return Err(CoreError::unreadable(input.name(), Text::new("binary_text", [])));
        } else {
            // A cut in the middle of a multi-byte character at the 64 KB mark is still UTF-8.
            let valid_utf8 = match std::str::from_utf8(body) {
                Ok(_) => true,
                Err(e) => e.error_len().is_none(),
            };
            if valid_utf8 {
                encoding_rs::UTF_8
            } else {
                encoding_rs::WINDOWS_1252
            }
        };
        let (text, _) = encoding.decode_without_bom_handling(body);
        let delimiter = sniff_delimiter(&text);
        Ok(Workbook { source: Source::Delimited { delimiter, encoding }, input })
    }

    /// The file this workbook reads.
    pub fn input(&self) -> &Arc<InputFile> {
        &self.input
    }

    /// How many rows the file holds, as its sheets declare them (xlsx/xlsb
    /// dimensions) or as its first 64 KB suggest (delimited text): for progress
    /// only, never trusted for anything else. None when the file does not say.
    pub fn estimated_rows(&mut self) -> Option<u64> {
        let sheets = match &mut self.source {
            Source::Delimited { .. } => {
                let head = self.input.head(1 << 16).ok()?;
                let lines = head.iter().filter(|&&b| b == b'\n').count().max(1) as u64;
                return Some(self.input.len() * lines / head.len().max(1) as u64);
            }
            Source::Child { sheets, .. } => sheets.clone(),
            Source::InProcess(book) => declared_sheets(book),
        };
        let total: u64 = sheets.iter().map(|(_, rows)| *rows).sum();
        // A sheet without a declared dimension counts as one row.
        (total > sheets.len() as u64).then_some(total)
    }

    pub fn sheet_names(&self) -> Vec<String> {
        match &self.source {
            Source::InProcess(book) => book.sheet_names(),
            Source::Child { sheets, .. } => sheets.iter().map(|(name, _)| name.clone()).collect(),
            Source::Delimited { .. } => {
                vec![self.input.path().file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()]
            }
        }
    }

    /// Starts reading `sheet` now, to be read next (a spreadsheet's child
    /// parses it while the current sheet is handled); a no-op for other files.
    /// A sheet read ahead and then not read is simply stopped.
    pub fn read_ahead(&mut self, sheet: &str) {
        if let Source::Child { exe, ahead, .. } = &mut self.source {
            if ahead.as_ref().is_none_or(|a| a.sheet() != sheet) {
                // Failing to start early is not an error: the sheet is started when read.
                *ahead = crate::read::sandbox::prefetch(exe, &self.input, sheet).ok();
            }
        }
    }

    /// Calls `on_row` for each non-blank row of `sheet`, in order. A
    /// spreadsheet is parsed by a child on another core while `on_row` runs.
    pub fn for_each_row(&mut self, sheet: &str, on_row: &mut dyn FnMut(Row) -> Result<Flow, CoreError>) -> Result<(), CoreError> {
        match &mut self.source {
            Source::Delimited { delimiter, encoding } => read_delimited(&self.input, *delimiter, encoding, on_row),
            Source::Child { exe, ahead, .. } => {
                // (a sheet read again keeps the next one's read-ahead)
                let started = if ahead.as_ref().is_some_and(|a| a.sheet() == sheet) { ahead.take() } else { None };
                crate::read::sandbox::for_each_row(exe, &self.input, sheet, started, on_row)
            }
            Source::InProcess(book) => stream_sheet(book, sheet, on_row).map_err(|e| match e {
                CoreError::Unreadable { reason, .. } => CoreError::unreadable(self.input.name(), reason),
                other => other,
            }),
        }
    }
}

/// Rows handed from the reading thread to the caller at a time.
const PIPELINE_BATCH: usize = 1024;

impl Workbook {
    /// Like [`Workbook::for_each_row`], but a file read in this process is
    /// parsed on a second thread while `on_row` runs on this one, so reading
    /// and handling rows overlap (a child already reads on its own core).
    /// `on_row` may answer [`STOP`] to end early.
    pub fn for_each_row_pipelined(&mut self, sheet: &str, on_row: &mut dyn FnMut(Row) -> Result<Flow, CoreError>) -> Result<(), CoreError> {
        let file = self.input.name().to_string();
        let reader_failed = || CoreError::unreadable(&file, Text::new("sheet_damaged", [sheet.to_string(), "the reader failed".into()]));
        match &self.source {
            Source::Child { .. } => self.for_each_row(sheet, on_row),
            Source::Delimited { delimiter, encoding } => {
                let (input, delimiter, encoding) = (&self.input, *delimiter, *encoding);
                pipelined(
                    |send| {
                        // (each batch of records is one buffer: the rows' cells are made, and
                        // let go, on the handling thread, not allocated on one and freed on the other)
                        let mut batch = RecordBatch::default();
                        let read = read_records(input, delimiter, encoding, &mut |index, record| {
                            batch.push(index, record);
                            if batch.records.len() == PIPELINE_BATCH && !send(std::mem::take(&mut batch)) {
                                return Ok(STOP); // the handler stopped or failed
                            }
                            Ok(NEXT)
                        });
                        if read.is_ok() && !batch.records.is_empty() {
                            send(batch);
                        }
                        read
                    },
                    |batches| crate::read::cells::handle_all(batches.flat_map(RecordBatch::into_rows), on_row),
                    reader_failed,
                )
            }
            Source::InProcess(_) => pipelined(
                |send| {
                    let mut batch = Vec::with_capacity(PIPELINE_BATCH);
                    let read = self.for_each_row(sheet, &mut |row| {
                        batch.push(row);
                        if batch.len() == PIPELINE_BATCH && !send(std::mem::replace(&mut batch, Vec::with_capacity(PIPELINE_BATCH))) {
                            return Ok(STOP); // the handler stopped or failed
                        }
                        Ok(NEXT)
                    });
                    if read.is_ok() && !batch.is_empty() {
                        send(batch);
                    }
                    read
                },
                |batches| crate::read::cells::handle_all(batches.flatten(), on_row),
                reader_failed,
            ),
        }
    }
}

/// Runs `read` on a second thread, which sends its batches (`send` says
/// whether they are still wanted), while `handle` takes them on this one.
fn pipelined<B: Send>(
    read: impl FnOnce(&mut dyn FnMut(B) -> bool) -> Result<(), CoreError> + Send,
    handle: impl FnOnce(&mut dyn Iterator<Item = B>) -> Result<(), CoreError>,
    reader_failed: impl FnOnce() -> CoreError,
) -> Result<(), CoreError> {
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<B>(8);
        let reader = scope.spawn(move || read(&mut |batch| tx.send(batch).is_ok()));
        let handled = handle(&mut rx.iter());
        drop(rx); // a reader still sending is told to stop
        let read = reader.join().unwrap_or_else(|_| Err(reader_failed()));
        handled?;
        read
    })
}

/// Records of a delimited file as read: their fields' bytes end to end.
#[derive(Default)]
struct RecordBatch {
    bytes: Vec<u8>,
    /// Where each field ends in `bytes`.
    field_ends: Vec<usize>,
    /// Each record's row index and number of fields.
    records: Vec<(u32, usize)>,
}

impl RecordBatch {
    fn push(&mut self, index: u32, record: &csv::ByteRecord) {
        for field in record {
            self.bytes.extend_from_slice(field);
            self.field_ends.push(self.bytes.len());
        }
        self.records.push((index, record.len()));
    }

    fn into_rows(self) -> impl Iterator<Item = Row> {
        let mut start = 0;
        let mut next_field = 0;
        let mut records = self.records.into_iter();
        std::iter::from_fn(move || loop {
            let (index, fields) = records.next()?;
            let ends = &self.field_ends[next_field..next_field + fields];
            next_field += fields;
            let row = row_of(
                index,
                ends.iter().map(|&end| {
                    let field = &self.bytes[start..end];
                    start = end;
                    field
                }),
            );
            if row.is_some() {
                return row;
            }
        })
    }
}

/// A delimited record's row: its non-blank fields as text; None when all are blank.
fn row_of<'a>(index: u32, fields: impl Iterator<Item = &'a [u8]>) -> Option<Row> {
    let cells: Vec<(u32, CellValue)> = fields
        .enumerate()
        .filter(|(_, f)| !f.iter().all(u8::is_ascii_whitespace))
        .map(|(c, f)| (c as u32, CellValue::Text(String::from_utf8_lossy(f).into_owned())))
        .collect();
    (!cells.is_empty()).then_some(Row { index, cells })
}

fn read_delimited(
    input: &Arc<InputFile>,
    delimiter: u8,
    encoding: &'static encoding_rs::Encoding,
    on_row: &mut dyn FnMut(Row) -> Result<Flow, CoreError>,
) -> Result<(), CoreError> {
    read_records(input, delimiter, encoding, &mut |index, record| match row_of(index, record.iter()) {
        Some(row) => on_row(row),
        None => Ok(NEXT),
    })
}

/// Calls `on_record` with each record of a delimited file and its row index.
fn read_records(
    input: &Arc<InputFile>,
    delimiter: u8,
    encoding: &'static encoding_rs::Encoding,
    on_record: &mut dyn FnMut(u32, &csv::ByteRecord) -> Result<Flow, CoreError>,
) -> Result<(), CoreError> {
    let fail = |reason: Text| CoreError::unreadable(input.name(), reason);
    let file = input.reader();
    let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(BufReader::with_capacity(1 << 16, file));
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(LineLimit {
        inner: decoded,
        since_newline: 0,
        newlines: 0,
    });
    let mut record = csv::ByteRecord::new();
    let mut index = 0u32;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => {
                if let csv::ErrorKind::Io(io) = e.kind() {
                    if let Some(line) = io.get_ref().and_then(|inner| inner.downcast_ref::<LineTooLong>()) {
                        return Err(fail(Text::new("line_too_long", [line.0.to_string()])));
                    }
                }
                let line = e.position().map(|p| p.line()).unwrap_or(u64::from(index) + 1);
                return Err(fail(Text::new("line_unreadable", [line.to_string(), e.to_string()])));
            }
        }
        if record.as_slice().len() > MAX_CSV_RECORD_BYTES {
            return Err(fail(Text::new("line_too_long", [(index + 1).to_string()])));
        }
        if on_record(index, &record)?.is_break() {
            return Ok(());
        }
        index += 1;
    }
}

/// Stops a delimited file at the first line longer than the limit, before the
/// CSV reader buffers it whole (a 64 MB line would otherwise cost 64 MB+).
struct LineLimit<R> {
    inner: R,
    since_newline: usize,
    newlines: u64,
}

#[derive(Debug)]
struct LineTooLong(u64);

impl std::fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {} is longer than 1 MB", self.0)
    }
}

impl std::error::Error for LineTooLong {}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'\n' {
                self.newlines += 1;
                self.since_newline = 0;
            } else {
                self.since_newline += 1;
                if self.since_newline > MAX_CSV_RECORD_BYTES {
                    return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, LineTooLong(self.newlines + 1)));
                }
            }
        }
        Ok(n)
    }
}

/// The delimiter that splits the first lines into the same, largest number of fields.
fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(20).collect();
    let candidates = [b',', b';', b'\t', b'|'];
    let mut best = (b',', 0usize);
    for &d in &candidates {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let Some(&first) = counts.first() else { continue };
        let consistent = counts.iter().filter(|&&c| c == first).count();
        // Prefer delimiters that appear, on most lines, the same number of times.
        let score = if first > 0 && consistent * 2 > counts.len() { first * 1000 + consistent } else { 0 };
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, delimiter: u8) -> usize {
    let mut quoted = false;
    line.bytes()
        .filter(|&b| {
            if b == b'"' {
                quoted = !quoted;
            }
            !quoted && b == delimiter
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `read` on a file of `bytes` named `name`, opened, with its first sheet's name.
    fn with_book<T>(name: &str, bytes: &[u8], read: impl FnOnce(&mut Workbook, &str) -> T) -> T {
        let dir = std::env::temp_dir().join(format!("comptoir-csv-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut book = Workbook::open(&path).unwrap();
        let sheet = book.sheet_names().remove(0);
        let out = read(&mut book, &sheet);
        std::fs::remove_dir_all(&dir).unwrap();
        out
    }

    fn rows_of(name: &str, bytes: &[u8]) -> Vec<Row> {
        with_book(name, bytes, |book, sheet| {
            let mut out = Vec::new();
            book.for_each_row(sheet, &mut |r| {
                out.push(r);
                Ok(NEXT)
            })
            .unwrap();
            out
        })
    }

    /// The rows of `bytes` read directly and on a second thread, and the rows
    /// the second thread gives before a handler that stops at row `stop_at`.
    fn read_both_ways(name: &str, bytes: &[u8], stop_at: u32) -> (Vec<Row>, Vec<Row>, Vec<Row>) {
        with_book(name, bytes, |book, sheet| {
            let (mut direct, mut pipelined, mut stopped) = (Vec::new(), Vec::new(), Vec::new());
            book.for_each_row(sheet, &mut |r| {
                direct.push(r);
                Ok(NEXT)
            })
            .unwrap();
            book.for_each_row_pipelined(sheet, &mut |r| {
                pipelined.push(r);
                Ok(NEXT)
            })
            .unwrap();
            book.for_each_row_pipelined(sheet, &mut |r| {
                let index = r.index;
                stopped.push(r);
                Ok(if index >= stop_at { STOP } else { NEXT })
            })
            .unwrap();
            (direct, pipelined, stopped)
        })
    }

    #[test]
    fn a_delimited_file_read_on_a_second_thread_gives_the_same_rows() {
        // Batches of records cross the threads: 2,600 lines make three, with
        // blank lines, blank and quoted fields, and a field across two lines.
        let mut text = String::from("id,name,qty\n");
        for i in 1..=2600 {
            match i % 500 {
                0 => text.push('\n'),
                1 => text.push_str(" , ,\n"),
                2 => text.push_str(&format!("{i},\"two\nlines, quoted\",\n")),
                _ => text.push_str(&format!("{i},name {i}, {}\n", i % 7)),
            }
        }
        let (direct, pipelined, stopped) = read_both_ways("many.csv", text.as_bytes(), 1500);
        let cells = |rows: &[Row]| rows.iter().map(|r| (r.index, r.texts())).collect::<Vec<_>>();
        assert_eq!(cells(&pipelined), cells(&direct));
        // 2,601 lines, less 5 blank and 6 of blank fields
        assert_eq!(direct.len(), 2601 - 5 - 6);
        assert_eq!(direct[0].texts(), vec![(0, "id".to_string()), (1, "name".into()), (2, "qty".into())]);
        let quoted = direct.iter().find(|r| r.texts()[0].1 == "1002").unwrap();
        assert_eq!(quoted.texts(), vec![(0, "1002".to_string()), (1, "two\nlines, quoted".into())]);
        assert!(direct.iter().all(|r| !["500", "501"].contains(&r.texts()[0].1.as_str())), "blank lines give no row");
        assert_eq!(direct.last().unwrap().texts(), vec![(0, "2600".to_string()), (1, "name 2600".into()), (2, " 3".into())]);
        let (last, before) = stopped.split_last().unwrap();
        assert!(last.index >= 1500 && before.iter().all(|r| r.index < 1500), "a handler that stops is given no further row");
        assert_eq!(cells(&stopped), cells(&direct[..stopped.len()]));
    }

    #[test]
    fn delimiters_are_sniffed() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("a;b;c\n1,5;2,5;3\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\n1\t2\n"), b'\t');
        assert_eq!(sniff_delimiter("a|b|c\n1|2|3\n"), b'|');
        assert_eq!(sniff_delimiter("name,price\n\"Tea, green\",2.5\n"), b',');
    }

    #[test]
    fn windows_1252_and_bom_are_decoded() {
        // "Crème;12,50" in Windows-1252 (è = 0xE8)
        let rows = rows_of("latin.csv", b"name;price\nCr\xE8me;12,50\n");
        assert_eq!(rows[1].get(0), &CellValue::Text("Crème".into()));
        assert_eq!(rows[1].get(1), &CellValue::Text("12,50".into()));
        let rows = rows_of("bom.csv", b"\xEF\xBB\xBFid,name\n1,Th\xC3\xA9\n");
        assert_eq!(rows[0].get(0), &CellValue::Text("id".into()));
        assert_eq!(rows[1].get(1), &CellValue::Text("Thé".into()));
    }

    #[test]
    fn binary_named_csv_is_refused() {
        let dir = std::env::temp_dir().join(format!("comptoir-bin-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.csv");
        std::fs::write(&path, b"a,b\n\x00\x01\x02").unwrap();
        let err = Workbook::open(&path).err().unwrap().to_string();
        assert!(err.contains("binary data"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
