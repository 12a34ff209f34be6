//! Opening spreadsheet files and streaming their rows.
//!
//! xlsx/xlsm and xlsb are streamed cell by cell (calamine's cells reader), so a
//! sheet is never held whole in memory; the older or rarer formats (xls, ods)
//! have no streaming reader in calamine and are read sheet by sheet.

use crate::cells::CellValue;
use crate::error::CoreError;
use calamine::{Data, DataRef, Reader, Sheets};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// One row of a sheet: its 0-based index and its non-empty cells by column.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub index: u32,
    pub cells: Vec<(u32, CellValue)>,
}

impl Row {
    pub fn get(&self, col: u32) -> &CellValue {
        static EMPTY: CellValue = CellValue::Empty;
        self.cells.iter().find(|(c, _)| *c == col).map(|(_, v)| v).unwrap_or(&EMPTY)
    }

    pub fn get_mut(&mut self, col: u32) -> Option<&mut CellValue> {
        self.cells.iter_mut().find(|(c, _)| *c == col).map(|(_, v)| v)
    }

    pub fn texts(&self) -> Vec<(u32, String)> {
        self.cells.iter().map(|(c, v)| (*c, v.display())).collect()
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|(_, v)| v.is_empty())
    }
}

/// A spreadsheet or delimited-text file opened for reading.
pub struct Workbook {
    source: Source,
    file_name: String,
}

enum Source {
    Sheets(Box<Sheets<BufReader<File>>>),
    /// xls/ods, read by a child process under limits (see `sandbox`).
    Sandboxed { exe: std::path::PathBuf, path: std::path::PathBuf, names: Vec<String> },
    /// CSV/TSV/TXT: one sheet, named after the file.
    Delimited { path: std::path::PathBuf, delimiter: u8, encoding: &'static encoding_rs::Encoding },
}

/// Delimited-text extensions (SPEC §2).
pub const DELIMITED: &[&str] = &["csv", "tsv", "txt"];
/// The longest line accepted in a delimited file; longer means it is not a table.
const MAX_CSV_RECORD_BYTES: usize = 1 << 20;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl Workbook {
    pub fn open(path: &Path) -> Result<Workbook, CoreError> {
        let file_name = display_name(path);
        let ext = extension(path);
        let mut head = [0u8; 8];
        let n = File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .map_err(|e| CoreError::from_io(path, e))?;
        let head = &head[..n];
        if n == 0 {
            return Err(CoreError::Unreadable { file: file_name, reason: "the file is empty".into() });
        }
        if DELIMITED.contains(&ext.as_str()) {
            return Self::open_delimited(path, file_name);
        }
        let zip_based = matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "ods");
        if zip_based && head.starts_with(OLE_MAGIC) {
            // Encrypted OOXML is stored in an OLE container instead of a ZIP.
            return Err(CoreError::Unreadable {
                file: file_name,
                reason: "it is password protected; save an unprotected copy from Excel and import that".into(),
            });
        }
        if zip_based && !head.starts_with(ZIP_MAGIC) {
            return Err(CoreError::Unreadable {
                file: file_name,
                reason: format!("it is not a valid .{ext} file (the content is not a spreadsheet)"),
            });
        }
        if zip_based {
            crate::preflight::check_zip(path, &file_name)?;
        }
        let streamed = matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb");
        if let (false, Some(exe)) = (streamed, crate::sandbox::executable()) {
            let names = crate::sandbox::sheet_names(exe, path, &file_name)?;
            let source = Source::Sandboxed { exe: exe.to_path_buf(), path: path.to_path_buf(), names };
            return Ok(Workbook { source, file_name });
        }
        let sheets = calamine::open_workbook_auto(path).map_err(|e| CoreError::Unreadable {
            file: file_name.clone(),
            reason: describe_calamine_error(&e),
        })?;
        Ok(Workbook { source: Source::Sheets(Box::new(sheets)), file_name })
    }

