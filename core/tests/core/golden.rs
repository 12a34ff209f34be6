//! Golden test of every analytics view on a tiny hand-made workbook (11 lines).
//! Every expected number below is worked out by hand in the comments, and the
//! data sits on each boundary SPEC §4 states.
//!
//! as_of = 2026-03-31 (the latest invoice); month = 03-02 … 03-31; previous
//! month = 01-31 … 03-01.
//!
//! Products (buy / sell / min margin):
//!   A 1.00/2.00   B 2.00/3.00   C 5.00/4.50 (below cost)   D —/6.00 (no cost)
//!   E 3.00/4.00 min 30 %   F 1.00/2.00   G 1.00/3.00   H 2.00/4.00
//!   J 2.50/4.00 (never sold)   K 1.50/2.50 (never sold)
//! Invoices:
//!   I1 03-31 K1: A 2×2.00, B 2×3.00                      = 10.00
//!   I2 03-30 K2: F 4×2.00, A 4×3.00                      = 20.00
//!   I3 03-29 walk-in: D 1×(empty → 6.00), C 2×4.50, G 2×3.00 = 21.00
//!   I4 03-28 K5: A −1×2.00 (a return), E 1×4.00, H 1×4.00 =  6.00
//!   I5 02-15 K5: B 10×3.00                               = 30.00

use crate::support::*;
use chrono::NaiveDate;
use comptoir_core::analytics::{self, Period};
use comptoir_core::import::Outcome;
use comptoir_core::store::Store;
use rust_xlsxwriter::{Format, Workbook};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn golden_workbook(path: &std::path::Path) {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let products: &[(&str, &str, Option<f64>, f64, Option<f64>)] = &[
        ("A", "Apple", Some(1.0), 2.0, None),
        ("B", "Bread", Some(2.0), 3.0, None),
        ("C", "Cheese", Some(5.0), 4.5, None),
        ("D", "Dates", None, 6.0, None),
        ("E", "Eggs", Some(3.0), 4.0, Some(0.30)),
        ("F", "Flour", Some(1.0), 2.0, None),
        ("G", "Grapes", Some(1.0), 3.0, None),
        ("H", "Honey", Some(2.0), 4.0, None),
        ("J", "Jam", Some(2.5), 4.0, None),
        ("K", "Kale", Some(1.5), 2.5, None),
    ];
    let s = book.add_worksheet().set_name("Products").unwrap();
    for (c, h) in ["product_id", "name", "buy_price", "sell_price", "min_margin_threshold"].iter().enumerate() {
        s.write(0, c as u16, *h).unwrap();
    }
    for (i, (id, name, buy, sell, min)) in products.iter().enumerate() {
        let r = i as u32 + 1;
        s.write(r, 0, *id).unwrap();
        s.write(r, 1, *name).unwrap();
        if let Some(b) = buy {
            s.write(r, 2, *b).unwrap();
        }
        s.write(r, 3, *sell).unwrap();
        if let Some(m) = min {
            s.write(r, 4, *m).unwrap();
        }
    }
    // stock_id, product, qty, expiry, last_movement
    let stock: &[(&str, &str, f64, Option<&str>, Option<&str>)] = &[
        ("S1", "A", 10.0, Some("2026-03-30"), Some("2026-03-31")), // expired
        ("S2", "A", 5.0, Some("2026-04-07"), Some("2026-03-25")),  // expiry = as_of + 7: not expiring
        ("S3", "B", 8.0, Some("2026-04-06"), Some("2026-03-20")),  // as_of + 6: expiring
        ("S4", "J", 4.0, None, Some("2026-03-01")),                // exactly as_of − 30: not dead
        ("S5", "J", 2.0, None, Some("2026-02-28")),                // as_of − 31: no movement
        ("S6", "J", 0.0, Some("2026-03-01"), None),                // quantity 0: never at risk
        ("S7", "K", 6.0, None, None),                              // never sold, no movement
        ("S8", "G", 1.0, Some("2026-04-03"), None),                // FEFO: sold first
        ("S9", "G", 2.0, Some("2026-04-06"), None),                // FEFO: sold after S8 expires
    ];
    let s = book.add_worksheet().set_name("Stock").unwrap();
    for (c, h) in ["stock_id", "product_id", "quantity", "expiry_date", "last_movement"].iter().enumerate() {
        s.write(0, c as u16, *h).unwrap();
    }
    for (i, (id, p, q, exp, last)) in stock.iter().enumerate() {
        let r = i as u32 + 1;
        s.write(r, 0, *id).unwrap();
        s.write(r, 1, *p).unwrap();
        s.write(r, 2, *q).unwrap();
        if let Some(e) = exp {
            s.write_datetime_with_format(r, 3, d(e), &date).unwrap();
        }
        if let Some(l) = last {
            s.write_datetime_with_format(r, 4, d(l), &date).unwrap();
        }
    }
    let clients: &[(&str, &str, Option<f64>)] = &[
        ("K1", "Silver Exact", Some(4990.0)),
        ("K2", "Promo Exact", Some(9980.0)),
        ("K3", "Just Over", Some(10000.01)),
        ("K4", "Gold Member", Some(20000.0)),
        ("K5", "Standard Shopper", None),
    ];
    let s = book.add_worksheet().set_name("Clients").unwrap();
    for (c, h) in ["client_id", "name", "total_revenue_generated"].iter().enumerate() {
        s.write(0, c as u16, *h).unwrap();
    }
    for (i, (id, name, opening)) in clients.iter().enumerate() {
        let r = i as u32 + 1;
        s.write(r, 0, *id).unwrap();
        s.write(r, 1, *name).unwrap();
        if let Some(o) = opening {
            s.write(r, 2, *o).unwrap();
        }
    }
    let invoices: &[(&str, Option<&str>, &str, f64)] = &[
        ("I1", Some("K1"), "2026-03-31 10:00", 10.0),
        ("I2", Some("K2"), "2026-03-30 11:00", 20.0),
        ("I3", None, "2026-03-29 12:00", 21.0),
        ("I4", Some("K5"), "2026-03-28 09:30", 6.0),
        ("I5", Some("K5"), "2026-02-15 16:45", 30.0),
    ];
    let s = book.add_worksheet().set_name("Invoices").unwrap();
    for (c, h) in ["invoice_id", "client_id", "timestamp", "total_amount"].iter().enumerate() {
        s.write(0, c as u16, *h).unwrap();
    }
    for (i, (id, client, ts, total)) in invoices.iter().enumerate() {
        let r = i as u32 + 1;
        s.write(r, 0, *id).unwrap();
        if let Some(c) = client {
            s.write(r, 1, *c).unwrap();
        }
        s.write(r, 2, *ts).unwrap(); // ISO text, as a till export writes it
        s.write(r, 3, *total).unwrap();
    }
    let lines: &[(&str, &str, f64, Option<f64>)] = &[
        ("I1", "A", 2.0, Some(2.0)),
        ("I1", "B", 2.0, Some(3.0)),
        ("I2", "F", 4.0, Some(2.0)),
        ("I2", "A", 4.0, Some(3.0)),
        ("I3", "D", 1.0, None),
        ("I3", "C", 2.0, Some(4.5)),
        ("I3", "G", 2.0, Some(3.0)),
        ("I4", "A", -1.0, Some(2.0)),
        ("I4", "E", 1.0, Some(4.0)),
        ("I4", "H", 1.0, Some(4.0)),
        ("I5", "B", 10.0, Some(3.0)),
    ];
    let s = book.add_worksheet().set_name("InvoiceLines").unwrap();
    for (c, h) in ["invoice_id", "product_id", "qty", "unit_price"].iter().enumerate() {
        s.write(0, c as u16, *h).unwrap();
    }
    for (i, (inv, p, q, price)) in lines.iter().enumerate() {
        let r = i as u32 + 1;
        s.write(r, 0, *inv).unwrap();
        s.write(r, 1, *p).unwrap();
        s.write(r, 2, *q).unwrap();
        if let Some(pr) = price {
            s.write(r, 3, *pr).unwrap();
        }
    }
    book.save(path).unwrap();
}

