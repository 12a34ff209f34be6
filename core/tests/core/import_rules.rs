//! SPEC §3 import rules on small files written by the tests themselves.

use crate::support::*;
use calamine::{open_workbook_auto, Data, Reader};
use comptoir_core::import::history;
use comptoir_core::import::{import_files, ImportOptions, ImportReport, Outcome};
use comptoir_core::store::Store;

fn write(dir: &TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn run(store: &Store, files: &[std::path::PathBuf], options: ImportOptions) -> ImportReport {
    import_files(store, files, &options, &mut |_| {}).unwrap()
}

fn scalar(store: &Store, sql: &str) -> String {
    store.conn().query_row(&format!("SELECT ({sql})::VARCHAR"), [], |r| r.get::<_, Option<String>>(0)).unwrap().unwrap_or_default()
}

const PRODUCTS: &str = "product_id,name,buy_price,sell_price\nT1,Thé vert,2.50,4.90\nC1,Café,5.00,8.00\n";
const INVOICES: &str = "invoice_id,client_id,timestamp,total_amount\nF1,,2026-05-30 10:00,9.80\nF2,,2026-05-31 11:00,8.00\n";
const LINES: &str = "invoice_id,product_id,qty,unit_price\nF1,T1,2,4.90\nF2,C1,1,\n";

#[test]
fn french_headers_below_title_rows_in_any_order() {
    let dir = TempDir::new("fr");
    let f = write(
        &dir,
        "produits.csv",
        "Catalogue printemps 2026;;;;\n;;;;\nLibellé;Référence;Prix d'achat;PV;Couleur\nThé vert;T1;2,50;4,90;vert\n",
    );
    let store = Store::open_in_memory().unwrap();
    let r = run(&store, &[f], ImportOptions::default());
    assert_eq!(r.outcome, Outcome::Imported);
    assert_eq!(r.counts.products.new, 1);
    assert_eq!(r.warnings.len(), 1);
    assert_eq!((r.warnings[0].cell.as_str(), r.warnings[0].value.as_str()), ("E3", "Couleur"));
    assert_eq!(scalar(&store, "SELECT buy_price FROM products WHERE product_id = 'T1'"), "2.5000");
    assert_eq!(scalar(&store, "SELECT name FROM products WHERE product_id = 'T1'"), "Thé vert");
}

#[test]
fn any_error_blocks_the_whole_import_and_names_its_cell() {
    let dir = TempDir::new("block");
    let f = write(&dir, "products.csv", "product_id,name,buy_price\nT1,Thé,2.50\nC1,Café,abc\nT1,Thé bis,1\n");
    let store = Store::open_in_memory().unwrap();
    let r = run(&store, &[f], ImportOptions::default());
    assert_eq!(r.outcome, Outcome::Rejected);
    let errors: Vec<(&str, &str, &str)> = r.errors.iter().map(|e| (e.cell.as_str(), e.column.as_str(), e.message.as_str())).collect();
    assert_eq!(
        errors,
        [
            ("C3", "buy_price", "\u{201c}abc\u{201d} is not a number"),
            ("A4", "product_id", "product T1 is listed twice in this import (first on products row 2)"),
        ]
    );
    assert_eq!(r.counts.products.rejected, 2);
    assert_eq!(scalar(&store, "SELECT count(*) FROM products"), "0");
    assert_eq!(scalar(&store, "SELECT count(*) FROM imports"), "0");
}

#[test]
fn dry_run_counts_and_writes_nothing() {
    let dir = TempDir::new("dry");
    let files = [write(&dir, "products.csv", PRODUCTS), write(&dir, "invoices.csv", INVOICES), write(&dir, "lines.csv", LINES)];
    let store = Store::open_in_memory().unwrap();
    let r = run(&store, &files, ImportOptions { dry_run: true, ..Default::default() });
    assert_eq!(r.outcome, Outcome::DryRun);
    assert_eq!((r.counts.products.new, r.counts.invoices.new, r.counts.lines.new), (2, 2, 2));
    assert_eq!(scalar(&store, "SELECT count(*) FROM products"), "0");
    // …and the real import then says the same.
    let r = run(&store, &files, ImportOptions::default());
    assert_eq!(r.outcome, Outcome::Imported);
    assert_eq!((r.counts.products.new, r.counts.invoices.new, r.counts.lines.new), (2, 2, 2));
    // An empty unit price is the product's sell price.
    assert_eq!(scalar(&store, "SELECT unit_price FROM invoice_lines WHERE invoice_id = 'F2'"), "8.0000");
}

/// Lines are numbered 1, 2, … per invoice in the order of the files and rows,
/// however the invoices' lines interleave.
#[test]
fn lines_are_numbered_per_invoice_in_row_order_across_files() {
    let (a, b) = ("INV7", "INV70");
    let dir = TempDir::new("line-numbers");
    let invoices = format!("invoice_id,client_id,timestamp\n{a},,2026-05-30 10:00\n{b},,2026-05-30 11:00\nF3,,2026-05-30 12:00\n");
    let files = [
        write(&dir, "products.csv", PRODUCTS),
        write(&dir, "invoices.csv", &invoices),
        write(
            &dir,
            "lines.csv",
            &format!("invoice_id,product_id,qty,unit_price\n{a},T1,1,1\n{b},T1,4,1\nF3,C1,7,1\n{a},C1,2,1\n{b},T1,5,1\nF3,T1,8,1\n"),
        ),
        write(&dir, "lines2.csv", &format!("invoice_id,product_id,qty,unit_price\n{b},C1,6,1\n{a},T1,3,1\n")),
    ];
    let store = Store::open_in_memory().unwrap();
    let r = run(&store, &files, ImportOptions::default());
    assert_eq!((r.outcome, r.counts.lines.new), (Outcome::Imported, 8), "{:?}", r.errors);
    let numbered = |id: &str| {
        scalar(
            &store,
            &format!(
                "SELECT string_agg(line_no || ':' || qty::INTEGER, ' ' ORDER BY line_no) FROM invoice_lines WHERE invoice_id = '{id}'"
            ),
        )
    };
    assert_eq!(numbered(a), "1:1 2:2 3:3");
    assert_eq!(numbered(b), "1:4 2:5 3:6");
    assert_eq!(numbered("F3"), "1:7 2:8");
}

/// A sheet of one row per line read again for its date order (month-first,
/// proved by its last row) numbers its lines as if read once.
#[test]
fn lines_of_a_sheet_read_again_for_its_dates_are_numbered_once() {
    let dir = TempDir::new("line-numbers-again");
    let sales = "invoice_id,timestamp,product_id,qty,unit_price\nF1,05/04/2026,T1,1,1\nF1,05/04/2026,C1,2,1\nF2,05/13/2026,T1,3,1\n";
    let files = [write(&dir, "products.csv", PRODUCTS), write(&dir, "sales.csv", sales)];
    let store = Store::open_in_memory().unwrap();
    let r = run(&store, &files, ImportOptions::default());
    assert_eq!((r.outcome, r.counts.lines.new), (Outcome::Imported, 3), "{:?}", r.errors);
    assert_eq!(
        scalar(&store, "SELECT string_agg(invoice_id || '.' || line_no || ':' || qty::INTEGER || '@' || CAST(ts AS DATE), ' ' ORDER BY invoice_id, line_no) FROM invoice_lines JOIN invoices USING (invoice_id)"),
        "F1.1:1@2026-05-04 F1.2:2@2026-05-04 F2.1:3@2026-05-13"
    );
}

/// An invoice is listed once (SPEC §3): every later head of the same id is an
/// error at its cell naming the first. A head is an Invoices sheet's row, or
/// the first row of the invoice in a sheet of one row per line; an invoice's
/// other rows there are its lines, not repeats.
#[test]
fn an_invoice_listed_twice_is_an_error_naming_its_first_place() {
    let dir = TempDir::new("invoice-twice");
    let errors = |r: &ImportReport| -> Vec<(String, String, String, String)> {
        r.errors.iter().map(|e| (e.file.clone(), e.cell.clone(), e.column.clone(), e.message.clone())).collect()
    };
    let store = Store::open_in_memory().unwrap();
    let invoices = "invoice_id,client_id,timestamp,total_amount\nF1,,2026-05-30 10:00,9.80\nF2,,2026-05-31 11:00,8.00\nF1,,2026-05-31 12:00,9.80\nF1,,2026-05-31 13:00,9.80\n";
    let files = [write(&dir, "products.csv", PRODUCTS), write(&dir, "invoices.csv", invoices), write(&dir, "lines.csv", LINES)];
    let r = run(&store, &files, ImportOptions::default());
    assert_eq!(r.outcome, Outcome::Rejected);
    let later = |cell: &str| {
        (
            "invoices.csv".to_string(),
            cell.to_string(),
            "invoice_id".to_string(),
            "invoice F1 is listed twice in this import (first on invoices row 2)".to_string(),
        )
    };
    assert_eq!(errors(&r), [later("A4"), later("A5")]);

    // Two daily exports of one row per line: S1's two lines in the first are
    // one invoice; S1 again in the second is a repeat. The second file's dates
    // prove month-first, so it is read twice: its repeat is still found once,
    // and its own first rows are not taken for the first place.
    let day1 = "invoice_id,timestamp,product_id,qty,unit_price\nS1,2026-05-04,T1,1,1\nS1,2026-05-04,C1,2,1\nS2,2026-05-04,T1,3,1\n";
    let day2 = "invoice_id,timestamp,product_id,qty,unit_price\nS3,05/13/2026,T1,1,1\nS3,05/13/2026,C1,1,1\nS1,05/13/2026,T1,4,1\nS1,05/13/2026,C1,4,1\n";
    let files = [write(&dir, "products.csv", PRODUCTS), write(&dir, "day1.csv", day1), write(&dir, "day2.csv", day2)];
    let r = run(&store, &files, ImportOptions { skip_invalid: true, ..Default::default() });
    let repeat = (
        "day2.csv".to_string(),
        "A4".to_string(),
        "invoice_id".to_string(),
        "invoice S1 is listed twice in this import (first on day1 row 2)".to_string(),
    );
    assert_eq!(errors(&r), [repeat]);
    // S1 is set aside whole (both its heads' invoices share the id), S2 and S3 are imported.
    assert_eq!((r.outcome, r.counts.invoices.new, r.counts.lines.new), (Outcome::Imported, 2, 3), "{:?}", r.counts);
    assert_eq!(
        scalar(&store, "SELECT string_agg(invoice_id || '@' || CAST(ts AS DATE), ' ' ORDER BY invoice_id) FROM invoices"),
        "S2@2026-05-04 S3@2026-05-13"
    );
}

/// An import that exhausts DuckDB's memory is run again from the start with
/// twice as much: nothing of the failed attempts is left (no problem twice, no
/// row twice), and the result is the one a usual import gives.
#[test]
fn an_import_short_of_memory_runs_again_with_more_and_gives_the_same_result() {
    let dir = TempDir::new("memory");
    let lines = "invoice_id,product_id,qty,unit_price\nF1,T1,2,4.90\nF2,C1,1,\nF2,X9,1,1\n";
    let files = [write(&dir, "products.csv", PRODUCTS), write(&dir, "invoices.csv", INVOICES), write(&dir, "lines.csv", lines)];
    let skip = || ImportOptions { skip_invalid: true, ..Default::default() };
    let usual = Store::open_in_memory().unwrap();
    let expected = run(&usual, &files, skip());
    let short = Store::open_in_memory().unwrap();
    let got = run(&short, &files, ImportOptions { first_memory_mb: Some(1), ..skip() });
    assert_eq!(got.outcome, Outcome::Imported);
    assert_eq!(
        (got.counts.clone(), got.errors.clone(), got.error_count),
        (expected.counts.clone(), expected.errors.clone(), expected.error_count)
    );
    assert_eq!(got.error_count, 1, "the unknown product X9, once: {:?}", got.errors);
    let stored = |store: &Store| {
        scalar(
            store,
            "SELECT string_agg(invoice_id || ':' || line_no || ':' || product_id, ' ' ORDER BY invoice_id, line_no) FROM invoice_lines",
        ) + " | "
            + &scalar(store, "SELECT count(*) FROM import_problems")
    };
    assert_eq!(stored(&short), stored(&usual));
    assert_eq!(stored(&short), "F1:1:T1 | 1");
}

#[test]
fn same_invoice_with_other_content_is_an_error_naming_the_earlier_import() {
    let dir = TempDir::new("conflict");
    let store = Store::open_in_memory().unwrap();
    let files = [write(&dir, "products.csv", PRODUCTS), write(&dir, "invoices.csv", INVOICES), write(&dir, "lines.csv", LINES)];
    assert_eq!(run(&store, &files, ImportOptions::default()).outcome, Outcome::Imported);
    let changed = write(&dir, "lines2.csv", "invoice_id,product_id,qty,unit_price\nF1,T1,3,4.90\nF2,C1,1,\n");
    let inv = write(&dir, "invoices2.csv", INVOICES);
    std::fs::rename(&changed, dir.join("lines.csv")).unwrap();
    let r = run(&store, &[inv, dir.join("lines.csv")], ImportOptions::default());
    assert_eq!(r.outcome, Outcome::Rejected);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(
        r.errors[0].message,
        "invoice F1 is already in the store with different content (import #1, products.csv, invoices.csv, lines.csv)"
    );
    assert_eq!(r.errors[0].cell, "A2");
    // F2 is unchanged; F1 is rejected with its line.
    assert_eq!((r.counts.invoices.unchanged, r.counts.invoices.rejected), (1, 1));
    assert_eq!((r.counts.lines.unchanged, r.counts.lines.rejected), (1, 1));
}

#[test]
fn skip_invalid_sets_rows_aside_with_their_invoice_and_writes_the_errors_workbook() {
    let dir = TempDir::new("skip");
    let store = Store::open_in_memory().unwrap();
    let invoices =
        write(&dir, "invoices.csv", "invoice_id,client_id,timestamp,total_amount\nF1,,2026-05-30 10:00,9.80\nF2,,31/02/2026,=1+1\n");
    let lines = write(&dir, "lines.csv", "invoice_id,product_id,qty,unit_price\nF1,T1,2,4.90\nF2,C1,1,\nF2,T1,1,4.90\n");
    let files = [write(&dir, "products.csv", PRODUCTS), invoices, lines];
    let out = dir.join("problems.xlsx");
    let r = run(&store, &files, ImportOptions { skip_invalid: true, errors_out: Some(out.clone()), ..Default::default() });
    assert_eq!(r.outcome, Outcome::Imported);
    assert_eq!((r.counts.invoices.new, r.counts.invoices.rejected), (1, 1));
    assert_eq!((r.counts.lines.new, r.counts.lines.rejected), (1, 2));
    let cells: Vec<&str> = r.errors.iter().map(|e| e.cell.as_str()).collect();
    assert_eq!(cells, ["C3", "D3"]);
    assert_eq!(scalar(&store, "SELECT string_agg(invoice_id, ',') FROM invoices"), "F1");
    assert_eq!(scalar(&store, "SELECT rejected FROM imports"), "3");

    // The errors workbook: each rejected row as it was, its problems beside it.
    let mut book = open_workbook_auto(&out).unwrap();
    assert_eq!(book.sheet_names(), ["invoices", "lines"]);
    let inv = book.worksheet_range("invoices").unwrap();
    assert_eq!(inv.get_value((0, 4)), Some(&Data::String("Problems".into())));
    assert_eq!(inv.get_value((1, 0)), Some(&Data::String("F2".into())));
    // A formula typed into a cell comes back neutralised, never as a formula.
    // (Excel's quote-prefix format; the text itself is kept as typed).
    assert_eq!(inv.get_value((1, 3)), Some(&Data::String("=1+1".into())));
    let problems = inv.get_value((1, 4)).unwrap().to_string();
    assert!(problems.contains("C3: \u{201c}31/02/2026\u{201d} is not a date"), "{problems}");
    let lin = book.worksheet_range("lines").unwrap();
    assert_eq!(lin.height(), 3);
    assert_eq!(lin.get_value((1, 4)), Some(&Data::String("set aside with its invoice, which has an error elsewhere".into())));
}

#[test]
fn reimport_is_unchanged_and_undo_restores_the_previous_version() {
    let dir = TempDir::new("undo");
    let store = Store::open_in_memory().unwrap();
    let v1 = write(&dir, "products.csv", PRODUCTS);
    assert_eq!(run(&store, std::slice::from_ref(&v1), ImportOptions::default()).outcome, Outcome::Imported);
    let again = run(&store, &[v1], ImportOptions::default());
    assert_eq!(again.outcome, Outcome::NothingToChange);
    assert_eq!(again.counts.products.unchanged, 2);

    let v2 = write(&dir, "products_v2.csv", "product_id,name,buy_price\nT1,Thé vert,3.10\nE1,Eau,0.20\n");
    std::fs::rename(&v2, dir.join("produits.csv")).unwrap();
    let r = run(&store, &[dir.join("produits.csv")], ImportOptions::default());
    assert_eq!((r.counts.products.new, r.counts.products.updated), (1, 1));
    assert_eq!(scalar(&store, "SELECT buy_price FROM products WHERE product_id = 'T1'"), "3.1000");
    // A blank cell keeps what the store has: T1's sell price survives.
    assert_eq!(scalar(&store, "SELECT sell_price FROM products WHERE product_id = 'T1'"), "4.9000");

    assert!(history::undo(&store, 1).unwrap_err().to_string().contains("undo that one first"));
    history::undo(&store, 2).unwrap();
    assert_eq!(scalar(&store, "SELECT buy_price FROM products WHERE product_id = 'T1'"), "2.5000");
    assert_eq!(scalar(&store, "SELECT count(*) FROM products"), "2");
    assert!(history::undo(&store, 2).unwrap_err().to_string().contains("already undone"));
    history::undo(&store, 1).unwrap();
    assert_eq!(scalar(&store, "SELECT count(*) FROM products"), "0");
    let h = history::history(&store).unwrap();
    assert_eq!(h.len(), 2);
    assert!(h.iter().all(|r| r.undone));
}

#[test]
fn text_dates_decide_day_or_month_first_per_column() {
    let dir = TempDir::new("dates");
    let store = Store::open_in_memory().unwrap();
    let p = write(&dir, "products.csv", PRODUCTS);
    // 05/13/2026 can only be month-first: the whole column is read month-first.
    let inv = write(&dir, "invoices.csv", "invoice_id,timestamp\nF1,05/13/2026\nF2,05/04/2026\n");
    let lines = write(&dir, "lines.csv", "invoice_id,product_id,qty\nF1,T1,1\nF2,T1,1\n");
    let r = run(&store, &[p.clone(), inv, lines.clone()], ImportOptions::default());
    assert_eq!(r.outcome, Outcome::Imported, "{:?}", r.errors);
    assert_eq!(scalar(&store, "SELECT CAST(ts AS DATE) FROM invoices WHERE invoice_id = 'F2'"), "2026-05-04");

    // Only ambiguous dates: day-first, with a warning on the column.
    let store = Store::open_in_memory().unwrap();
    let inv = write(&dir, "invoices.csv", "invoice_id,timestamp\nF1,03/04/2026\nF2,05/04/2026\n");
    let r = run(&store, &[p, inv, lines], ImportOptions::default());
    assert_eq!(scalar(&store, "SELECT CAST(ts AS DATE) FROM invoices WHERE invoice_id = 'F1'"), "2026-04-03");
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].message.contains("read day-first"), "{:?}", r.warnings);
    assert_eq!(r.warnings[0].cell, "B1");
}

