//! Drill-down (SPEC §4.1): the invoice lines behind any figure, for the same
//! window: sorted, searched and paged here, in SQL (`sql/drill_lines.sql`),
//! with the totals of every line that matches, not only of the page shown.

use crate::analytics::{trim_decimal, Window};
use crate::error::{CoreError, Result};
use crate::store::Store;
use chrono::NaiveDate;
use duckdb::params_from_iter;
use serde::{Deserialize, Serialize};

/// Which lines: any of these, together (None = not filtered).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct LineFilter {
    pub product: Option<String>,
    pub client: Option<String>,
    pub invoice: Option<String>,
    /// `""` = the products without a category.
    pub category: Option<String>,
    /// Words each line must contain (in its invoice, product, client or their names), any case.
    pub search: Option<String>,
}

/// The columns lines can be sorted by.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LineSort {
    #[default]
    Date,
    Invoice,
    Client,
    Product,
    Qty,
    UnitPrice,
    Revenue,
    Cost,
    Profit,
}

impl LineSort {
    fn sql(self) -> &'static str {
        match self {
            LineSort::Date => "sale_date",
            LineSort::Invoice => "invoice_id",
            LineSort::Client => "coalesce(client_name, client_id)",
            LineSort::Product => "product_name",
            LineSort::Qty => "qty",
            LineSort::UnitPrice => "unit_price",
            LineSort::Revenue => "revenue",
            LineSort::Cost => "cost",
            LineSort::Profit => "profit",
        }
    }
}

/// A page of lines: where it starts, how many, in which order.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct PageRequest {
    pub offset: u64,
    pub limit: u64,
    pub sort: LineSort,
    pub descending: bool,
}

impl Default for PageRequest {
    /// The newest lines first, as a till shows them.
    fn default() -> Self {
        PageRequest { offset: 0, limit: 50, sort: LineSort::Date, descending: true }
    }
}

/// The most lines one page may hold.
pub const MAX_PAGE: u64 = 1000;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Line {
    pub date: NaiveDate,
    pub invoice_id: String,
    pub client_id: Option<String>,
    pub client_name: Option<String>,
    pub product_id: String,
    pub product_name: String,
    pub qty: String,
    pub unit_price: String,
    pub revenue: String,
    /// None without a buy price: unknown, never 0.
    pub cost: Option<String>,
    pub profit: Option<String>,
}

/// The sums of every line that matches: they equal the figure clicked.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LineTotals {
    pub lines: u64,
    /// Invoices among them whose lines' revenue is positive (as the KPI counts them).
    pub invoices: u64,
    pub qty: String,
    pub revenue: String,
    /// None when no line has a cost.
    pub cost: Option<String>,
    pub profit: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinesPage {
    pub window: Window,
    pub filter: LineFilter,
    pub page: PageRequest,
    pub totals: LineTotals,
    pub lines: Vec<Line>,
}

/// `WHERE` of the search: every word must appear in one of the line's texts.
/// Words are parameters (LIKE's own characters escaped), never SQL.
fn search_clause(search: Option<&str>, values: &mut Vec<duckdb::types::Value>) -> String {
    let words: Vec<&str> = search.unwrap_or_default().split_whitespace().take(8).collect();
    let mut clause = String::new();
    for word in words {
        let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        clause += " AND concat_ws(' ', invoice_id, product_id, product_name, client_id, client_name) ILIKE ? ESCAPE '\\'";
        values.push(format!("%{escaped}%").into());
    }
    clause
}

fn base_params(window: &Window, filter: &LineFilter) -> Vec<duckdb::types::Value> {
    let text = |v: &Option<String>| v.clone().map_or(duckdb::types::Value::Null, duckdb::types::Value::from);
    vec![
        window.from.to_string().into(),
        window.to.to_string().into(),
        text(&filter.product),
        text(&filter.client),
        text(&filter.invoice),
        text(&filter.category),
    ]
}

