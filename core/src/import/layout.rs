//! Recognising sheets and columns of the normalised workbook (SPEC §2.1):
//! names and EN/FR aliases, case, accents and spaces ignored.

/// The tables of the normalised workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum SheetKind {
    Products,
    Stock,
    Clients,
    Invoices,
    InvoiceLines,
}

impl SheetKind {
    pub const ALL: [SheetKind; 5] =
        [SheetKind::Products, SheetKind::Stock, SheetKind::Clients, SheetKind::Invoices, SheetKind::InvoiceLines];

    pub fn label(self) -> &'static str {
        match self {
            SheetKind::Products => "Products",
            SheetKind::Stock => "Stock",
            SheetKind::Clients => "Clients",
            SheetKind::Invoices => "Invoices",
            SheetKind::InvoiceLines => "InvoiceLines",
        }
    }

    fn sheet_aliases(self) -> &'static [&'static str] {
        match self {
            SheetKind::Products => &["products", "produits", "articles"],
            SheetKind::Stock => &["stock", "inventory", "inventaire", "lots"],
            SheetKind::Clients => &["clients", "customers"],
            SheetKind::Invoices => &["invoices", "factures", "sales", "ventes"],
            SheetKind::InvoiceLines => &["invoicelines", "lines", "items", "lignes"],
        }
    }

    /// The columns of this sheet: (canonical name, aliases, required).
    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            SheetKind::Products => PRODUCT_COLUMNS,
            SheetKind::Stock => STOCK_COLUMNS,
            SheetKind::Clients => CLIENT_COLUMNS,
            SheetKind::Invoices => INVOICE_COLUMNS,
            SheetKind::InvoiceLines => LINE_COLUMNS,
        }
    }

    /// The kind a sheet's name says, if any.
    pub fn from_sheet_name(name: &str) -> Option<SheetKind> {
        let key = normalise(name);
        SheetKind::ALL.into_iter().find(|k| k.sheet_aliases().iter().any(|a| normalise(a) == key))
    }
}

/// What a sheet holds, as the user names it in the mapping step (SPEC §2.2):
/// a table of the normalised workbook, or a flat sales export (one row per
/// line sold), which is read as an Invoices sheet carrying its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    Sales,
    Products,
    Stock,
    Clients,
    Invoices,
    InvoiceLines,
}

impl Layout {
    /// In the order offered: a till exports sales, so they come first.
    pub const ALL: [Layout; 6] = [Layout::Sales, Layout::Products, Layout::Stock, Layout::Clients, Layout::Invoices, Layout::InvoiceLines];

    /// The stable id the UI and the CLI use.
    pub fn id(self) -> &'static str {
        match self {
            Layout::Sales => "sales",
            Layout::Products => "products",
            Layout::Stock => "stock",
            Layout::Clients => "clients",
            Layout::Invoices => "invoices",
            Layout::InvoiceLines => "invoice_lines",
        }
    }

    /// The table its rows are staged into.
    pub fn kind(self) -> SheetKind {
        match self {
            Layout::Sales | Layout::Invoices => SheetKind::Invoices,
            Layout::Products => SheetKind::Products,
            Layout::Stock => SheetKind::Stock,
            Layout::Clients => SheetKind::Clients,
            Layout::InvoiceLines => SheetKind::InvoiceLines,
        }
    }

    /// From an id, a sheet kind's name or alias (`invoicelines`, `ventes`…).
    pub fn parse(name: &str) -> Option<Layout> {
        let key = normalise(name);
        if ["sales", "salesexport", "flat", "till", "ventes", "caisse"].contains(&key.as_str()) {
            return Some(Layout::Sales);
        }
        Layout::ALL.into_iter().find(|l| normalise(l.id()) == key).or_else(|| SheetKind::from_sheet_name(name).map(Layout::of_kind))
    }

    fn of_kind(kind: SheetKind) -> Layout {
        match kind {
            SheetKind::Products => Layout::Products,
            SheetKind::Stock => Layout::Stock,
            SheetKind::Clients => Layout::Clients,
            SheetKind::Invoices => Layout::Invoices,
            SheetKind::InvoiceLines => Layout::InvoiceLines,
        }
    }

    /// The layout a mapping of `kind` onto `fields` reads as: an Invoices
    /// sheet carrying products and quantities is a sales export.
    pub fn of_fields<'a>(kind: SheetKind, mut fields: impl Iterator<Item = &'a str>) -> Layout {
        match kind {
            SheetKind::Invoices if fields.any(|f| f == "product_id" || f == "qty") => Layout::Sales,
            other => Layout::of_kind(other),
        }
    }

    /// The fields the user may map, in the order shown, and whether each is required.
    pub fn fields(self) -> Vec<(&'static str, bool)> {
        const SALES: &[(&str, bool)] = &[
            ("invoice_id", true),
            ("timestamp", true),
            ("client_id", false),
            ("product_id", true),
            ("description", false),
            ("qty", true),
            ("unit_price", false),
        ];
        const INVOICES: &[(&str, bool)] = &[("invoice_id", true), ("timestamp", true), ("client_id", false), ("total_amount", false)];
        match self {
            Layout::Sales => SALES.to_vec(),
            Layout::Invoices => INVOICES.to_vec(),
            other => other.kind().columns().iter().map(|c| (c.name, c.required)).collect(),
        }
    }
}