/// The order a file proved is only the next file's first guess: each file's
/// dates are still decided by its own column.
#[test]
fn each_file_of_an_import_decides_its_own_date_order() {
    let dir = TempDir::new("dates-files");
    let store = Store::open_in_memory().unwrap();
    let p = write(&dir, "products.csv", PRODUCTS);
    // Month-first (05/13 can only be that), then only ambiguous dates (day-first,
    // with a warning), then day-first (13/05 can only be that), then month-first again.
    let a = write(&dir, "invoices-a.csv", "invoice_id,timestamp\nF1,05/13/2026\nF2,05/04/2026\n");
    let b = write(&dir, "invoices-b.csv", "invoice_id,timestamp\nF3,03/04/2026\n");
    let c = write(&dir, "invoices-c.csv", "invoice_id,timestamp\nF4,13/05/2026\nF5,05/04/2026\n");
    let d = write(&dir, "invoices-d.csv", "invoice_id,timestamp\nF6,12/31/2025\nF7,01/02/2026\n");
    let lines = write(&dir, "lines.csv", "invoice_id,product_id,qty\nF1,T1,1\nF2,T1,1\nF3,T1,1\nF4,T1,1\nF5,T1,1\nF6,T1,1\nF7,T1,1\n");
    let r = run(&store, &[p, a, b, c, d, lines], ImportOptions::default());
    assert_eq!(r.outcome, Outcome::Imported, "{:?}", r.errors);
    assert_eq!(
        scalar(&store, "SELECT string_agg(invoice_id || '=' || CAST(ts AS DATE), ' ' ORDER BY invoice_id) FROM invoices"),
        "F1=2026-05-13 F2=2026-05-04 F3=2026-04-03 F4=2026-05-13 F5=2026-04-05 F6=2025-12-31 F7=2026-01-02"
    );
    let warned: Vec<(&str, &str)> = r.warnings.iter().map(|w| (w.file.as_str(), w.cell.as_str())).collect();
    assert_eq!(warned, [("invoices-b.csv", "B1")]);
}

