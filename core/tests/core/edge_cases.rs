//! Real files from Excel and LibreOffice (core/tests/data/spreadsheet-edge-cases, from calamine's test suite, MIT),
//! read through Comptoir's workbook reader.

use crate::support::*;
use chrono::NaiveDate;
use comptoir_core::read::cells::CellValue;
use comptoir_core::read::cells::Row;
use comptoir_core::read::workbook::Workbook;

fn rows(file: &str, sheet: &str) -> Vec<Row> {
    use_sandbox(); // xls and ods come back from the limited child, as in the app
    let mut book = Workbook::open(&dataset("spreadsheet-edge-cases").join(file)).unwrap();
    let mut out = Vec::new();
    book.for_each_row(sheet, &mut |r| {
        out.push(r);
        Ok(comptoir_core::read::cells::NEXT)
    })
    .unwrap();
    out
}

fn date_of(v: &CellValue) -> NaiveDate {
    match v {
        CellValue::DateTime(dt) => dt.date(),
        other => panic!("not a date: {other:?}"),
    }
}

#[test]
fn dates_in_the_1900_and_1904_systems_read_the_same() {
    let jan1 = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    let jan2 = NaiveDate::from_ymd_opt(2021, 1, 2).unwrap();
    for file in ["date.xlsx", "date_1904.xlsx", "date.xlsb", "date.xls", "date.ods"] {
        let r = rows(file, "Sheet1");
        assert_eq!(date_of(r[0].get(0)), jan1, "{file} A1");
        assert_eq!(r[1].index, 1, "{file}");
        if file != "date.ods" {
            assert_eq!(date_of(r[1].get(0)), jan2, "{file} A2");
        }
        match r[0].get(1) {
            CellValue::Int(15) => {}
            CellValue::Number(f) if *f == 15.0 => {}
            other => panic!("{file} B1 = {other:?}"),
        }
    }
}

#[test]
fn the_header_below_blank_rows_keeps_its_row_number() {
    let r = rows("header-row.xlsx", "Sheet1");
    let header = r.iter().find(|row| row.get(0) == &CellValue::Text("Columns".into())).unwrap();
    assert_eq!(header.index, 8, "row 9 in Excel");
}

#[test]
fn error_cells_are_errors() {
    let r = rows("errors.xlsx", "Feuil1");
    let texts: Vec<String> = r.iter().map(|row| row.get(0).display()).collect();
    assert_eq!(texts, ["#DIV/0!", "#NAME?", "#VALUE!", "#NULL!", "#REF!", "#NUM!", "#N/A"]);
    assert!(matches!(r[0].get(0), CellValue::Error(_)));
}

#[test]
fn the_password_protected_file_is_refused_clearly() {
    let err = Workbook::open(&dataset("spreadsheet-edge-cases").join("pass_protected.xlsx")).err().unwrap();
    assert!(err.to_string().contains("password protected"), "{err}");
}

fn num(v: &CellValue) -> f64 {
    match v {
        CellValue::Int(i) => *i as f64,
        CellValue::Number(f) => *f,
        other => panic!("not a number: {other:?}"),
    }
}

fn text(v: &CellValue) -> &str {
    match v {
        CellValue::Text(s) => s,
        other => panic!("not text: {other:?}"),
    }
}

/// (row, column) → value, for the cells of a sheet.
fn cell(rows: &[Row], row: u32, col: u32) -> &CellValue {
    rows.iter().find(|r| r.index == row).map(|r| r.get(col)).unwrap_or(&CellValue::Empty)
}

#[test]
fn mixed_types_cached_formulas_and_special_characters_in_xlsx_and_ods() {
    for file in ["issues.xlsx", "issues.ods"] {
        let r = rows(file, "datatypes");
        assert_eq!(num(cell(&r, 0, 0)), 1.0, "{file}");
        assert_eq!(num(cell(&r, 1, 0)), 1.5, "{file}");
        assert_eq!(text(cell(&r, 2, 0)), "ab", "{file}: the cached result of CONCATENATE");
        assert_eq!(cell(&r, 3, 0), &CellValue::Bool(false), "{file}");
        assert_eq!(text(cell(&r, 4, 0)), "test", "{file}");
        assert_eq!(date_of(cell(&r, 5, 0)), NaiveDate::from_ymd_opt(2016, 10, 20).unwrap(), "{file}");
        let s = rows(file, "spc_chrs");
        let chars: Vec<&str> = (0..8).map(|i| text(cell(&s, i, 0))).collect();
        assert_eq!(chars, ["&", "<", ">", "aaa ' aaa", "\"", "☺", "֍", "àâéêèçöïî«»"], "{file}");
        let five = rows(file, "issue5");
        assert_eq!(num(cell(&five, 0, 0)), 0.5, "{file}: the value, not the displayed 1");
    }
}