    /// Sniffs the encoding (UTF-8, UTF-8 with BOM, else Windows-1252) and the
    /// delimiter (`,` `;` TAB `|`) from the first 64 KB.
    fn open_delimited(path: &Path, file_name: String) -> Result<Workbook, CoreError> {
        let mut head = Vec::with_capacity(1 << 16);
        File::open(path)
            .and_then(|f| f.take(1 << 16).read_to_end(&mut head))
            .map_err(|e| CoreError::from_io(path, e))?;
        if head.contains(&0) {
            return Err(CoreError::Unreadable {
                file: file_name,
                reason: "it contains binary data, not text separated by commas or semicolons".into(),
            });
        }
        let body = head.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&head);
        // A cut in the middle of a multi-byte character at the 64 KB mark is still UTF-8.
        let valid_utf8 = match std::str::from_utf8(body) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none(),
        };
        let encoding = if valid_utf8 { encoding_rs::UTF_8 } else { encoding_rs::WINDOWS_1252 };
        let (text, _, _) = encoding.decode(body);
        let delimiter = sniff_delimiter(&text);
        Ok(Workbook { source: Source::Delimited { path: path.to_path_buf(), delimiter, encoding }, file_name })
    }

    /// How many rows the file holds, as its sheets declare them (xlsx/xlsb
    /// dimensions) or as its first 64 KB suggest (delimited text): for progress
    /// only, never trusted for anything else. None when the file does not say.
    pub fn estimated_rows(&mut self) -> Option<u64> {
        let names = self.sheet_names();
        match &mut self.source {
            Source::Delimited { path, .. } => {
                let size = std::fs::metadata(&*path).ok()?.len();
                let mut head = Vec::with_capacity(1 << 16);
                File::open(&*path).and_then(|f| f.take(1 << 16).read_to_end(&mut head)).ok()?;
                let lines = head.iter().filter(|&&b| b == b'\n').count().max(1) as u64;
                Some(size * lines / head.len().max(1) as u64)
            }
            Source::Sandboxed { .. } => None,
            Source::Sheets(sheets) => {
                macro_rules! declared_rows {
                    ($book:expr) => {{
                        let mut total = 0u64;
                        for name in &names {
                            let d = $book.worksheet_cells_reader(name).ok()?.dimensions();
                            total += u64::from(d.end.0.saturating_sub(d.start.0)) + 1;
                        }
                        total
                    }};
                }
                let total = match sheets.as_mut() {
                    Sheets::Xlsx(x) => declared_rows!(x),
                    Sheets::Xlsb(x) => declared_rows!(x),
                    _ => return None,
                };
                // A sheet without a declared dimension counts as one row.
                (total > names.len() as u64).then_some(total)
            }
        }
    }

    pub fn sheet_names(&self) -> Vec<String> {
        match &self.source {
            Source::Sheets(sheets) => sheets.sheet_names(),
            Source::Sandboxed { names, .. } => names.clone(),
            Source::Delimited { path, .. } => {
                vec![path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()]
            }
        }
    }

    /// Calls `on_row` for each non-blank row of `sheet`, in order.
    pub fn for_each_row(
        &mut self,
        sheet: &str,
        on_row: &mut dyn FnMut(Row) -> Result<(), CoreError>,
    ) -> Result<(), CoreError> {
        let file = self.file_name.clone();
        let fail = |reason: String| CoreError::Unreadable { file: file.clone(), reason };
        let sheets = match &mut self.source {
            Source::Sheets(sheets) => sheets,
            Source::Delimited { path, delimiter, encoding } => {
                return read_delimited(path, *delimiter, encoding, &fail, on_row);
            }
            Source::Sandboxed { exe, path, .. } => {
                return crate::sandbox::for_each_row(exe, path, &file, sheet, on_row);
            }
        };
        // xlsx and xlsb have cell readers of different types with the same shape.
        macro_rules! stream_cells {
            ($book:expr) => {{
                let mut reader = $book
                    .worksheet_cells_reader(sheet)
                    .map_err(|e| fail(format!("sheet {sheet} cannot be read ({e})")))?;
                let mut grouper = RowGrouper::default();
                while let Some(cell) =
                    reader.next_cell().map_err(|e| fail(format!("sheet {sheet} is damaged ({e})")))?
                {
                    let (r, c) = cell.get_position();
                    grouper.push(r, c, from_data_ref(cell.get_value()), on_row)?;
                }
                grouper.finish(on_row)
            }};
        }
        match sheets.as_mut() {
            Sheets::Xlsx(xlsx) => stream_cells!(xlsx),
            Sheets::Xlsb(xlsb) => stream_cells!(xlsb),
            other => read_range(other, sheet, &fail, on_row),
        }
    }
}