#[test]
fn warnings_do_not_block_totals_and_prices() {
    let dir = TempDir::new("warn");
    let store = Store::open_in_memory().unwrap();
    let p = write(&dir, "products.csv", "product_id,name,buy_price,sell_price\nT1,Thé,5.00,4.00\n");
    let inv = write(&dir, "invoices.csv", "invoice_id,timestamp,total_amount\nF1,2026-05-30,9.00\n");
    let lines = write(&dir, "lines.csv", "invoice_id,product_id,qty\nF1,T1,2\n");
    let r = run(&store, &[p, inv, lines], ImportOptions::default());
    assert_eq!(r.outcome, Outcome::Imported);
    let w: Vec<(&str, &str)> = r.warnings.iter().map(|w| (w.cell.as_str(), w.message.as_str())).collect();
    assert_eq!(
        w,
        [
            ("D2", "the sell price 4.00 is below the buy price 5.00"),
            ("C2", "the invoice total 9.00 differs from the sum of its lines 8.00"),
        ]
    );
}

#[test]
fn lines_for_unknown_products_are_errors() {
    let dir = TempDir::new("unknown");
    let store = Store::open_in_memory().unwrap();
    let inv = write(&dir, "invoices.csv", "invoice_id,timestamp\nF1,2026-05-30\n");
    let lines = write(&dir, "lines.csv", "invoice_id,product_id,qty\nF1,ZZ,2\nF9,T1,1\n");
    let r = run(&store, &[inv, lines], ImportOptions::default());
    assert_eq!(r.outcome, Outcome::Rejected);
    let msgs: Vec<&str> = r.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "product ZZ is neither in the Products sheet nor in the store",
            "invoice F9 is not in the Invoices sheet of this import",
            "product T1 is neither in the Products sheet nor in the store",
        ]
    );
}

