//! Replenishment and markdown suggestions (SPEC §4.1), on small hand-made
//! stores whose every expected figure is worked out by hand in the comments.
//!
//! as_of = 2026-03-31 throughout: the 30 days of the sales rate are
//! 2026-03-02 … 2026-03-31; rate = units sold in them ÷ 30.
//! The stores are written with SQL straight into the tables an import fills,
//! then the daily aggregates are rebuilt from the lines, as an import does.

use crate::support::*;
use calamine::{open_workbook_auto, Data, Reader};
use chrono::NaiveDate;
use comptoir_core::analytics::{self, exports, Markdown, Period, Replenishment};
use comptoir_core::messages::Lang;
use comptoir_core::store::{settings, Store};
use std::process::Command;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const AS_OF: &str = "2026-03-31";

/// A store's content as SQL, one invoice per sale.
#[derive(Default)]
struct Shop {
    sql: String,
    invoices: usize,
}

fn opt(v: Option<&str>) -> String {
    v.map(|s| format!("'{s}'")).unwrap_or_else(|| "NULL".into())
}

impl Shop {
    fn product(&mut self, id: &str, category: Option<&str>, buy: Option<&str>, sell: Option<&str>) {
        self.sql += &format!(
            "INSERT INTO products (product_id, name, category, buy_price, sell_price, import_id) VALUES ('{id}', 'Product {id}', {}, {}, {}, 1);\n",
            opt(category),
            opt(buy),
            opt(sell)
        );
    }

    fn batch(&mut self, stock_id: &str, product: &str, quantity: &str, expiry: Option<&str>) {
        self.sql += &format!(
            "INSERT INTO stock (stock_id, product_id, quantity, expiry_date, import_id) VALUES ('{stock_id}', '{product}', {quantity}, {}, 1);\n",
            opt(expiry)
        );
    }

    fn sale(&mut self, product: &str, day: &str, qty: &str, price: &str) {
        self.invoices += 1;
        let id = format!("INV{}", self.invoices);
        self.sql += &format!(
            "INSERT INTO invoices (invoice_id, ts, content_hash, import_id) VALUES ('{id}', TIMESTAMP '{day} 10:00:00', '{id}', 1);\n\
             INSERT INTO invoice_lines VALUES ('{id}', 1, '{product}', {qty}, {price}, 1);\n"
        );
    }

    /// One sale a day from `first` on, at the prices of `prices` in turn, `units(price)` each.
    fn daily(&mut self, product: &str, first: &str, days: usize, prices: &[u32], units: impl Fn(u32) -> u32) {
        for i in 0..days {
            let day = d(first) + chrono::Duration::days(i as i64);
            let p = prices[i % prices.len()];
            self.sale(product, &day.to_string(), &units(p).to_string(), &p.to_string());
        }
    }

    fn store(&self) -> Store {
        let store = Store::open_in_memory().unwrap();
        self.fill(&store);
        store
    }

    fn fill(&self, store: &Store) {
        store.conn().execute_batch(&self.sql).unwrap();
        store.rebuild_sales_aggregates().unwrap();
    }
}

// ---------------------------------------------------------------- replenishment