/// Rows handed from the reading thread to the caller at a time.
const PIPELINE_BATCH: usize = 1024;

impl Workbook {
    /// Like [`Workbook::for_each_row`], but the file is parsed on a second
    /// thread while `on_row` runs on this one, so reading and handling rows
    /// overlap. `on_row` may return [`CoreError::Stopped`] to end early.
    pub fn for_each_row_pipelined(
        &mut self,
        sheet: &str,
        on_row: &mut dyn FnMut(Row) -> Result<(), CoreError>,
    ) -> Result<(), CoreError> {
        let file = self.file_name.clone();
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Row>>(8);
            let reader = scope.spawn(move || {
                let mut batch = Vec::with_capacity(PIPELINE_BATCH);
                let read = self.for_each_row(sheet, &mut |row| {
                    batch.push(row);
                    if batch.len() == PIPELINE_BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(PIPELINE_BATCH));
                        tx.send(full).map_err(|_| CoreError::Stopped)?;
                    }
                    Ok(())
                });
                if read.is_ok() && !batch.is_empty() {
                    let _ = tx.send(batch);
                }
                read
            });
            let handled = rx.iter().flatten().try_for_each(&mut *on_row);
            drop(rx); // a reader still sending gets an error and stops
            let read = reader.join().unwrap_or_else(|_| {
                Err(CoreError::Unreadable { file, reason: format!("sheet {sheet} is damaged (the reader failed)") })
            });
            handled?;
            read
        })
    }
}

/// Rows of a whole-sheet format (xls, ods), read in this process.
fn read_range(
    book: &mut Sheets<BufReader<File>>,
    sheet: &str,
    fail: &dyn Fn(String) -> CoreError,
    on_row: &mut dyn FnMut(Row) -> Result<(), CoreError>,
) -> Result<(), CoreError> {
    let range = book
        .worksheet_range(sheet)
        .map_err(|e| fail(format!("sheet {sheet} cannot be read ({})", describe_calamine_error(&e))))?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<(u32, CellValue)> = row
            .iter()
            .enumerate()
            .map(|(j, d)| (c0 + j as u32, from_data(d)))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        if !cells.is_empty() {
            on_row(Row { index: r0 + i as u32, cells })?;
        }
    }
    Ok(())
}

/// For the sandbox child: the sheet names, or why the file cannot be read.
pub(crate) fn range_sheet_names(path: &Path) -> Result<Vec<String>, String> {
    calamine::open_workbook_auto(path).map(|b| b.sheet_names()).map_err(|e| describe_calamine_error(&e))
}

/// For the sandbox child: the rows of one sheet, or why it cannot be read.
pub(crate) fn range_rows(
    path: &Path,
    sheet: &str,
    on_row: &mut dyn FnMut(Row) -> Result<(), CoreError>,
) -> Result<(), String> {
    let mut book = calamine::open_workbook_auto(path).map_err(|e| describe_calamine_error(&e))?;
    let fail = |reason: String| CoreError::Unreadable { file: String::new(), reason };
    read_range(&mut book, sheet, &fail, on_row).map_err(|e| match e {
        CoreError::Unreadable { reason, .. } => reason,
        other => other.to_string(),
    })
}

