//! The one description of each table's columns (SPEC §2.1): its name, its
//! EN/FR aliases (case, accents and spaces ignored), whether it is required,
//! and the type it is staged as. Recognising headers, the mapping step's
//! fields, the staging tables (`staging_sql`) and the staged row order all
//! come from it; a test checks the store's tables against it.

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
    /// How its cells are read and staged; None: known (never reported as
    /// unknown), not imported.
    pub ty: Option<FieldType>,
}

/// How a column's cells are read, and the type they are staged as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Id,
    Text,
    /// DECIMAL(18, scale) in the staging table.
    Decimal {
        scale: i8,
    },
    /// A margin rate, DECIMAL(9, 4).
    Rate,
    Date,
    DateTime,
    /// Not read from a cell: the line's digest, computed from its other fields
    /// (`staging::line_digest`); an invoice's content hash sums them.
    LineDigest,
    /// Not read from a cell: the invoice id's key in this import
    /// (`staging::InvoiceKeys`), on which the checks join.
    InvoiceKey,
    /// Not read from a cell: the line's number in its invoice, 1, 2, … in
    /// the order of the rows (`staging::InvoiceKeys`).
    LineNo,
}

pub(crate) const RATE_SCALE: i8 = 4;
const PRICE: FieldType = FieldType::Decimal { scale: 4 };
const QUANTITY: FieldType = FieldType::Decimal { scale: 3 };
const AMOUNT: FieldType = FieldType::Decimal { scale: 2 };
use FieldType::{Date, DateTime, Id, Rate, Text};

impl FieldType {
    /// Its type in a staging table.
    fn sql_type(self) -> String {
        match self {
            FieldType::Id | FieldType::Text => "VARCHAR".into(),
            FieldType::Decimal { scale } => format!("DECIMAL(18, {scale})"),
            FieldType::Rate => format!("DECIMAL(9, {RATE_SCALE})"),
            FieldType::Date => "DATE".into(),
            FieldType::DateTime => "TIMESTAMP".into(),
            FieldType::LineDigest => "UBIGINT".into(),
            FieldType::InvoiceKey | FieldType::LineNo => "INTEGER".into(),
        }
    }
}

const fn col(name: &'static str, aliases: &'static [&'static str], required: bool, ty: FieldType) -> ColumnSpec {
    ColumnSpec { name, aliases, required, ty: Some(ty) }
}

/// A column recognised (so never reported as unknown) but not imported.
const fn known(name: &'static str, aliases: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec { name, aliases, required: false, ty: None }
}

/// The in-memory database an import stages its sheets' rows in. It is
/// compressed (DuckDB compresses what a `CHECKPOINT` of it folds): a million
/// staged lines take ~20 MB there instead of ~80 in a temporary table, so
/// they stay under the import's memory limit instead of being spilled to disk.
pub(crate) const STAGE_DB: &str = "comptoir_stage";

impl SheetKind {
    /// The table its rows are staged into.
    pub(crate) fn staging_table(self) -> &'static str {
        match self {
            SheetKind::Products => "stg_products",
            SheetKind::Stock => "stg_stock",
            SheetKind::Clients => "stg_clients",
            SheetKind::Invoices => "stg_invoices",
            SheetKind::InvoiceLines => "stg_lines",
        }
    }

    /// The staged columns, in the order of the staging table (after `src,
    /// row_no, ok`): the imported columns as described, then the line's
    /// digest, the invoice's key and the line's number for the kinds that carry lines.
    pub(crate) fn staged_fields(self) -> Vec<(&'static str, FieldType)> {
        let mut fields: Vec<_> = self.columns().iter().filter_map(|c| c.ty.map(|ty| (c.name, ty))).collect();
        if matches!(self, SheetKind::Invoices | SheetKind::InvoiceLines) {
            fields.push(("line_digest", FieldType::LineDigest));
            fields.push(("inv_key", FieldType::InvoiceKey));
            fields.push(("line_no", FieldType::LineNo));
        }
        fields
    }

    /// The staging table's name in SQL for a field (`timestamp` is `ts` there).
    pub(crate) fn sql_column(field: &str) -> &str {
        if field == "timestamp" {
            "ts"
        } else {
            field
        }
    }

    /// `CREATE TABLE` of its staging table, in the import's compressed
    /// in-memory database (`STAGE_DB`).
    pub(crate) fn staging_sql(self) -> String {
        let columns: Vec<String> =
            self.staged_fields().iter().map(|(name, ty)| format!("{} {}", Self::sql_column(name), ty.sql_type())).collect();
        format!(
            "CREATE OR REPLACE TABLE {STAGE_DB}.main.{} (src INTEGER, row_no INTEGER, ok BOOLEAN, {});",
            self.staging_table(),
            columns.join(", ")
        )
    }
}

