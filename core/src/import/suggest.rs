//! The mapping step's first guess (SPEC §2.2): for a header row Comptoir does
//! not recognise, which layout the sheet is and which column holds which field,
//! from the header words (English and French, as tills and accountants write
//! them) and from the values under them (dates, money, quantities, codes).
//! The user reviews the guess; nothing is saved without them.

use crate::import::layout::{self, Layout};

/// A guess: the layout, and for each header cell (in order) the field it holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Suggestion {
    pub layout: Layout,
    pub columns: Vec<Option<&'static str>>,
}

/// What the values of a column look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Values {
    Empty,
    Dates,
    /// Whole numbers.
    Counts,
    /// Numbers with decimals (prices, amounts).
    Amounts,
    /// Short codes without spaces (`A-1002`, `85123A`, `C17`).
    Codes,
    /// Words (names, descriptions).
    Words,
}

/// What a field expects of its values.
fn expects(field: &str) -> &'static [Values] {
    use Values::*;
    match field {
        "timestamp" | "expiry_date" | "last_movement" => &[Dates],
        "qty" | "quantity" => &[Counts, Amounts],
        "unit_price" | "buy_price" | "sell_price" | "total_amount" | "total_revenue_generated" | "min_margin_threshold" => {
            &[Amounts, Counts]
        }
        "invoice_id" | "product_id" | "client_id" | "stock_id" | "batch_no" => &[Codes, Counts],
        _ => &[Words, Codes],
    }
}

/// Words a header may use for a field, normalised (`layout::normalise`). Short
/// ones must be the whole header; longer ones may be part of it (`N° pièce`).
fn hints(field: &str) -> &'static [&'static str] {
    match field {
        "invoice_id" => {
            &["piece", "facture", "invoice", "ticket", "doc", "document", "bon", "receipt", "transaction", "numero", "num", "n°", "no"]
        }
        "timestamp" => &["date", "quand", "jour", "heure", "datetime", "time", "when", "day"],
        "client_id" => &["client", "customer", "acheteur", "compte", "account"],
        "product_id" => &["article", "produit", "product", "sku", "code", "ref", "item", "ean", "stockcode", "codebarre", "barcode"],
        "description" => &["designation", "libelle", "description", "intitule", "label"],
        "qty" | "quantity" => &["qte", "qty", "quantite", "quantity", "nb", "nombre", "unites", "units", "colis", "qt"],
        "unit_price" => &["pu", "prix", "price", "tarif", "unitprice", "pvu", "prixunitaire"],
        "total_amount" => &["total", "montant", "amount", "ttc"],
        "name" => &["nom", "name", "raisonsociale", "designation", "libelle"],
        "category" => &["categorie", "category", "famille", "rayon", "family"],
        "buy_price" => &["achat", "cost", "cout", "pa"],
        "sell_price" => &["vente", "pv", "sell", "prix", "price"],
        "min_margin_threshold" => &["margemin", "minmargin", "marge"],
        "stock_id" => &["stockid", "idstock", "ligne"],
        "batch_no" => &["lot", "batch"],
        "expiry_date" => &["peremption", "dlc", "dluo", "expiry", "expire", "expiration"],
        "last_movement" => &["mouvement", "movement"],
        "total_revenue_generated" => &["chiffre", "revenue", "ca"],
        "loyalty_tier" => &["niveau", "tier", "fidelite", "loyalty"],
        _ => &[],
    }
}

/// How well a header names a field: 3 for its own name or alias, 2 for a
/// word of it, 0 for nothing.
fn header_score(layout: Layout, field: &str, header: &str) -> u32 {
    let key = layout::normalise(header);
    if key.is_empty() {
        return 0;
    }
    if layout::match_column(layout.kind(), header) == Some(field) {
        return 3;
    }
    let named = hints(field).iter().any(|h| if h.chars().count() <= 3 { key == *h } else { key.contains(h) });
    if named {
        2
    } else {
        0
    }
}