fn golden_store(dir: &TempDir) -> Store {
    let book = dir.join("golden.xlsx");
    golden_workbook(&book);
    let store = Store::open(&dir.join("golden.duckdb")).unwrap();
    let r = import(&store, &[book]);
    assert_eq!(r.outcome, Outcome::Imported, "{:?}", r.errors);
    assert_eq!(r.counts.lines.new, 11);
    // C sells below its cost: the importer warns on its sell price cell.
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert_eq!(r.warnings[0].cell, "D4");
    store
}

#[test]
fn winners_rank_by_profit_then_revenue_then_id() {
    let dir = TempDir::new("golden-winners");
    let store = golden_store(&dir);
    let report = analytics::report(&store, None, Period::Month).unwrap();
    assert_eq!(report.as_of, d("2026-03-31"));
    assert_eq!((report.window.from, report.window.to), (d("2026-03-02"), d("2026-03-31")));
    assert_eq!(report.ranked_by, "profit");
    let got: Vec<(i64, &str, &str, &str, &str)> = report
        .winners
        .iter()
        .map(|w| (w.rank, w.product_id.as_str(), w.quantity.as_str(), w.revenue.as_str(), w.profit.as_deref().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            // A: 2×(2−1) + 4×(3−1) − 1×(2−1) = 9 on 4 + 12 − 2 = 14 of revenue, 5 units (a return)
            (1, "A", "5", "14.00", "9.00"),
            // F and G tie on profit 4: F's revenue 8 beats G's 6
            (2, "F", "4", "8.00", "4.00"),
            (3, "G", "2", "6.00", "4.00"),
            // B and H tie on 2: B's revenue 6 beats H's 4
            (4, "B", "2", "6.00", "2.00"),
            (5, "H", "1", "4.00", "2.00"),
            (6, "E", "1", "4.00", "1.00"),
            // C sells below cost: 2 × (4.50 − 5.00)
            (7, "C", "2", "9.00", "-1.00"),
            // D has no cost: it cannot rank.
        ]
    );
    let feb = analytics::report(&store, None, Period::parse("2026-02-01..2026-02-28").unwrap()).unwrap();
    let got: Vec<(&str, &str)> = feb.winners.iter().map(|w| (w.product_id.as_str(), w.profit.as_deref().unwrap())).collect();
    assert_eq!(got, [("B", "10.00")]);
}

