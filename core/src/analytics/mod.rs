//! Analytics (SPEC §4): periods, as_of, and the report read from the SQL views
//! in `sql/` (one table macro per view).

pub mod charts;
pub mod exports;
pub mod lines;

use crate::error::{CoreError, Result};
use crate::store::Store;
use chrono::{Datelike, Duration, NaiveDate};
use duckdb::params;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::str::FromStr;

/// The period a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Week,
    Month,
    All,
    /// The calendar month of as_of, up to as_of.
    #[serde(rename = "this-month")]
    ThisMonth,
    /// The whole calendar month before as_of's.
    #[serde(rename = "last-month")]
    LastMonth,
    /// The calendar quarter of as_of, up to as_of.
    #[serde(rename = "this-quarter")]
    ThisQuarter,
    /// The calendar year of as_of, up to as_of.
    #[serde(rename = "this-year")]
    ThisYear,
    #[serde(rename = "custom")]
    Custom(NaiveDate, NaiveDate),
}

impl Period {
    /// `week`, `month`, `all`, `this-month`, `last-month`, `this-quarter`,
    /// `this-year` or `FROM..TO` (inclusive, `YYYY-MM-DD`).
    pub fn parse(s: &str) -> Result<Period> {
        match s {
            "week" => Ok(Period::Week),
            "month" => Ok(Period::Month),
            "all" => Ok(Period::All),
            "this-month" => Ok(Period::ThisMonth),
            "last-month" => Ok(Period::LastMonth),
            "this-quarter" => Ok(Period::ThisQuarter),
            "this-year" => Ok(Period::ThisYear),
            custom => {
                let bad = || {
                    CoreError::Usage(format!(
                        "The window \u{201c}{custom}\u{201d} is not week, month, all, this-month, last-month, this-quarter, this-year or FROM..TO (for example 2026-05-01..2026-05-31)."
                    ))
                };
                let (a, b) = custom.split_once("..").ok_or_else(bad)?;
                let from = NaiveDate::parse_from_str(a, "%Y-%m-%d").map_err(|_| bad())?;
                let to = NaiveDate::parse_from_str(b, "%Y-%m-%d").map_err(|_| bad())?;
                if from > to {
                    return Err(CoreError::Usage(format!("The window starts ({from}) after it ends ({to}).")));
                }
                Ok(Period::Custom(from, to))
            }
        }
    }

    pub fn name(&self) -> String {
        match self {
            Period::Week => "week".into(),
            Period::Month => "month".into(),
            Period::All => "all".into(),
            Period::ThisMonth => "this-month".into(),
            Period::LastMonth => "last-month".into(),
            Period::ThisQuarter => "this-quarter".into(),
            Period::ThisYear => "this-year".into(),
            Period::Custom(a, b) => format!("{a}..{b}"),
        }
    }

    /// The inclusive dates this period covers when the report is as of `as_of`;
    /// `earliest` is the first sale date in the store (for `all`).
    pub fn bounds(&self, as_of: NaiveDate, earliest: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            Period::Week => (as_of - Duration::days(6), as_of),
            Period::Month => (as_of - Duration::days(29), as_of),
            Period::All => (earliest.min(as_of), as_of),
            Period::ThisMonth => (first_of(as_of.year(), as_of.month()), as_of),
            Period::LastMonth => {
                let first = first_of(as_of.year(), as_of.month());
                let last = first - Duration::days(1);
                (first_of(last.year(), last.month()), last)
            }
            Period::ThisQuarter => (first_of(as_of.year(), (as_of.month() - 1) / 3 * 3 + 1), as_of),
            Period::ThisYear => (first_of(as_of.year(), 1), as_of),
            Period::Custom(a, b) => (*a, *b),
        }
    }
}