#[test]
fn blank_prices_batches_without_id_and_reimports_follow_the_store() {
    let dir = TempDir::new("blank");
    let store = Store::open_in_memory().unwrap();
    let p = write(&dir, "products.csv", PRODUCTS);
    let s = write(&dir, "stock.csv", "stock_id,product_id,quantity,batch_no\nS1,T1,5,L1\n");
    assert_eq!(run(&store, &[p, s], ImportOptions::default()).outcome, Outcome::Imported);
    // A Products row with a blank sell price keeps the stored 4.90, which an
    // empty unit price then takes.
    let p2 = write(&dir, "produits.csv", "product_id,name,buy_price,sell_price\nT1,Thé vert,2.50,\n");
    let inv = write(&dir, "invoices.csv", "invoice_id,timestamp\nF1,2026-05-30\n");
    let lines = write(&dir, "lines.csv", "invoice_id,product_id,qty,unit_price\nF1,T1,2,\n");
    let r = run(&store, &[p2, inv.clone(), lines.clone()], ImportOptions::default());
    assert_eq!(r.outcome, Outcome::Imported, "{:?}", r.errors);
    assert_eq!(scalar(&store, "SELECT unit_price FROM invoice_lines"), "4.9000");
    // The sell price changes; the same invoice file is still the same invoice.
    let p3 = write(&dir, "articles.csv", "product_id,name,sell_price\nT1,Thé vert,5.20\n");
    assert_eq!(run(&store, &[p3], ImportOptions::default()).counts.products.updated, 1);
    let again = run(&store, &[inv, lines], ImportOptions::default());
    assert_eq!(again.outcome, Outcome::NothingToChange, "{:?}", again.errors);
    assert_eq!(again.counts.invoices.unchanged, 1);
    // A batch listed without its stock_id is the stored S1 of the same product and batch.
    let s2 = write(&dir, "inventaire.csv", "product_id,quantity,batch_no\nT1,7,L1\n");
    let r = run(&store, &[s2], ImportOptions::default());
    assert_eq!((r.counts.stock.new, r.counts.stock.updated), (0, 1));
    assert_eq!(scalar(&store, "SELECT string_agg(stock_id || '=' || quantity, ',') FROM stock"), "S1=7.000");
}