pub struct ColumnSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

const fn col(name: &'static str, aliases: &'static [&'static str], required: bool) -> ColumnSpec {
    ColumnSpec { name, aliases, required }
}

const PRODUCT_COLUMNS: &[ColumnSpec] = &[
    col("product_id", &["sku", "code", "ref", "référence", "reference", "product id"], true),
    col("name", &["designation", "désignation", "libellé", "libelle", "description"], true),
    col("category", &["catégorie", "categorie", "famille"], false),
    col("buy_price", &["cost", "prix d'achat", "pa"], false),
    col("sell_price", &["price", "prix de vente", "pv"], false),
    col("min_margin_threshold", &["min margin", "marge min"], false),
];

const STOCK_COLUMNS: &[ColumnSpec] = &[
    col("stock_id", &["lot id"], false),
    col("product_id", &["sku", "code", "ref", "référence", "product id"], true),
    col("quantity", &["qty", "quantité", "quantite"], true),
    col("batch_no", &["batch", "lot"], false),
    col("expiry_date", &["expiry", "dlc", "date de péremption"], false),
    col("last_movement", &["dernier mouvement"], false),
];

const CLIENT_COLUMNS: &[ColumnSpec] = &[
    col("client_id", &["customer id", "code client", "n° client", "no client"], true),
    col("name", &["nom", "raison sociale"], true),
    col("total_revenue_generated", &["opening revenue", "ca initial"], false),
    col("loyalty_tier", &["tier", "niveau"], false),
];

const INVOICE_COLUMNS: &[ColumnSpec] = &[
    col("invoice_id", &["invoice no", "invoiceno", "facture", "n° facture", "numéro de facture"], true),
    col("client_id", &["customer", "client", "code client", "customer id", "customerid"], false),
    col("timestamp", &["date", "invoice date", "invoicedate", "date facture"], true),
    col("total_amount", &["total", "montant"], false),
    // An Invoices sheet may carry its lines itself (one row per line).
    col("product_id", &["sku", "code", "ref", "référence", "stockcode"], false),
    col("qty", &["quantity", "quantité", "quantite"], false),
    col("unit_price", &["unit price", "unitprice", "prix unitaire", "pu"], false),
    // In a flat sales export, the product's name as written on the line.
    col("description", &["designation", "désignation", "libellé", "libelle"], false),
    // Known, not used: listed so that it is not reported as unknown.
    col("country", &["pays"], false),
];

const LINE_COLUMNS: &[ColumnSpec] = &[
    col("invoice_id", &["invoice no", "facture", "n° facture", "numéro de facture"], true),
    col("product_id", &["sku", "code", "ref", "référence"], true),
    col("qty", &["quantity", "quantité", "quantite"], true),
    col("unit_price", &["unit price", "prix unitaire", "pu"], false),
];

/// Lower case, accents folded, spaces/underscores/dashes removed: `Prix d'achat` → `prixdachat`.
pub fn normalise(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).map(fold_accent).filter(|c| c.is_alphanumeric() || *c == '°').collect()
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'â' | 'ä' | 'á' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' => 'i',
        'ô' | 'ö' | 'ó' => 'o',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'ç' => 'c',
        other => other,
    }
}

