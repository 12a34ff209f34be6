//! The `comptoir` binary as a user runs it: exit codes, JSON, one-sentence errors.

use crate::support::*;
use std::path::PathBuf;
use std::process::{Command, Output};

fn comptoir(db: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_comptoir")).arg("--db").arg(db).args(args).env_remove("COMPTOIR_DB").output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// One readable sentence, no panic, no backtrace.
fn assert_one_sentence(o: &Output) {
    let err = stderr(o);
    assert_eq!(err.trim_end().lines().count(), 1, "stderr: {err}");
    assert!(err.trim_end().ends_with('.'), "stderr: {err}");
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "stderr: {err}");
}

#[test]
fn import_then_month_report_gives_ten_winners_sorted_by_profit() {
    let dir = TempDir::new("cli-report");
    let db = dir.join("s.duckdb");
    let sample = sample_path();
    let out = comptoir(&db, &["import", sample.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["counts"]["lines"]["new"], 20_000);
    assert_eq!(json["errors"].as_array().unwrap().len(), 0);
    assert!(json["import_id"].as_i64().unwrap() >= 1);

    let out = comptoir(&db, &["report", "--window", "month", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["as_of"], "2026-05-31");
    assert_eq!(json["window"], serde_json::json!({"from": "2026-05-02", "to": "2026-05-31"}));
    let winners = json["winners"].as_array().unwrap();
    assert_eq!(winners.len(), 10);
    let profits: Vec<f64> = winners.iter().map(|w| w["profit"].as_str().unwrap().parse().unwrap()).collect();
    assert!(profits.windows(2).all(|p| p[0] >= p[1]), "{profits:?}");
    // Money is a string with exactly two decimals.
    for w in winners {
        let p = w["revenue"].as_str().unwrap();
        assert_eq!(p.split('.').nth(1).map(str::len), Some(2), "{p}");
    }
}

#[test]
fn a_missing_file_is_one_sentence_and_exit_2() {
    let dir = TempDir::new("cli-missing");
    let out = comptoir(&dir.join("s.duckdb"), &["import", "/no/such/book.xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    assert_one_sentence(&out);
    assert!(stderr(&out).contains("/no/such/book.xlsx was not found"));
}

#[test]
fn a_file_that_is_not_a_workbook_is_one_sentence_and_exit_2() {
    let dir = TempDir::new("cli-notbook");
    let fake = dir.join("notes.xlsx");
    std::fs::write(&fake, "these are my notes, not a workbook").unwrap();
    let out = comptoir(&dir.join("s.duckdb"), &["import", fake.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_one_sentence(&out);
    assert!(stderr(&out).contains("notes.xlsx cannot be imported: it is not a valid .xlsx file"), "{}", stderr(&out));
}

#[test]
fn a_password_protected_workbook_says_so() {
    let dir = TempDir::new("cli-password");
    let book = dataset("spreadsheet-edge-cases").join("pass_protected.xlsx");
    let out = comptoir(&dir.join("s.duckdb"), &["import", book.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_one_sentence(&out);
    assert!(stderr(&out).contains("password protected"), "{}", stderr(&out));
}

#[test]
fn a_bad_window_is_a_usage_error() {
    let dir = TempDir::new("cli-window");
    let out = comptoir(&dir.join("s.duckdb"), &["report", "--window", "fortnight"]);
    assert_eq!(out.status.code(), Some(2));
    assert_one_sentence(&out);
    assert!(stderr(&out).contains("fortnight"));
}

#[test]
fn report_json_has_every_field_of_the_spec() {
    let dir = TempDir::new("cli-fields");
    let db = dir.join("s.duckdb");
    let sample = sample_path();
    assert_eq!(comptoir(&db, &["import", sample.to_str().unwrap()]).status.code(), Some(0));
    let out = comptoir(&db, &["report", "--as-of", "2026-05-31", "--window", "2026-05-01..2026-05-31", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let has = |v: &serde_json::Value, fields: &[&str]| {
        for f in fields {
            assert!(v.get(*f).is_some(), "missing {f} in {v}");
        }
    };
    has(&j, &["as_of", "window", "kpis", "winners", "losers", "loss_risk", "clients", "data_quality"]);
    assert_eq!(j["window"], serde_json::json!({"from": "2026-05-01", "to": "2026-05-31"}));
    let kpi_fields = ["revenue", "profit", "margin_rate", "invoices", "average_basket", "units_sold", "stock_value", "value_at_risk"];
    has(&j["kpis"]["current"], &kpi_fields);
    has(&j["kpis"]["previous"], &kpi_fields);
    assert_eq!(keys(&j["winners"][0]), ["name", "product_id", "profit", "quantity", "rank", "revenue"]);
    let risk = &j["loss_risk"][0];
    has(
        risk,
        &[
            "stock_id",
            "product_id",
            "name",
            "reasons",
            "quantity",
            "expiry_date",
            "last_movement",
            "value_at_risk",
            "forecast_leftover",
            "forecast_leftover_value",
        ],
    );
    assert!(risk["reasons"].is_array());
    assert_eq!(keys(&j["clients"][0]), ["client_id", "eligible_promo", "lifetime_revenue", "name", "tier", "to_next_tier"]);
    // Money: strings with two decimals; clients sorted by lifetime revenue.
    let money = |v: &serde_json::Value| {
        let s = v.as_str().unwrap_or_else(|| panic!("{v} is not a string"));
        assert_eq!(s.split('.').nth(1).map(str::len), Some(2), "{s}");
    };
    money(&j["kpis"]["current"]["revenue"]);
    money(&j["kpis"]["current"]["stock_value"]);
    money(&risk["value_at_risk"]);
    let lifetimes: Vec<f64> = j["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            money(&c["lifetime_revenue"]);
            c["lifetime_revenue"].as_str().unwrap().parse().unwrap()
        })
        .collect();
    assert!(lifetimes.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(lifetimes.len(), 250);

    // Without --json: a readable summary.
    let out = comptoir(&db, &["report", "--window", "week"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("As of 2026-05-31 — window 2026-05-25 … 2026-05-31"), "{text}");
    assert!(text.contains("Top products by profit") && text.contains("Stock at risk:") && text.contains("eligible for the promotion"));
}

#[test]
fn a_dry_run_with_errors_exits_1_and_writes_nothing() {
    let dir = TempDir::new("cli-dry");
    let db = dir.join("s.duckdb");
    let bad = dir.join("products.csv");
    std::fs::write(&bad, "product_id,name,buy_price\nT1,Thé,abc\n").unwrap();
    let out = comptoir(&db, &["import", bad.to_str().unwrap(), "--dry-run", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"][0]["cell"], "C2");
    assert_eq!(json["counts"]["products"]["rejected"], 1);
    let out = comptoir(&db, &["history", "--json"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
}

#[test]
fn a_confirmed_column_mapping_is_remembered_for_the_same_header() {
    let dir = TempDir::new("cli-mapping");
    let db = dir.join("s.duckdb");
    // A till's own export: no header Comptoir knows (pièce, quand, article, nb, tarif).
    let body = "Pièce;Quand;Article;Nb;Tarif;Client;Remarque\n\
                A1;03/02/2026 10:00;X1;2;1,50;C9;ok\n\
                A1;03/02/2026 10:00;X2;1;4,00;C9;\n\
                A2;14/02/2026 11:00;X1;3;1,50;;\n";
    let first = dir.join("caisse-fevrier.csv");
    std::fs::write(&first, body).unwrap();
    let out = comptoir(&db, &["import", first.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no sheet looks like"), "{}", stderr(&out));

    let maps =
        ["Pièce=invoice_id", "Quand=timestamp", "Article=product_id", "Nb=qty", "Tarif=unit_price", "Client=client_id", "Remarque=-"];
    let mut args = vec!["mapping", "save", first.to_str().unwrap(), "--kind", "invoices"];
    for m in &maps {
        args.extend(["--map", m]);
    }
    let out = comptoir(&db, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = String::from_utf8_lossy(&comptoir(&db, &["mapping", "show", first.to_str().unwrap()]).stdout).into_owned();
    assert!(shown.contains("Read as Sales export (one row per item sold) with the mapping you saved"), "{shown}");
    assert!(shown.contains("signature piece|quand|article|nb|tarif|client|remarque"), "{shown}");

    // Another month's file with the same header is now read the saved way.
    let second = dir.join("caisse-mars.csv");
    std::fs::write(&second, body).unwrap();
    let out = comptoir(&db, &["import", second.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["counts"]["invoices"]["new"], 2);
    assert_eq!(j["counts"]["lines"]["new"], 3);
    assert_eq!(j["counts"]["clients"]["new"], 1, "C9, derived from the sales");
    assert_eq!(j["warning_count"], 0, "the ignored Remarque column is not warned about: {}", j["warnings"]);
    let report = comptoir(&db, &["report", "--window", "all", "--json"]);
    let r: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    // 2 × 1.50 + 1 × 4.00 + 3 × 1.50
    assert_eq!(r["kpis"]["current"]["revenue"], "11.50");
    assert_eq!(r["kpis"]["current"]["invoices"], 2);

    let out = comptoir(&db, &["mapping", "forget", "piece|quand|article|nb|tarif|client|remarque"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listed = String::from_utf8_lossy(&comptoir(&db, &["mapping", "list"]).stdout).into_owned();
    assert_eq!(listed.trim(), "No mapping saved.");
    let shown = String::from_utf8_lossy(&comptoir(&db, &["mapping", "show", first.to_str().unwrap()]).stdout).into_owned();
    assert!(shown.contains("It looks like Sales export (one row per item sold) (--kind sales)"), "{shown}");
    let quand = shown.lines().find(|l| l.contains("Quand")).unwrap_or_default();
    assert!(quand.ends_with("→ timestamp (Date (and time))"), "{shown}");
    let out = comptoir(&db, &["mapping", "save", first.to_str().unwrap(), "--kind", "sales", "--map", "Nb=qty"]);
    assert_eq!(out.status.code(), Some(2));
    assert_one_sentence(&out);
    assert!(stderr(&out).contains("Sales export (one row per item sold) needs a column for Invoice number"), "{}", stderr(&out));
}

fn report_all(db: &std::path::Path) -> serde_json::Value {
    let out = comptoir(db, &["report", "--window", "all", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_lake_rebuilds_the_store_and_forgets_undone_imports() {
    let dir = TempDir::new("cli-lake");
    let db = dir.join("shop").join("store.duckdb");
    let sample = sample_path();
    assert_eq!(comptoir(&db, &["import", sample.to_str().unwrap()]).status.code(), Some(0));
    // #2 changes a price the reports use; #3 adds a sale and is then undone.
    let prices = dir.join("prices.csv");
    std::fs::write(&prices, "product_id,name,buy_price,sell_price\nP00114,Champignons de Paris 250 g,0.10,11.60\n").unwrap();
    let out = comptoir(&db, &["import", prices.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sale = dir.join("sale.csv");
    std::fs::write(&sale, "invoice_id,timestamp,product_id,qty,unit_price\nX-1,2026-05-31 18:00,P00114,100,11.60\n").unwrap();
    assert_eq!(comptoir(&db, &["import", sale.to_str().unwrap()]).status.code(), Some(0));
    assert_eq!(comptoir(&db, &["undo", "3"]).status.code(), Some(0));

    let raw = db.with_file_name("store.lake").join("raw");
    for id in [1, 2] {
        assert!(raw.join("invoice_lines").join(format!("import_id={id}")).join("part-0.parquet").is_file());
    }
    assert!(!raw.join("invoices").join("import_id=3").exists(), "the undone batch left the lake");

    let exported = dir.join("exported");
    let out = comptoir(&db, &["export-lake", exported.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sales = exported.join("curated").join("sales");
    let months: Vec<String> =
        std::fs::read_dir(sales.join("year=2026")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(months.contains(&"month=5".to_string()), "{months:?}");

    let original = report_all(&db);
    for (lake, name) in [(exported.clone(), "from-export.duckdb"), (db.with_file_name("store.lake"), "from-beside.duckdb")] {
        let restored = dir.join(name);
        let out = comptoir(&restored, &["restore", lake.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(report_all(&restored), original, "restored from {}", lake.display());
    }
    // Restoring never overwrites a store.
    let out = comptoir(&db, &["restore", exported.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
}

/// A write-ahead log with committed work of another database: the process
/// that wrote it is "killed" (the store is leaked, so it never checkpoints).
fn foreign_wal(dir: &std::path::Path) -> std::path::PathBuf {
    let other = dir.join("other").join("other.duckdb");
    let store = comptoir_core::store::Store::open(&other).unwrap();
    comptoir_core::store::settings::set(&store, "currency", "EUR").unwrap();
    std::mem::forget(store);
    let wal = other.with_extension("duckdb.wal");
    assert!(std::fs::metadata(&wal).unwrap().len() > 0, "the leaked store left its log");
    wal
}

#[test]
fn a_damaged_store_says_so_and_is_rebuilt_from_its_lake_keeping_the_damaged_file() {
    let dir = TempDir::new("cli-recover");
    let db = dir.join("store.duckdb");
    let sample = sample_path();
    assert_eq!(comptoir(&db, &["import", sample.to_str().unwrap()]).status.code(), Some(0));
    assert_eq!(comptoir(&db, &["settings", "currency", "CHF"]).status.code(), Some(0));
    let original = report_all(&db);
    let wal = PathBuf::from(format!("{}.wal", db.display()));

    // 1. A stale log: one that belongs to another database.
    std::fs::copy(foreign_wal(&dir.0), &wal).unwrap();
    let out = comptoir(&db, &["history"]);
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(said.contains("cannot be opened") && said.contains("WAL does not match"), "{said}");
    assert!(said.contains("Nothing has been changed or deleted; it can be rebuilt from the lake at"), "{said}");
    assert!(said.contains("comptoir recover"), "{said}");
    assert!(wal.exists(), "opening changed nothing");

    let out = comptoir(&db, &["recover"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("from its lake (1 imports)"), "{said}");
    assert_eq!(report_all(&db), original, "the rebuilt store gives the same report");
    let currency = comptoir(&db, &["settings", "currency"]);
    assert_eq!(String::from_utf8_lossy(&currency.stdout).trim(), "CHF", "the settings came back from the lake");
    let aside: Vec<String> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("store.duckdb.damaged-"))
        .collect();
    assert_eq!(aside.len(), 2, "the damaged file and its log are kept: {aside:?}");

    // Nothing to do on a store that opens.
    let out = comptoir(&db, &["recover"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("opens normally; there is nothing to recover"), "{}", stderr(&out));

    // 2. A corrupt file: its first blocks overwritten.
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[..8192].fill(0x5a);
    std::fs::write(&db, &bytes).unwrap();
    let out = comptoir(&db, &["report"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("it can be rebuilt from the lake"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "the damaged file is untouched until asked");
    assert_eq!(comptoir(&db, &["recover"]).status.code(), Some(0));
    assert_eq!(report_all(&db), original);

    // 3. Without a lake there is nothing to offer, and it says what to do instead.
    let lone = dir.join("lone").join("store.duckdb");
    std::fs::create_dir_all(lone.parent().unwrap()).unwrap();
    std::fs::write(&lone, &bytes).unwrap();
    let out = comptoir(&lone, &["history"]);
    assert_eq!(out.status.code(), Some(2));
    assert_one_sentence(&out);
    assert!(stderr(&out).contains("no lake was found beside it"), "{}", stderr(&out));
    assert_eq!(comptoir(&lone, &["recover"]).status.code(), Some(2));
    assert_eq!(std::fs::read(&lone).unwrap(), bytes, "a refused recovery changes nothing");
}

/// Rows of `raw/invoices` of import #1 in `lake`.
fn lake_invoices(lake: &std::path::Path) -> i64 {
    let conn = duckdb::Connection::open_in_memory().unwrap();
    let file = lake.join("raw/invoices/import_id=1/part-0.parquet");
    conn.query_row(&format!("SELECT count(*) FROM read_parquet('{}')", file.display()), [], |r| r.get(0)).unwrap()
}

#[test]
fn two_stores_in_one_folder_keep_their_own_lakes_and_never_recover_from_the_other() {
    let dir = TempDir::new("cli-two-stores");
    let (a, b) = (dir.join("a.duckdb"), dir.join("b.duckdb"));
    let sample = sample_path();
    assert_eq!(comptoir(&a, &["import", sample.to_str().unwrap()]).status.code(), Some(0));
    assert_eq!(comptoir(&a, &["settings", "currency", "CHF"]).status.code(), Some(0));
    let products = dir.join("products.csv");
    std::fs::write(&products, "product_id,name,buy_price,sell_price\nB1,Bread,1,2\n").unwrap();
    let sale = dir.join("sale.csv");
    std::fs::write(&sale, "invoice_id,timestamp,product_id,qty,unit_price\nB-1,2026-05-31 18:00,B1,3,2\n").unwrap();
    let out = comptoir(&b, &["import", products.to_str().unwrap(), sale.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let a_invoices = lake_invoices(&dir.join("a.lake"));
    assert!(a_invoices > 1, "A's import #1 is A's: {a_invoices}");
    assert_eq!(lake_invoices(&dir.join("b.lake")), 1, "B's import #1 went to B's own lake");
    assert!(!dir.join("lake").exists(), "no shared lake any more");
    let original = report_all(&a);

    // A is damaged: it is rebuilt from A's lake, under A's settings, never B's.
    let mut bytes = std::fs::read(&a).unwrap();
    bytes[..8192].fill(0x5a);
    std::fs::write(&a, &bytes).unwrap();
    let out = comptoir(&a, &["recover"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(report_all(&a), original);
    assert_eq!(String::from_utf8_lossy(&comptoir(&a, &["settings", "currency"]).stdout).trim(), "CHF");

    // A lake that says it is B's is refused beside A, with a sentence, and nothing changes.
    std::fs::write(&a, &bytes).unwrap();
    std::fs::copy(dir.join("b.lake/store-id"), dir.join("a.lake/store-id")).unwrap();
    let out = comptoir(&a, &["recover"]);
    assert_eq!(out.status.code(), Some(2));
    assert_one_sentence(&out);
    assert!(
        stderr(&out).contains("a.lake is the lake of another store (b.duckdb), not of a.duckdb; nothing was changed."),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&a).unwrap(), bytes, "a refused recovery changes nothing");

    // restore refuses to put a new store beside a lake that is not the one restored.
    let out = comptoir(&b, &["restore", dir.join("a.lake").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "b.duckdb exists");
    std::fs::remove_file(&b).unwrap();
    let out = comptoir(&b, &["restore", dir.join("a.lake").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_one_sentence(&out);
    assert!(stderr(&out).contains("b.lake already holds the lake of another store"), "{}", stderr(&out));
    assert!(!b.exists(), "no store was made");
}

#[test]
fn the_shared_lake_of_older_versions_moves_to_the_store_it_belongs_to() {
    let dir = TempDir::new("cli-legacy-lake");
    let db = dir.join("store.duckdb");
    let sample = sample_path();
    assert_eq!(comptoir(&db, &["import", sample.to_str().unwrap()]).status.code(), Some(0));
    // What version 0.1 left: the same batches in `lake/`, with no identity.
    std::fs::rename(dir.join("store.lake"), dir.join("lake")).unwrap();
    std::fs::remove_file(dir.join("lake/store-id")).unwrap();
    // Another store of the folder does not take it.
    let other = dir.join("other.duckdb");
    assert_eq!(comptoir(&other, &["history"]).status.code(), Some(0));
    assert!(dir.join("lake/raw/imports/import_id=1").is_dir(), "not other.duckdb's");
    assert!(dir.join("other.lake/store-id").is_file());
    // Its own store does, as it is.
    let out = comptoir(&db, &["history"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!dir.join("lake").exists());
    assert!(dir.join("store.lake/raw/invoice_lines/import_id=1/part-0.parquet").is_file());
    let id = std::fs::read_to_string(dir.join("store.lake/store-id")).unwrap();
    assert!(id.ends_with("file=store.duckdb\n"), "{id}");
}

#[test]
fn a_forgotten_passphrase_is_reset_from_the_cli() {
    use comptoir_core::app::service::{Role, Service};
    let dir = TempDir::new("cli-passphrase");
    let db = dir.join("store.duckdb");
    {
        let s = Service::open(&db).unwrap();
        s.choose_role(Role::Admin, None).unwrap();
        s.set_passphrase(None, Some("forgotten-secret")).unwrap();
    }
    let out = comptoir(&db, &["passphrase", "reset"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(said.trim_end().lines().count(), 1, "{said}");
    assert!(said.starts_with("The administrator's passphrase was removed"), "{said}");
    let s = Service::open(&db).unwrap();
    assert!(!s.info().unwrap().has_passphrase);
    s.choose_role(Role::Admin, None).unwrap();
    drop(s);
    let again = comptoir(&db, &["passphrase", "reset"]);
    assert_eq!(String::from_utf8_lossy(&again.stdout).trim(), "There was no administrator passphrase to remove.");
}

#[test]
fn workbook_text_cannot_drive_the_terminal() {
    let dir = TempDir::new("cli-escapes");
    let db = dir.join("store.duckdb");
    let products = dir.join("products.csv");
    std::fs::write(&products, "product_id,name,buy_price,sell_price\nP1,\u{1b}[2J\u{1b}]0;owned\u{7}Tea\u{1b}[31m,1,2\n").unwrap();
    let sale = dir.join("sale.csv");
    std::fs::write(&sale, "invoice_id,timestamp,product_id,qty,unit_price\nF1,2026-05-31 10:00,P1,2,2\n").unwrap();
    let out = comptoir(&db, &["import", products.to_str().unwrap(), sale.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = comptoir(&db, &["report"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains(" Tea "), "the name is printed: {text}");
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "no escape reaches the terminal: {text:?}");
}

#[test]
fn a_failed_lake_write_loses_nothing_and_is_retried() {
    let dir = TempDir::new("cli-lake-retry");
    let db = dir.join("store.duckdb");
    std::fs::write(dir.join("store.lake"), "a file where the lake folder should be").unwrap();
    let sample = sample_path();
    let out = comptoir(&db, &["import", sample.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "the import itself succeeds: {}", stderr(&out));
    assert!(stderr(&out).contains("is safe in the store, but its lake batch waits"), "{}", stderr(&out));
    assert_eq!(report_all(&db)["kpis"]["current"]["invoices"].as_i64().map(|n| n > 0), Some(true));
    std::fs::remove_file(dir.join("store.lake")).unwrap();
    let out = comptoir(&db, &["history"]); // any command opens the store and writes what is pending
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.join("store.lake/raw/invoice_lines/import_id=1/part-0.parquet").is_file());
}

#[test]
fn the_watch_folder_imports_each_new_file_once_and_remembers_failures() {
    use std::io::BufRead;
    let dir = TempDir::new("cli-watch");
    let db = dir.join("store.duckdb");
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    /// Kills the watcher however the test ends.
    struct Watcher(std::process::Child);
    impl Drop for Watcher {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Watcher(
        Command::new(env!("CARGO_BIN_EXE_comptoir"))
            .arg("--db")
            .arg(&db)
            .arg("watch")
            .arg(&inbox)
            .env_remove("COMPTOIR_DB")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let next = || rx.recv_timeout(std::time::Duration::from_secs(20)).expect("the watcher said something");
    assert!(next().starts_with("Watching "));
    // A real Online Retail day, taken from the zipped dataset kept in the repository.
    let day = dir.join("2010-12-01.csv");
    {
        let zip = std::fs::File::open(dataset("online-retail").join("by-day.zip")).unwrap();
        let mut archive = zip::ZipArchive::new(zip).unwrap();
        let name = (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
            .find(|n| n.ends_with("2010-12-01.csv"))
            .unwrap();
        std::io::copy(&mut archive.by_name(&name).unwrap(), &mut std::fs::File::create(&day).unwrap()).unwrap();
    }
    // Saved the way editors do: written aside, then renamed into the folder.
    let land = |name: &str, from: &std::path::Path| {
        let aside = dir.join(&format!("{name}.tmp"));
        std::fs::copy(from, &aside).unwrap();
        std::fs::rename(&aside, inbox.join(name)).unwrap();
    };
    land("2010-12-01.csv", &day);
    let line = next();
    assert!(line.ends_with("2010-12-01.csv was imported as import #1."), "{line}");
    land("copy-of-the-same-day.csv", &day);
    let line = next();
    assert!(line.ends_with("copy-of-the-same-day.csv was already imported (import #1)."), "{line}");
    let notes = dir.join("notes.csv");
    std::fs::write(&notes, "colour,size\nred,4\n").unwrap();
    land("notes.csv", &notes);
    let line = next();
    assert!(line.contains("notes.csv cannot be imported: no sheet looks like"), "{line}");
    // The same refused content again is not tried again (nor recorded twice).
    land("notes-again.csv", &notes);
    let line = next();
    assert!(line.ends_with("notes-again.csv was already refused; it is not tried again until it changes."), "{line}");
    // A crafted workbook that aborts its parser: a sentence, and the watcher lives on.
    let crafted = dir.join("crafted.xlsx");
    crate::trust::xlsx(&crafted, &[("xl/sharedStrings.xml", format!("<?xml version='1.0'?>{}", crate::trust::absurd_sst('\'')))], "");
    land("crafted.xlsx", &crafted);
    let line = next();
    assert!(line.contains("crafted.xlsx cannot be imported"), "{line}");
    land("2010-12-01-again.csv", &day);
    let line = next();
    assert!(line.ends_with("was already imported (import #1)."), "still watching: {line}");
    drop(child);

    let out = comptoir(&db, &["history"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("#1 "), "{text}");
    assert!(text.contains("failed") && text.contains("notes.csv cannot be imported"), "{text}");
    assert_eq!(text.matches("notes.csv cannot be imported").count(), 1, "recorded once: {text}");
    // 2010-12-01.csv: 3,109 lines by `wc -l`, minus the header.
    let out = comptoir(&db, &["history", "--json"]);
    let h: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(h.as_array().unwrap().len(), 1, "imported once");
    assert_eq!(h[0]["counts"]["lines"]["new"], 3_108);
}