#[test]
fn rich_text_runs_are_joined_and_namespaced_xml_is_read() {
    let r = rows("richtext-after-plain.xlsx", "Sheet1");
    for c in 0..4 {
        assert_eq!(text(cell(&r, 0, c)), "abcd");
    }
    assert_eq!(text(cell(&r, 1, 0)), "tvalrval1rval2");
    let r = rows("richtext-namespaced.xlsx", "Sheet1");
    assert_eq!(text(cell(&r, 0, 0)), "inline string\nLine 2\nLine 3");
    assert_eq!(text(cell(&r, 0, 7)), "shared string\nLine 2\nLine 3");
}

#[test]
fn empty_rows_sparse_cells_and_merged_cells_keep_their_addresses() {
    let r = rows("multi-empty.ods", "Test");
    let col_a: Vec<(u32, &str)> = r.iter().map(|row| (row.index, text(row.get(0)))).collect();
    assert_eq!(col_a, [(0, "StringCol"), (1, "bbb"), (2, "ccc"), (3, "ddd"), (4, "eee"), (12, "zzz")]);
    let r = rows("formula.issue.xlsx", "Sheet1");
    assert_eq!(num(cell(&r, 0, 0)), 23.0); // A1 = C1 + E5, cached
    assert_eq!(num(cell(&r, 0, 2)), 23.0); // C1
    assert_eq!(num(cell(&r, 12, 6)), 2.0); // G13
    assert_eq!(text(cell(&r, 13, 9)), "US"); // J14, a cached string result
    let r = rows("merge_cells.xlsx", "Sheet1");
    assert_eq!(text(cell(&r, 0, 0)), "Row Merge");
    assert_eq!(text(cell(&r, 0, 2)), "Not Merged");
    assert_eq!(text(cell(&r, 1, 0)), "Column Merge");
    assert_eq!(text(cell(&r, 1, 1)), "Chunk Merged");
    assert_eq!(cell(&r, 0, 1), &CellValue::Empty, "the rest of a merged area is empty");
}

/// A sheet read ahead (its child started while another sheet is read) gives
/// the rows it gives when read alone; one read ahead but not read next is
/// stopped, and a sheet read again keeps the next one's read-ahead.
#[test]
fn sheets_read_ahead_give_the_same_rows() {
    use_sandbox();
    let texts = |book: &mut Workbook, sheet: &str| -> Vec<String> {
        let mut out = Vec::new();
        book.for_each_row(sheet, &mut |r| {
            out.push(format!("{}:{:?}", r.index, r.texts()));
            Ok(comptoir_core::read::cells::NEXT)
        })
        .unwrap();
        out
    };
    let mut alone = Workbook::open(&sample_path()).unwrap();
    let sheets = alone.sheet_names();
    assert!(sheets.len() >= 4, "{sheets:?}");
    let expected: Vec<Vec<String>> = sheets.iter().map(|s| texts(&mut alone, s)).collect();
    assert!(expected.iter().all(|rows| rows.len() > 1));

    let mut book = Workbook::open(&sample_path()).unwrap();
    // Read ahead, then not wanted: another sheet is read instead.
    book.read_ahead(&sheets[3]);
    assert_eq!(texts(&mut book, &sheets[0]), expected[0]);
    for (i, sheet) in sheets.iter().enumerate().skip(1) {
        if let Some(next) = sheets.get(i + 1) {
            book.read_ahead(next);
        }
        assert_eq!(texts(&mut book, sheet), expected[i], "{sheet}");
        // Read again, as a sheet whose dates prove the other order is.
        assert_eq!(texts(&mut book, sheet), expected[i], "{sheet} again");
    }
}
