//! The real Online Retail data (541,909 lines in 305 daily CSV files) in one
//! import, then a Products file with costs. The files are in the repository
//! (`core/tests/data/online-retail/`: `by-day.zip`, CC BY 4.0, see its
//! README). Every figure compared below is computed independently by
//! `scripts/independent_report.py` (Python's csv and decimal modules, no
//! Comptoir code) over the same files and kept in `expected.json`;
//! `python3 scripts/independent_report.py --check` re-derives that file (the
//! test script runs it). Headline figures, as_of 2011-12-09:
//!   lines 541,909 · invoices 25,900 · of which `C…` returns 3,836 · walk-in
//!   (no CustomerID) 3,710 · products (StockCode) 4,070 · clients 4,372 ·
//!   revenue (each line rounded to cents) all 9,747,747.93, month 2011-11-10 …
//!   2011-12-09 1,466,384.77 · invoices with a positive revenue: all 19,960,
//!   month 2,807 · stock adjustments: all 1,336, month 139 · top client 14646
//!   with 279,489.02 · with costs (costs.csv, 3,914 products): month profit
//!   663,989.04, top product 23084 (profit 16,868.58).

use crate::support::*;
use comptoir_core::analytics::{self, Period, Report};
use comptoir_core::import::Outcome;
use comptoir_core::store::Store;
use serde_json::Value;
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    repo_root().join("core").join("tests").join("data").join("online-retail")
}

/// The 305 daily files, unzipped into `dir`.
fn day_files(dir: &TempDir) -> Vec<PathBuf> {
    let zip = std::fs::File::open(data_dir().join("by-day.zip")).unwrap();
    zip::ZipArchive::new(zip).unwrap().extract(&dir.0).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(dir.join("by-day"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    files
}

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string(data_dir().join("expected.json")).unwrap()).unwrap()
}

/// The report's figures in the shape of expected.json's windows.
fn figures(r: &Report) -> Value {
    let k = &r.kpis.current;
    let q = &r.data_quality;
    let mut losers: Vec<&str> = r.losers.iter().map(|l| l.product_id.as_str()).collect();
    losers.sort();
    serde_json::json!({
        "from": r.window.from.to_string(),
        "to": r.window.to.to_string(),
        "revenue": k.revenue,
        "profit": k.profit,
        "margin_rate": k.margin_rate,
        "invoices": k.invoices,
        "average_basket": k.average_basket,
        "units_sold": k.units_sold,
        "adjustment_lines": q.adjustment_lines,
        "lines_without_cost": q.lines_without_cost,
        "ranked_by": r.ranked_by,
        "winners": r.winners.iter().map(|w| serde_json::json!({
            "rank": w.rank, "product_id": w.product_id, "quantity": w.quantity, "revenue": w.revenue, "profit": w.profit,
        })).collect::<Vec<_>>(),
        "losers": losers,
    })
}

#[test]
fn online_retail_figures_equal_the_independent_computation() {
    let expected = expected();
    let dir = TempDir::new("retail");
    let files = day_files(&dir);
    assert_eq!(files.len(), 305);
    let store = Store::open(&dir.join("retail.duckdb")).unwrap();
    let mut estimates = Vec::new();
    let report = comptoir_core::import::import_files(&store, &files, &Default::default(), &mut |p| {
        if p.phase == comptoir_core::import::Phase::Reading {
            estimates.push((p.rows, p.total_estimate));
        }
    })
    .unwrap();
    assert_eq!(report.outcome, Outcome::Imported, "{:?}", report.errors.first());
    // Progress: from the first file on, the total is estimated from the bytes
    // of all 305 files, within 10 % of the 541,909 lines (+ 305 header rows).
    let first = estimates[0].1.expect("an estimate from the first file");
    assert!((first as f64 / 542_214.0 - 1.0).abs() < 0.10, "first estimate {first}");
    assert!(estimates.iter().all(|(rows, total)| total.is_some_and(|t| t >= *rows)), "never below the rows read");
    assert_eq!(report.error_count, 0);
    let c = &report.counts;
    assert_eq!(c.lines.new, expected["lines"].as_u64().unwrap());
    assert_eq!(c.lines.new, 541_909);
    assert_eq!(c.invoices.new, 25_900);
    assert_eq!(c.products.new, 4_070);
    assert_eq!(c.clients.new, 4_372);

    let count = |sql: &str| -> i64 { store.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM invoices WHERE invoice_id LIKE 'C%'"), 3_836);
    assert_eq!(count("SELECT count(*) FROM invoices WHERE client_id IS NULL"), 3_710);
    assert_eq!(count("SELECT count(*) FROM products WHERE from_sales AND buy_price IS NULL"), 4_070);

    // No cost yet: winners by revenue, profit unknown (null), never 0.
    let before = &expected["without_costs"];
    let all = analytics::report(&store, None, Period::All).unwrap();
    assert_eq!(all.as_of.to_string(), expected["as_of"]);
    assert_eq!(figures(&all), before["all"]);
    assert_eq!(all.ranked_by, "revenue");
    assert!(all.winners.iter().all(|w| w.profit.is_none()));
    assert_eq!(all.kpis.current.revenue, "9747747.93");
    assert_eq!(all.kpis.current.invoices, 19_960);
    assert_eq!(all.data_quality.adjustment_lines, 1_336);
    let month = analytics::report(&store, None, Period::Month).unwrap();
    assert_eq!(figures(&month), before["month"]);
    assert_eq!(all.clients[0].client_id, before["top_client"]["client_id"]);
    assert_eq!(all.clients[0].lifetime_revenue, before["top_client"]["lifetime_revenue"]);
    assert_eq!(all.data_quality.products_unknown_to_products_sheet, 4_070);

    // Importing the same files again changes nothing.
    let again = import(&store, &files);
    assert_eq!(again.outcome, Outcome::NothingToChange);
    assert_eq!(again.counts.lines.unchanged, 541_909);

    // A Products file supplies costs (no sell prices): the month's profit,
    // top 10, invoices and adjustment lines as computed independently. Write-offs
    // (quantity < 0 at price 0) no longer raise profit by their cost, and a
    // product costed after a flat export is a loser only through negative profit.
    let costs = import(&store, &[data_dir().join("costs.csv")]);
    assert_eq!(costs.outcome, Outcome::Imported, "{:?}", costs.errors.first());
    let month = analytics::report(&store, None, Period::Month).unwrap();
    assert_eq!(figures(&month), expected["with_costs"]["month"]);
    assert_eq!(month.kpis.current.profit.as_deref(), Some("663989.04"));
    assert_eq!(month.kpis.current.invoices, 2_807);
    assert_eq!(month.data_quality.adjustment_lines, 139);
    assert_eq!(month.ranked_by, "profit");
    assert!(month.losers.iter().all(|l| l.reasons == ["negative_profit"]));
}
