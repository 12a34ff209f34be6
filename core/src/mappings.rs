//! Column mappings the user confirmed, remembered per header signature: when a
//! sheet's header row is not recognised (or is recognised wrongly), the user
//! says once which column is which, and every later file with the same header
//! row is read that way.

use crate::error::{CoreError, Result};
use crate::layout::{self, HeaderMap, SheetKind};
use crate::store::Store;
use crate::workbook::Workbook;
use duckdb::params;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// A confirmed mapping: for each header of the row, the field it holds (None = ignored).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SavedMapping {
    pub signature: String,
    pub kind: SheetKind,
    pub columns: Vec<(String, Option<&'static str>)>,
}

/// The header row's signature: its non-empty headers, normalised (case, accents
/// and spaces ignored), in column order.
pub fn signature(cells: &[(u32, String)]) -> String {
    cells
        .iter()
        .map(|(_, t)| layout::normalise(t))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("|")
}

impl SavedMapping {
    /// Reads a header row with this mapping. Ignored columns are not warned about.
    pub fn header_map(&self, row: u32, cells: &[(u32, String)]) -> HeaderMap {
        let by_header: HashMap<String, Option<&'static str>> =
            self.columns.iter().map(|(h, f)| (layout::normalise(h), *f)).collect();
        let columns = cells
            .iter()
            .filter_map(|(col, text)| by_header.get(&layout::normalise(text)).copied().flatten().map(|f| (*col, f)))
            .collect();
        HeaderMap { kind: self.kind, row, columns, unknown: Vec::new() }
    }
}

/// Checks and remembers a mapping for the header row `cells`. `chosen` pairs a
/// header (as written, any case) with a field of `kind`, or `-` to ignore it;
/// headers not chosen keep their automatic match, or are ignored.
pub fn save(store: &Store, kind: SheetKind, cells: &[(u32, String)], chosen: &[(String, String)]) -> Result<SavedMapping> {
    let usage = |m: String| Err(CoreError::Usage(m));
    let field_of = |name: &str| kind.columns().iter().find(|c| c.name == name.trim()).map(|c| c.name);
    let mut columns: Vec<(String, Option<&'static str>)> = cells
        .iter()
        .filter(|(_, t)| !layout::normalise(t).is_empty())
        .map(|(_, t)| (t.trim().to_string(), layout::match_column(kind, t)))
        .collect();
    for (header, field) in chosen {
        let Some(slot) = columns.iter_mut().find(|(h, _)| layout::normalise(h) == layout::normalise(header)) else {
            let known: Vec<&str> = columns.iter().map(|(h, _)| h.as_str()).collect();
            return usage(format!("The column \u{201c}{header}\u{201d} is not in the header row ({}).", known.join(", ")));
        };
        slot.1 = match field.trim() {
            "-" | "" | "ignore" => None,
            name => match field_of(name) {
                Some(f) => Some(f),
                None => {
                    let names: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
                    return usage(format!(
                        "\u{201c}{name}\u{201d} is not a column of {}; it has {}.",
                        kind.label(),
                        names.join(", ")
                    ));
                }
            },
        };
    }
    let holders = |name: &str| -> Vec<&str> {
        columns.iter().filter(|(_, f)| *f == Some(name)).map(|(h, _)| h.as_str()).collect()
    };
    for spec in kind.columns() {
        if let [first, second, ..] = holders(spec.name)[..] {
            return usage(format!("Both \u{201c}{first}\u{201d} and \u{201c}{second}\u{201d} are mapped to {}; keep one.", spec.name));
        }
    }
    if let Some(spec) = kind.columns().iter().find(|c| c.required && holders(c.name).is_empty()) {
        return usage(format!("The {} sheet needs {}: map one of the columns to it.", kind.label(), spec.name));
    }
    let mapping = SavedMapping { signature: signature(cells), kind, columns };
    let columns_json = serde_json::to_string(&mapping.columns).expect("columns serialise");
    store.conn().execute(
        "INSERT OR REPLACE INTO column_mappings VALUES (?, ?, ?, now()::TIMESTAMP)",
        params![mapping.signature, kind.label(), columns_json],
    )?;
    Ok(mapping)
}

/// Every remembered mapping, by signature.
pub fn load_all(store: &Store) -> Result<HashMap<String, SavedMapping>> {
    let mut stmt = store.conn().prepare("SELECT signature, sheet_kind, columns FROM column_mappings ORDER BY saved_at")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (signature, kind, columns) = row?;
        let Some(kind) = SheetKind::from_sheet_name(&kind) else { continue };
        let stored: Vec<(String, Option<String>)> = serde_json::from_str(&columns).unwrap_or_default();
        let columns = stored
            .into_iter()
            .map(|(h, f)| {
                let field = f.and_then(|f| kind.columns().iter().find(|c| c.name == f).map(|c| c.name));
                (h, field)
            })
            .collect();
        out.insert(signature.clone(), SavedMapping { signature, kind, columns });
    }
    Ok(out)
}

