//! The annotated errors workbook (`import --errors-out`): every rejected row as
//! it was in its file, with its problems in a last column, so the accountant can
//! fix the rows and import that workbook again.

use crate::error::{CoreError, Result};
use crate::import::staging::{split_params, Source};
use crate::messages::{render, Lang};
use crate::read::cells::{CellValue, NEXT};
use crate::read::workbook::Workbook;
use duckdb::Connection;
use rust_xlsxwriter::{Format, Workbook as XlsxBook, Worksheet, XlsxError};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Rows set aside, by source, with their problems as one text in `lang`
/// ("C3: …; D3: …"; staging tables must exist).
fn rejected_rows(conn: &Connection, lang: Lang) -> Result<HashMap<i32, BTreeMap<u32, String>>> {
    let mut stmt = conn.prepare(
        "WITH rejected AS (
             SELECT src, row_no FROM stg_products WHERE NOT ok
             UNION SELECT src, row_no FROM stg_stock WHERE NOT ok
             UNION SELECT src, row_no FROM stg_clients WHERE NOT ok
             UNION SELECT src, row_no FROM stg_invoices WHERE NOT ok
             UNION SELECT src, row_no FROM stg_lines WHERE NOT ok
         )
         SELECT r.src, r.row_no, c.letter, p.code, coalesce(p.params, '')
         FROM rejected r
         LEFT JOIN stg_problems p ON p.src = r.src AND p.row_no = r.row_no AND p.severity = 'error'
         LEFT JOIN stg_columns c ON c.src = p.src AND c.name = p.col
         ORDER BY r.src, r.row_no, c.idx NULLS FIRST",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i32>(0)?,
            r.get::<_, u32>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out: HashMap<i32, BTreeMap<u32, String>> = HashMap::new();
    for row in rows {
        let (src, row_no, letter, code, params) = row?;
        let sentence = match code {
            Some(code) => render(&code, &split_params(&params), lang),
            None => render("set_aside_with_invoice", &[], lang),
        };
        let located = match letter {
            Some(l) => format!("{l}{}: {sentence}", row_no + 1),
            None => sentence,
        };
        let text = out.entry(src).or_default().entry(row_no).or_default();
        if !text.is_empty() {
            text.push_str("; ");
        }
        text.push_str(&located);
    }
    Ok(out)
}

/// Whether a spreadsheet would run this text as a formula (OWASP: a leading
/// `= + - @`, TAB or CR). Numbers are written as numbers, never as text.
fn looks_like_formula(text: &str) -> bool {
    matches!(text.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
}

/// Writes text that no spreadsheet will run: formula-like text gets Excel's
/// quote-prefix cell format, so the value stays exactly what was typed (and
/// reads back, and re-imports, unchanged).
pub fn write_text(sheet: &mut Worksheet, row: u32, col: u16, text: &str, format: &Format) -> std::result::Result<(), XlsxError> {
    if looks_like_formula(text) {
        sheet.write_string_with_format(row, col, text, &format.clone().set_quote_prefix())?;
    } else {
        sheet.write_string_with_format(row, col, text, format)?;
    }
    Ok(())
}

pub(crate) fn write(conn: &Connection, sources: &[Source], out: &Path, lang: Lang) -> Result<()> {
    let fail = |e: rust_xlsxwriter::XlsxError| CoreError::Write { path: out.display().to_string(), reason: e.to_string() };
    let rejected = rejected_rows(conn, lang)?;
    let problems_header = render("problems_header", &[], lang);
    let mut book = XlsxBook::new();
    let bold = Format::new().set_bold();
    let plain = Format::new();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let mut used_names = Vec::new();
    for (src, source) in sources.iter().enumerate() {
        let Some(rows) = rejected.get(&(src as i32)) else { continue };
        let mut sheet = Worksheet::new();
        let name = unique_sheet_name(&source.sheet, &mut used_names);
        sheet.set_name(&name).map_err(fail)?;
        let last_col =
            source.header.columns.iter().map(|(c, _)| *c).chain(source.header.unknown.iter().map(|(c, _)| *c)).max().unwrap_or(0);
        let problems_col = (last_col + 1) as u16;
        let mut book_in = Workbook::from_input(std::sync::Arc::clone(&source.input))?;
        let mut next = 1u32;
        book_in.for_each_row(&source.sheet, &mut |row| {
            let is_header = row.index == source.header.row;
            let Some(message) = rows.get(&row.index).map(String::as_str).or(is_header.then_some(problems_header.as_str())) else {
                return Ok(NEXT);
            };
            let r = if is_header { 0 } else { next };
            for (c, v) in &row.cells {
                let c = *c as u16;
                match v {
                    CellValue::Number(f) => sheet.write_number(r, c, *f).map(|_| ()),
                    CellValue::Int(i) => sheet.write_number(r, c, *i as f64).map(|_| ()),
                    CellValue::Bool(b) => sheet.write_boolean(r, c, *b).map(|_| ()),
                    CellValue::DateTime(dt) => sheet.write_datetime_with_format(r, c, dt, &date).map(|_| ()),
                    other if is_header => write_text(&mut sheet, r, c, &other.display(), &bold),
                    other => write_text(&mut sheet, r, c, &other.display(), &plain),
                }
                .map_err(fail)?;
            }
            if is_header {
                sheet.write_string_with_format(r, problems_col, message, &bold).map_err(fail)?;
            } else {
                write_text(&mut sheet, r, problems_col, message, &plain).map_err(fail)?;
                next += 1;
            }
            Ok(NEXT)
        })?;
        sheet.set_column_width(problems_col, 70).map_err(fail)?;
        book.push_worksheet(sheet);
    }
    if used_names.is_empty() {
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, render("no_row_rejected", &[], lang)).map_err(fail)?;
    }
    book.save(out).map_err(fail)?;
    Ok(())
}

