//! The annotated errors workbook (`import --errors-out`): every rejected row as
//! it was in its file, with its problems in a last column, so the accountant can
//! fix the rows and import that workbook again.

use crate::cells::CellValue;
use crate::error::{CoreError, Result};
use crate::import::Source;
use crate::workbook::Workbook;
use duckdb::Connection;
use rust_xlsxwriter::{Format, Workbook as XlsxBook, Worksheet};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Rows set aside, by source, with their messages (staging tables must exist).
fn rejected_rows(conn: &Connection) -> Result<HashMap<i32, BTreeMap<u32, String>>> {
    let mut stmt = conn.prepare(
        "WITH rejected AS (
             SELECT src, row_no FROM stg_products WHERE NOT ok
             UNION SELECT src, row_no FROM stg_stock WHERE NOT ok
             UNION SELECT src, row_no FROM stg_clients WHERE NOT ok
             UNION SELECT src, row_no FROM stg_invoices WHERE NOT ok
             UNION SELECT src, row_no FROM stg_lines WHERE NOT ok
         ), messages AS (
             SELECT p.src, p.row_no,
                    string_agg(coalesce(c.letter || (p.row_no + 1) || ': ', '') || p.message, '; ' ORDER BY c.idx) AS msg
             FROM stg_problems p LEFT JOIN stg_columns c ON c.src = p.src AND c.name = p.col
             WHERE p.severity = 'error'
             GROUP BY p.src, p.row_no
         )
         SELECT r.src, r.row_no, coalesce(m.msg, 'set aside with its invoice, which has an error elsewhere')
         FROM rejected r LEFT JOIN messages m USING (src, row_no)
         ORDER BY r.src, r.row_no",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i32>(0)?, r.get::<_, u32>(1)?, r.get::<_, String>(2)?)))?;
    let mut out: HashMap<i32, BTreeMap<u32, String>> = HashMap::new();
    for row in rows {
        let (src, row_no, msg) = row?;
        out.entry(src).or_default().insert(row_no, msg);
    }
    Ok(out)
}

/// OWASP CSV/formula injection: text that a spreadsheet would run as a formula
/// is prefixed with an apostrophe. Numbers (`-12.50`) are not text and stay as they are.
pub fn neutralise(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

pub(crate) fn write(conn: &Connection, sources: &[Source], out: &Path) -> Result<()> {
    let fail = |e: rust_xlsxwriter::XlsxError| CoreError::Write { path: out.display().to_string(), reason: e.to_string() };
    let rejected = rejected_rows(conn)?;
    let mut book = XlsxBook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let mut used_names = Vec::new();
    for (src, source) in sources.iter().enumerate() {
        let Some(rows) = rejected.get(&(src as i32)) else { continue };
        let mut sheet = Worksheet::new();
        let name = unique_sheet_name(&source.sheet, &mut used_names);
        sheet.set_name(&name).map_err(fail)?;
        let last_col = source.header.columns.iter().map(|(c, _)| *c).chain(source.header.unknown.iter().map(|(c, _)| *c)).max().unwrap_or(0);
        let problems_col = (last_col + 1) as u16;
        let mut book_in = Workbook::open(&source.path)?;
        let mut next = 1u32;
        book_in.for_each_row(&source.sheet, &mut |row| {
            let is_header = row.index == source.header.row;
            let Some(message) = rows.get(&row.index).map(String::as_str).or(is_header.then_some("Problems")) else {
                return Ok(());
            };
            let r = if is_header { 0 } else { next };
            for (c, v) in &row.cells {
                let c = *c as u16;
                match v {
                    CellValue::Number(f) => sheet.write_number(r, c, *f).map(|_| ()),
                    CellValue::Int(i) => sheet.write_number(r, c, *i as f64).map(|_| ()),
                    CellValue::Bool(b) => sheet.write_boolean(r, c, *b).map(|_| ()),
                    CellValue::DateTime(dt) => sheet.write_datetime_with_format(r, c, dt, &date).map(|_| ()),
                    other if is_header => sheet.write_string_with_format(r, c, neutralise(&other.display()), &bold).map(|_| ()),
                    other => sheet.write_string(r, c, neutralise(&other.display())).map(|_| ()),
                }
                .map_err(fail)?;
            }
            if is_header {
                sheet.write_string_with_format(r, problems_col, message, &bold).map_err(fail)?;
            } else {
                sheet.write_string(r, problems_col, neutralise(message)).map_err(fail)?;
                next += 1;
            }
            Ok(())
        })?;
        sheet.set_column_width(problems_col, 70).map_err(fail)?;
        book.push_worksheet(sheet);
    }
    if used_names.is_empty() {
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "No row was rejected.").map_err(fail)?;
    }
    book.save(out).map_err(fail)?;
    Ok(())
}

/// Excel sheet names: at most 31 characters, unique, no `[]:*?/\`.
fn unique_sheet_name(base: &str, used: &mut Vec<String>) -> String {
    let clean: String = base.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(28).collect();
    let clean = if clean.is_empty() { "Sheet".to_string() } else { clean };
    let mut name = clean.clone();
    let mut n = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
        name = format!("{clean} {n}");
        n += 1;
    }
    used.push(name.clone());
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_text_is_neutralised_numbers_are_not_text() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+33 6 12"), "'+33 6 12");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("Crème"), "Crème");
    }

    #[test]
    fn sheet_names_fit_excel() {
        let mut used = Vec::new();
        assert_eq!(unique_sheet_name("Invoices", &mut used), "Invoices");
        assert_eq!(unique_sheet_name("invoices", &mut used), "invoices 2");
        assert_eq!(unique_sheet_name("a/b:c", &mut used), "abc");
        assert!(unique_sheet_name(&"x".repeat(40), &mut used).len() <= 31);
    }
}
