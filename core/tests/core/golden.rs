//! The golden cases are files: `core/tests/golden/*.case`, run by
//! `golden_files.rs` (format in `core/tests/golden/README.md`). What stays
//! here is what a query cannot say: the store operations an import and its
//! undo perform on the golden store's sales aggregates.

use crate::golden_files::case_store;
use crate::support::*;
use comptoir_core::import::{ImportOptions, Outcome};
use comptoir_core::store::Store;

/// What an import maintains (`add_sales_aggregates` of its own invoices, as
/// the case runner writes each import), its months included, equals a rebuild of the aggregates
/// from every invoice, and undoing the import removes them with its invoices.
/// Not a case file: rebuilding and undoing are operations, not queries.
#[test]
fn the_sales_aggregates_an_import_adds_equal_a_rebuild_and_go_with_its_undo() {
    let store = case_store("golden_workbook.case");
    let conn = store.conn();
    let snapshot = || aggregates(&store);
    let maintained = snapshot();
    store.rebuild_sales_aggregates().unwrap();
    assert_eq!(snapshot(), maintained);
    // I4's return (the case checks the row itself): the snapshot is not empty.
    assert!(maintained.contains("1/2026-03-28/A/-1.000/false/1/-1.000/-2.00"), "{maintained}");
    // Undo removes the import's aggregates with its invoices.
    comptoir_core::import::history::undo(&store, 1).unwrap();
    let left: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM sales_product_day) + (SELECT count(*) FROM sales_client_day) + (SELECT count(*) FROM invoices)
                    + (SELECT count(*) FROM sales_product_month) + (SELECT count(*) FROM sales_product_fit)
                    + (SELECT count(*) FROM sales_client_month) + (SELECT count(*) FROM sales_product_last)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}

/// Imports `files` into `store` as one import, with the usual options.
fn import(store: &Store, files: &[std::path::PathBuf]) -> comptoir_core::import::ImportReport {
    comptoir_core::import::import_files(store, files, &ImportOptions::default(), &mut |_| {}).unwrap()
}

