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

/// Whether only a product or a category narrows the lines (no search, no
/// client, no invoice): their sums then come from the daily aggregates.
fn aggregates_suffice(filter: &LineFilter) -> bool {
    filter.search.as_deref().is_none_or(|s| s.trim().is_empty()) && filter.client.is_none() && filter.invoice.is_none()
}

/// The totals of the lines that match: from the daily aggregates when they
/// suffice (2 ms for a month of 10 million lines), else from the lines.
pub fn totals(store: &Store, window: &Window, filter: &LineFilter) -> Result<LineTotals> {
    if !aggregates_suffice(filter) {
        return totals_from_lines(store, window, filter);
    }
    let text = |v: &Option<String>| v.clone().map_or(duckdb::types::Value::Null, duckdb::types::Value::from);
    let (from, to) = (window.from.to_string(), window.to.to_string());
    let mut totals = store.conn().query_row(
        "SELECT lines, qty::VARCHAR, money(revenue), money(cost), money(profit)
         FROM drill_totals(?::DATE, ?::DATE, ?::VARCHAR, ?::VARCHAR)",
        duckdb::params![from, to, text(&filter.product), text(&filter.category)],
        |r| {
            Ok(LineTotals {
                lines: r.get::<_, i64>(0)? as u64,
                qty: trim_decimal(&r.get::<_, String>(1)?),
                revenue: r.get(2)?,
                cost: r.get(3)?,
                profit: r.get(4)?,
                invoices: 0,
            })
        },
    )?;
    // Invoices are counted as the KPI counts them: those whose revenue is positive.
    totals.invoices = if filter.product.is_none() && filter.category.is_none() {
        store.conn().query_row(
            "SELECT coalesce(sum(invoices), 0) FROM sales_client_day WHERE sale_date BETWEEN ?::DATE AND ?::DATE",
            duckdb::params![from, to],
            |r| r.get::<_, i64>(0),
        )? as u64
    } else {
        store.conn().query_row(
            "SELECT count(*) FROM (SELECT invoice_id FROM drill_keys(?::DATE, ?::DATE, ?::VARCHAR, NULL, NULL, ?::VARCHAR)
                                   GROUP BY invoice_id HAVING sum(revenue) > 0)",
            duckdb::params![from, to, text(&filter.product), text(&filter.category)],
            |r| r.get::<_, i64>(0),
        )? as u64
    };
    Ok(totals)
}

/// The totals summed from the lines themselves, whatever narrows them.
pub fn totals_from_lines(store: &Store, window: &Window, filter: &LineFilter) -> Result<LineTotals> {
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
    match page_keys(store, &window, &filter, &page)? {
        // The page's lines found by their keys: only their days are priced and named.
        Some(keys) => {
            let (Some(lo), Some(hi)) = (keys.iter().map(|k| k.2).min(), keys.iter().map(|k| k.2).max()) else {
                return Ok(LinesPage { window, filter, page, totals, lines });
            };
            let mut found = std::collections::HashMap::new();
            let invoices: std::collections::BTreeSet<String> = keys.iter().map(|k| k.0.clone()).collect();
            let days = Window { from: lo, to: hi };
            for_each_line_of(store, &days, &filter, &invoices, &mut |key, line| {
                found.insert(key, line);
            })?;
            lines = keys.into_iter().filter_map(|(invoice, line_no, _)| found.remove(&(invoice, line_no))).collect();
        }
        None => for_each_line(store, &window, &filter, Some(&page), &mut |line| lines.push(line))?,
    }
    Ok(LinesPage { window, filter, page, totals, lines })
}

/// The keys (invoice, line, date) of a page sorted by date or invoice without
/// a search, found on those cheap columns alone; None for the other pages.
fn page_keys(store: &Store, window: &Window, filter: &LineFilter, page: &PageRequest) -> Result<Option<Vec<(String, i32, NaiveDate)>>> {
    if !matches!(page.sort, LineSort::Date | LineSort::Invoice) || filter.search.as_deref().is_some_and(|s| !s.trim().is_empty()) {
        return Ok(None);
    }
    let direction = if page.descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT invoice_id, line_no, sale_date
         FROM drill_keys(?::DATE, ?::DATE, ?::VARCHAR, ?::VARCHAR, ?::VARCHAR, ?::VARCHAR)
         ORDER BY {} {direction} NULLS LAST, invoice_id {direction}, line_no
         LIMIT {} OFFSET {}",
        page.sort.sql(),
        page.limit,
        page.offset
    );
    let mut stmt = store.conn().prepare(&sql)?;
    let keys = stmt.query_map(params_from_iter(base_params(window, filter)), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(Some(keys.collect::<duckdb::Result<Vec<_>>>()?))
}

/// The lines of some invoices within `days`, each with its key.
fn for_each_line_of(
    store: &Store,
    days: &Window,
    filter: &LineFilter,
    invoices: &std::collections::BTreeSet<String>,
    on_line: &mut dyn FnMut((String, i32), Line),
) -> Result<()> {
    let mut values = base_params(days, filter);
    let marks = vec!["?"; invoices.len()].join(", ");
    values.extend(invoices.iter().map(|i| duckdb::types::Value::from(i.clone())));
    let sql = format!("SELECT {LINE_COLUMNS}, line_no {SOURCE} AND invoice_id IN ({marks})");
    let mut stmt = store.conn().prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(values))?;
    while let Some(r) = rows.next()? {
        let line = line_of(r)?;
        on_line((line.invoice_id.clone(), r.get(11)?), line);
    }
    Ok(())
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
        "SELECT {LINE_COLUMNS}
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
        on_line(line_of(r)?);
    }
    Ok(())
}

/// The columns of a line, in the order `line_of` reads them.
const LINE_COLUMNS: &str = "sale_date, invoice_id, client_id, client_name, product_id, product_name, qty::VARCHAR, \
     unit_price::VARCHAR, money(revenue), money(cost), money(profit)";

fn line_of(r: &duckdb::Row) -> duckdb::Result<Line> {
    Ok(Line {
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
    })
}