/// Guesses the layout and the columns of a header row from its `cells` and the
/// `samples` rows under it. The best layout is the one whose required fields
/// are all found, then the one that reads the most columns.
pub fn suggest(cells: &[(u32, String)], samples: &[Vec<(u32, String)>]) -> Suggestion {
    let profiles: Vec<Values> = cells.iter().map(|(col, _)| profile(samples.iter().filter_map(|r| cell(r, *col)))).collect();
    Layout::ALL
        .into_iter()
        .map(|layout| {
            let columns = assign(layout, cells, &profiles);
            let required = layout.fields().iter().filter(|(f, req)| *req && columns.contains(&Some(*f))).count();
            let complete = required == layout.fields().iter().filter(|(_, req)| *req).count();
            let score: u32 = columns.iter().zip(cells).filter_map(|(f, (_, h))| f.map(|f| 1 + header_score(layout, f, h))).sum();
            (complete, score, Suggestion { layout, columns })
        })
        // On a tie, the earlier layout of `Layout::ALL` (sales first) wins.
        .fold(None::<(bool, u32, Suggestion)>, |best, next| match best {
            Some(b) if (b.0, b.1) >= (next.0, next.1) => Some(b),
            _ => Some(next),
        })
        .map(|(_, _, s)| s)
        .unwrap_or(Suggestion { layout: Layout::Sales, columns: vec![None; cells.len()] })
}

fn cell(row: &[(u32, String)], col: u32) -> Option<&str> {
    row.iter().find(|(c, _)| *c == col).map(|(_, t)| t.trim()).filter(|t| !t.is_empty())
}

/// Each field of `layout` goes to the column that fits it best: a header
/// naming it whose values fit, else (for dates and numbers only, which values
/// tell apart) the first unclaimed column whose values fit.
fn assign(layout: Layout, cells: &[(u32, String)], profiles: &[Values]) -> Vec<Option<&'static str>> {
    let mut columns: Vec<Option<&'static str>> = vec![None; cells.len()];
    let fits = |field: &str, i: usize| profiles[i] == Values::Empty || expects(field).contains(&profiles[i]);
    // Strongest evidence first: exact names, then header words, then values alone.
    for strength in [3, 2] {
        for (field, _) in layout.fields() {
            if columns.contains(&Some(field)) {
                continue;
            }
            let best = (0..cells.len())
                .filter(|&i| columns[i].is_none() && fits(field, i))
                .find(|&i| header_score(layout, field, &cells[i].1) == strength);
            if let Some(i) = best {
                columns[i] = Some(field);
            }
        }
    }
    for (field, _) in layout.fields() {
        let told_by_values = matches!(expects(field)[0], Values::Dates | Values::Amounts | Values::Counts);
        if columns.contains(&Some(field)) || !told_by_values {
            continue;
        }
        if let Some(i) = (0..cells.len()).find(|&i| columns[i].is_none() && profiles[i] == expects(field)[0]) {
            columns[i] = Some(field);
        }
    }
    columns
}

/// What most of the values look like (empty when there are none).
fn profile<'a>(values: impl Iterator<Item = &'a str>) -> Values {
    let mut counts = [0usize; 6];
    let mut total = 0;
    for v in values {
        total += 1;
        let kind = if looks_like_date(v) {
            Values::Dates
        } else if let Some(whole) = number(v) {
            if whole {
                Values::Counts
            } else {
                Values::Amounts
            }
        } else if !v.contains(char::is_whitespace) && v.chars().count() <= 24 && v.chars().any(|c| c.is_ascii_digit()) {
            Values::Codes
        } else {
            Values::Words
        };
        counts[kind as usize] += 1;
    }
    if total == 0 {
        return Values::Empty;
    }
    let all = [Values::Empty, Values::Dates, Values::Counts, Values::Amounts, Values::Codes, Values::Words];
    // Whole numbers and decimals mix in one price column: amounts if any decimal.
    if counts[Values::Amounts as usize] > 0 && counts[Values::Counts as usize] + counts[Values::Amounts as usize] == total {
        return Values::Amounts;
    }
    all.into_iter().max_by_key(|v| counts[*v as usize]).unwrap_or(Values::Words)
}