#[test]
fn kpis_of_the_window_and_the_previous_one() {
    let dir = TempDir::new("golden-kpis");
    let store = golden_store(&dir);
    let k = analytics::report(&store, None, Period::Month).unwrap().kpis;
    let c = &k.current;
    assert_eq!(c.revenue, "57.00"); // 10 + 20 + 21 + 6
    assert_eq!(c.profit.as_deref(), Some("21.00")); // 9 + 4 + 4 + 2 + 2 + 1 − 1 (D has no cost)
    assert_eq!(c.margin_rate.as_deref(), Some("0.4118")); // 21 / (57 − 6 of D)
    assert_eq!(c.invoices, 4);
    assert_eq!(c.average_basket.as_deref(), Some("14.25")); // 57 / 4
    assert_eq!(c.units_sold, "18"); // 5+2+2+1+1+4+2+1
                                    // Σ qty × buy of rows in stock: 10+5+16+10+5+9+1+2
    assert_eq!(c.stock_value, "58.00");
    // S3 16 + S1 10 + S7 9 + S5 5 + S9 2 + S8 1
    assert_eq!(c.value_at_risk, "43.00");
    let p = &k.previous;
    assert_eq!(p.revenue, "30.00");
    assert_eq!(p.profit.as_deref(), Some("10.00"));
    assert_eq!(p.margin_rate.as_deref(), Some("0.3333"));
    assert_eq!(p.invoices, 1);
    assert_eq!(p.average_basket.as_deref(), Some("30.00"));
    assert_eq!(p.units_sold, "10");
    // Value at risk is judged at as_of whatever the window (SPEC §4): the same 43.00.
    assert_eq!(p.value_at_risk, "43.00");
}

#[test]
fn losers_by_margin_and_by_negative_profit() {
    let dir = TempDir::new("golden-losers");
    let store = golden_store(&dir);
    let losers = analytics::report(&store, None, Period::Month).unwrap().losers;
    let got: Vec<(&str, Vec<&str>, Option<&str>, &str)> = losers
        .iter()
        .map(|l| (l.product_id.as_str(), l.reasons.iter().map(String::as_str).collect(), l.margin_rate.as_deref(), l.profit.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            // (4.50 − 5.00) / 4.50 = −0.1111 < 0 (default threshold), and −1.00 of profit
            ("C", vec!["margin_below_threshold", "negative_profit"], Some("-0.1111"), "-1.00"),
            // (4 − 3) / 4 = 0.25 < its own 0.30
            ("E", vec!["margin_below_threshold"], Some("0.2500"), "1.00"),
        ]
    );
}