/// Which canonical column a header cell names, for a given sheet kind.
pub fn match_column(kind: SheetKind, header: &str) -> Option<&'static str> {
    let key = normalise(header);
    if key.is_empty() {
        return None;
    }
    kind.columns().iter().find(|c| normalise(c.name) == key || c.aliases.iter().any(|a| normalise(a) == key)).map(|c| c.name)
}

/// A header row found in a sheet: where it is and which column holds what.
#[derive(Debug, Clone)]
pub struct HeaderMap {
    pub kind: SheetKind,
    pub row: u32,
    /// (column index, canonical name)
    pub columns: Vec<(u32, &'static str)>,
    /// (column index, header text) of headers no alias matched.
    pub unknown: Vec<(u32, String)>,
}

impl HeaderMap {
    pub fn index_of(&self, name: &str) -> Option<u32> {
        self.columns.iter().find(|(_, n)| *n == name).map(|(i, _)| *i)
    }

    pub fn missing_required(&self) -> Vec<&'static str> {
        self.kind.columns().iter().filter(|c| c.required && self.index_of(c.name).is_none()).map(|c| c.name).collect()
    }
}

/// Tries to read `cells` (one row's texts, by column) as the header of `kind`.
/// A header must name every required column.
pub fn header_for(kind: SheetKind, row: u32, cells: &[(u32, String)]) -> Option<HeaderMap> {
    let mut columns = Vec::new();
    let mut unknown = Vec::new();
    for (col, text) in cells {
        match match_column(kind, text) {
            Some(name) if !columns.iter().any(|(_, n)| *n == name) => columns.push((*col, name)),
            _ if !text.trim().is_empty() => unknown.push((*col, text.trim().to_string())),
            _ => {}
        }
    }
    let map = HeaderMap { kind, row, columns, unknown };
    (!map.columns.is_empty() && map.missing_required().is_empty()).then_some(map)
}

/// For a sheet whose name says nothing: the kind whose header fits best
/// (most recognised columns; InvoiceLines before Invoices on a tie).
pub fn guess_header(row: u32, cells: &[(u32, String)]) -> Option<HeaderMap> {
    SheetKind::ALL
        .into_iter()
        .filter_map(|k| header_for(k, row, cells))
        .max_by_key(|m| (m.columns.len(), m.kind == SheetKind::InvoiceLines))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(texts: &[&str]) -> Vec<(u32, String)> {
        texts.iter().enumerate().map(|(i, t)| (i as u32, t.to_string())).collect()
    }

    #[test]
    fn sheet_names_ignore_case_accents_and_spaces() {
        assert_eq!(SheetKind::from_sheet_name(" PRODUITS "), Some(SheetKind::Products));
        assert_eq!(SheetKind::from_sheet_name("Invoice Lines"), Some(SheetKind::InvoiceLines));
        assert_eq!(SheetKind::from_sheet_name("Inventaire"), Some(SheetKind::Stock));
        assert_eq!(SheetKind::from_sheet_name("Notes"), None);
    }

    #[test]
    fn french_headers_in_any_order_with_unknown_columns() {
        let h = header_for(SheetKind::Products, 3, &cells(&["Libellé", "Référence", "Prix d'achat", "PV", "Couleur"])).unwrap();
        assert_eq!(h.index_of("product_id"), Some(1));
        assert_eq!(h.index_of("name"), Some(0));
        assert_eq!(h.index_of("buy_price"), Some(2));
        assert_eq!(h.index_of("sell_price"), Some(3));
        assert_eq!(h.unknown, vec![(4, "Couleur".to_string())]);
    }

    #[test]
    fn a_header_without_a_required_column_is_not_one() {
        assert!(header_for(SheetKind::Products, 0, &cells(&["name", "category"])).is_none());
    }

    #[test]
    fn unnamed_sheets_are_recognised_by_headers() {
        let h = guess_header(0, &cells(&["invoice_id", "product_id", "qty", "unit_price"])).unwrap();
        assert_eq!(h.kind, SheetKind::InvoiceLines);
        let h = guess_header(0, &cells(&["client_id", "name", "total_revenue_generated"])).unwrap();
        assert_eq!(h.kind, SheetKind::Clients);
    }
}
