//! The real Online Retail data (541,909 lines in 305 daily CSV files) in one
//! import. Expected figures were computed independently with Python's csv and
//! decimal modules over the same files (one pass, no Comptoir code):
//!   lines 541,909 · invoices 25,900 · of which `C…` returns 3,836 · walk-in
//!   (no CustomerID) 3,710 · products (StockCode) 4,070 · clients 4,372 ·
//!   revenue Σ Quantity × UnitPrice: all 9,747,747.934, 2011-11-10…2011-12-09
//!   1,466,384.77 · top client 14646 with 279,489.02.

use crate::support::*;
use comptoir_core::analytics::{self, Period};
use comptoir_core::import::Outcome;
use comptoir_core::store::Store;

fn day_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dataset("online-retail").join("by-day"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    files
}

#[test]
fn all_305_days_import_in_one_go_with_returns_and_walk_ins() {
    let files = day_files();
    assert_eq!(files.len(), 305);
    let dir = TempDir::new("retail");
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
    assert_eq!(c.lines.new, 541_909);
    assert_eq!(c.invoices.new, 25_900);
    assert_eq!(c.products.new, 4_070);
    assert_eq!(c.clients.new, 4_372);

    let count = |sql: &str| -> i64 { store.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM invoices WHERE invoice_id LIKE 'C%'"), 3_836);
    assert_eq!(count("SELECT count(*) FROM invoices WHERE client_id IS NULL"), 3_710);
    assert_eq!(count("SELECT count(*) FROM products WHERE from_sales AND buy_price IS NULL"), 4_070);

    let all = analytics::report(&store, None, Period::All).unwrap();
    assert_eq!(all.as_of.to_string(), "2011-12-09");
    assert_eq!(all.kpis.current.revenue, "9747747.93");
    assert_eq!(all.kpis.current.invoices, 25_900);
    let month = analytics::report(&store, None, Period::Month).unwrap();
    assert_eq!(month.kpis.current.revenue, "1466384.77");
    assert_eq!(all.clients[0].client_id, "14646");
    assert_eq!(all.clients[0].lifetime_revenue, "279489.02");
    // No product has a cost yet: nothing can rank, and data quality says why.
    assert!(all.winners.is_empty());
    assert_eq!(all.data_quality.lines_without_cost, 541_909);
    assert_eq!(all.data_quality.products_unknown_to_products_sheet, 4_070);

    // Importing the same files again changes nothing.
    let again = import(&store, &files);
    assert_eq!(again.outcome, Outcome::NothingToChange);
    assert_eq!(again.counts.lines.unchanged, 541_909);
}