/// Defaults: lead_time_days 7 + safety_days 3 = reorder below 10 days of
/// cover; target_cover_days 21.
///
/// R1 sold 30 on 03-02 (the window's first day), 30 on 03-20 and 30 on 03-31 =
///    90 (rate 3.000); 100 on 03-01 (as_of − 30) do not count, nor a stock
///    adjustment of −5 at price 0 on 03-25. On hand: 20 (no expiry) + 10
///    expiring on as_of itself (not expired) = 30. Cover 30 × 30 / 90 = 10.00,
///    exactly lead + safety: no reorder. Suggested ⌈3 × 21 − 30⌉ = 33, worth
///    33 × 2.00 = 66.00. Stock-out as_of + 10 = 04-10.
/// R2 sold 90 on 03-15 (rate 3.000). On hand 29; a batch of 50 expired on 03-30
///    and one of 0 are not counted. Cover 29 × 30 / 90 = 9.666… → 9.67 < 10:
///    reorder ⌈63 − 29⌉ = 34, worth 34 × 1.50 = 51.00. Stock-out as_of + 9 = 04-09.
/// R3 sold 15 on 03-30 (rate 0.500), no stock: cover 0.00, reorder
///    ⌈0.5 × 21 − 0⌉ = ⌈10.5⌉ = 11, worth 11 × 0.40 = 4.40; out of stock on as_of.
/// R4 sold 30 on 03-05, 10 returned on 03-06 (a return: qty −10 at 2.00), 10
///    sold on 03-07: 30 net (rate 1.000). On hand 40: cover 40.00, no reorder,
///    ⌈21 − 40⌉ < 0: no suggestion. Stock-out as_of + 40 = 05-10.
/// R5 sold only on 03-01 (as_of − 30) and R6 never: neither is listed.
fn replenishment_shop() -> Shop {
    let mut s = Shop::default();
    for (id, buy) in [("R1", "2.00"), ("R2", "1.50"), ("R3", "0.40"), ("R4", "3.00"), ("R5", "1.00"), ("R6", "1.00")] {
        s.product(id, None, Some(buy), Some("5.00"));
    }
    s.sale("R1", "2026-03-01", "100", "2.00");
    s.sale("R1", "2026-03-02", "30", "2.00");
    s.sale("R1", "2026-03-20", "30", "2.00");
    s.sale("R1", "2026-03-25", "-5", "0");
    s.sale("R1", "2026-03-31", "30", "2.00");
    s.batch("R1-a", "R1", "20", None);
    s.batch("R1-b", "R1", "10", Some(AS_OF));
    s.sale("R2", "2026-03-15", "90", "1.00");
    s.batch("R2-a", "R2", "29", None);
    s.batch("R2-old", "R2", "50", Some("2026-03-30"));
    s.batch("R2-none", "R2", "0", Some("2026-06-30"));
    s.sale("R3", "2026-03-30", "15", "1.00");
    s.sale("R4", "2026-03-05", "30", "2.00");
    s.sale("R4", "2026-03-06", "-10", "2.00");
    s.sale("R4", "2026-03-07", "10", "2.00");
    s.batch("R4-a", "R4", "40", Some("2026-12-31"));
    s.sale("R5", "2026-03-01", "10", "1.00");
    s.batch("R5-a", "R5", "5", None);
    s.batch("R6-a", "R6", "10", None);
    s
}

type ReplenishmentRow<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str, Option<String>, bool, Option<&'a str>, Option<&'a str>);

fn rows(r: &[Replenishment]) -> Vec<ReplenishmentRow<'_>> {
    r.iter()
        .map(|p| {
            (
                p.product_id.as_str(),
                p.units_30.as_str(),
                p.daily_rate.as_str(),
                p.on_hand.as_str(),
                p.days_of_cover.as_str(),
                p.stock_out_date.map(|d| d.to_string()),
                p.reorder,
                p.suggested_quantity.as_deref(),
                p.order_value.as_deref(),
            )
        })
        .collect()
}