const PRODUCT_COLUMNS: &[ColumnSpec] = &[
    col("product_id", &["sku", "code", "ref", "référence", "reference", "product id"], true, Id),
    col("name", &["designation", "désignation", "libellé", "libelle", "description"], true, Text),
    col("category", &["catégorie", "categorie", "famille"], false, Text),
    col("buy_price", &["cost", "prix d'achat", "pa"], false, PRICE),
    col("sell_price", &["price", "prix de vente", "pv"], false, PRICE),
    col("min_margin_threshold", &["min margin", "marge min"], false, Rate),
];

const STOCK_COLUMNS: &[ColumnSpec] = &[
    col("stock_id", &["lot id"], false, Id),
    col("product_id", &["sku", "code", "ref", "référence", "product id"], true, Id),
    col("quantity", &["qty", "quantité", "quantite"], true, QUANTITY),
    col("batch_no", &["batch", "lot"], false, Id),
    col("expiry_date", &["expiry", "dlc", "date de péremption"], false, Date),
    col("last_movement", &["dernier mouvement"], false, Date),
];

const CLIENT_COLUMNS: &[ColumnSpec] = &[
    col("client_id", &["customer id", "code client", "n° client", "no client"], true, Id),
    col("name", &["nom", "raison sociale"], true, Text),
    col("total_revenue_generated", &["opening revenue", "ca initial"], false, AMOUNT),
    known("loyalty_tier", &["tier", "niveau"]),
];

const INVOICE_COLUMNS: &[ColumnSpec] = &[
    col("invoice_id", &["invoice no", "invoiceno", "facture", "n° facture", "numéro de facture"], true, Id),
    col("client_id", &["customer", "client", "code client", "customer id", "customerid"], false, Id),
    col("timestamp", &["date", "invoice date", "invoicedate", "date facture"], true, DateTime),
    col("total_amount", &["total", "montant"], false, AMOUNT),
    // An Invoices sheet may carry its lines itself (one row per line).
    col("product_id", &["sku", "code", "ref", "référence", "stockcode"], false, Id),
    col("qty", &["quantity", "quantité", "quantite"], false, QUANTITY),
    col("unit_price", &["unit price", "unitprice", "prix unitaire", "pu"], false, PRICE),
    // In a flat sales export, the product's name as written on the line.
    col("description", &["designation", "désignation", "libellé", "libelle"], false, Text),
    // Known, not used: listed so that it is not reported as unknown.
    known("country", &["pays"]),
];

const LINE_COLUMNS: &[ColumnSpec] = &[
    col("invoice_id", &["invoice no", "facture", "n° facture", "numéro de facture"], true, Id),
    col("product_id", &["sku", "code", "ref", "référence"], true, Id),
    col("qty", &["quantity", "quantité", "quantite"], true, QUANTITY),
    col("unit_price", &["unit price", "prix unitaire", "pu"], false, PRICE),
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

    /// The store's tables keep what the description stages, with the same
    /// types: a column added to one and not the other fails here.
    #[test]
    fn the_store_tables_match_the_one_description() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let type_in = |table: &str, column: &str| -> Option<String> {
            store
                .conn()
                .query_row(
                    "SELECT data_type FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
                    duckdb::params![table, column],
                    |r| r.get(0),
                )
                .ok()
        };
        for kind in SheetKind::ALL {
            for (field, ty) in kind.staged_fields() {
                if matches!(ty, FieldType::LineDigest | FieldType::InvoiceKey) {
                    continue; // staged only, never stored
                }
                let table = match (kind, field) {
                    (SheetKind::Products, _) => "products",
                    (SheetKind::Stock, _) => "stock",
                    (SheetKind::Clients, _) => "clients",
                    (SheetKind::Invoices, "product_id" | "qty" | "unit_price" | "line_no") | (SheetKind::InvoiceLines, _) => {
                        "invoice_lines"
                    }
                    (SheetKind::Invoices, "description") => continue, // names a product known only from sales
                    (SheetKind::Invoices, _) => "invoices",
                };
                let stored = type_in(table, SheetKind::sql_column(field)).unwrap_or_else(|| panic!("{table}.{field} is not in the store"));
                assert_eq!(stored, ty.sql_type().replace(", ", ","), "{table}.{field}");
            }
        }
        // The staging tables are made from the description alone.
        store.conn().execute_batch(include_str!("sql/import_staging.sql")).unwrap();
        for kind in SheetKind::ALL {
            store.conn().execute_batch(&kind.staging_sql()).unwrap();
        }
        assert_eq!(type_in("stg_invoices", "ts").as_deref(), Some("TIMESTAMP"));
        assert_eq!(type_in("stg_products", "min_margin_threshold").as_deref(), Some("DECIMAL(9,4)"));
    }
}