/// Every row of the sales aggregates, in one text.
fn aggregates(store: &Store) -> String {
    store
        .conn()
        .query_row(
            "SELECT string_agg(concat_ws('/', import_id, sale_date, product_id, line_qty, adjustment, lines, qty, revenue), ';'
                               ORDER BY sale_date, product_id, line_qty)
             || '|' || (SELECT string_agg(concat_ws('/', import_id, sale_date, client_id, revenue, invoices), ';'
                                          ORDER BY sale_date, client_id) FROM sales_client_day)
             || '|' || (SELECT string_agg(concat_ws('/', month, product_id, last_sold, days, round(sxx, 9) + 0.0, round(sxy, 9) + 0.0, prices), ';'
                                          ORDER BY month, product_id) FROM sales_product_month)
             || '|' || (SELECT string_agg(concat_ws('/', product_id, n, round(sxx, 9) + 0.0, round(sxy, 9) + 0.0, prices), ';' ORDER BY product_id)
                        FROM sales_product_fit)
             || '|' || (SELECT string_agg(concat_ws('/', month, client_id, revenue), ';' ORDER BY month, client_id) FROM sales_client_month)
             || '|' || (SELECT string_agg(concat_ws('/', product_id, last_sold), ';' ORDER BY product_id) FROM sales_product_last)
             FROM sales_product_day",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// The importer adds each import's aggregates with each invoice's revenue as
/// its checks summed it from the staged lines, not from the rows it wrote:
/// they must be what a rebuild from the written invoices gives, for a workbook, then for the same workbook again (its invoices
/// unchanged: nothing added twice) with files that add to it (a product's
/// sell price filling an empty unit price, walk-in customers, a return).
#[test]
fn the_aggregates_an_import_adds_from_its_staged_rows_equal_a_rebuild() {
    let dir = TempDir::new("staged-aggregates");
    let store = Store::open_in_memory().unwrap();
    let import = |files: &[std::path::PathBuf]| import(&store, files);
    let text = |sql: &str| -> String { store.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    let sample = import(&[sample_path()]);
    assert_eq!(sample.outcome, Outcome::Imported, "{:?}", sample.errors);
    let product = text("SELECT min(product_id) FROM products WHERE sell_price IS NOT NULL");
    let files = [dir.join("invoices.csv"), dir.join("lines.csv")];
    std::fs::write(&files[0], "invoice_id,client_id,timestamp\nZZ-1,,2026-05-30 10:00\nZZ-2,,2026-05-30 11:00\n").unwrap();
    std::fs::write(
        &files[1],
        format!("invoice_id,product_id,qty,unit_price\nZZ-1,{product},3,\nZZ-1,{product},1,2.345\nZZ-2,{product},-2,1.005\n"),
    )
    .unwrap();
    let more = import(&[sample_path(), files[0].clone(), files[1].clone()]);
    assert_eq!(
        (more.outcome, more.counts.invoices.new, more.counts.invoices.unchanged),
        (Outcome::Imported, 2, sample.counts.invoices.new),
        "{:?}",
        more.errors
    );
    let maintained = aggregates(&store);
    assert!(maintained.contains("/2026-05-30/"), "{maintained}");
    store.rebuild_sales_aggregates().unwrap();
    let rebuilt = aggregates(&store);
    // (rows of both imports may tie on the order: compared sorted, any difference shown)
    let rows = |text: &str| -> Vec<String> {
        let mut rows: Vec<String> = text.split(['|', ';']).map(str::to_string).collect();
        rows.sort();
        rows
    };
    let (maintained, rebuilt) = (rows(&maintained), rows(&rebuilt));
    let only_maintained: Vec<_> = maintained.iter().filter(|r| !rebuilt.contains(r)).collect();
    let only_rebuilt: Vec<_> = rebuilt.iter().filter(|r| !maintained.contains(r)).collect();
    assert!(only_maintained.is_empty() && only_rebuilt.is_empty(), "maintained only: {only_maintained:?}\nrebuilt only: {only_rebuilt:?}");
    assert_eq!(maintained, rebuilt);
}

/// An import stages its rows with DuckDB on one thread, and checks and writes
/// them under its own memory limit (`IMPORT_MEMORY_LIMIT_MB`). However it
/// ends, and after its lake batch, the store has its usual memory and threads
/// again: the report that follows needs both.
#[test]
fn an_import_gives_duckdb_its_usual_settings_back_and_lets_its_stage_go_however_it_ends() {
    let dir = TempDir::new("usual-settings");
    let store = Store::open(&dir.join("store.duckdb")).unwrap();
    // (threads, memory, where unqualified names are looked up, the databases attached)
    let settings = || -> (i64, String, String, String) {
        store
            .conn()
            .query_row(
                "SELECT current_setting('threads'), current_setting('memory_limit'), current_setting('search_path'),
                        (SELECT string_agg(database_name, ',' ORDER BY database_name) FROM duckdb_databases() WHERE NOT internal)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap()
    };
    let usual = settings();
    assert_eq!(usual.3, "store", "the store alone: the import's stage is attached only while it runs");
    assert_eq!(import(&store, &[sample_path()]).outcome, Outcome::Imported);
    assert_eq!(settings(), usual);
    // (what the app and the CLI do after an import's commit)
    assert_eq!(comptoir_core::store::lake::write_pending(&store).unwrap(), 1);
    assert_eq!(settings(), usual);
    // A file that is none of Comptoir's fails while it is staged.
    let stranger = dir.join("stranger.csv");
    std::fs::write(&stranger, "colour,size\nred,4\n").unwrap();
    assert!(comptoir_core::import::import_files(&store, &[stranger], &ImportOptions::default(), &mut |_| {}).is_err());
    assert_eq!(settings(), usual);
}

/// A report computes the window's sales and the latest sales once and keeps
/// them while it runs (`analytics::KeptSales`): each view read alone, which
/// computes them itself, gives the report's rows; and once the report is over
/// nothing kept is read, so a sale imported after it shows in the next view.
#[test]
fn a_report_keeps_its_sales_only_while_it_runs() {
    use comptoir_core::analytics::{self, Period};
    let dir = TempDir::new("kept-sales");
    let store = Store::open_in_memory().unwrap();
    let import = |files: &[std::path::PathBuf]| import(&store, files);
    assert_eq!(import(&[sample_path()]).outcome, Outcome::Imported);
    let report = analytics::report(&store, None, Period::Month).unwrap();
    let (as_of, w) = (report.as_of, report.window);
    assert!(!report.winners.is_empty() && !report.loss_risk.is_empty() && !report.replenishment.is_empty());
    // DuckDB searches join orders again once the report is over (an import's checks rely on it)
    let disabled: String = store.conn().query_row("SELECT current_setting('disabled_optimizers')", [], |r| r.get(0)).unwrap();
    assert_eq!(disabled, "");
    assert_eq!(report.winners, analytics::winners(&store, w.from, w.to).unwrap());
    assert_eq!(report.losers, analytics::losers(&store, w.from, w.to).unwrap());
    assert_eq!(report.category_sales, analytics::category_sales(&store, w.from, w.to).unwrap());
    assert_eq!(report.data_quality, analytics::data_quality(&store, w.from, w.to).unwrap());
    assert_eq!(report.kpis.current, analytics::kpis(&store, w.from, w.to, &report.kpis.current.value_at_risk).unwrap());
    assert_eq!(report.loss_risk, analytics::loss_risk(&store, as_of).unwrap());
    assert_eq!(report.stock_ageing, analytics::stock_ageing(&store, as_of).unwrap());
    assert_eq!(report.replenishment, analytics::replenishment(&store, as_of).unwrap());

    // 7 more units of the top product on as_of, at 1000.00 each.
    let top = &report.winners[0];
    let files = [dir.join("invoices.csv"), dir.join("lines.csv")];
    std::fs::write(&files[0], format!("invoice_id,client_id,timestamp\nKEPT-1,,{as_of} 10:00\n")).unwrap();
    std::fs::write(&files[1], format!("invoice_id,product_id,qty,unit_price\nKEPT-1,{},7,1000\n", top.product_id)).unwrap();
    assert_eq!(import(&[sample_path(), files[0].clone(), files[1].clone()]).outcome, Outcome::Imported);
    let cents = |money: &str| -> i64 { money.replace('.', "").parse().unwrap() };
    let after = analytics::winners(&store, w.from, w.to).unwrap();
    let same = after.iter().find(|a| a.product_id == top.product_id).unwrap();
    assert_eq!(cents(&same.revenue) - cents(&top.revenue), 700_000, "{same:?} after {top:?}");
    let units_30 = |rows: &[analytics::Replenishment]| -> String {
        rows.iter().find(|r| r.product_id == top.product_id).map(|r| r.units_30.clone()).unwrap_or_default()
    };
    let before: f64 = units_30(&report.replenishment).parse().unwrap();
    let now: f64 = units_30(&analytics::replenishment(&store, as_of).unwrap()).parse().unwrap();
    assert_eq!(now - before, 7.0);

    // The settings too are read once a report: a change after it is seen by the
    // views read alone, and by the next report.
    let top_client = report.clients[0].clone();
    let gold_min = top_client.lifetime_revenue.clone();
    comptoir_core::store::settings::set(&store, "gold_min", &gold_min).unwrap();
    comptoir_core::store::settings::set(&store, "silver_min", &gold_min).unwrap();
    let tier_of = |tiers: &[analytics::ClientTier]| tiers.iter().find(|c| c.client_id == top_client.client_id).unwrap().tier.clone();
    assert_eq!(tier_of(&analytics::client_tiers(&store, as_of).unwrap()), "Gold", "{top_client:?} at {gold_min}");
    let next = analytics::report(&store, None, Period::Month).unwrap();
    assert_eq!(tier_of(&next.clients), "Gold");
    // silver_min = gold_min: a client is Gold at the top client's revenue, else Standard
    for c in &next.clients {
        assert_eq!(c.tier, if c.lifetime_revenue == gold_min { "Gold" } else { "Standard" }, "{c:?}");
    }
}

/// A store made before v7 gets its client months and its products' latest
/// sales when it is opened: what the lines say, and the same client tiers.
#[test]
fn a_store_from_before_v7_gets_its_client_months_and_latest_sales_at_open() {
    use comptoir_core::analytics::{self, Period};
    let dir = TempDir::new("client-months");
    let path = dir.join("store.duckdb");
    let months = |store: &Store| -> (i64, String) {
        store
            .conn()
            .query_row(
                "SELECT count(*), string_agg(concat_ws('/', month, client_id, revenue), ';' ORDER BY month, client_id) FROM sales_client_month",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    let tiers = {
        let store = Store::open(&path).unwrap();
        let imported = import(&store, &[sample_path()]);
        assert_eq!(imported.outcome, Outcome::Imported);
        let tiers = analytics::report(&store, None, Period::Month).unwrap().clients;
        // as the store was at v6
        store
            .conn()
            .execute_batch(
                "DROP TABLE sales_client_month; DROP TABLE sales_product_last; DROP TABLE installed_macros;
                 DELETE FROM schema_version WHERE version >= 7;",
            )
            .unwrap();
        tiers
    };
    let store = Store::open(&path).unwrap();
    let (rows, text) = months(&store);
    // the sample's named clients, over its months
    let expected: (i64, String) = store
        .conn()
        .query_row(
            "SELECT count(*), string_agg(concat_ws('/', month, client_id, revenue), ';' ORDER BY month, client_id)
             FROM (SELECT CAST(date_trunc('month', i.ts) AS DATE) AS month, i.client_id, sum(cents(l.qty, l.unit_price)) AS revenue
                   FROM invoice_lines l JOIN invoices i USING (invoice_id) WHERE i.client_id IS NOT NULL GROUP BY ALL)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(rows > 1, "{text}");
    assert_eq!((rows, text), expected);
    assert_eq!(analytics::report(&store, None, Period::Month).unwrap().clients, tiers);
    let latest = |sql: &str| -> (i64, String) { store.conn().query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap() };
    let kept = latest("SELECT count(*), string_agg(product_id || '/' || last_sold, ';' ORDER BY product_id) FROM sales_product_last");
    let sold = latest(
        "SELECT count(*), string_agg(product_id || '/' || last_sold, ';' ORDER BY product_id)
         FROM (SELECT l.product_id, max(CAST(i.ts AS DATE)) AS last_sold
               FROM invoice_lines l JOIN invoices i USING (invoice_id) WHERE l.qty > 0 GROUP BY ALL)",
    );
    assert!(kept.0 > 1, "{kept:?}");
    assert_eq!(kept, sold);
}

/// A store made before v9 gets its product days copied into the v9 table at
/// open: the same rows, in the same (date) order, the same report, and the
/// revenue stored uncompressed.
#[test]
fn a_store_from_before_v9_keeps_its_product_days_with_their_revenue_uncompressed() {
    use comptoir_core::analytics::{self, Period};
    let dir = TempDir::new("product-days-v9");
    let path = dir.join("store.duckdb");
    let days = |store: &Store| -> (i64, String) {
        store
            .conn()
            .query_row(
                "SELECT count(*), string_agg(concat_ws('/', import_id, sale_date, product_id, line_qty, adjustment, lines, qty, revenue), ';')
                 FROM sales_product_day",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    let revenue_compression = |store: &Store| -> Vec<String> {
        store.conn().execute_batch("CHECKPOINT").unwrap();
        let mut stmt = store
            .conn()
            .prepare("SELECT DISTINCT compression FROM pragma_storage_info('sales_product_day') WHERE column_name = 'revenue' AND segment_type LIKE 'DECIMAL%'")
            .unwrap();
        let found = stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<Vec<String>, _>>().unwrap();
        found
    };
    let (before, report) = {
        let store = Store::open(&path).unwrap();
        assert_eq!(import(&store, &[sample_path()]).outcome, Outcome::Imported);
        assert_eq!(revenue_compression(&store), ["Uncompressed"]);
        let report = serde_json::to_string(&analytics::report(&store, None, Period::Month).unwrap()).unwrap();
        // as the store was at v8: the table as v4 made it, compressed as DuckDB chooses
        store
            .conn()
            .execute_batch(
                "CREATE TABLE spd_v8 (import_id BIGINT NOT NULL, sale_date DATE NOT NULL, product_id VARCHAR NOT NULL,
                                      line_qty DECIMAL(18, 3) NOT NULL, adjustment BOOLEAN NOT NULL, lines BIGINT NOT NULL,
                                      qty DECIMAL(38, 3) NOT NULL, revenue DECIMAL(38, 2) NOT NULL);
                 INSERT INTO spd_v8 SELECT * FROM sales_product_day;
                 DROP TABLE sales_product_day; ALTER TABLE spd_v8 RENAME TO sales_product_day;
                 DELETE FROM schema_version WHERE version >= 9;",
            )
            .unwrap();
        assert_eq!(revenue_compression(&store), ["BitPacking"]);
        (days(&store), report)
    };
    let store = Store::open(&path).unwrap();
    assert!(before.0 > 100, "{before:?}");
    assert_eq!(days(&store), before);
    assert_eq!(revenue_compression(&store), ["Uncompressed"]);
    assert_eq!(serde_json::to_string(&analytics::report(&store, None, Period::Month).unwrap()).unwrap(), report);
}
