//! Column mappings the user confirmed, remembered per header signature: when a
//! sheet's header row is not recognised (or is recognised wrongly), the user
//! says once which column is which, and every later file with the same header
//! row is read that way.

use crate::error::{CoreError, Result};
use crate::import::layout::{self, HeaderMap, Layout, SheetKind};
use crate::messages::{self, Lang};
use crate::read::cells::{NEXT, STOP};
use crate::read::workbook::Workbook;
use crate::store::Store;
use duckdb::params;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// A confirmed mapping: what the sheet holds and, for each header of the row,
/// the field it holds (None = ignored).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SavedMapping {
    pub signature: String,
    pub layout: Layout,
    pub kind: SheetKind,
    pub columns: Vec<(String, Option<&'static str>)>,
}

/// The header row's signature: its non-empty headers, normalised (case, accents
/// and spaces ignored), in column order.
pub fn signature(cells: &[(u32, String)]) -> String {
    cells.iter().map(|(_, t)| layout::normalise(t)).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("|")
}

impl SavedMapping {
    /// Reads a header row with this mapping. Ignored columns are not warned about.
    pub fn header_map(&self, row: u32, cells: &[(u32, String)]) -> HeaderMap {
        let by_header: HashMap<String, Option<&'static str>> = self.columns.iter().map(|(h, f)| (layout::normalise(h), *f)).collect();
        let columns =
            cells.iter().filter_map(|(col, text)| by_header.get(&layout::normalise(text)).copied().flatten().map(|f| (*col, f))).collect();
        HeaderMap { kind: self.kind, row, columns, unknown: Vec::new() }
    }
}

/// A field's name on screen, in `lang`.
pub fn field_label(field: &str, lang: Lang) -> String {
    messages::render(&format!("field_{field}"), &[], lang)
}

/// A layout's name on screen, in `lang`.
pub fn layout_label(layout: Layout, lang: Lang) -> String {
    messages::render(&format!("layout_{}", layout.id()), &[], lang)
}

/// The one field of `layout` a user's word names: its id or its label in either language.
fn field_named(layout: Layout, name: &str) -> Option<&'static str> {
    let key = layout::normalise(name);
    layout
        .fields()
        .into_iter()
        .map(|(f, _)| f)
        .find(|f| layout::normalise(f) == key || [Lang::En, Lang::Fr].into_iter().any(|l| layout::normalise(&field_label(f, l)) == key))
}

/// Checks the user's reading of the header row `cells` as `layout`. `chosen`
/// pairs a header (as written, any case) with a field of the layout, or `-` to
/// ignore it; headers not chosen keep their automatic match, or are ignored.
/// Its refusals name layouts and fields in `lang`. Invoices given products and
/// quantities are read as the sales export they are.
pub fn check(layout: Layout, cells: &[(u32, String)], chosen: &[(String, String)], lang: Lang) -> Result<SavedMapping> {
    let layout = match layout {
        Layout::Invoices => Layout::of_fields(SheetKind::Invoices, chosen.iter().map(|(_, f)| f.trim())),
        other => other,
    };
    let offered: Vec<&'static str> = layout.fields().into_iter().map(|(f, _)| f).collect();
    let mut columns: Vec<(String, Option<&'static str>)> = cells
        .iter()
        .filter(|(_, t)| !layout::normalise(t).is_empty())
        .map(|(_, t)| (t.trim().to_string(), layout::match_column(layout.kind(), t).filter(|f| offered.contains(f))))
        .collect();
    for (header, field) in chosen {
        let Some(slot) = columns.iter_mut().find(|(h, _)| layout::normalise(h) == layout::normalise(header)) else {
            let known: Vec<&str> = columns.iter().map(|(h, _)| h.as_str()).collect();
            return Err(CoreError::invalid("mapping_not_in_header", [header.clone(), known.join(", ")]));
        };
        slot.1 = match field.trim() {
            "-" | "" | "ignore" => None,
            name => Some(field_named(layout, name).ok_or_else(|| {
                let names: Vec<String> = offered.iter().map(|f| field_label(f, lang)).collect();
                CoreError::invalid("mapping_not_a_field", [name.to_string(), layout_label(layout, lang), names.join(", ")])
            })?),
        };
    }
    let holders = |name: &str| -> Vec<&str> { columns.iter().filter(|(_, f)| *f == Some(name)).map(|(h, _)| h.as_str()).collect() };
    for field in &offered {
        if let [first, second, ..] = holders(field)[..] {
            return Err(CoreError::invalid("mapping_twice", [first.to_string(), second.to_string(), field_label(field, lang)]));
        }
    }
    if let Some((field, _)) = layout.fields().into_iter().find(|(f, required)| *required && holders(f).is_empty()) {
        return Err(CoreError::invalid("mapping_needs", [layout_label(layout, lang), field_label(field, lang)]));
    }
    Ok(SavedMapping { signature: signature(cells), layout, kind: layout.kind(), columns })
}

/// Checks and remembers a mapping (see [`check`]).
pub fn save(store: &Store, layout: Layout, cells: &[(u32, String)], chosen: &[(String, String)], lang: Lang) -> Result<SavedMapping> {
    let mapping = check(layout, cells, chosen, lang)?;
    let columns_json = serde_json::to_string(&mapping.columns).expect("columns serialise");
    store.conn().execute(
        "INSERT OR REPLACE INTO column_mappings VALUES (?, ?, ?, now()::TIMESTAMP)",
        params![mapping.signature, mapping.layout.id(), columns_json],
    )?;
    Ok(mapping)
}

/// Every remembered mapping, by signature, oldest first.
pub fn load_all(store: &Store) -> Result<HashMap<String, SavedMapping>> {
    Ok(list(store)?.into_iter().map(|(m, _)| (m.signature.clone(), m)).collect())
}

/// Every remembered mapping with when it was saved, oldest first.
pub fn list(store: &Store) -> Result<Vec<(SavedMapping, String)>> {
    let mut stmt = store
        .conn()
        .prepare("SELECT signature, sheet_kind, columns, strftime(saved_at, '%Y-%m-%d %H:%M') FROM column_mappings ORDER BY saved_at")?;
    let rows =
        stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (signature, stored_layout, columns, saved_at) = row?;
        let Some(layout) = Layout::parse(&stored_layout) else { continue };
        let stored: Vec<(String, Option<String>)> = serde_json::from_str(&columns).unwrap_or_default();
        let columns = stored.into_iter().map(|(h, f)| (h, f.and_then(|f| field_named(layout, &f)))).collect();
        out.push((SavedMapping { signature, layout, kind: layout.kind(), columns }, saved_at));
    }
    Ok(out)
}