const SOURCE: &str = "FROM drill_lines(?::DATE, ?::DATE, ?::VARCHAR, ?::VARCHAR, ?::VARCHAR, ?::VARCHAR) WHERE true";

/// The totals of the lines that match.
pub fn totals(store: &Store, window: &Window, filter: &LineFilter) -> Result<LineTotals> {
    let mut values = base_params(window, filter);
    let search = search_clause(filter.search.as_deref(), &mut values);
    let sql = format!(
        "WITH l AS (SELECT * {SOURCE}{search}),
              per_invoice AS (SELECT sum(revenue) > 0 AS positive FROM l GROUP BY invoice_id)
         SELECT t.*, (SELECT count(*) FILTER (WHERE positive) FROM per_invoice)
         FROM (SELECT count(*), coalesce(sum(qty), 0)::VARCHAR, money(coalesce(sum(revenue), 0)),
                      CASE WHEN bool_or(cost IS NOT NULL) THEN money(sum(cost)) END,
                      CASE WHEN bool_or(cost IS NOT NULL) THEN money(sum(profit)) END
               FROM l) AS t"
    );
    let totals = store.conn().query_row(&sql, params_from_iter(values), |r| {
        Ok(LineTotals {
            lines: r.get::<_, i64>(0)? as u64,
            qty: trim_decimal(&r.get::<_, String>(1)?),
            revenue: r.get(2)?,
            cost: r.get(3)?,
            profit: r.get(4)?,
            invoices: r.get::<_, i64>(5)? as u64,
        })
    })?;
    Ok(totals)
}

/// One page of the lines that match, with the totals of them all.
pub fn page(store: &Store, window: Window, filter: LineFilter, page: PageRequest) -> Result<LinesPage> {
    if page.limit == 0 || page.limit > MAX_PAGE {
        return Err(CoreError::invalid("lines_page_size", [MAX_PAGE.to_string()]));
    }
    let totals = totals(store, &window, &filter)?;
    let mut lines = Vec::new();
    for_each_line(store, &window, &filter, Some(&page), &mut |line| lines.push(line))?;
    Ok(LinesPage { window, filter, page, totals, lines })
}

/// Every line that matches (one page when `page` is given), in order; for
/// the export, which streams them all.
pub fn for_each_line(
    store: &Store,
    window: &Window,
    filter: &LineFilter,
    page: Option<&PageRequest>,
    on_line: &mut dyn FnMut(Line),
) -> Result<()> {
    let mut values = base_params(window, filter);
    let search = search_clause(filter.search.as_deref(), &mut values);
    let order = page.copied().unwrap_or_default();
    let direction = if order.descending { "DESC" } else { "ASC" };
    // Ties keep a stable order (invoice, then line), so pages never overlap.
    let mut sql = format!(
        "SELECT sale_date, invoice_id, client_id, client_name, product_id, product_name, qty::VARCHAR, unit_price::VARCHAR,
                money(revenue), money(cost), money(profit)
         {SOURCE}{search}
         ORDER BY {} {direction} NULLS LAST, invoice_id {direction}, line_no",
        order.sort.sql()
    );
    if let Some(p) = page {
        sql += &format!(" LIMIT {} OFFSET {}", p.limit, p.offset);
    }
    let mut stmt = store.conn().prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(values))?;
    while let Some(r) = rows.next()? {
        on_line(Line {
            date: r.get(0)?,
            invoice_id: r.get(1)?,
            client_id: r.get(2)?,
            client_name: r.get(3)?,
            product_id: r.get(4)?,
            product_name: r.get(5)?,
            qty: trim_decimal(&r.get::<_, String>(6)?),
            unit_price: trim_decimal(&r.get::<_, String>(7)?),
            revenue: r.get(8)?,
            cost: r.get(9)?,
            profit: r.get(10)?,
        });
    }
    Ok(())
}