#[test]
fn loss_risk_reasons_boundaries_and_fefo_forecast() {
    let dir = TempDir::new("golden-risk");
    let store = golden_store(&dir);
    let risk = analytics::report(&store, None, Period::Month).unwrap().loss_risk;
    let got: Vec<(&str, Vec<&str>, &str, Option<&str>, Option<&str>)> = risk
        .iter()
        .map(|r| {
            (
                r.stock_id.as_str(),
                r.reasons.iter().map(String::as_str).collect(),
                r.value_at_risk.as_deref().unwrap(),
                r.forecast_leftover.as_deref(),
                r.forecast_leftover_value.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            // B sold 2 units in the 30 days → 2/30 a day; 6 days left → 0.4 sold, 7.6 left × 2.00
            ("S3", vec!["expiring"], "16.00", Some("7.60"), Some("15.20")),
            // expired yesterday: all 10 are lost
            ("S1", vec!["expired"], "10.00", Some("10.00"), Some("10.00")),
            // never sold, no last movement; no expiry, so no forecast
            ("S7", vec!["no_movement"], "9.00", None, None),
            // last movement 31 days ago
            ("S5", vec!["no_movement"], "5.00", None, None),
            // G sells 2/30 a day. S8 (3 days left) first: 0.2 sold, 0.8 lost; it expires on
            // day 3, then S9 (6 days left) sells for 3 days: 0.2 sold, 1.8 lost.
            ("S9", vec!["expiring"], "2.00", Some("1.80"), Some("1.80")),
            ("S8", vec!["expiring"], "1.00", Some("0.80"), Some("0.80")),
        ]
    );
    // S2 (expiry exactly as_of + 7), S4 (last movement exactly as_of − 30) and S6
    // (quantity 0) are not at risk.
    let s1 = risk.iter().find(|r| r.stock_id == "S1").unwrap();
    assert_eq!(s1.last_movement, Some(d("2026-03-31")));
    assert_eq!(s1.days_left, Some(-1));
}

#[test]
fn client_tiers_promo_and_distance_to_next_tier() {
    let dir = TempDir::new("golden-clients");
    let store = golden_store(&dir);
    let clients = analytics::report(&store, None, Period::Month).unwrap().clients;
    let got: Vec<(&str, &str, &str, bool, Option<&str>)> = clients
        .iter()
        .map(|c| (c.client_id.as_str(), c.lifetime_revenue.as_str(), c.tier.as_str(), c.eligible_promo, c.to_next_tier.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("K4", "20000.00", "Gold", true, None),
            // just over 10,000: eligible
            ("K3", "10000.01", "Silver", true, Some("9999.99")),
            // 9,980 + I2's 20 = exactly 10,000: not eligible
            ("K2", "10000.00", "Silver", false, Some("10000.00")),
            // 4,990 + I1's 10 = exactly 5,000: Silver
            ("K1", "5000.00", "Silver", false, Some("15000.00")),
            // no opening revenue: I4's 6 + I5's 30
            ("K5", "36.00", "Standard", false, Some("4964.00")),
        ]
    );
}

#[test]
fn stock_ageing_and_data_quality() {
    let dir = TempDir::new("golden-ageing");
    let store = golden_store(&dir);
    let report = analytics::report(&store, None, Period::Month).unwrap();
    let got: Vec<(&str, &str, &str, i64)> =
        report.stock_ageing.iter().map(|b| (b.bucket.as_str(), b.units.as_str(), b.value.as_str(), b.batches)).collect();
    assert_eq!(
        got,
        [
            // S1, S2, S3 (sold today), S4 (30 days), S8, S9 (G sold 2 days ago)
            ("0-30", "30", "44.00", 6),
            ("31-60", "2", "5.00", 1), // S5
            ("61-90", "0", "0.00", 0),
            ("90+", "6", "9.00", 1), // S7 never moved
        ]
    );
    let q = &report.data_quality;
    assert_eq!(q.lines_without_cost, 1); // D on I3
    assert_eq!(q.revenue_without_cost, "6.00");
    assert_eq!(q.rejected_rows_last_import, 0);
    assert_eq!(q.products_unknown_to_products_sheet, 0);
    assert_eq!(q.products_without_cost, 1);
    assert_eq!(q.adjustment_lines, 0); // the return on I4 is priced: a return, not an adjustment
}

#[test]
fn settings_move_the_thresholds() {
    let dir = TempDir::new("golden-settings");
    let store = golden_store(&dir);
    store.conn().execute_batch("INSERT INTO settings VALUES ('promo_threshold', '9999.99'), ('silver_min', '10000.01')").unwrap();
    let clients = analytics::report(&store, None, Period::Month).unwrap().clients;
    let k2 = clients.iter().find(|c| c.client_id == "K2").unwrap();
    assert!(k2.eligible_promo);
    assert_eq!(k2.tier, "Standard");
    assert_eq!(k2.to_next_tier.as_deref(), Some("0.01"));
}

#[test]
fn line_economics_and_the_sales_aggregates_agree() {
    let dir = TempDir::new("golden-lines");
    let store = golden_store(&dir);
    let conn = store.conn();
    let line = |sql: &str| -> (Option<String>, Option<String>, Option<String>) {
        conn.query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap()
    };
    // I4's return of one A at 2.00 (cost 1.00): all three go down.
    assert_eq!(
        line("SELECT money(revenue), money(cost), money(profit) FROM line_economics(DATE '2026-03-28', DATE '2026-03-28') WHERE product_id = 'A'"),
        (Some("-2.00".into()), Some("-1.00".into()), Some("-1.00".into()))
    );
    // D has no cost: revenue only.
    assert_eq!(
        line("SELECT money(revenue), money(cost), money(profit) FROM line_economics(DATE '2026-03-29', DATE '2026-03-29') WHERE product_id = 'D'"),
        (Some("6.00".into()), None, None)
    );
    // Line by line and through the aggregates, the month says the same.
    assert_eq!(
        line("SELECT money(sum(revenue)), money(sum(profit)), sum(qty)::VARCHAR FROM line_economics(DATE '2026-03-02', DATE '2026-03-31')"),
        line("SELECT money(sum(revenue)), money(sum(profit)), sum(qty)::VARCHAR FROM product_sales(DATE '2026-03-02', DATE '2026-03-31')")
    );
    // What the import maintained equals a rebuild from the invoices.
    let snapshot = || -> String {
        conn.query_row(
            "SELECT string_agg(concat_ws('/', import_id, sale_date, product_id, line_qty, adjustment, lines, qty, revenue), ';'
                               ORDER BY sale_date, product_id, line_qty)
             || '|' || (SELECT string_agg(concat_ws('/', import_id, sale_date, client_id, revenue, invoices), ';'
                                          ORDER BY sale_date, client_id) FROM sales_client_day)
             FROM sales_product_day",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let maintained = snapshot();
    store.rebuild_sales_aggregates().unwrap();
    assert_eq!(snapshot(), maintained);
    assert!(maintained.contains("1/2026-03-28/A/-1.000/false/1/-1.000/-2.00"), "{maintained}");
    // Undo removes the import's aggregates with its invoices.
    comptoir_core::import::history::undo(&store, 1).unwrap();
    let left: i64 = conn
        .query_row("SELECT (SELECT count(*) FROM sales_product_day) + (SELECT count(*) FROM sales_client_day)", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

/// Rule 6 (SPEC §4, windows): a custom window is clipped to as_of and the
/// previous period has the clipped length, just before it; value at risk is
/// judged at as_of whatever the window.
#[test]
fn custom_windows_are_clipped_to_as_of_and_so_is_the_previous_period() {
    let dir = TempDir::new("golden-custom");
    let store = golden_store(&dir);
    // 30 days asked, 03-16 … 04-14; clipped to as_of (03-31): 03-16 … 03-31, 16 days.
    let r = analytics::report(&store, None, Period::parse("2026-03-16..2026-04-14").unwrap()).unwrap();
    assert_eq!((r.window.from, r.window.to), (d("2026-03-16"), d("2026-03-31")));
    assert_eq!(r.kpis.current.revenue, "57.00");
    // The previous 16 days, 02-28 … 03-15, hold nothing. (30 days, 02-14 … 03-15,
    // would have held I5 of 02-15 and its 30.00.)
    assert_eq!(r.kpis.previous.revenue, "0.00");
    assert_eq!(r.kpis.previous.invoices, 0);
    // 03-31 … 04-30 clips to the single day 03-31 (I1: 10.00); previous = 03-30 (I2: 20.00).
    let r = analytics::report(&store, None, Period::parse("2026-03-31..2026-04-30").unwrap()).unwrap();
    assert_eq!((r.window.from, r.window.to), (d("2026-03-31"), d("2026-03-31")));
    assert_eq!((r.kpis.current.revenue.as_str(), r.kpis.previous.revenue.as_str()), ("10.00", "20.00"));
    // A window that ends before as_of: value at risk is still judged at as_of
    // (43.00, as in the loss-risk list), not at 03-15 (27.00: nothing but B sold by then).
    let r = analytics::report(&store, None, Period::parse("2026-03-01..2026-03-15").unwrap()).unwrap();
    assert_eq!(r.kpis.current.value_at_risk, "43.00");
    assert_eq!(r.kpis.previous.value_at_risk, "43.00");
    let listed: rust_decimal::Decimal =
        r.loss_risk.iter().map(|x| x.value_at_risk.as_deref().unwrap().parse::<rust_decimal::Decimal>().unwrap()).sum();
    assert_eq!(listed.to_string(), "43.00");
    // A window that starts after as_of has nothing left once clipped.
    assert!(analytics::report(&store, None, Period::parse("2026-04-01..2026-04-30").unwrap()).is_err());
}

/// A small store written as CSV, as a till export would be.
fn csv_store(dir: &TempDir, files: &[(&str, &str)]) -> Store {
    let paths: Vec<_> = files
        .iter()
        .map(|(name, text)| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            p
        })
        .collect();
    let store = Store::open(&dir.join("s.duckdb")).unwrap();
    let r = import(&store, &paths);
    assert_eq!(r.outcome, Outcome::Imported, "{:?}", r.errors);
    store
}

#[test]
fn fefo_forecast_when_a_batch_sells_out_before_it_expires() {
    let dir = TempDir::new("golden-fefo");
    // Z sells 31 − 1 returned = 30 units in the 30 days up to as_of (06-30): 1 a day.
    let store = csv_store(
        &dir,
        &[
            ("products.csv", "product_id,name,buy_price,sell_price\nZ,Zest,1.00,2.00\n"),
            ("invoices.csv", "invoice_id,timestamp\nF1,2026-06-29 10:00\nF2,2026-06-30 10:00\n"),
            ("lines.csv", "invoice_id,product_id,qty,unit_price\nF1,Z,31,2.00\nF2,Z,-1,2.00\n"),
            (
                "stock.csv",
                "stock_id,product_id,quantity,expiry_date,last_movement\n\
                 B0,Z,2,2026-06-30,2026-06-30\nB1,Z,3,2026-07-05,\nB2,Z,10,2026-07-06,\n",
            ),
        ],
    );
    let risk = analytics::report(&store, None, Period::Month).unwrap().loss_risk;
    let got: Vec<(&str, Vec<&str>, Option<&str>, Option<&str>)> = risk
        .iter()
        .map(|r| {
            (
                r.stock_id.as_str(),
                r.reasons.iter().map(String::as_str).collect(),
                r.forecast_leftover.as_deref(),
                r.forecast_leftover_value.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            // B1 sells out on day 3, before its expiry on day 5; B2 then sells
            // from day 3 to its expiry on day 6: 3 sold, 7 lost.
            ("B2", vec!["expiring"], Some("7.00"), Some("7.00")),
            // 5 days at 1 a day would sell 5: all 3 go.
            ("B1", vec!["expiring"], Some("0.00"), Some("0.00")),
            // Expiry exactly as_of: expiring, not expired; no day left to sell it.
            ("B0", vec!["expiring"], Some("2.00"), Some("2.00")),
        ]
    );
}

#[test]
fn money_ratios_are_exact_decimals() {
    let dir = TempDir::new("golden-basket");
    let store = csv_store(
        &dir,
        &[
            ("products.csv", "product_id,name,buy_price,sell_price\nY,Yuzu,1.00,10.00\nX,Xylitol,0.01,0.05\n"),
            ("invoices.csv", "invoice_id,timestamp\nG1,2026-06-29\nG2,2026-06-30\n"),
            ("lines.csv", "invoice_id,product_id,qty\nG1,Y,1\nG2,X,1\n"),
        ],
    );
    let k = analytics::report(&store, None, Period::Week).unwrap().kpis.current;
    // 10.05 / 2 = 5.025 exactly, rounded half away from zero; a binary float gives 5.02.
    assert_eq!(k.average_basket.as_deref(), Some("5.03"));
    // (9.00 + 0.04) / 10.05 = 0.899502…
    assert_eq!(k.margin_rate.as_deref(), Some("0.8995"));
}

#[test]
fn sales_timeline_has_every_day_of_the_window() {
    let dir = TempDir::new("golden-timeline");
    let store = golden_store(&dir);
    let days = analytics::sales_timeline(&store, d("2026-03-02"), d("2026-03-31")).unwrap();
    assert_eq!(days.len(), 30);
    assert_eq!(days[0].day, d("2026-03-02"));
    let sold: Vec<(String, &str, &str)> = days
        .iter()
        .filter(|p| p.revenue != "0.00")
        .map(|p| (p.day.to_string(), p.revenue.as_str(), p.profit.as_deref().unwrap()))
        .collect();
    assert_eq!(
        sold,
        [
            // I4: A −1 × 2, E 4, H 4; profit A −1, E 1, H 2
            ("2026-03-28".to_string(), "6.00", "2.00"),
            // I3: D 6 (no cost), C 9 (−1), G 6 (+4)
            ("2026-03-29".to_string(), "21.00", "3.00"),
            // I2: F 8 (+4), A 12 (+8)
            ("2026-03-30".to_string(), "20.00", "12.00"),
            // I1: A 4 (+2), B 6 (+2)
            ("2026-03-31".to_string(), "10.00", "4.00"),
        ]
    );
    assert!(days.iter().filter(|p| p.revenue == "0.00").all(|p| p.profit.as_deref() == Some("0.00")));
}

#[test]
fn category_sales_group_costed_and_uncosted_products() {
    let dir = TempDir::new("golden-categories");
    let store = csv_store(
        &dir,
        &[
            ("products.csv", "product_id,name,category,buy_price,sell_price\nT1,Tea,Drinks,1,2\nT2,Coffee,Drinks,2,5\nB1,Bread,Bakery,1,1.5\nX1,Mystery,,,3\n"),
            ("invoices.csv", "invoice_id,timestamp\nF1,2026-05-31 10:00\n"),
            ("lines.csv", "invoice_id,product_id,qty\nF1,T1,3\nF1,T2,1\nF1,B1,2\nF1,X1,1\n"),
        ],
    );
    let got = analytics::category_sales(&store, d("2026-05-01"), d("2026-05-31")).unwrap();
    let got: Vec<(Option<&str>, &str, Option<&str>, &str)> =
        got.iter().map(|c| (c.category.as_deref(), c.revenue.as_str(), c.profit.as_deref(), c.quantity.as_str())).collect();
    assert_eq!(
        got,
        [
            // Tea 3 × 2 (profit 3) + Coffee 1 × 5 (profit 3)
            (Some("Drinks"), "11.00", Some("6.00"), "4"),
            // Bread 2 × 1.50 (profit 1); ties with the uncategorised 3.00, named groups first
            (Some("Bakery"), "3.00", Some("1.00"), "2"),
            (None, "3.00", None, "1"),
        ]
    );
}

/// Rule 1 (SPEC §4, rounding): each line's revenue and cost are rounded to
/// cents, half away from zero, when computed; totals, tiers, the promotion
/// threshold and ties use those cents. as_of = 06-05, month = 05-07 … 06-05.
///   V1 (R1) BIG 3 × 1,666.6650 = 4,999.995 → 5,000.00: Silver, exactly on the
///      threshold (exact arithmetic would say Standard, 0.005 short).
///   V2 (R2) BIG 1 × 5,000.0012 twice → 5,000.00 + 5,000.00 = 10,000.00: not
///      promotion-eligible (exact: 10,000.0024, eligible).
///   V3 X1 3 × 0.3350 = 1.005 → 1.01, cost 3 × 0.10 = 0.30, profit 0.71;
///      Y1 1 × 1.01 = 1.01, cost 1 × 0.30 = 0.30, profit 0.71: a tie on profit
///      and revenue → product id, X1 first (exact: X1 0.705 < Y1 0.71).
///   V3, V4, V5: W1 1 × 1.00 each, cost 1 × 0.0050 = 0.005 → 0.01 a line:
///      cost 0.03, profit 2.97 (rounding the sum instead: 0.015 → 0.02, 2.98).
///   BIG: revenue 4,999.995 → 5,000.00 + 5,000.00 + 5,000.00 = 15,000.00, cost
///      3,000.00 + 1,000.00 + 1,000.00 = 5,000.00, profit 10,000.00.
#[test]
fn rule_1_each_line_is_rounded_to_cents_before_anything_adds_or_compares_it() {
    let dir = TempDir::new("golden-cents");
    let store = csv_store(
        &dir,
        &[
            ("products.csv", "product_id,name,buy_price,sell_price\nBIG,Big ticket,1000.00,5000.00\nX1,Xa,0.10,0.335\nY1,Ya,0.30,1.01\nW1,Wa,0.0050,1.00\n"),
            ("clients.csv", "client_id,name,total_revenue_generated\nR1,Rounded Up,\nR2,Exactly Ten,\n"),
            (
                "invoices.csv",
                "invoice_id,client_id,timestamp\nV1,R1,2026-06-01 10:00\nV2,R2,2026-06-02 10:00\nV3,,2026-06-03 10:00\nV4,,2026-06-04 10:00\nV5,,2026-06-05 10:00\n",
            ),
            (
                "lines.csv",
                "invoice_id,product_id,qty,unit_price\nV1,BIG,3,1666.6650\nV2,BIG,1,5000.0012\nV2,BIG,1,5000.0012\n\
                 V3,X1,3,0.3350\nV3,Y1,1,1.01\nV3,W1,1,1.00\nV4,W1,1,1.00\nV5,W1,1,1.00\n",
            ),
        ],
    );
    let r = analytics::report(&store, None, Period::Month).unwrap();
    let clients: Vec<(&str, &str, &str, bool, Option<&str>)> = r
        .clients
        .iter()
        .map(|c| (c.client_id.as_str(), c.lifetime_revenue.as_str(), c.tier.as_str(), c.eligible_promo, c.to_next_tier.as_deref()))
        .collect();
    assert_eq!(clients, [("R2", "10000.00", "Silver", false, Some("10000.00")), ("R1", "5000.00", "Silver", false, Some("15000.00"))]);
    let winners: Vec<(&str, &str, Option<&str>)> =
        r.winners.iter().map(|w| (w.product_id.as_str(), w.revenue.as_str(), w.profit.as_deref())).collect();
    assert_eq!(
        winners,
        [("BIG", "15000.00", Some("10000.00")), ("W1", "3.00", Some("2.97")), ("X1", "1.01", Some("0.71")), ("Y1", "1.01", Some("0.71"))]
    );
    let k = &r.kpis.current;
    // 15,000.00 + 3.00 + 1.01 + 1.01; 10,000.00 + 2.97 + 0.71 + 0.71
    assert_eq!((k.revenue.as_str(), k.profit.as_deref()), ("15005.02", Some("10004.39")));
    // 15,005.02 / 5 = 3,001.004
    assert_eq!((k.invoices, k.average_basket.as_deref()), (5, Some("3001.00")));
    // The drill-down lines say the same, line by line.
    let line = |sql: &str| -> (String, String) { store.conn().query_row(sql, [], |x| Ok((x.get(0)?, x.get(1)?))).unwrap() };
    assert_eq!(
        line("SELECT money(sum(revenue)), money(sum(cost)) FROM line_economics(DATE '2026-05-07', DATE '2026-06-05') WHERE product_id = 'W1'"),
        ("3.00".to_string(), "0.03".to_string())
    );
    assert_eq!(
        line("SELECT money(sum(revenue)), money(sum(profit)) FROM line_economics(DATE '2026-05-07', DATE '2026-06-05')"),
        ("15005.02".to_string(), "10004.39".to_string())
    );
}

/// Rules 2, 3 and 5 (SPEC §4): stock adjustments, invoices, forecast value.
/// P costs 3.00; as_of = 06-30.
///   N1 06-28 (C1): P 5 × 4.00 = 20.00, cost 15.00, profit 5.00
///   N2 06-29 (walk-in): P −3 × 0.00, a write-off: a stock adjustment, not a
///      sale (counted, it would add 9.00 of profit: −3 × (0 − 3.00))
///   CN3 06-30 (C1): P −1 × 4.00, a credit note: revenue −4.00, cost −3.00
/// Revenue 16.00, profit 4.00, 4 units; invoices = 1 (N1: CN3's revenue is
/// negative, N2's is 0), average basket 16.00 / 1.
/// Forecast of S1 (10 P, expires 07-05, 5 days left): rate = 4 / 30 a day (the
/// write-off is no sale), 5 × 4 / 30 = 0.6667 sold, leftover 9.3333… → "9.33";
/// its value 9.3333… × 3.00 = 28.00 exactly (9.33 × 3.00 would say 27.99).
#[test]
fn rules_2_3_5_adjustments_are_no_sales_credit_notes_no_invoices_forecast_value_exact() {
    let dir = TempDir::new("golden-adjust");
    let store = csv_store(
        &dir,
        &[
            ("products.csv", "product_id,name,buy_price,sell_price\nP,Plums,3.00,4.00\n"),
            ("clients.csv", "client_id,name\nC1,Client One\n"),
            ("invoices.csv", "invoice_id,client_id,timestamp\nN1,C1,2026-06-28 10:00\nN2,,2026-06-29 10:00\nCN3,C1,2026-06-30 10:00\n"),
            ("lines.csv", "invoice_id,product_id,qty,unit_price\nN1,P,5,4.00\nN2,P,-3,0\nCN3,P,-1,4.00\n"),
            ("stock.csv", "stock_id,product_id,quantity,expiry_date,last_movement\nS1,P,10,2026-07-05,\n"),
        ],
    );
    let r = analytics::report(&store, None, Period::Week).unwrap();
    let k = &r.kpis.current;
    assert_eq!((k.revenue.as_str(), k.profit.as_deref(), k.units_sold.as_str()), ("16.00", Some("4.00"), "4"));
    assert_eq!((k.invoices, k.average_basket.as_deref(), k.margin_rate.as_deref()), (1, Some("16.00"), Some("0.2500")));
    assert_eq!(r.data_quality.adjustment_lines, 1);
    assert_eq!(r.data_quality.lines_without_cost, 0);
    let w = &r.winners[0];
    assert_eq!((w.product_id.as_str(), w.quantity.as_str(), w.revenue.as_str(), w.profit.as_deref()), ("P", "4", "16.00", Some("4.00")));
    // The write-off's day shows no sale.
    let day = r.sales_timeline.iter().find(|p| p.day == d("2026-06-29")).unwrap();
    assert_eq!((day.revenue.as_str(), day.profit.as_deref()), ("0.00", Some("0.00")));
    let s1 = &r.loss_risk[0];
    assert_eq!(s1.reasons, ["expiring"]);
    assert_eq!(s1.value_at_risk.as_deref(), Some("30.00"));
    assert_eq!((s1.forecast_leftover.as_deref(), s1.forecast_leftover_value.as_deref()), (Some("9.33"), Some("28.00")));
    // C1: 20.00 − 4.00
    assert_eq!(r.clients[0].lifetime_revenue, "16.00");
    // An adjustment outside the window is not counted: the window 06-30 alone has none.
    let r = analytics::report(&store, None, Period::parse("2026-06-30..2026-06-30").unwrap()).unwrap();
    assert_eq!((r.data_quality.adjustment_lines, r.kpis.current.invoices, r.kpis.current.revenue.as_str()), (0, 0, "-4.00"));
    assert_eq!(r.kpis.current.average_basket, None);
}

/// Rule 4 (SPEC §4, losers): without sell_price or buy_price there is no
/// margin rate, and a product is a loser only through negative profit; a
/// sell_price of 0 with a buy_price > 0 is selling below cost. Q1 on 06-30:
///   L1 buy 2.00, no sell price, sold 1 × 3.00: profit 1.00 → not a loser
///   L2 buy 2.00, no sell price, sold 1 × 1.50: profit −0.50 → negative_profit
///   L3 buy 1.00, sell 0, not sold → margin_below_threshold (selling below cost)
///   L4 buy 0, sell 0 → nothing lost; L5 no buy price, sold 1 × 5.00 → unknown profit
#[test]
fn rule_4_losers_need_both_prices_for_a_margin_rate() {
    let dir = TempDir::new("golden-losers-prices");
    let store = csv_store(
        &dir,
        &[
            (
                "products.csv",
                "product_id,name,buy_price,sell_price\nL1,Profitable,2.00,\nL2,At a loss,2.00,\nL3,Free but costly,1.00,0\nL4,Free,0,0\nL5,No cost,,5.00\n",
            ),
            ("invoices.csv", "invoice_id,timestamp\nQ1,2026-06-30\n"),
            ("lines.csv", "invoice_id,product_id,qty,unit_price\nQ1,L1,1,3.00\nQ1,L2,1,1.50\nQ1,L5,1,5.00\n"),
        ],
    );
    let losers = analytics::report(&store, None, Period::Week).unwrap().losers;
    let got: Vec<(&str, Vec<&str>, Option<&str>, &str)> = losers
        .iter()
        .map(|l| (l.product_id.as_str(), l.reasons.iter().map(String::as_str).collect(), l.margin_rate.as_deref(), l.profit.as_str()))
        .collect();
    assert_eq!(got, [("L2", vec!["negative_profit"], None, "-0.50"), ("L3", vec!["margin_below_threshold"], None, "0.00")]);
}

/// Rule 7 (SPEC §4, winners): when no line of the window has a cost, the top
/// 10 is ranked by revenue (`ranked_by` "revenue") and profit is unknown
/// (JSON null), never 0. T1 on 06-30: Q2 1 × 12.00, Q1 2 × 5.00 = 10.00,
/// Q3 5 × 2.00 = 10.00 (a tie on revenue → product id). Once Q3 has a cost
/// (1.00: profit 10.00 − 5.00 = 5.00) the ranking is by profit, of the costed
/// products only.
#[test]
fn rule_7_without_any_cost_winners_rank_by_revenue_with_unknown_profit() {
    let dir = TempDir::new("golden-no-cost");
    let store = csv_store(
        &dir,
        &[
            ("products.csv", "product_id,name\nQ1,Quince\nQ2,Quark\nQ3,Quinoa\n"),
            ("invoices.csv", "invoice_id,timestamp\nT1,2026-06-30\n"),
            ("lines.csv", "invoice_id,product_id,qty,unit_price\nT1,Q1,2,5.00\nT1,Q2,1,12.00\nT1,Q3,5,2.00\n"),
        ],
    );
    let r = analytics::report(&store, None, Period::Week).unwrap();
    assert_eq!(r.ranked_by, "revenue");
    let got: Vec<(i64, &str, &str, Option<&str>)> =
        r.winners.iter().map(|w| (w.rank, w.product_id.as_str(), w.revenue.as_str(), w.profit.as_deref())).collect();
    assert_eq!(got, [(1, "Q2", "12.00", None), (2, "Q1", "10.00", None), (3, "Q3", "10.00", None)]);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["ranked_by"], "revenue");
    assert!(json["winners"][0]["profit"].is_null());
    // The KPIs say the same: revenue 32.00, profit and margin rate unknown (null), never 0.
    let k = &r.kpis.current;
    assert_eq!((k.revenue.as_str(), k.profit.as_deref(), k.margin_rate.as_deref()), ("32.00", None, None));
    assert!(json["kpis"]["current"]["profit"].is_null() && json["kpis"]["current"]["margin_rate"].is_null());
    // The chart's day says the same: revenue, profit unknown.
    let day = r.sales_timeline.iter().find(|p| p.day == d("2026-06-30")).unwrap();
    assert_eq!((day.revenue.as_str(), day.profit.as_deref()), ("32.00", None));
    assert_eq!(r.sales_timeline.iter().find(|p| p.day == d("2026-06-29")).unwrap().profit.as_deref(), Some("0.00"));
    // The previous week holds no sale at all (the first sale is in the window): nothing has a cost there either.
    assert_eq!(r.first_sale, Some(d("2026-06-30")));
    assert_eq!((r.kpis.previous.revenue.as_str(), r.kpis.previous.profit.as_deref()), ("0.00", None));

    let more = dir.join("costs.csv");
    std::fs::write(&more, "product_id,name,buy_price\nQ3,Quinoa,1.00\n").unwrap();
    assert_eq!(import(&store, &[more]).outcome, Outcome::Imported);
    let r = analytics::report(&store, None, Period::Week).unwrap();
    assert_eq!(r.ranked_by, "profit");
    let got: Vec<(i64, &str, &str, Option<&str>)> =
        r.winners.iter().map(|w| (w.rank, w.product_id.as_str(), w.revenue.as_str(), w.profit.as_deref())).collect();
    assert_eq!(got, [(1, "Q3", "10.00", Some("5.00"))]);
    // One costed line is enough: profit covers the costed lines, margin rate their revenue.
    let k = &r.kpis.current;
    assert_eq!((k.revenue.as_str(), k.profit.as_deref(), k.margin_rate.as_deref()), ("32.00", Some("5.00"), Some("0.5000")));
}

/// `report --json` carries the two charts' data: every day of the window and
/// the sales per category (golden store, week 03-25 … 03-31).
#[test]
fn the_report_carries_the_timeline_and_the_categories() {
    let dir = TempDir::new("golden-report-charts");
    let store = golden_store(&dir);
    let r = analytics::report(&store, None, Period::Week).unwrap();
    assert_eq!(r.sales_timeline.len(), 7);
    assert_eq!(r.sales_timeline, analytics::sales_timeline(&store, d("2026-03-25"), d("2026-03-31")).unwrap());
    // No category in the golden workbook: one group, 57.00 of revenue, 21.00 of profit (D has no cost).
    let c: Vec<(Option<&str>, &str, Option<&str>)> =
        r.category_sales.iter().map(|c| (c.category.as_deref(), c.revenue.as_str(), c.profit.as_deref())).collect();
    assert_eq!(c, [(None, "57.00", Some("21.00"))]);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["sales_timeline"][6]["revenue"], "10.00");
    assert_eq!(json["category_sales"][0]["quantity"], "18");
}