/// Some(true) for a whole number, Some(false) for one with decimals (either
/// decimal mark, spaces between thousands, a currency sign), None otherwise.
fn number(v: &str) -> Option<bool> {
    let cleaned: String = v
        .trim_end_matches(['€', '$', '£'])
        .trim_start_matches(['€', '$', '£'])
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let cleaned = cleaned.replace(',', ".");
    let unsigned = cleaned.strip_prefix('-').unwrap_or(&cleaned);
    if unsigned.is_empty() || !unsigned.chars().all(|c| c.is_ascii_digit() || c == '.') || unsigned.matches('.').count() > 1 {
        return None;
    }
    // A code such as 0042 is not a count.
    if unsigned.len() > 1 && unsigned.starts_with('0') && !unsigned.starts_with("0.") {
        return None;
    }
    Some(!unsigned.contains('.'))
}

fn looks_like_date(v: &str) -> bool {
    let date = v.split([' ', 'T']).next().unwrap_or("");
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    parts.len() == 3
        && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && parts.iter().any(|p| p.len() == 4 || parts.iter().all(|p| p.len() <= 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(texts: &[&str]) -> Vec<(u32, String)> {
        texts.iter().enumerate().map(|(i, t)| (i as u32, t.to_string())).collect()
    }

    #[test]
    fn a_french_till_export_is_a_sales_export() {
        let header = row(&["Pièce", "Date", "Client", "Article", "Qté", "PU"]);
        let samples =
            [row(&["T-1001", "14/02/2026 10:02", "C17", "A-88", "2", "1,50"]), row(&["T-1002", "14/02/2026 10:05", "", "A-12", "1", "12"])];
        let s = suggest(&header, &samples);
        assert_eq!(s.layout, Layout::Sales);
        assert_eq!(
            s.columns,
            [Some("invoice_id"), Some("timestamp"), Some("client_id"), Some("product_id"), Some("qty"), Some("unit_price")]
        );
    }

    #[test]
    fn values_name_the_columns_headers_do_not() {
        // "Le", "N" and "Valeur" name nothing; their dates, counts and amounts do.
        let header = row(&["Doc", "Le", "Article", "N", "Valeur", "Remarque"]);
        let samples =
            [row(&["A1", "2026-02-14 10:00", "X1", "2", "1.50", "cadeau"]), row(&["A2", "2026-02-14 11:00", "X2", "3", "2.25", ""])];
        let s = suggest(&header, &samples);
        assert_eq!(s.layout, Layout::Sales);
        assert_eq!(s.columns, [Some("invoice_id"), Some("timestamp"), Some("product_id"), Some("qty"), Some("unit_price"), None]);
    }

    #[test]
    fn a_price_list_is_products() {
        let header = row(&["Code", "Désignation", "Famille", "Prix achat", "Prix vente"]);
        let samples = [row(&["P1", "Huile d'olive 1 L", "Épicerie", "4,20", "6,90"])];
        let s = suggest(&header, &samples);
        assert_eq!(s.layout, Layout::Products);
        assert_eq!(s.columns, [Some("product_id"), Some("name"), Some("category"), Some("buy_price"), Some("sell_price")]);
    }

    #[test]
    fn a_header_word_whose_values_do_not_fit_is_not_taken() {
        // "Date" holds words here: it is not read as the sale's date.
        let header = row(&["Facture", "Date", "Article", "Qté", "Jour"]);
        let samples = [row(&["F1", "mardi", "X1", "2", "2026-02-14"])];
        let s = suggest(&header, &samples);
        assert_eq!(s.columns[1], None);
        assert_eq!(s.columns[4], Some("timestamp"));
    }

    #[test]
    fn values_are_profiled() {
        assert_eq!(profile(["1,50", "2", "12.00"].into_iter()), Values::Amounts);
        assert_eq!(profile(["2", "3"].into_iter()), Values::Counts);
        assert_eq!(profile(["0042", "0043"].into_iter()), Values::Codes);
        assert_eq!(profile(["14/02/2026", "2026-02-15 10:00:00"].into_iter()), Values::Dates);
        assert_eq!(profile(["1 234,50 €"].into_iter()), Values::Amounts);
        assert_eq!(profile(["Sel de Guérande"].into_iter()), Values::Words);
        assert_eq!(profile(std::iter::empty()), Values::Empty);
    }
}
