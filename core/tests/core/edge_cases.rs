//! Real files from Excel and LibreOffice (../shared/datasets/spreadsheet-edge-cases),
//! read through Comptoir's workbook reader.

use crate::support::*;
use chrono::NaiveDate;
use comptoir_core::cells::CellValue;
use comptoir_core::workbook::{Row, Workbook};

fn rows(file: &str, sheet: &str) -> Vec<Row> {
    let mut book = Workbook::open(&dataset("spreadsheet-edge-cases").join(file)).unwrap();
    let mut out = Vec::new();
    book.for_each_row(sheet, &mut |r| {
        out.push(r);
        Ok(())
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
