//! The committed sample: regenerated identically, imported exactly, and its
//! winners checked against a computation that shares no code with the importer
//! or the SQL views (calamine's whole-sheet reader + plain decimal arithmetic).

use crate::support::*;
use calamine::{open_workbook_auto, Data, Reader};
use chrono::{Duration, NaiveDate};
use comptoir_core::analytics::{self, Period};
use comptoir_core::import::Outcome;
use comptoir_core::store::Store;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;

fn sheets(path: &std::path::Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book = open_workbook_auto(path).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            (name, range.rows().map(|r| r.to_vec()).collect())
        })
        .collect()
}

#[test]
fn progress_knows_the_total_from_the_sheets_dimensions() {
    let total_rows: usize = sheets(&sample_path()).iter().map(|(_, rows)| rows.len()).sum();
    let dir = TempDir::new("progress");
    let store = Store::open(&dir.join("s.duckdb")).unwrap();
    let mut events = Vec::new();
    comptoir_core::import::import_files(&store, &[sample_path()], &Default::default(), &mut |p| events.push(p)).unwrap();
    let reading: Vec<_> = events.iter().filter(|p| p.phase == comptoir_core::import::Phase::Reading).collect();
    assert!(reading.len() >= 4, "progress every 5,000 rows");
    for p in &reading {
        assert_eq!(p.total_estimate, Some(total_rows as u64), "declared rows of the 5 sheets, headers included");
    }
    let last = events.last().unwrap();
    assert_eq!(last.phase, comptoir_core::import::Phase::Done);
    assert_eq!(last.rows, total_rows as u64 - 5, "every row but the 5 headers");
}

#[test]
fn regenerating_the_sample_gives_the_same_cells() {
    let dir = TempDir::new("regen");
    let out = dir.join("again.xlsx");
    comptoir_core::generate::generate(comptoir_core::generate::DEFAULT_LINES, &out).unwrap();
    let committed = sheets(&sample_path());
    let fresh = sheets(&out);
    assert_eq!(committed.len(), 5);
    assert_eq!(committed.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["Products", "Stock", "Clients", "Invoices", "InvoiceLines"]);
    assert_eq!(committed, fresh, "sample/stock_data.xlsx is not what `comptoir generate` writes");
}

fn dec(d: &Data) -> Option<Decimal> {
    match d {
        Data::Float(f) => Some(Decimal::from_str(&f.to_string()).unwrap()),
        Data::Int(i) => Some(Decimal::from(*i)),
        Data::Empty => None,
        other => panic!("not a number: {other:?}"),
    }
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("not text: {other:?}"),
    }
}

fn date(d: &Data) -> NaiveDate {
    match d {
        Data::DateTime(dt) => dt.as_datetime().unwrap().date(),
        other => panic!("not a date: {other:?}"),
    }
}

/// (product_id, name, profit) of the top 10 for the month ending at the last sale.
fn winners_by_hand() -> (NaiveDate, Vec<(String, String, Decimal)>) {
    let all = sheets(&sample_path());
    let get = |n: &str| all.iter().find(|(name, _)| name == n).unwrap().1.clone();
    let mut products = HashMap::new();
    for r in get("Products").iter().skip(1) {
        products.insert(text(&r[0]), (text(&r[1]), dec(&r[3]), dec(&r[4]).unwrap()));
    }
    let mut invoice_day = HashMap::new();
    for r in get("Invoices").iter().skip(1) {
        invoice_day.insert(text(&r[0]), date(&r[2]));
    }
    let as_of = *invoice_day.values().max().unwrap();
    let from = as_of - Duration::days(29);
    let mut per_product: HashMap<String, (Decimal, Decimal)> = HashMap::new();
    for r in get("InvoiceLines").iter().skip(1) {
        let day = invoice_day[&text(&r[0])];
        if day < from || day > as_of {
            continue;
        }
        let (_, buy, sell) = &products[&text(&r[1])];
        let Some(buy) = buy else { continue };
        let qty = dec(&r[2]).unwrap();
        let price = r.get(3).and_then(dec).unwrap_or(*sell);
        // SPEC §4: each line's revenue and cost in cents, half away from zero.
        let cents = |x: Decimal| x.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        let e = per_product.entry(text(&r[1])).or_default();
        e.0 += cents(qty * price);
        e.1 += cents(qty * price) - cents(qty * buy);
    }
    let mut ranked: Vec<(String, Decimal, Decimal)> = per_product.into_iter().map(|(id, (rev, pro))| (id, rev, pro)).collect();
    ranked.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0)));
    let top = ranked.into_iter().take(10).map(|(id, _, profit)| {
        let name = products[&id].0.clone();
        (id, name, profit.round_dp(2))
    });
    (as_of, top.collect())
}

#[test]
fn sample_imports_exactly_and_reimport_changes_nothing() {
    let dir = TempDir::new("sample");
    let store = Store::open(&dir.join("store.duckdb")).unwrap();
    let first = import(&store, &[sample_path()]);
    assert_eq!(first.outcome, Outcome::Imported, "{:?}", first.errors.first());
    assert_eq!(first.error_count, 0);
    let all = sheets(&sample_path());
    let rows = |n: &str| all.iter().find(|(name, _)| name == n).unwrap().1.len() as u64 - 1;
    let c = &first.counts;
    assert_eq!(c.products.new, rows("Products"));
    assert_eq!(c.products.new, 150);
    assert_eq!(c.stock.new, rows("Stock"));
    assert_eq!(c.clients.new, 250);
    assert_eq!(c.invoices.new, rows("Invoices"));
    assert_eq!(c.lines.new, rows("InvoiceLines"));
    assert_eq!(c.lines.new, 20_000);

    let again = import(&store, &[sample_path()]);
    assert_eq!(again.outcome, Outcome::NothingToChange);
    assert_eq!(again.counts.lines.unchanged, 20_000);
    assert_eq!(again.counts.products.unchanged, 150);
    assert_eq!(again.counts.products.new + again.counts.products.updated, 0);
    let lines: i64 = store.conn().query_row("SELECT count(*) FROM invoice_lines", [], |r| r.get(0)).unwrap();
    assert_eq!(lines, 20_000);
}

#[test]
fn month_winners_match_the_hand_computation() {
    let dir = TempDir::new("winners");
    let store = Store::open(&dir.join("store.duckdb")).unwrap();
    import(&store, &[sample_path()]);
    let (as_of, expected) = winners_by_hand();
    let report = analytics::report(&store, None, Period::Month).unwrap();
    assert_eq!(report.as_of, as_of);
    assert_eq!(report.as_of, NaiveDate::from_ymd_opt(2026, 5, 31).unwrap());
    assert_eq!(report.window.from, NaiveDate::from_ymd_opt(2026, 5, 2).unwrap());
    assert_eq!(report.winners.len(), 10);
    let got: Vec<(String, String, Decimal)> = report
        .winners
        .iter()
        .map(|w| (w.product_id.clone(), w.name.clone(), Decimal::from_str(w.profit.as_deref().unwrap()).unwrap()))
        .collect();
    assert_eq!(got, expected);
    for (i, w) in report.winners.iter().enumerate() {
        assert_eq!(w.rank, i as i64 + 1);
    }
    // The end-to-end test (ui/e2e) expects this name first on the dashboard.
    assert_eq!(report.winners[0].name, EXPECTED_TOP_WINNER);
}

/// Top product of the sample's last month, by the hand computation above.
pub const EXPECTED_TOP_WINNER: &str = "Pois chiches 400 g";