fn read_delimited(
    path: &Path,
    delimiter: u8,
    encoding: &'static encoding_rs::Encoding,
    fail: &dyn Fn(String) -> CoreError,
    on_row: &mut dyn FnMut(Row) -> Result<(), CoreError>,
) -> Result<(), CoreError> {
    let file = File::open(path).map_err(|e| CoreError::from_io(path, e))?;
    let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(BufReader::with_capacity(1 << 16, file));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(LineLimit { inner: decoded, since_newline: 0, newlines: 0 });
    let mut record = csv::ByteRecord::new();
    let mut index = 0u32;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => {
                if let csv::ErrorKind::Io(io) = e.kind() {
                    if let Some(line) = io.get_ref().and_then(|inner| inner.downcast_ref::<LineTooLong>()) {
                        return Err(fail(format!("line {} is longer than 1 MB, so this is not a table", line.0)));
                    }
                }
                let line = e.position().map(|p| p.line()).unwrap_or(u64::from(index) + 1);
                return Err(fail(format!("line {line} cannot be read ({e})")));
            }
        }
        if record.as_slice().len() > MAX_CSV_RECORD_BYTES {
            return Err(fail(format!("line {} is longer than 1 MB, so this is not a table", index + 1)));
        }
        let cells: Vec<(u32, CellValue)> = record
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.iter().all(u8::is_ascii_whitespace))
            .map(|(c, f)| (c as u32, CellValue::Text(String::from_utf8_lossy(f).into_owned())))
            .collect();
        if !cells.is_empty() {
            on_row(Row { index, cells })?;
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

/// Turns the cell stream (row-major) into rows.
#[derive(Default)]
struct RowGrouper {
    current: Row,
}

impl RowGrouper {
    fn push(
        &mut self,
        r: u32,
        c: u32,
        v: CellValue,
        on_row: &mut dyn FnMut(Row) -> Result<(), CoreError>,
    ) -> Result<(), CoreError> {
        if v.is_empty() {
            return Ok(());
        }
        if r != self.current.index && !self.current.cells.is_empty() {
            on_row(std::mem::take(&mut self.current))?;
        }
        self.current.index = r;
        self.current.cells.push((c, v));
        Ok(())
    }

    fn finish(mut self, on_row: &mut dyn FnMut(Row) -> Result<(), CoreError>) -> Result<(), CoreError> {
        if !self.current.cells.is_empty() {
            on_row(std::mem::take(&mut self.current))?;
        }
        Ok(())
    }
}

fn from_data_ref(d: &DataRef<'_>) -> CellValue {
    match d {
        DataRef::Int(i) => CellValue::Int(*i),
        DataRef::Float(f) => CellValue::Number(*f),
        DataRef::String(s) => CellValue::Text(s.clone()),
        DataRef::SharedString(s) => CellValue::Text((*s).to_string()),
        DataRef::Bool(b) => CellValue::Bool(*b),
        DataRef::DateTime(dt) => match dt.as_datetime() {
            Some(v) if dt.is_datetime() => CellValue::DateTime(v),
            _ => CellValue::Number(dt.as_f64()),
        },
        DataRef::DateTimeIso(s) => iso_cell(s),
        DataRef::DurationIso(s) => CellValue::Text(s.clone()),
        DataRef::Error(e) => CellValue::Error(e.to_string()),
        DataRef::Empty => CellValue::Empty,
    }
}

fn from_data(d: &Data) -> CellValue {
    match d {
        Data::Int(i) => CellValue::Int(*i),
        Data::Float(f) => CellValue::Number(*f),
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Bool(b) => CellValue::Bool(*b),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(v) if dt.is_datetime() => CellValue::DateTime(v),
            _ => CellValue::Number(dt.as_f64()),
        },
        Data::DateTimeIso(s) => iso_cell(s),
        Data::DurationIso(s) => CellValue::Text(s.clone()),
        Data::Error(e) => CellValue::Error(e.to_string()),
        Data::Empty => CellValue::Empty,
    }
}

/// ODS stores dates as ISO text (`2021-01-01` or `2021-01-01T10:10:10`).
fn iso_cell(s: &str) -> CellValue {
    crate::cells::parse_date_text(s, crate::cells::DayOrder::DayFirst)
        .map(CellValue::DateTime)
        .unwrap_or_else(|| CellValue::Text(s.to_string()))
}

pub fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

pub fn display_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

fn describe_calamine_error(e: &calamine::Error) -> String {
    use calamine::Error as E;
    match e {
        E::Io(io) => format!("it cannot be read ({io})"),
        E::Xlsx(calamine::XlsxError::Password) | E::Xls(calamine::XlsError::Password) => {
            "it is password protected; save an unprotected copy and import that".into()
        }
        E::Msg(m) => m.to_string(),
        other => format!("it is damaged or not a spreadsheet ({other})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(name: &str, bytes: &[u8]) -> Vec<Row> {
        let dir = std::env::temp_dir().join(format!("comptoir-csv-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut book = Workbook::open(&path).unwrap();
        let sheet = book.sheet_names().remove(0);
        let mut out = Vec::new();
        book.for_each_row(&sheet, &mut |r| {
            out.push(r);
            Ok(())
        })
        .unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        out
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