/// Excel sheet names: 1 to 31 characters, unique (case ignored), none of
/// `[]:*?/\`, no control character, no apostrophe at either end, not
/// "History". Any sheet name a file may have becomes one.
fn unique_sheet_name(base: &str, used: &mut Vec<String>) -> String {
    let clean: String = base.chars().filter(|c| !"[]:*?/\\".contains(*c) && !c.is_control()).collect();
    let clean = clean.trim_matches(|c: char| c == '\'' || c.is_whitespace());
    let clean = if clean.is_empty() || clean.eq_ignore_ascii_case("history") { "Sheet" } else { clean };
    let mut n = 1;
    loop {
        let suffix = if n == 1 { String::new() } else { format!(" {n}") };
        let room = 31 - suffix.chars().count();
        let stem: String = clean.chars().take(room).collect();
        let name = format!("{}{suffix}", stem.trim_end_matches(['\'', ' ']));
        if !used.iter().any(|u| u.to_lowercase() == name.to_lowercase()) {
            used.push(name.clone());
            return name;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_recognised() {
        for text in ["=HYPERLINK(\"x\")", "+33 6 12", "-2+3", "-12,50", "@SUM(A1)", "\tx", "\rx"] {
            assert!(looks_like_formula(text), "{text}");
        }
        assert!(!looks_like_formula("Crème"));
        assert!(!looks_like_formula(""));
    }

    #[test]
    fn sheet_names_fit_excel() {
        let mut used = Vec::new();
        assert_eq!(unique_sheet_name("Invoices", &mut used), "Invoices");
        assert_eq!(unique_sheet_name("invoices", &mut used), "invoices 2");
        assert_eq!(unique_sheet_name("a/b:c", &mut used), "abc");
        assert_eq!(unique_sheet_name(&"x".repeat(40), &mut used), "x".repeat(31));
        assert_eq!(unique_sheet_name(&"x".repeat(40), &mut used), format!("{} 2", "x".repeat(29)));
        assert_eq!(unique_sheet_name("'Ventes'", &mut used), "Ventes");
        assert_eq!(unique_sheet_name("History", &mut used), "Sheet");
        assert_eq!(unique_sheet_name("\u{7}''", &mut used), "Sheet 2");
        // Every one of them is accepted by the writer.
        let mut book = XlsxBook::new();
        for name in &used {
            book.add_worksheet().set_name(name).unwrap();
        }
    }
}