/// The header row a saved mapping was made for (its headers, in order).
pub fn header_cells(mapping: &SavedMapping) -> Vec<(u32, String)> {
    mapping.columns.iter().enumerate().map(|(i, (h, _))| (i as u32, h.clone())).collect()
}

/// Forgets one mapping; says so when there was none.
pub fn forget(store: &Store, signature: &str) -> Result<()> {
    let n = store.conn().execute("DELETE FROM column_mappings WHERE signature = ?", params![signature])?;
    if n == 0 {
        return Err(CoreError::invalid("mapping_none", [signature.to_string()]));
    }
    Ok(())
}

/// A sheet's header row and the rows under it, for the mapping step.
pub struct HeaderRow {
    pub sheet: String,
    /// 0-based.
    pub index: u32,
    pub cells: Vec<(u32, String)>,
    /// Up to the number asked for, the non-blank rows that follow.
    pub samples: Vec<Vec<(u32, String)>>,
}

/// A sheet's header row: the 1-based `row` if given, else its first non-blank
/// row; with up to `samples` rows under it.
pub fn read_header_row(path: &Path, sheet: Option<&str>, row: Option<u32>, samples: usize) -> Result<HeaderRow> {
    let mut book = Workbook::open(path)?;
    let names = book.sheet_names();
    let sheet = match sheet {
        Some(s) => names
            .iter()
            .find(|n| layout::normalise(n) == layout::normalise(s))
            .cloned()
            .ok_or_else(|| CoreError::Usage(format!("There is no sheet \u{201c}{s}\u{201d}; the sheets are {}.", names.join(", "))))?,
        None => names.first().cloned().ok_or_else(|| CoreError::Usage("The file has no sheet.".into()))?,
    };
    let wanted = row.map(|r| r.saturating_sub(1));
    let mut found: Option<(u32, Vec<(u32, String)>)> = None;
    let mut rows = Vec::new();
    book.for_each_row(&sheet, &mut |r| {
        if found.is_some() {
            rows.push(r.texts());
            return Ok(if rows.len() >= samples { STOP } else { NEXT });
        }
        if wanted.is_none_or(|w| w == r.index) {
            found = Some((r.index, r.texts()));
            return Ok(if samples == 0 { STOP } else { NEXT });
        }
        Ok(if wanted.is_some_and(|w| r.index > w) { STOP } else { NEXT })
    })?;
    let (index, cells) = found.ok_or_else(|| CoreError::Usage(format!("Sheet {sheet} has no header row there (it is empty).")))?;
    Ok(HeaderRow { sheet, index, cells, samples: rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Lang;

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
        let saved = save(&store, Layout::InvoiceLines, &header, &chosen, Lang::En).unwrap();
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
        let err = |chosen: &[(String, String)]| save(&store, Layout::InvoiceLines, &header, chosen, Lang::En).unwrap_err();
        let missing = err(&[pair("Doc", "invoice_id"), pair("Article", "product_id")]);
        assert_eq!(
            missing.to_string(),
            "Invoice lines (of invoices already imported) needs a column for Quantity sold: choose which column holds it."
        );
        let in_french = save(&store, Layout::InvoiceLines, &header, &[pair("Doc", "invoice_id")], Lang::Fr).unwrap_err();
        assert_eq!(
            in_french.render(Lang::Fr),
            "Lignes de factures (de factures déjà importées) demande une colonne pour Code article\u{a0}: choisissez celle qui le contient."
        );
        assert!(err(&[pair("Montant", "qty")]).to_string().starts_with("The column \u{201c}Montant\u{201d} is not in the header row"));
        assert!(err(&[pair("Nb", "weight")]).to_string().contains("\u{201c}weight\u{201d} is not a field of Invoice lines"));
        assert!(err(&[pair("Doc", "qty"), pair("Nb", "Quantité vendue")]).to_string().contains("are read as Quantity sold"));
        drop(store);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