fn first_of(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).expect("the first of a month exists")
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Winner {
    pub rank: i64,
    pub product_id: String,
    pub name: String,
    pub quantity: String,
    pub revenue: String,
    /// None (JSON null) when the winners are ranked by revenue: no line of the
    /// window has a cost, so profit is unknown, never 0.
    pub profit: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Kpis {
    pub revenue: String,
    /// None (JSON null) when no line of the window has a cost: unknown, never 0.
    pub profit: Option<String>,
    /// profit ÷ revenue of the lines whose cost is known, 4 decimals; null without sales.
    pub margin_rate: Option<String>,
    pub invoices: i64,
    pub average_basket: Option<String>,
    pub units_sold: String,
    pub stock_value: String,
    pub value_at_risk: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct KpiPair {
    pub current: Kpis,
    pub previous: Kpis,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Loser {
    pub product_id: String,
    pub name: String,
    pub reasons: Vec<String>,
    pub buy_price: Option<String>,
    pub sell_price: Option<String>,
    pub margin_rate: Option<String>,
    pub min_margin_threshold: String,
    pub quantity: String,
    pub revenue: String,
    pub profit: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LossRisk {
    pub stock_id: String,
    pub product_id: String,
    pub name: String,
    pub reasons: Vec<String>,
    pub quantity: String,
    pub expiry_date: Option<NaiveDate>,
    pub last_movement: Option<NaiveDate>,
    pub days_left: Option<i64>,
    pub value_at_risk: Option<String>,
    pub forecast_leftover: Option<String>,
    pub forecast_leftover_value: Option<String>,
}

/// A markdown suggestion for a batch at risk (SPEC §4.1, `sql/markdowns.sql`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Markdown {
    pub stock_id: String,
    pub product_id: String,
    pub name: String,
    pub quantity: String,
    pub days_left: i64,
    /// e, 2 decimals, as used.
    pub elasticity: String,
    /// `product`, `category` or `default`.
    pub elasticity_source: String,
    /// The rate taken off the price, 2 decimals ("0.25" = 25 %).
    pub discount: String,
    /// The price before the markdown: sell_price, else the average price of the
    /// 30 days' sales; None when neither is known.
    pub price: Option<String>,
    pub suggested_price: Option<String>,
    /// Units of the batch expected to sell by its expiry at the suggested price:
    /// all of it, or less when it cannot be cleared.
    pub units_expected: String,
    /// The batch's revenue with the markdown minus its revenue without it (see docs/contract.md).
    pub money_recovered: Option<String>,
    /// The batch's forecast_leftover_value: what is lost without a markdown.
    pub money_lost_without: Option<String>,
    /// Even the largest markdown (setting max_markdown) does not sell it out before expiry.
    pub cannot_clear: bool,
}

/// A product sold in the 30 days up to as_of, and whether to order it (SPEC §4.1, `sql/replenishment.sql`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Replenishment {
    pub product_id: String,
    pub name: String,
    /// Units sold in the 30 days up to as_of.
    pub units_30: String,
    /// units_30 ÷ 30, 3 decimals.
    pub daily_rate: String,
    /// Σ quantity of its unexpired batches.
    pub on_hand: String,
    /// on_hand ÷ daily_rate, 2 decimals.
    pub days_of_cover: String,
    /// as_of + ⌊days_of_cover⌋.
    pub stock_out_date: Option<NaiveDate>,
    pub reorder: bool,
    /// ⌈daily_rate × target_cover_days − on_hand⌉; None when not positive.
    pub suggested_quantity: Option<String>,
    pub buy_price: Option<String>,
    /// suggested_quantity × buy_price, in cents; None without either.
    pub order_value: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ClientTier {
    pub client_id: String,
    pub name: String,
    pub lifetime_revenue: String,
    pub tier: String,
    pub eligible_promo: bool,
    pub to_next_tier: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AgeingBucket {
    pub bucket: String,
    pub units: String,
    pub value: String,
    pub batches: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DataQuality {
    pub lines_without_cost: i64,
    pub revenue_without_cost: String,
    pub rejected_rows_last_import: i64,
    pub products_unknown_to_products_sheet: i64,
    pub products_without_cost: i64,
    /// Stock adjustments (qty < 0 at unit price 0) in the window: not sales.
    pub adjustment_lines: i64,
}

/// The full report of SPEC §5.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub as_of: NaiveDate,
    pub window: Window,
    /// Date of the earliest invoice in the store (null when none): when it is
    /// not before the window, there is no previous period to compare with.
    pub first_sale: Option<NaiveDate>,
    pub kpis: KpiPair,
    pub winners: Vec<Winner>,
    /// `profit`, or `revenue` when no line of the window has a cost.
    pub ranked_by: String,
    pub losers: Vec<Loser>,
    pub loss_risk: Vec<LossRisk>,
    pub clients: Vec<ClientTier>,
    pub stock_ageing: Vec<AgeingBucket>,
    pub data_quality: DataQuality,
    /// Revenue and profit of every day of the window (the dashboard's chart).
    pub sales_timeline: Vec<DayPoint>,
    /// Sales per category over the window (the dashboard's chart).
    pub category_sales: Vec<CategorySales>,
    /// Markdown suggestions for the batches at risk (SPEC §4.1), judged at as_of.
    pub markdowns: Vec<Markdown>,
    /// Days of cover and what to order, per product sold in the 30 days up to as_of (SPEC §4.1).
    pub replenishment: Vec<Replenishment>,
}

/// Date of the latest invoice in the store, or today when there is none;
/// a fixed date when the `as_of` setting holds one.
pub fn default_as_of(store: &Store) -> Result<NaiveDate> {
    let setting: Option<String> = store.conn().query_row("SELECT value FROM settings_effective WHERE key = 'as_of'", [], |r| r.get(0))?;
    if let Some(d) = setting.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()) {
        return Ok(d);
    }
    // Every invoice has lines, so its day is in the (much smaller) client aggregates.
    let latest: Option<NaiveDate> = store.conn().query_row("SELECT max(sale_date) FROM sales_client_day", [], |r| r.get(0))?;
    Ok(latest.unwrap_or_else(|| chrono::Local::now().date_naive()))
}

fn earliest_sale(store: &Store, fallback: NaiveDate) -> Result<NaiveDate> {
    Ok(first_sale(store)?.unwrap_or(fallback))
}

/// Date of the earliest invoice in the store.
pub fn first_sale(store: &Store) -> Result<Option<NaiveDate>> {
    Ok(store.conn().query_row("SELECT min(sale_date) FROM sales_client_day", [], |r| r.get(0))?)
}

/// as_of, the window (clipped to as_of: what is dated after it is ignored)
/// and the previous window (the same length as the window actually used,
/// after clipping, just before it).
pub fn resolve_window(store: &Store, as_of: Option<NaiveDate>, period: Period) -> Result<(NaiveDate, Window, Window)> {
    let as_of = match as_of {
        Some(d) => d,
        None => default_as_of(store)?,
    };
    let (from, asked_to) = period.bounds(as_of, earliest_sale(store, as_of)?);
    if from > as_of {
        return Err(CoreError::Usage(format!("The window starts on {from}, after the report date {as_of}.")));
    }
    let to = asked_to.min(as_of);
    let days = (to - from).num_days() + 1;
    let previous = Window { from: from - Duration::days(days), to: from - Duration::days(1) };
    Ok((as_of, Window { from, to }, previous))
}

pub fn report(store: &Store, as_of: Option<NaiveDate>, period: Period) -> Result<Report> {
    let (as_of, window, previous) = resolve_window(store, as_of, period)?;
    let (from, to) = (window.from, window.to);
    let (prev_from, prev_to) = (previous.from, previous.to);
    let history = History::at(store, as_of)?;
    // The window's sales and the 30 days' rate are each read by several views.
    let _kept = KeptSales::keep(store, &[(from, to), (as_of - Duration::days(29), as_of)], as_of, history)?;
    let risk = loss_risk_exact(store, as_of, history)?;
    // A markdown needs a batch at risk with a leftover and a day left: without
    // one, the markdowns view is not asked.
    let may_mark_down = risk.iter().any(|(r, leftover)| r.days_left.is_some_and(|d| d >= 1) && leftover.is_some_and(|l| l > Decimal::ZERO));
    let stock = StockNow { value_at_risk: value_at_risk(&risk)?, stock_value: stock_value(store)? };
    let current = window_kpis(store, from, to, &stock)?;
    // The winners are ranked by profit when a line of the window has a cost:
    // exactly when the window's profit is known (winners.sql, kpis.sql).
    let ranked_by = if current.profit.is_some() { "profit" } else { "revenue" };
    Ok(Report {
        as_of,
        first_sale: first_sale(store)?,
        kpis: KpiPair { current, previous: window_kpis(store, prev_from, prev_to, &stock)? },
        winners: winners(store, from, to)?,
        ranked_by: ranked_by.to_string(),
        losers: losers(store, from, to)?,
        loss_risk: risk.into_iter().map(|(r, _)| r).collect(),
        clients: client_tiers(store, as_of)?,
        stock_ageing: stock_ageing_of(store, as_of, history)?,
        data_quality: data_quality(store, from, to)?,
        sales_timeline: sales_timeline(store, from, to)?,
        category_sales: category_sales(store, from, to)?,
        markdowns: if may_mark_down { markdowns_of_risk(store, as_of, history)? } else { Vec::new() },
        replenishment: replenishment(store, as_of)?,
        window,
    })
}

/// What several views of a report read, computed once and kept while it runs:
/// some windows' sales per product (`product_sales`), each product's latest
/// sale up to as_of (`last_sales`) and the settings (`setting_num`). The views
/// that ask for them read them from `product_sales_kept`, `last_sales_kept`
/// (product_sales.sql) and the variable `kept_settings` (settings.sql).
/// Dropping it forgets them, however the report ends, so that nothing later
/// reads sales or settings older than the store's. While it lives, DuckDB does
/// not search for a join order (see `keep`).
struct KeptSales<'a>(&'a Store);

impl<'a> KeptSales<'a> {
    fn keep(store: &'a Store, windows: &[(NaiveDate, NaiveDate)], as_of: NaiveDate, history: History) -> Result<KeptSales<'a>> {
        let kept = KeptSales(store);
        kept.forget();
        for (i, (from, to)) in windows.iter().enumerate() {
            if !windows[..i].contains(&(*from, *to)) {
                store.conn().execute(
                    "INSERT INTO product_sales_kept SELECT ?::DATE, ?::DATE, * FROM product_sales(?::DATE, ?::DATE)",
                    params![from, to, from, to],
                )?;
            }
        }
        // A window without a sale keeps no row, and is computed when asked (nothing to compute).
        store.conn().execute_batch(
            "SET VARIABLE product_sales_kept = (SELECT list(DISTINCT CAST(kept_from AS VARCHAR) || '..' || CAST(kept_to AS VARCHAR))
                                                FROM product_sales_kept)",
        )?;
        let History { whole_month, whole_history } = history;
        store.conn().execute(
            "INSERT INTO last_sales_kept SELECT * FROM last_sales_computed(?::DATE, whole_month := ?, whole_history := ?)",
            params![as_of, whole_month, whole_history],
        )?;
        store.conn().execute("SET VARIABLE last_sales_kept = ?", params![format!("{as_of}/{whole_month}")])?;
        // The views' joins are written in the order they run best: DuckDB's join
        // order search, planned again for each of the report's ~20 statements,
        // costs more than it finds (the five-year report 344–352 → 309–325 ms;
        // BENCHMARKS.md, sixth pass). The build side is still chosen by size.
        store.conn().execute_batch(
            "SET VARIABLE kept_settings = (SELECT map(list(key), list(value)) FROM settings_effective);
             CREATE OR REPLACE TEMP MACRO setting_num(k) AS setting_num_kept(k);
             SET disabled_optimizers = 'join_order';",
        )?;
        Ok(kept)
    }

    fn forget(&self) {
        // What reads them goes first: once the macro is back and the variables
        // are unset, the kept tables and settings are not read.
        let _ = self.0.conn().execute_batch(
            "RESET disabled_optimizers;
             CREATE OR REPLACE TEMP MACRO setting_num(k) AS setting_num_stored(k);
             RESET VARIABLE product_sales_kept; RESET VARIABLE last_sales_kept; RESET VARIABLE kept_settings;
             DELETE FROM product_sales_kept; DELETE FROM last_sales_kept;",
        );
    }
}

impl Drop for KeptSales<'_> {
    fn drop(&mut self) {
        self.forget();
    }
}

/// The value at risk (SPEC §4): the total of the loss-risk rows as shown.
fn value_at_risk(risk: &[(LossRisk, Option<Decimal>)]) -> Result<String> {
    let mut total = Decimal::ZERO;
    for value in risk.iter().filter_map(|(r, _)| r.value_at_risk.as_deref()) {
        total += exact(value)?;
    }
    Ok(fixed(total, 2))
}

/// What the KPIs of every window judge at as_of: the value at risk (SPEC §4,
/// the caller's loss-risk total) and the stock value (`stock_value`, kpis.sql).
struct StockNow {
    value_at_risk: String,
    stock_value: String,
}

/// The stock value as it is now (kpis.sql `stock_value`).
fn stock_value(store: &Store) -> Result<String> {
    Ok(store.conn().query_row("SELECT money(stock_value) FROM stock_value()", [], |r| r.get(0))?)
}

/// The KPIs of one window, with the value at risk the caller gives (`value_at_risk`).
pub fn kpis(store: &Store, from: NaiveDate, to: NaiveDate, value_at_risk: &str) -> Result<Kpis> {
    window_kpis(store, from, to, &StockNow { value_at_risk: value_at_risk.to_string(), stock_value: stock_value(store)? })
}

/// Ratios are divided here, in exact decimals: DuckDB divides DECIMALs as
/// binary floats, which would break money's exactness (10.05 / 2 → 5.02).
/// Value at risk and stock value are judged at as_of, whatever the window
/// (SPEC §4): the caller gives them (`stock`).
fn window_kpis(store: &Store, from: NaiveDate, to: NaiveDate, stock: &StockNow) -> Result<Kpis> {
    let (revenue, profit, costed_revenue, invoices, units): (String, Option<String>, String, i64, String) = store.conn().query_row(
        "SELECT revenue::VARCHAR, profit::VARCHAR, costed_revenue::VARCHAR, invoices, units_sold::VARCHAR FROM kpis(?::DATE, ?::DATE)",
        params![from, to],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    let (revenue, costed_revenue) = (exact(&revenue)?, exact(&costed_revenue)?);
    let profit = profit.as_deref().map(exact).transpose()?;
    let ratio = |num: Decimal, den: Decimal, dp: u32| (!den.is_zero()).then(|| fixed(round_half_away(num / den, dp), dp));
    Ok(Kpis {
        revenue: fixed(round_half_away(revenue, 2), 2),
        profit: profit.map(|p| fixed(round_half_away(p, 2), 2)),
        margin_rate: profit.and_then(|p| ratio(p, costed_revenue, 4)),
        invoices,
        average_basket: ratio(revenue, Decimal::from(invoices), 2),
        units_sold: trim_decimal(&units),
        stock_value: stock.stock_value.clone(),
        value_at_risk: stock.value_at_risk.clone(),
    })
}

/// A decimal read from DuckDB's text of it.
fn exact(s: &str) -> Result<Decimal> {
    Decimal::from_str(s).map_err(|e| CoreError::Store(format!("{s} is not a decimal ({e})")))
}

fn round_half_away(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// A decimal with exactly `dp` decimals: 14.2 → "14.20".
fn fixed(d: Decimal, dp: u32) -> String {
    let mut d = d;
    d.rescale(dp);
    d.to_string()
}

pub fn losers(store: &Store, from: NaiveDate, to: NaiveDate) -> Result<Vec<Loser>> {
    let mut stmt = store.conn().prepare(
        "SELECT product_id, name, array_to_string(reasons, ','), money(buy_price), money(sell_price),
                round(margin_rate, 4)::DECIMAL(9, 4)::VARCHAR, min_margin_threshold::DECIMAL(9, 4)::VARCHAR,
                quantity::VARCHAR, money(revenue), money(profit)
         FROM losers(?::DATE, ?::DATE)
         ORDER BY profit ASC, margin_rate ASC NULLS LAST, product_id",
    )?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok(Loser {
            product_id: r.get(0)?,
            name: r.get(1)?,
            reasons: split_list(&r.get::<_, String>(2)?),
            buy_price: r.get(3)?,
            sell_price: r.get(4)?,
            margin_rate: r.get(5)?,
            min_margin_threshold: r.get(6)?,
            quantity: trim_decimal(&r.get::<_, String>(7)?),
            revenue: r.get(8)?,
            profit: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
}

/// What the views ask of the store's history at as_of (`last_sales`,
/// product_sales.sql): a report asks once.
#[derive(Debug, Clone, Copy)]
struct History {
    /// as_of's month is whole in sales_product_month as of as_of: no line was
    /// sold after as_of in that month (as when as_of is the latest sale, the
    /// default), so the views that need every month up to as_of (last sales,
    /// the markdowns' fit) read that month there instead of from its days.
    whole_month: bool,
    /// Moreover no later month holds a sale, so that the store's whole-history
    /// fits, sales_product_fit, are the fits up to as_of.
    whole_history: bool,
}

impl History {
    fn at(store: &Store, as_of: NaiveDate) -> Result<History> {
        let (whole_month, later_months): (bool, i64) = store.conn().query_row(
            "SELECT coalesce(max(last_sold) FILTER (WHERE month = m) <= ?1::DATE, true), count(*) FILTER (WHERE month > m)
             FROM sales_product_month, (SELECT CAST(date_trunc('month', ?1::DATE) AS DATE) AS m)
             WHERE month >= m",
            params![as_of],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(History { whole_month, whole_history: whole_month && later_months == 0 })
    }
}

pub fn loss_risk(store: &Store, as_of: NaiveDate) -> Result<Vec<LossRisk>> {
    Ok(loss_risk_exact(store, as_of, History::at(store, as_of)?)?.into_iter().map(|(risk, _)| risk).collect())
}

/// The loss-risk list, each row with its exact forecast leftover (None without
/// an expiry date). The rows are kept in the temporary table `at_risk`, which
/// the markdowns read (markdowns.sql) instead of running the forecast again.
fn loss_risk_exact(store: &Store, as_of: NaiveDate, history: History) -> Result<Vec<(LossRisk, Option<Decimal>)>> {
    store.conn().execute(
        "CREATE OR REPLACE TEMP TABLE at_risk AS SELECT * FROM loss_risk(?::DATE, whole_month := ?)",
        params![as_of, history.whole_month],
    )?;
    let mut stmt = store.conn().prepare(
        "SELECT stock_id, product_id, name, array_to_string(reasons, ','), quantity::VARCHAR, expiry_date,
                last_movement, days_left, money(value_at_risk), leftover_30::VARCHAR, buy_price::VARCHAR
         FROM at_risk
         ORDER BY value_at_risk DESC NULLS LAST, stock_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            LossRisk {
                stock_id: r.get(0)?,
                product_id: r.get(1)?,
                name: r.get(2)?,
                reasons: split_list(&r.get::<_, String>(3)?),
                quantity: trim_decimal(&r.get::<_, String>(4)?),
                expiry_date: r.get(5)?,
                last_movement: r.get(6)?,
                days_left: r.get(7)?,
                value_at_risk: r.get(8)?,
                forecast_leftover: None,
                forecast_leftover_value: None,
            },
            r.get::<_, Option<String>>(9)?,
            r.get::<_, Option<String>>(10)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mut risk, leftover_30, buy_price) = row?;
        let mut leftover = None;
        if let Some(l30) = leftover_30 {
            // The exact leftover is l30 / 30 (a third of a unit is 0.333…, not
            // 0.33): the value is computed from it and both are rounded only here.
            let l30 = exact(&l30)?;
            let thirty = Decimal::from(30);
            leftover = Some(l30 / thirty);
            risk.forecast_leftover = Some(fixed(round_half_away(l30 / thirty, 2), 2));
            if let Some(buy) = buy_price {
                risk.forecast_leftover_value = Some(fixed(round_half_away(l30 * exact(&buy)? / thirty, 2), 2));
            }
        }
        out.push((risk, leftover));
    }
    Ok(out)
}

/// Markdown suggestions (`sql/markdowns.sql`): the view chooses the elasticity
/// and the discount; prices and money are computed here in exact decimals,
/// each rounded to cents (half away from zero) only when shown:
/// - price = sell_price, else the 30 days' revenue ÷ units sold (cents);
/// - suggested_price = price × (1 − discount), in cents;
/// - units_expected = the batch's quantity, or rate(d) × days_left when it cannot be cleared;
/// - money_recovered = units_expected × suggested_price − (quantity − leftover) × price:
///   the batch's revenue with the markdown minus its revenue without it;
/// - money_lost_without = leftover × buy_price (the loss-risk forecast_leftover_value).
pub fn markdowns(store: &Store, as_of: NaiveDate) -> Result<Vec<Markdown>> {
    let history = History::at(store, as_of)?;
    loss_risk_exact(store, as_of, history)?;
    markdowns_of_risk(store, as_of, history)
}

/// The markdowns of the loss-risk rows of `as_of` that `loss_risk_exact` just kept.
fn markdowns_of_risk(store: &Store, as_of: NaiveDate, history: History) -> Result<Vec<Markdown>> {
    let mut stmt = store.conn().prepare(
        "SELECT stock_id, product_id, name, quantity::VARCHAR, days_left, buy_price::VARCHAR, sell_price::VARCHAR,
                leftover_30::VARCHAR, revenue_30::VARCHAR, sold_30::VARCHAR, elasticity::VARCHAR, elasticity_source,
                discount::VARCHAR, cannot_clear, sells_by_expiry
         FROM markdowns(?::DATE, whole_month := ?, whole_history := ?)
         ORDER BY leftover_30 * coalesce(buy_price, 0) DESC, stock_id",
    )?;
    type Row = (
        String,
        String,
        String,
        String,
        i64,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
        String,
        String,
        String,
        bool,
        f64,
    );
    let rows = stmt.query_map(params![as_of, history.whole_month, history.whole_history], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
            r.get(8)?,
            r.get(9)?,
            r.get(10)?,
            r.get(11)?,
            r.get(12)?,
            r.get(13)?,
            r.get(14)?,
        ))
    })?;
    let thirty = Decimal::from(30);
    let mut out = Vec::new();
    for row in rows {
        let row: Row = row?;
        let (stock_id, product_id, name, quantity, days_left, buy, sell, l30, revenue_30, sold_30, e, source, d, cannot_clear, sells) = row;
        let quantity_d = exact(&quantity)?;
        let discount = exact(&d)?;
        let l30 = exact(&l30)?;
        let positive =
            |s: Option<String>| -> Result<Option<Decimal>> { Ok(s.as_deref().map(exact).transpose()?.filter(|v| *v > Decimal::ZERO)) };
        let price = match positive(sell)? {
            Some(p) => Some(p),
            None => match (positive(revenue_30)?, positive(sold_30)?) {
                (Some(rev), Some(units)) => Some(round_half_away(rev / units, 2)),
                _ => None,
            },
        };
        let units_expected = if cannot_clear {
            // A binary float (the power of the view): kept to 9 decimals, rounded to 2 when shown.
            Decimal::from_f64_retain(sells).ok_or_else(|| CoreError::Store(format!("{sells} units is not a number")))?.round_dp(9)
        } else {
            quantity_d
        };
        let suggested = price.map(|p| round_half_away(p * (Decimal::ONE - discount), 2));
        let recovered = match (price, suggested) {
            (Some(p), Some(s)) => Some(units_expected * s - (quantity_d * thirty - l30) * p / thirty),
            _ => None,
        };
        let lost = buy.as_deref().map(exact).transpose()?.map(|b| l30 * b / thirty);
        out.push(Markdown {
            stock_id,
            product_id,
            name,
            quantity: trim_decimal(&quantity),
            days_left,
            elasticity: fixed(exact(&e)?, 2),
            elasticity_source: source,
            discount: fixed(discount, 2),
            price: price.map(|p| fixed(p, 2)),
            suggested_price: suggested.map(|s| fixed(s, 2)),
            units_expected: trim_decimal(&fixed(round_half_away(units_expected, 2), 2)),
            money_recovered: recovered.map(|m| fixed(round_half_away(m, 2), 2)),
            money_lost_without: lost.map(|m| fixed(round_half_away(m, 2), 2)),
            cannot_clear,
        });
    }
    Ok(out)
}

/// Replenishment (`sql/replenishment.sql`): the view decides reorder and the
/// suggested quantity exactly; the rate and the days of cover are divided
/// here in exact decimals. Products to reorder first, the shortest cover first.
pub fn replenishment(store: &Store, as_of: NaiveDate) -> Result<Vec<Replenishment>> {
    let mut stmt = store.conn().prepare(
        "SELECT product_id, name, money(buy_price), units_30::VARCHAR, daily_rate::VARCHAR, on_hand::VARCHAR,
                days_of_cover::VARCHAR, reorder, cover_days::VARCHAR, suggested_quantity::VARCHAR,
                money(suggested_quantity * buy_price)
         FROM replenishment(?::DATE)
         ORDER BY reorder DESC, cover_order ASC, product_id",
    )?;
    let rows = stmt.query_map(params![as_of], |r| {
        let cover_days: String = r.get(8)?;
        Ok(Replenishment {
            product_id: r.get(0)?,
            name: r.get(1)?,
            buy_price: r.get(2)?,
            units_30: trim_decimal(&r.get::<_, String>(3)?),
            daily_rate: r.get(4)?,
            on_hand: trim_decimal(&r.get::<_, String>(5)?),
            days_of_cover: r.get(6)?,
            // A cover beyond the calendar (a tiny rate, a huge stock) has no stock-out date.
            stock_out_date: cover_days.parse::<u64>().ok().and_then(|n| as_of.checked_add_days(chrono::Days::new(n))),
            reorder: r.get(7)?,
            suggested_quantity: r.get(9)?,
            order_value: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
}

pub fn client_tiers(store: &Store, as_of: NaiveDate) -> Result<Vec<ClientTier>> {
    let mut stmt = store.conn().prepare(
        "SELECT client_id, name, money(lifetime_revenue), tier, eligible_promo, money(to_next_tier)
         FROM client_tiers(?::DATE)
         ORDER BY lifetime_revenue DESC, client_id",
    )?;
    let rows = stmt.query_map(params![as_of], |r| {
        Ok(ClientTier {
            client_id: r.get(0)?,
            name: r.get(1)?,
            lifetime_revenue: r.get(2)?,
            tier: r.get(3)?,
            eligible_promo: r.get(4)?,
            to_next_tier: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
}

pub fn stock_ageing(store: &Store, as_of: NaiveDate) -> Result<Vec<AgeingBucket>> {
    stock_ageing_of(store, as_of, History::at(store, as_of)?)
}

fn stock_ageing_of(store: &Store, as_of: NaiveDate, history: History) -> Result<Vec<AgeingBucket>> {
    let mut stmt = store
        .conn()
        .prepare("SELECT bucket, units::VARCHAR, money(value), batches FROM stock_ageing(?::DATE, whole_month := ?) ORDER BY ord")?;
    let rows = stmt.query_map(params![as_of, history.whole_month], |r| {
        Ok(AgeingBucket { bucket: r.get(0)?, units: trim_decimal(&r.get::<_, String>(1)?), value: r.get(2)?, batches: r.get(3)? })
    })?;
    Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
}

pub fn data_quality(store: &Store, from: NaiveDate, to: NaiveDate) -> Result<DataQuality> {
    Ok(store.conn().query_row(
        "SELECT lines_without_cost, money(revenue_without_cost), rejected_rows_last_import,
                products_unknown_to_products_sheet, products_without_cost, adjustment_lines
         FROM data_quality(?::DATE, ?::DATE)",
        params![from, to],
        |r| {
            Ok(DataQuality {
                lines_without_cost: r.get(0)?,
                revenue_without_cost: r.get(1)?,
                rejected_rows_last_import: r.get(2)?,
                products_unknown_to_products_sheet: r.get(3)?,
                products_without_cost: r.get(4)?,
                adjustment_lines: r.get(5)?,
            })
        },
    )?)
}

pub fn winners(store: &Store, from: NaiveDate, to: NaiveDate) -> Result<Vec<Winner>> {
    let mut stmt = store.conn().prepare(
        "SELECT rank, product_id, name, quantity::VARCHAR, money(revenue),
                CASE WHEN ranked_by = 'profit' THEN money(profit) END
         FROM winners(?::DATE, ?::DATE) ORDER BY rank",
    )?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok(Winner {
            rank: r.get(0)?,
            product_id: r.get(1)?,
            name: r.get(2)?,
            quantity: trim_decimal(&r.get::<_, String>(3)?),
            revenue: r.get(4)?,
            profit: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DayPoint {
    pub day: NaiveDate,
    pub revenue: String,
    /// None (JSON null) when the day's sales have no cost at all: unknown, never 0.
    pub profit: Option<String>,
}

/// Revenue and profit of every day of the window (`sql/sales_timeline.sql`).
pub fn sales_timeline(store: &Store, from: NaiveDate, to: NaiveDate) -> Result<Vec<DayPoint>> {
    let mut stmt = store.conn().prepare("SELECT day, money(revenue), money(profit) FROM sales_timeline(?::DATE, ?::DATE)")?;
    let rows = stmt.query_map(params![from, to], |r| Ok(DayPoint { day: r.get(0)?, revenue: r.get(1)?, profit: r.get(2)? }))?;
    Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CategorySales {
    /// None for the products that have no category.
    pub category: Option<String>,
    pub revenue: String,
    pub profit: Option<String>,
    pub quantity: String,
}

/// Sales per category over the window (`sql/category_sales.sql`).
pub fn category_sales(store: &Store, from: NaiveDate, to: NaiveDate) -> Result<Vec<CategorySales>> {
    let mut stmt = store.conn().prepare(
        "SELECT category, money(revenue), CASE WHEN profit IS NULL THEN NULL ELSE money(profit) END, quantity::VARCHAR
         FROM category_sales(?::DATE, ?::DATE)",
    )?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok(CategorySales { category: r.get(0)?, revenue: r.get(1)?, profit: r.get(2)?, quantity: trim_decimal(&r.get::<_, String>(3)?) })
    })?;
    Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
}

/// A calendar day (re-exported so the shell needs no chrono of its own).
pub type Day = NaiveDate;

/// A date typed by the user, `YYYY-MM-DD`.
pub fn parse_day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| CoreError::Usage(format!("The date \u{201c}{s}\u{201d} is not of the form YYYY-MM-DD.")))
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',').filter(|x| !x.is_empty()).map(str::to_string).collect()
}

/// `12.000` → `12`, `1.500` → `1.5`: quantities shown as people write them.
pub fn trim_decimal(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn windows_follow_the_spec() {
        let as_of = d("2026-05-31");
        let first = d("2025-12-01");
        assert_eq!(Period::Week.bounds(as_of, first), (d("2026-05-25"), as_of));
        assert_eq!(Period::Month.bounds(as_of, first), (d("2026-05-02"), as_of));
        assert_eq!(Period::All.bounds(as_of, first), (first, as_of));
        assert_eq!(Period::parse("2026-05-01..2026-05-10").unwrap().bounds(as_of, first), (d("2026-05-01"), d("2026-05-10")));
        assert_eq!(fixed(Decimal::new(142, 1), 2), "14.20");
        assert_eq!(fixed(Decimal::new(-5, 0), 2), "-5.00");
        assert!(Period::parse("2026-05-10..2026-05-01").is_err());
        assert!(Period::parse("year").is_err());
        // Calendar periods, as_of 2026-05-31 (and 2026-01-15 across a year's start).
        let cal = |p: &str, as_of: NaiveDate| Period::parse(p).unwrap().bounds(as_of, first);
        assert_eq!(cal("this-month", as_of), (d("2026-05-01"), as_of));
        assert_eq!(cal("last-month", as_of), (d("2026-04-01"), d("2026-04-30")));
        assert_eq!(cal("this-quarter", as_of), (d("2026-04-01"), as_of));
        assert_eq!(cal("this-year", as_of), (d("2026-01-01"), as_of));
        assert_eq!(cal("last-month", d("2026-01-15")), (d("2025-12-01"), d("2025-12-31")));
        assert_eq!(cal("this-quarter", d("2026-12-31")), (d("2026-10-01"), d("2026-12-31")));
        assert_eq!(cal("last-month", d("2024-03-31")), (d("2024-02-01"), d("2024-02-29")));
        for name in ["week", "month", "all", "this-month", "last-month", "this-quarter", "this-year"] {
            assert_eq!(Period::parse(name).unwrap().name(), name);
        }
    }

    #[test]
    fn quantities_drop_trailing_zeros() {
        assert_eq!(trim_decimal("12.000"), "12");
        assert_eq!(trim_decimal("1.500"), "1.5");
        assert_eq!(trim_decimal("-3.000"), "-3");
        assert_eq!(trim_decimal("40"), "40");
    }
}
