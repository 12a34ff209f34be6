//! Spreadsheets read with calamine: xlsx/xlsm and xlsb cell by cell (its
//! cells reader), so a sheet is never held whole in memory; xls and ods, which
//! have no streaming reader, sheet by sheet. Only the capped child process
//! (`sandbox`) calls this for the app; tests and tools may call it directly.

use crate::error::CoreError;
use crate::messages::Text;
use crate::read::cells::{CellValue, Flow, Row, NEXT, STOP};
use crate::read::input::{InputFile, PositionalReader, ZIP_MAGIC};
use calamine::{Data, DataRef, Reader, Sheets};
use std::io::BufReader;
use std::sync::Arc;

/// A spreadsheet as calamine reads it, from the opened file.
pub(crate) type Spreadsheet = Sheets<BufReader<PositionalReader>>;

/// Opens a spreadsheet with calamine, by its extension (the child's work).
pub(crate) fn open_spreadsheet(input: &Arc<InputFile>, ext: &str) -> Result<Spreadsheet, CoreError> {
    use calamine::{open_workbook_from_rs, Ods, Xls, Xlsb, Xlsx};
    let reader = BufReader::with_capacity(1 << 16, input.reader());
    let opened = match ext {
        "xlsx" | "xlsm" => open_workbook_from_rs::<Xlsx<_>, _>(reader).map(Sheets::Xlsx).map_err(calamine::Error::Xlsx),
        "xlsb" => open_workbook_from_rs::<Xlsb<_>, _>(reader).map(Sheets::Xlsb).map_err(calamine::Error::Xlsb),
        "ods" => open_workbook_from_rs::<Ods<_>, _>(reader).map(Sheets::Ods).map_err(calamine::Error::Ods),
        "xls" => open_workbook_from_rs::<Xls<_>, _>(reader).map(Sheets::Xls).map_err(calamine::Error::Xls),
        // Another name: the content decides (ZIP → xlsx, OLE → xls).
        _ if input.head(4)?.starts_with(ZIP_MAGIC) => {
            open_workbook_from_rs::<Xlsx<_>, _>(reader).map(Sheets::Xlsx).map_err(calamine::Error::Xlsx)
        }
        _ => open_workbook_from_rs::<Xls<_>, _>(reader).map(Sheets::Xls).map_err(calamine::Error::Xls),
    };
    opened.map_err(|e| CoreError::unreadable(input.name(), describe_calamine_error(&e)))
}

/// The sheet names and the rows each declares (xlsx/xlsb dimensions; 0 when
/// the format does not say).
pub(crate) fn declared_sheets(book: &mut Spreadsheet) -> Vec<(String, u64)> {
    let names = book.sheet_names();
    macro_rules! declared_rows {
        ($book:expr) => {
            names
                .iter()
                .map(|name| {
                    let rows = $book
                        .worksheet_cells_reader(name)
                        .map(|r| {
                            let d = r.dimensions();
                            u64::from(d.end.0.saturating_sub(d.start.0)) + 1
                        })
                        .unwrap_or(0);
                    (name.clone(), rows)
                })
                .collect()
        };
    }
    match book {
        Sheets::Xlsx(x) => declared_rows!(x),
        Sheets::Xlsb(x) => declared_rows!(x),
        _ => names.into_iter().map(|n| (n, 0)).collect(),
    }
}

/// Streams the non-blank rows of one sheet: xlsx and xlsb cell by cell
/// (calamine's cells reader, never the whole sheet), xls and ods sheet by
/// sheet (calamine has no streaming reader for them).
pub(crate) fn stream_sheet(
    book: &mut Spreadsheet,
    sheet: &str,
    on_row: &mut dyn FnMut(Row) -> Result<Flow, CoreError>,
) -> Result<(), CoreError> {
    let fail = |reason: Text| CoreError::unreadable("", reason);
    // xlsx and xlsb have cell readers of different types with the same shape.
    macro_rules! stream_cells {
        ($book:expr) => {{
            let mut reader =
                $book.worksheet_cells_reader(sheet).map_err(|e| fail(Text::new("sheet_unreadable", [sheet.to_string(), e.to_string()])))?;
            let mut grouper = RowGrouper::default();
            while let Some(cell) = reader.next_cell().map_err(|e| fail(Text::new("sheet_damaged", [sheet.to_string(), e.to_string()])))? {
                let (r, c) = cell.get_position();
                if grouper.push(r, c, from_data_ref(cell.get_value()), on_row)?.is_break() {
                    return Ok(());
                }
            }
            grouper.finish(on_row).map(|_| ())
        }};
    }
    match book {
        Sheets::Xlsx(xlsx) => stream_cells!(xlsx),
        Sheets::Xlsb(xlsb) => stream_cells!(xlsb),
        other => read_range(other, sheet, &fail, on_row),
    }
}

/// Rows of a whole-sheet format (xls, ods).
fn read_range(
    book: &mut Spreadsheet,
    sheet: &str,
    fail: &dyn Fn(Text) -> CoreError,
    on_row: &mut dyn FnMut(Row) -> Result<Flow, CoreError>,
) -> Result<(), CoreError> {
    let range = book
        .worksheet_range(sheet)
        .map_err(|e| fail(Text::new("sheet_unreadable", [sheet.to_string(), describe_calamine_error(&e).to_string()])))?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<(u32, CellValue)> =
            row.iter().enumerate().map(|(j, d)| (c0 + j as u32, from_data(d))).filter(|(_, v)| !v.is_empty()).collect();
        if !cells.is_empty() && on_row(Row { index: r0 + i as u32, cells })?.is_break() {
            return Ok(());
        }
    }
    Ok(())
}

/// Turns the cell stream (row-major) into rows.
#[derive(Default)]
struct RowGrouper {
    current: Row,
}

impl RowGrouper {
    fn push(&mut self, r: u32, c: u32, v: CellValue, on_row: &mut dyn FnMut(Row) -> Result<Flow, CoreError>) -> Result<Flow, CoreError> {
        if v.is_empty() {
            return Ok(NEXT);
        }
        if r != self.current.index && !self.current.cells.is_empty() && on_row(std::mem::take(&mut self.current))?.is_break() {
            return Ok(STOP);
        }
        self.current.index = r;
        self.current.cells.push((c, v));
        Ok(NEXT)
    }

    fn finish(mut self, on_row: &mut dyn FnMut(Row) -> Result<Flow, CoreError>) -> Result<Flow, CoreError> {
        if self.current.cells.is_empty() {
            return Ok(NEXT);
        }
        on_row(std::mem::take(&mut self.current))
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
    crate::read::cells::parse_date_text(s, crate::read::cells::DayOrder::DayFirst)
        .map(CellValue::DateTime)
        .unwrap_or_else(|| CellValue::Text(s.to_string()))
}

pub(crate) fn describe_calamine_error(e: &calamine::Error) -> Text {
    use calamine::Error as E;
    match e {
        E::Io(io) => Text::new("io", [io.to_string()]),
        E::Xlsx(calamine::XlsxError::Password) | E::Xls(calamine::XlsError::Password) => Text::new("password_protected", []),
        E::Msg(m) => Text::new("reader_message", [m.to_string()]),
        other => Text::new("damaged", [other.to_string()]),
    }
}