fn day(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[test]
fn replenishment_at_its_boundaries() {
    let store = replenishment_shop().store();
    let got = analytics::replenishment(&store, d(AS_OF)).unwrap();
    // To reorder first, the shortest cover first; then the others.
    assert_eq!(
        rows(&got),
        [
            ("R3", "15", "0.500", "0", "0.00", day("2026-03-31"), true, Some("11"), Some("4.40")),
            ("R2", "90", "3.000", "29", "9.67", day("2026-04-09"), true, Some("34"), Some("51.00")),
            ("R1", "90", "3.000", "30", "10.00", day("2026-04-10"), false, Some("33"), Some("66.00")),
            ("R4", "30", "1.000", "40", "40.00", day("2026-05-10"), false, None, None),
        ]
    );
    assert_eq!(got[0].name, "Product R3");
    assert_eq!(got[1].buy_price.as_deref(), Some("1.50"));
}

/// The rate and the cover are shown rounded half away from zero, from their
/// exact values: 0.045 units in 30 days is 0.0015 a day, shown 0.002; 0.001 unit
/// on hand at 0.008 a day covers exactly 0.125 days, shown 0.13.
#[test]
fn replenishment_rounds_its_ties_away_from_zero() {
    let mut s = Shop::default();
    s.product("T1", None, Some("1.00"), Some("2.00"));
    s.sale("T1", "2026-03-20", "0.045", "2.00");
    s.product("T2", None, Some("1.00"), Some("2.00"));
    s.sale("T2", "2026-03-21", "0.24", "2.00");
    s.batch("T2-a", "T2", "0.001", None);
    let got = analytics::replenishment(&s.store(), d(AS_OF)).unwrap();
    let shown: Vec<_> = got.iter().map(|p| (p.product_id.as_str(), p.daily_rate.as_str(), p.days_of_cover.as_str())).collect();
    assert_eq!(shown, [("T1", "0.002", "0.00"), ("T2", "0.008", "0.13")]);
}

#[test]
fn replenishment_reads_its_settings() {
    let store = replenishment_shop().store();
    // lead 8 + safety 3 = 11: R1's 10 days now call for an order; target 30 days:
    // R1 ⌈3 × 30 − 30⌉ = 60, R2 ⌈90 − 29⌉ = 61, R3 ⌈0.5 × 30⌉ = 15, R4 ⌈30 − 40⌉ < 0.
    settings::set(&store, "lead_time_days", "8").unwrap();
    settings::set(&store, "target_cover_days", "30 jours").unwrap();
    let got = analytics::replenishment(&store, d(AS_OF)).unwrap();
    let brief: Vec<(&str, bool, Option<&str>)> =
        got.iter().map(|p| (p.product_id.as_str(), p.reorder, p.suggested_quantity.as_deref())).collect();
    assert_eq!(brief, [("R3", true, Some("15")), ("R2", true, Some("61")), ("R1", true, Some("60")), ("R4", false, None)]);
    // lead 8 + safety 2 = 10 again: R1 is exactly at it, no order.
    settings::set(&store, "safety_days", "2").unwrap();
    let got = analytics::replenishment(&store, d(AS_OF)).unwrap();
    assert_eq!(got.iter().filter(|p| p.reorder).map(|p| p.product_id.as_str()).collect::<Vec<_>>(), ["R3", "R2"]);
    assert!(settings::set(&store, "safety_days", "2.5").is_err());
}

// ---------------------------------------------------------------- markdowns

/// Markdowns, defaults max_markdown 50 % and default_elasticity 1.5.
///
/// P (category Fit, buy 2.00, sell 5.00): units = 3600 / price², exactly
///   log-linear with slope −2. Jan 01 … Jan 19 at 2, 3, 4, 5, 6, 2, … (900,
///   400, 225, 144, 100 units) and 144 at 5.00 on 03-20: 20 selling days, 5
///   distinct prices, ln u = ln 3600 − 2 ln p on every day → e = 2.00 from its
///   own sales. Rate 144 / 30 = 4.8. Batch P-1: 40 expiring 04-05 (days_left 5):
///   4.8 × 5 = 24 sell at full price, leftover 16, lost 16 × 2.00 = 32.00.
///   Need (1 − d)^−2 ≥ 40 / 24 = 1.667: 20 % gives 1.5625 (no), 25 % gives
///   1.778 (yes) → 25 %, price 3.75; all 40 sell; recovered = 40 × 3.75 −
///   24 × 5.00 = 150 − 120 = 30.00.
/// Q (category Solo, alone in it, same prices and units but Jan 01 … Jan 18): 19
///   selling days, one short, for the product and for its category → the default
///   e = 1.5. Batch Q-1 as P-1: (1 − d)^−1.5 ≥ 1.667: 25 % gives 1.5396, 30 %
///   gives 1.7075 → 30 %, price 3.50; recovered 40 × 3.50 − 120 = 20.00; lost 32.00.
/// C1, C2 (category Pool, buy 1.00, sell 2.00): units = k / price, slope −1,
///   k = 60 for C1 (Jan 01 … 09 and 30 at 2.00 on 03-25: 10 days), k = 120 for
///   C2 (Jan 01 … 10: 10 days). Each alone has 10 days (< 20); pooled, each
///   product's means removed, 20 days on the one line of slope −1 → e = 1.00
///   from the category. C1's rate 30 / 30 = 1; batch C1-1: 8 expiring 04-05:
///   5 sell at full price, leftover 3, lost 3.00. (1 − d)^−1 ≥ 8 / 5 = 1.6:
///   35 % gives 1.538, 40 % gives 1.667 → 40 %, price 1.20; recovered =
///   8 × 1.20 − 5 × 2.00 = −0.40 (the markdown costs more than it saves).
/// D (no category, buy 2.00, sell 4.00): 30 sold on 03-15 (rate 1, one selling
///   day: default e 1.5). Batch D-1: 10 expiring 04-02 (days_left 2): 2 sell,
///   leftover 8, lost 16.00. Need (1 − d)^−1.5 ≥ 5, but 50 % gives
///   2^1.5 = 2.8284: cannot clear. At 50 %: price 2.00; expected 2 × 2.8284 =
///   5.657 → 5.66; recovered = 5.65685 × 2.00 − 2 × 4.00 = 3.31. D-today
///   (expires on as_of: days_left 0) and D-old (expired) get nothing; they are
///   sold first (FEFO) yet sell nothing by their expiry, so D-1's forecast is as if alone.
/// H (no category, buy 3.00, sell 6.00): 10 units every selling day whatever the
///   price: Jan 01 … 19 at 2 … 6 and 03-20 at 6.00: 20 days, 5 prices, but slope 0,
///   e = 0.00 < 0.3 → default 1.5. Rate 10 / 30; batch H-1: 5 expiring 04-03
///   (days_left 3): 1 sells, leftover 4, lost 12.00. Need (1 − d)^−1.5 ≥ 5:
///   cannot clear; at 50 %: price 3.00; expected 2.8284 → 2.83; recovered =
///   2.82843 × 3.00 − 1 × 6.00 = 2.49.
/// W (no category, buy 1.00, no sell price): 20 at 2.50 on 03-29 and 10 at 4.00
///   on 03-30: rate 1, price = (50 + 40) / 30 = 3.00 (the 30 days' average).
///   Batch W-1: 6 expiring 04-04 (days_left 4): 4 sell, leftover 2, lost 2.00.
///   Default e: (1 − d)^−1.5 ≥ 1.5: 20 % gives 1.3975, 25 % gives 1.5396 → 25 %,
///   price 2.25; recovered = 6 × 2.25 − 4 × 3.00 = 1.50.
/// Z (no category): sold only on 02-15, rate 0. Batch Z-1: 5 expiring 04-03, a
///   leftover of 5 at risk, but no markdown row.
fn markdown_shop() -> Shop {
    let mut s = Shop::default();
    let five = [2, 3, 4, 5, 6];
    s.product("P", Some("Fit"), Some("2.00"), Some("5.00"));
    s.daily("P", "2026-01-01", 19, &five, |p| 3600 / (p * p));
    s.sale("P", "2026-03-20", "144", "5.00");
    s.batch("P-1", "P", "40", Some("2026-04-05"));

    s.product("Q", Some("Solo"), Some("2.00"), Some("5.00"));
    s.daily("Q", "2026-01-01", 18, &five, |p| 3600 / (p * p));
    s.sale("Q", "2026-03-20", "144", "5.00");
    s.batch("Q-1", "Q", "40", Some("2026-04-05"));

    s.product("C1", Some("Pool"), Some("1.00"), Some("2.00"));
    s.daily("C1", "2026-01-01", 9, &five, |p| 60 / p);
    s.sale("C1", "2026-03-25", "30", "2.00");
    s.batch("C1-1", "C1", "8", Some("2026-04-05"));
    s.product("C2", Some("Pool"), Some("1.00"), Some("2.00"));
    s.daily("C2", "2026-01-01", 10, &five, |p| 120 / p);

    s.product("D", None, Some("2.00"), Some("4.00"));
    s.sale("D", "2026-03-15", "30", "4.00");
    s.batch("D-1", "D", "10", Some("2026-04-02"));
    s.batch("D-today", "D", "3", Some(AS_OF));
    s.batch("D-old", "D", "1", Some("2026-03-30"));

    s.product("H", None, Some("3.00"), Some("6.00"));
    s.daily("H", "2026-01-01", 19, &five, |_| 10);
    s.sale("H", "2026-03-20", "10", "6.00");
    s.batch("H-1", "H", "5", Some("2026-04-03"));

    s.product("W", None, Some("1.00"), None);
    s.sale("W", "2026-03-29", "20", "2.50");
    s.sale("W", "2026-03-30", "10", "4.00");
    s.batch("W-1", "W", "6", Some("2026-04-04"));

    s.product("Z", None, Some("1.00"), Some("3.00"));
    s.sale("Z", "2026-02-15", "10", "3.00");
    s.batch("Z-1", "Z", "5", Some("2026-04-03"));
    s
}

type MarkdownRow<'a> =
    (&'a str, &'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>, &'a str, Option<&'a str>, Option<&'a str>, bool);

fn markdown_rows(m: &[Markdown]) -> Vec<MarkdownRow<'_>> {
    m.iter()
        .map(|m| {
            (
                m.stock_id.as_str(),
                m.elasticity.as_str(),
                m.elasticity_source.as_str(),
                m.discount.as_str(),
                m.price.as_deref(),
                m.suggested_price.as_deref(),
                m.units_expected.as_str(),
                m.money_recovered.as_deref(),
                m.money_lost_without.as_deref(),
                m.cannot_clear,
            )
        })
        .collect()
}

#[test]
fn markdowns_from_the_product_its_category_or_the_default() {
    let store = markdown_shop().store();
    let got = analytics::markdowns(&store, d(AS_OF)).unwrap();
    // The largest loss without a markdown first; ties by stock_id.
    assert_eq!(
        markdown_rows(&got),
        [
            ("P-1", "2.00", "product", "0.25", Some("5.00"), Some("3.75"), "40", Some("30.00"), Some("32.00"), false),
            ("Q-1", "1.50", "default", "0.30", Some("5.00"), Some("3.50"), "40", Some("20.00"), Some("32.00"), false),
            ("D-1", "1.50", "default", "0.50", Some("4.00"), Some("2.00"), "5.66", Some("3.31"), Some("16.00"), true),
            ("H-1", "1.50", "default", "0.50", Some("6.00"), Some("3.00"), "2.83", Some("2.49"), Some("12.00"), true),
            ("C1-1", "1.00", "category", "0.40", Some("2.00"), Some("1.20"), "8", Some("-0.40"), Some("3.00"), false),
            ("W-1", "1.50", "default", "0.25", Some("3.00"), Some("2.25"), "6", Some("1.50"), Some("2.00"), false),
        ]
    );
    let p = &got[0];
    assert_eq!((p.product_id.as_str(), p.name.as_str(), p.quantity.as_str(), p.days_left), ("P", "Product P", "40", 5));
    // What the markdowns promise is the loss-risk forecast: the same leftover value.
    let risk = analytics::loss_risk(&store, d(AS_OF)).unwrap();
    for m in &got {
        let r = risk.iter().find(|r| r.stock_id == m.stock_id).unwrap();
        assert_eq!(r.forecast_leftover_value, m.money_lost_without, "{}", m.stock_id);
    }
    // Z-1 is at risk with all 5 units left over, but Z sold nothing in 30 days:
    // no suggestion; nor for D-today (days_left 0) or D-old (expired).
    let z = risk.iter().find(|r| r.stock_id == "Z-1").unwrap();
    assert_eq!(z.forecast_leftover.as_deref(), Some("5.00"));
    for none in ["Z-1", "D-today", "D-old"] {
        assert!(risk.iter().any(|r| r.stock_id == none), "{none} is at risk");
        assert!(got.iter().all(|m| m.stock_id != none), "{none} has no markdown");
    }
}

#[test]
fn markdowns_read_their_settings() {
    let store = markdown_shop().store();
    let row = |store: &Store, id: &str| {
        let all = analytics::markdowns(store, d(AS_OF)).unwrap();
        let m = all.into_iter().find(|m| m.stock_id == id).unwrap();
        (m.discount, m.suggested_price, m.units_expected, m.money_recovered, m.cannot_clear)
    };
    let s = |v: &str| Some(v.to_string());
    // A cap of 68 %: steps of 5 % up to 65 %. D-1 needs (1 − d)^−1.5 ≥ 5; 65 %
    // gives 0.35^−1.5 = 4.8295: still not enough. Expected 2 × 4.8295 = 9.66 at
    // 4.00 × 0.35 = 1.40; recovered 9.65891 × 1.40 − 8.00 = 5.52.
    settings::set(&store, "max_markdown", "68 %").unwrap();
    assert_eq!(row(&store, "D-1"), ("0.65".into(), s("1.40"), "9.66".into(), s("5.52"), true));
    // 70 %: 0.3^−1.5 = 6.0858 ≥ 5: cleared at 70 %, price 1.20; recovered
    // 10 × 1.20 − 2 × 4.00 = 4.00.
    settings::set(&store, "max_markdown", "70 %").unwrap();
    assert_eq!(row(&store, "D-1"), ("0.70".into(), s("1.20"), "10".into(), s("4.00"), false));
    // A default elasticity of 2 for Q: (1 − d)^−2 ≥ 1.667 as P → 25 %, 3.75, 30.00.
    settings::set(&store, "default_elasticity", "2").unwrap();
    assert_eq!(row(&store, "Q-1"), ("0.25".into(), s("3.75"), "40".into(), s("30.00"), false));
    assert!(settings::set(&store, "max_markdown", "100 %").is_err());
}

#[test]
fn a_twentieth_selling_day_makes_the_products_own_fit() {
    // Q's 20th day (Jan 19 at 6.00, 3600 / 36 = 100 units, on its line) gives it
    // its own e = 2.00, and P's 25 %.
    let mut shop = markdown_shop();
    shop.sale("Q", "2026-01-19", "100", "6.00");
    let store = shop.store();
    let got = analytics::markdowns(&store, d(AS_OF)).unwrap();
    let q = got.iter().find(|m| m.stock_id == "Q-1").unwrap();
    assert_eq!((q.elasticity.as_str(), q.elasticity_source.as_str(), q.discount.as_str()), ("2.00", "product", "0.25"));
}

/// The fit of a long history: E sells over three months in two imports, which
/// share days, and the store keeps each month's figures (sales_product_month)
/// as they come and go. The elasticity must be the least-squares fit over the
/// selling days as a whole, computed here from the sales themselves.
///
/// Import 1: one sale a day from 01-10 to 03-28 at 4.00 … 9.00 in turn, of
/// ⌊2000 / p^1.6⌋ + (i mod 3) units. Import 2: on every 7th of those days a
/// second sale at 7.50 (the day's average price moves), and a sale on 04-10,
/// after as_of, which never counts. Batch E-1: 2,000 expiring 04-04.
#[test]
fn the_elasticity_fit_spans_months_and_imports_and_follows_an_undo() {
    let mut first = Vec::new();
    let mut second = Vec::new();
    for i in 0..78 {
        let day = d("2026-01-10") + chrono::Duration::days(i);
        let price = 4 + i % 6;
        let units = (2000.0 / (price as f64).powf(1.6)).floor() as i64 + i % 3;
        first.push((day.to_string(), units, format!("{price}.00")));
        if i % 7 == 0 {
            second.push((day.to_string(), 5 + i % 4, "7.50".to_string()));
        }
    }
    second.push(("2026-04-10".to_string(), 50, "4.00".to_string()));
    let store = Store::open_in_memory().unwrap();
    let conn = store.conn();
    let mut sql = "INSERT INTO products (product_id, name, category, buy_price, sell_price, import_id) VALUES ('E', 'E', 'Long', 2.00, 9.00, 1);
                   INSERT INTO stock (stock_id, product_id, quantity, expiry_date, import_id) VALUES ('E-1', 'E', 2000, DATE '2026-04-04', 1);
                   INSERT INTO stock (stock_id, product_id, quantity, expiry_date, import_id) VALUES ('E-2', 'E', 2000, DATE '2026-03-25', 1);\n"
        .to_string();
    for (import, sales) in [(1, &first), (2, &second)] {
        for (n, (day, units, price)) in sales.iter().enumerate() {
            let id = format!("I{import}-{n}");
            sql += &format!(
                "INSERT INTO invoices (invoice_id, ts, content_hash, import_id) VALUES ('{id}', TIMESTAMP '{day} 10:00:00', '{id}', {import});
                 INSERT INTO invoice_lines VALUES ('{id}', 1, 'E', {units}, {price}, {import});\n"
            );
        }
        sql += &format!("INSERT INTO imports VALUES ({import}, now()::TIMESTAMP, '[]', 'f', '{{}}', 0, 0, 0, NULL, false);\n");
    }
    conn.execute_batch(&sql).unwrap();
    // Each import adds its own aggregates, as an import does.
    comptoir_core::store::add_sales_aggregates(conn, Some(1)).unwrap();
    comptoir_core::store::add_sales_aggregates(conn, Some(2)).unwrap();

    // The fit over the days up to as_of, from the sales (revenue in cents per line).
    let expected_at = |as_of: &str, sales: &[&(String, i64, String)]| -> String {
        let mut days: std::collections::BTreeMap<&str, (f64, f64)> = Default::default();
        for (day, units, price) in sales.iter().filter(|(day, ..)| day.as_str() <= as_of) {
            let e = days.entry(day.as_str()).or_default();
            e.0 += *units as f64;
            e.1 += (*units as f64 * price.parse::<f64>().unwrap() * 100.0).round() / 100.0;
        }
        let points: Vec<(f64, f64)> = days.values().map(|(u, r)| ((r / u).ln(), u.ln())).collect();
        let n = points.len() as f64;
        let (mx, my) = (points.iter().map(|p| p.0).sum::<f64>() / n, points.iter().map(|p| p.1).sum::<f64>() / n);
        let sxy: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
        let sxx: f64 = points.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
        let e = -sxy / sxx;
        assert!(((e * 100.0).fract().abs() - 0.5).abs() > 1e-6, "{e} is no rounding boundary");
        format!("{:.2}", e)
    };
    let expected = |sales: &[&(String, i64, String)]| expected_at(AS_OF, sales);
    let fitted_at = |store: &Store, as_of: &str, batch: &str| {
        let all = analytics::markdowns(store, d(as_of)).unwrap();
        let m = all.into_iter().find(|m| m.stock_id == batch).expect("the batch is marked down");
        (m.elasticity, m.elasticity_source)
    };
    let fitted = |store: &Store| fitted_at(store, AS_OF, "E-1");
    let months = |store: &Store| -> String {
        store
            .conn()
            .query_row(
                "SELECT string_agg(concat_ws('/', month, product_id, last_sold, days, round(mean_x, 9) + 0.0, round(mean_y, 9) + 0.0,
                                             round(sxx, 9) + 0.0, round(sxy, 9) + 0.0, prices), ';' ORDER BY month)
                        || ' fit: ' || (SELECT string_agg(concat_ws('/', product_id, n, round(sxx, 9) + 0.0, round(sxy, 9) + 0.0, prices), ';' ORDER BY product_id)
                                        FROM sales_product_fit)
                 FROM sales_product_month",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let both: Vec<_> = first.iter().chain(&second).collect();
    // As of 03-31 no sale follows in March: March is read whole from the month table…
    assert_eq!(fitted(&store), (expected(&both), "product".to_string()));
    // …as of 03-20 sales follow in March: March up to the 20th is read from its days
    // (E-2 expires on 03-25).
    assert_eq!(fitted_at(&store, "2026-03-20", "E-2"), (expected_at("2026-03-20", &both), "product".to_string()));
    assert_ne!(expected_at("2026-03-20", &both), expected(&both), "the two dates fit different days");
    let mid_march = analytics::loss_risk(&store, d("2026-03-20")).unwrap();
    assert_eq!(mid_march.iter().find(|r| r.stock_id == "E-2").unwrap().last_movement, Some(d("2026-03-20")));
    // What two imports kept equals the months (and the whole-history fit) made from every day at once.
    let kept = months(&store);
    store.rebuild_sales_aggregates().unwrap();
    assert_eq!(months(&store), kept);
    // The latest sale up to as_of is 03-28 (04-10 is after it), read from March's row.
    let risk = analytics::loss_risk(&store, d(AS_OF)).unwrap();
    assert_eq!(risk.iter().find(|r| r.stock_id == "E-1").unwrap().last_movement, Some(d("2026-03-28")));
    // Undoing import 2 takes its sales out of the months it touched; April is
    // gone, so as of 03-31 the fit is read from the whole-history row.
    comptoir_core::import::history::undo(&store, 2).unwrap();
    let only_first: Vec<_> = first.iter().collect();
    assert_eq!(fitted(&store), (expected(&only_first), "product".to_string()));
    let after_undo = months(&store);
    store.rebuild_sales_aggregates().unwrap();
    assert_eq!(months(&store), after_undo);
    assert_ne!(after_undo, kept);
    // As of 04-30, March is a month of the table and 04-10 the latest sale.
    let later = analytics::loss_risk(&store, d("2026-04-30")).unwrap();
    assert_eq!(later.iter().find(|r| r.stock_id == "E-1").unwrap().last_movement, Some(d("2026-03-28")));
}

/// A store made before the month table (v5) or the whole-history fits (v6)
/// gets them at its next open, equal to what imports keep. (Sums of floats
/// are compared to 9 decimals, `+ 0.0` making −0.0 and 0.0 one: their order
/// of addition is free.)
#[test]
fn an_older_store_gets_its_month_and_fit_tables_at_its_next_open() {
    let dir = TempDir::new("fill-once");
    let path = dir.join("s.duckdb");
    let kept = |store: &Store| -> String {
        store
            .conn()
            .query_row(
                "SELECT (SELECT count(*) FROM sales_product_month) || ':' || (SELECT count(*) FROM sales_product_fit) || ' '
                        || (SELECT string_agg(concat_ws('/', month, product_id, last_sold, days, round(sxx, 9) + 0.0, prices), ';' ORDER BY month, product_id)
                            FROM sales_product_month)
                        || ' ' || (SELECT string_agg(concat_ws('/', product_id, n, round(sxx, 9) + 0.0, round(sxy, 9) + 0.0, prices), ';' ORDER BY product_id)
                                   FROM sales_product_fit)",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let imported = {
        let store = Store::open(&path).unwrap();
        import(&store, &[sample_path()]);
        kept(&store)
    };
    assert!(!imported.starts_with("0:") && !imported.contains(":0 "), "{imported}");
    for emptied in ["DELETE FROM sales_product_fit", "DELETE FROM sales_product_month; DELETE FROM sales_product_fit"] {
        Store::open(&path).unwrap().conn().execute_batch(emptied).unwrap();
        assert_eq!(kept(&Store::open(&path).unwrap()), imported, "after {emptied}");
    }
}

// ---------------------------------------------------------------- report, CLI and exports

#[test]
fn the_report_the_cli_and_the_exports_carry_both() {
    let dir = TempDir::new("beyond");
    let db = dir.join("s.duckdb");
    {
        let store = Store::open(&db).unwrap();
        markdown_shop().fill(&store);
        // Its latest sale is on 03-30: the report date is set, for the CLI too.
        settings::set(&store, "as_of", AS_OF).unwrap();
        let report = analytics::report(&store, None, Period::Month).unwrap();
        assert_eq!(report.as_of, d(AS_OF));
        assert_eq!(report.markdowns.len(), 6);
        // Replenishment of the same shop: C1 sold 30 (rate 1), 8 on hand → 8.00
        // days < 10: reorder ⌈21 − 8⌉ = 13 at 1.00 = 13.00.
        let c1 = report.replenishment.iter().find(|p| p.product_id == "C1").unwrap();
        assert_eq!((c1.days_of_cover.as_str(), c1.reorder, c1.suggested_quantity.as_deref()), ("8.00", true, Some("13")));

        let book = dir.join("dashboard.xlsx");
        exports::dashboard_xlsx(&report, "€", Lang::Fr, &book).unwrap();
        let mut wb = open_workbook_auto(&book).unwrap();
        let names = wb.sheet_names();
        assert!(names.contains(&"Démarques".to_string()) && names.contains(&"Réapprovisionnement".to_string()), "{names:?}");
        let sheet = wb.worksheet_range("Démarques").unwrap();
        let header: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
        assert_eq!(header[7], "Remise");
        let first: Vec<&Data> = sheet.rows().nth(1).unwrap().iter().collect();
        assert_eq!((first[0], first[7], first[11]), (&Data::String("P-1".into()), &Data::Float(0.25), &Data::Float(30.0)));
        assert_eq!(first[6], &Data::String("Ses propres ventes".into()));

        // The order list: only the products to reorder, most urgent first.
        let list = dir.join("order.xlsx");
        exports::order_list_xlsx(&report.replenishment, Lang::En, &list).unwrap();
        let mut wb = open_workbook_auto(&list).unwrap();
        let sheet = wb.worksheet_range("Order list").unwrap();
        let ordered: Vec<String> = sheet.rows().skip(1).map(|r| r[0].to_string()).collect();
        let expected: Vec<String> = report.replenishment.iter().filter(|p| p.reorder).map(|p| p.product_id.clone()).collect();
        assert_eq!(ordered, expected);
        assert!(ordered.contains(&"C1".to_string()));
        assert_eq!(sheet.rows().next().unwrap()[2].to_string(), "Quantity to order");
    }
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_comptoir")).arg("--db").arg(&db).args(args).output().unwrap();
    let out = run(&["report", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        j["markdowns"][0],
        serde_json::json!({
            "stock_id": "P-1", "product_id": "P", "name": "Product P", "quantity": "40", "days_left": 5,
            "elasticity": "2.00", "elasticity_source": "product", "discount": "0.25", "price": "5.00",
            "suggested_price": "3.75", "units_expected": "40", "money_recovered": "30.00",
            "money_lost_without": "32.00", "cannot_clear": false
        })
    );
    let c1 = j["replenishment"].as_array().unwrap().iter().find(|p| p["product_id"] == "C1").unwrap();
    assert_eq!(c1["stock_out_date"], "2026-04-08");
    assert_eq!(c1["order_value"], "13.00");
    let out = run(&["report"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Markdown suggestions: 6 batches"), "{text}");
    assert!(text.contains("cannot clear at the maximum discount"), "{text}");
    assert!(text.contains("Replenishment: "), "{text}");
}