/// Forgets one mapping; says so when there was none.
pub fn forget(store: &Store, signature: &str) -> Result<()> {
    let n = store.conn().execute("DELETE FROM column_mappings WHERE signature = ?", params![signature])?;
    if n == 0 {
        return Err(CoreError::Usage(format!("No mapping is remembered for the header \u{201c}{signature}\u{201d}.")));
    }
    Ok(())
}

/// A sheet's header row: the 1-based `row` if given, else its first non-blank row.
pub fn read_header_row(path: &Path, sheet: Option<&str>, row: Option<u32>) -> Result<(String, u32, Vec<(u32, String)>)> {
    let mut book = Workbook::open(path)?;
    let names = book.sheet_names();
    let sheet = match sheet {
        Some(s) => names.iter().find(|n| layout::normalise(n) == layout::normalise(s)).cloned().ok_or_else(|| {
            CoreError::Usage(format!("There is no sheet \u{201c}{s}\u{201d}; the sheets are {}.", names.join(", ")))
        })?,
        None => names.first().cloned().ok_or_else(|| CoreError::Usage("The file has no sheet.".into()))?,
    };
    let wanted = row.map(|r| r.saturating_sub(1));
    let mut found = None;
    book.for_each_row(&sheet, &mut |r| {
        if wanted.is_none_or(|w| w == r.index) {
            found = Some((r.index, r.texts()));
            return Err(CoreError::Stopped);
        }
        if wanted.is_some_and(|w| r.index > w) {
            return Err(CoreError::Stopped);
        }
        Ok(())
    })
    .or_else(|e| if matches!(e, CoreError::Stopped) { Ok(()) } else { Err(e) })?;
    let (index, cells) =
        found.ok_or_else(|| CoreError::Usage(format!("Sheet {sheet} has no header row there (it is empty).")))?;
    Ok((sheet, index, cells))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(texts: &[&str]) -> Vec<(u32, String)> {
        texts.iter().enumerate().map(|(i, t)| (i as u32, t.to_string())).collect()
    }

    fn store() -> (Store, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("comptoir-map-{}-{:?}", std::process::id(), std::thread::current().id()));
        std::fs::create_dir_all(&dir).unwrap();
        (Store::open(&dir.join("s.duckdb")).unwrap(), dir)
    }

    #[test]
    fn signatures_ignore_case_accents_spaces_and_blank_cells() {
        assert_eq!(signature(&cells(&["Réf.", "", "Qté ", "Prix"])), signature(&cells(&["ref", "QTE", "prix"])));
        assert_ne!(signature(&cells(&["ref", "qte"])), signature(&cells(&["qte", "ref"])));
    }

    #[test]
    fn a_saved_mapping_reads_the_same_header_later() {
        let (store, dir) = store();
        let header = cells(&["N° pièce", "Article", "Nb", "Tarif", "Remarque"]);
        let chosen = [("n° pièce", "invoice_id"), ("ARTICLE", "product_id"), ("Nb", "qty"), ("Tarif", "unit_price"), ("Remarque", "-")]
            .map(|(h, f)| (h.to_string(), f.to_string()));
        let saved = save(&store, SheetKind::InvoiceLines, &header, &chosen).unwrap();
        let all = load_all(&store).unwrap();
        let loaded = &all[&signature(&header)];
        assert_eq!(loaded, &saved);
        let map = loaded.header_map(4, &header);
        assert_eq!((map.kind, map.row), (SheetKind::InvoiceLines, 4));
        assert_eq!(map.index_of("invoice_id"), Some(0));
        assert_eq!(map.index_of("product_id"), Some(1));
        assert_eq!(map.index_of("qty"), Some(2));
        assert_eq!(map.index_of("unit_price"), Some(3));
        assert!(map.unknown.is_empty(), "an ignored column is not warned about");
        forget(&store, &saved.signature).unwrap();
        assert!(load_all(&store).unwrap().is_empty());
        assert!(forget(&store, &saved.signature).is_err());
        drop(store);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn mistakes_are_refused_with_a_sentence() {
        let (store, dir) = store();
        let header = cells(&["Doc", "Article", "Nb"]);
        let pair = |h: &str, f: &str| (h.to_string(), f.to_string());
        let err = |chosen: &[(String, String)]| save(&store, SheetKind::InvoiceLines, &header, chosen).unwrap_err().to_string();
        assert_eq!(
            err(&[pair("Doc", "invoice_id"), pair("Article", "product_id")]),
            "The InvoiceLines sheet needs qty: map one of the columns to it."
        );
        assert!(err(&[pair("Montant", "qty")]).starts_with("The column \u{201c}Montant\u{201d} is not in the header row"));
        assert!(err(&[pair("Nb", "quantity_sold")]).contains("is not a column of InvoiceLines"));
        assert!(err(&[pair("Doc", "qty"), pair("Nb", "qty")]).contains("are mapped to qty"));
        drop(store);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
