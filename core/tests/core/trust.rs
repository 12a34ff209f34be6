//! Trust (issue 12): no file ends the process, each file is opened once, and
//! nothing wrong lands silently. Each test here failed on the code before it.

use crate::support::*;
use calamine::{open_workbook_auto, Data, Reader};
use comptoir_core::import::{import_files, ImportOptions, ImportReport, Outcome};
use comptoir_core::messages::Lang;
use comptoir_core::store::Store;
use rust_xlsxwriter::Workbook as XlsxBook;
use std::io::Write;
use std::path::{Path, PathBuf};

fn run(store: &Store, files: &[PathBuf], options: ImportOptions) -> ImportReport {
    use_sandbox();
    import_files(store, files, &options, &mut |_| {}).unwrap()
}

fn refusal(path: &Path) -> String {
    use_sandbox();
    let store = Store::open_in_memory().unwrap();
    match import_files(&store, &[path.to_path_buf()], &ImportOptions::default(), &mut |_| {}) {
        Ok(r) => panic!("{} was accepted: {:?}", path.display(), r.outcome),
        Err(e) => e.to_string(),
    }
}

const SHEET_ONE_SHARED_STRING: &str = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;

/// A minimal xlsx: one sheet, extra parts, extra workbook relationships.
pub(crate) fn xlsx(path: &Path, parts: &[(&str, String)], relationships: &str) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let rels = format!(
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{relationships}</Relationships>"#
    );
    let mut entries = vec![
        ("_rels/.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Products" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", rels),
        ("xl/worksheets/sheet1.xml", SHEET_ONE_SHARED_STRING.to_string()),
    ];
    entries.extend(parts.iter().map(|(n, d)| (*n, d.clone())));
    for (name, data) in entries {
        zip.start_file(name, options).unwrap();
        zip.write_all(data.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

pub(crate) fn absurd_sst(quote: char) -> String {
    let n = "1000000000000000";
    format!("<sst xmlns={quote}http://schemas.openxmlformats.org/spreadsheetml/2006/main{quote} count={quote}{n}{quote} uniqueCount={quote}{n}{quote}><si><t>a</t></si></sst>")
}

#[test]
fn every_spelling_of_an_absurd_shared_string_table_is_one_sentence_and_this_process_lives() {
    // calamine reserves uniqueCount strings up front: 24 PB, an abort of the
    // process that parses. The importer's process must survive each one.
    let dir = TempDir::new("sst-variants");
    let variants: Vec<(&str, Vec<(&str, String)>, &str)> = vec![
        ("single-quotes.xlsx", vec![("xl/sharedStrings.xml", format!("<?xml version='1.0'?>{}", absurd_sst('\'')))], ""),
        (
            "after-a-long-comment.xlsx",
            vec![("xl/sharedStrings.xml", format!("<?xml version=\"1.0\"?><!--{}-->{}", "x".repeat(64 << 10), absurd_sst('"')))],
            "",
        ),
        (
            "relocated.xlsx",
            vec![("xl/strings/table.xml", absurd_sst('"'))],
            r#"<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings/table.xml"/>"#,
        ),
    ];
    for (name, parts, rels) in variants {
        let path = dir.join(name);
        xlsx(&path, &parts, rels);
        let msg = refusal(&path);
        assert!(msg.starts_with(&format!("{name} cannot be imported: ")), "{msg}");
        assert!(msg.ends_with('.') && !msg.contains('\n'), "one sentence: {msg}");
    }
}

#[test]
fn a_symbolic_link_is_not_followed() {
    let dir = TempDir::new("symlink");
    let link = dir.join("stock.xlsx");
    std::os::unix::fs::symlink(sample_path(), &link).unwrap();
    assert_eq!(refusal(&link), "stock.xlsx cannot be imported: it is a shortcut (symbolic link); import the file it points to instead.");
}

#[test]
fn a_utf16_unicode_text_export_from_excel_is_read() {
    // Excel's "Unicode Text": UTF-16 LE with a BOM, TAB-separated, CRLF.
    let dir = TempDir::new("utf16");
    let text = "product_id\tname\tbuy_price\tsell_price\r\nT1\tThé vert\t2,50\t4,90\r\nC1\tCafé « moulu »\t5\t8\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let path = dir.join("produits.txt");
    std::fs::write(&path, bytes).unwrap();
    let store = Store::open_in_memory().unwrap();
    let r = run(&store, &[path], ImportOptions::default());
    assert_eq!((r.outcome, r.counts.products.new, r.error_count), (Outcome::Imported, 2, 0));
    let name: String = store.conn().query_row("SELECT name FROM products WHERE product_id = 'C1'", [], |r| r.get(0)).unwrap();
    assert_eq!(name, "Café « moulu »");
}

/// A normalised workbook (sheet names of the template) written by the test.
fn normalised_workbook(path: &Path, invoice_rows: &[[&str; 5]]) {
    let mut book = XlsxBook::new();
    let products = book.add_worksheet().set_name("Products").unwrap();
    for (c, h) in ["product_id", "name", "buy_price", "sell_price"].iter().enumerate() {
        products.write_string(0, c as u16, *h).unwrap();
    }
    products.write_string(1, 0, "T1").unwrap();
    products.write_string(1, 1, "Thé vert").unwrap();
    products.write_number(1, 2, 2.5).unwrap();
    products.write_number(1, 3, 4.9).unwrap();
    let invoices = book.add_worksheet().set_name("Invoices").unwrap();
    for (c, h) in ["invoice_id", "client_id", "timestamp", "product_id", "qty"].iter().enumerate() {
        invoices.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in invoice_rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(n) if c == 4 => invoices.write_number(r as u32 + 1, c as u16, n).unwrap(),
                _ => invoices.write_string(r as u32 + 1, c as u16, *v).unwrap(),
            };
        }
    }
    book.save(path).unwrap();
}

#[test]
fn a_typo_in_a_normalised_workbook_is_an_error_at_its_cell_never_a_phantom_product() {
    let dir = TempDir::new("phantom");
    let path = dir.join("book.xlsx");
    // T1 exists; "T11" is a typo; the client C9 is known nowhere.
    normalised_workbook(
        &path,
        &[
            ["F1", "", "2026-05-30 10:00", "T1", "2"],
            ["F2", "", "2026-05-30 11:00", "T11", "1"],
            ["F3", "C9", "2026-05-30 12:00", "T1", "1"],
        ],
    );
    let store = Store::open_in_memory().unwrap();
    let r = run(&store, &[path], ImportOptions::default());
    assert_eq!(r.outcome, Outcome::Rejected);
    let errors: Vec<(&str, &str, &str)> = r.errors.iter().map(|e| (e.sheet.as_str(), e.cell.as_str(), e.value.as_str())).collect();
    assert_eq!(errors, [("Invoices", "D3", "T11"), ("Invoices", "B4", "C9")]);
    let products: i64 = store.conn().query_row("SELECT count(*) FROM products", [], |r| r.get(0)).unwrap();
    assert_eq!(products, 0, "nothing written");
}

#[test]
fn a_flat_sales_export_still_brings_its_own_products_and_clients() {
    let dir = TempDir::new("flat");
    let path = dir.join("2026-05-30.csv");
    std::fs::write(
        &path,
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n\
         536365,85123A,WHITE HANGING HEART,6,2026-05-30 08:26,2.55,17850.0,United Kingdom\n",
    )
    .unwrap();
    let store = Store::open_in_memory().unwrap();
    let r = run(&store, &[path], ImportOptions::default());
    assert_eq!((r.outcome, r.counts.products.new, r.counts.clients.new), (Outcome::Imported, 1, 1));
}

/// A product made from a flat export is named by its most frequent
/// description; between equally frequent ones, by the one met first (the
/// earlier file, then the earlier row), whatever the order DuckDB groups in:
/// the same files always give the same names.
#[test]
fn a_flat_exports_product_takes_its_most_frequent_description_the_first_met_on_a_tie() {
    let dir = TempDir::new("flat-names");
    let header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
    let day1 = dir.join("2026-05-29.csv");
    std::fs::write(
        &day1,
        format!(
            "{header}1,TIE,second label,1,2026-05-29 09:00,1.00,,UK\n2,TIE,first label,1,2026-05-29 10:00,1.00,,UK\n\
             3,MOST,rare,1,2026-05-29 10:00,1.00,,UK\n4,MOST,usual,1,2026-05-29 11:00,1.00,,UK\n5,BLANK, ,1,2026-05-29 11:00,1.00,,UK\n"
        ),
    )
    .unwrap();
    let day2 = dir.join("2026-05-30.csv");
    std::fs::write(
        &day2,
        format!("{header}6,TIE,first label,1,2026-05-30 09:00,1.00,,UK\n7,TIE,second label,1,2026-05-30 10:00,1.00,,UK\n8,MOST,usual,1,2026-05-30 10:00,1.00,,UK\n"),
    )
    .unwrap();
    for files in [vec![day1.clone(), day2.clone()], vec![day2.clone(), day1.clone()]] {
        let store = Store::open_in_memory().unwrap();
        let r = run(&store, &files, ImportOptions::default());
        assert_eq!((r.outcome, r.counts.products.new), (Outcome::Imported, 3), "{:?}", r.errors);
        let names: Vec<(String, String)> = store
            .conn()
            .prepare("SELECT product_id, name FROM products ORDER BY product_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        // TIE: twice each; day 1's first row says "second label", day 2's "first label".
        let tie = if files[0] == day1 { "second label" } else { "first label" };
        let expected = [("BLANK", "BLANK"), ("MOST", "usual"), ("TIE", tie)].map(|(p, n)| (p.to_string(), n.to_string()));
        assert_eq!(names, expected, "files in the order {files:?}");
    }
}

#[test]
fn dates_before_1990_or_over_a_year_ahead_are_errors_of_their_cell() {
    let dir = TempDir::new("dates");
    let path = dir.join("invoices.csv");
    let next_year = chrono::Local::now().date_naive() + chrono::Months::new(12);
    let too_far = next_year + chrono::Days::new(1);
    std::fs::write(
        &path,
        format!(
            "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice\nA1,P1,1,9999-12-31,1\nA2,P1,1,1989-12-31,1\nA3,P1,1,{too_far},1\nA4,P1,1,{next_year},1\nA5,P1,1,1990-01-01,1\n"
        ),
    )
    .unwrap();
    let store = Store::open_in_memory().unwrap();
    let r = run(&store, &[path], ImportOptions::default());
    let cells: Vec<&str> = r.errors.iter().map(|e| e.cell.as_str()).collect();
    assert_eq!(cells, ["D2", "D3", "D4"], "{:?}", r.errors);
    assert!(r.errors[0].message.contains("more than one year ahead"), "{}", r.errors[0].message);
    assert!(r.errors[1].message.contains("before 1990-01-01"), "{}", r.errors[1].message);
}

#[test]
fn the_errors_workbook_round_trips_keeps_values_and_sets_aside_invoices_with_their_lines() {
    let dir = TempDir::new("roundtrip");
    let store = Store::open_in_memory().unwrap();
    let products = dir.join("products.csv");
    std::fs::write(&products, "product_id,name,sell_price\nT1,Thé,4.90\n").unwrap();
    let invoices = dir.join("invoices.csv");
    std::fs::write(&invoices, "invoice_id,timestamp,total_amount\nF1,2026-05-30 10:00,=1+1\nF2,2026-05-30 11:00,4.90\n").unwrap();
    // F2's head is fine but one of its lines names an unknown product: the
    // invoice is set aside with both of its lines. A return of -2 stays -2.
    let lines = dir.join("lines.csv");
    std::fs::write(&lines, "invoice_id,product_id,qty\nF1,T1,-2\nF2,T1,1\nF2,ZZ,1\n").unwrap();
    let out = dir.join("problems.xlsx");
    let r = run(
        &store,
        &[products, invoices.clone(), lines],
        ImportOptions { skip_invalid: true, errors_out: Some(out.clone()), ..Default::default() },
    );
    assert_eq!((r.counts.invoices.new, r.counts.invoices.rejected), (0, 2), "{:?}", r.errors);
    let mut book = open_workbook_auto(&out).unwrap();
    let inv = book.worksheet_range("invoices").unwrap();
    let rows: Vec<String> = inv.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert_eq!(rows, ["F1", "F2"], "the invoice set aside for a line is there too");
    // The formula text is kept as typed (Excel's quote-prefix format neutralises it).
    assert_eq!(inv.get_value((1, 2)), Some(&Data::String("=1+1".into())));
    let lin = book.worksheet_range("lines").unwrap();
    assert_eq!(lin.height(), 4, "header and the three lines of both invoices");
    assert_eq!(lin.get_value((1, 2)), Some(&Data::String("-2".into())), "a return is not prefixed with an apostrophe");

    // --errors-out onto one of the files being imported is refused before anything happens.
    use_sandbox();
    let err = import_files(
        &store,
        std::slice::from_ref(&invoices),
        &ImportOptions { errors_out: Some(invoices.clone()), ..Default::default() },
        &mut |_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("cannot be written over invoices.csv"), "{err}");
    assert!(std::fs::read_to_string(&invoices).unwrap().starts_with("invoice_id"), "the input is intact");
}

#[test]
fn odd_sheet_names_never_abort_the_errors_workbook() {
    // Names LibreOffice accepts but Excel (and the xlsx writer) refuse: a
    // reserved "History", apostrophes at both ends.
    let dir = TempDir::new("sheetnames");
    let path = dir.join("odd.xlsx");
    let sheet = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>product_id</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c><c r="C1" t="inlineStr"><is><t>buy_price</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>T1</t></is></c><c r="B2" t="inlineStr"><is><t>Thé</t></is></c><c r="C2" t="inlineStr"><is><t>abc</t></is></c></row></sheetData></worksheet>"#;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    let parts = [
        (
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="History" sheetId="1" r:id="rId1"/><sheet name="'Produits'" sheetId="2" r:id="rId2"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/worksheets/sheet2.xml", sheet),
    ];
    for (name, data) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(data.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    let out = dir.join("problems.xlsx");
    let store = Store::open_in_memory().unwrap();
    let r = run(&store, &[path], ImportOptions { errors_out: Some(out.clone()), ..Default::default() });
    assert_eq!(r.outcome, Outcome::Rejected);
    let names = open_workbook_auto(&out).unwrap().sheet_names();
    assert_eq!(names, ["Sheet", "Produits"]);
}

#[test]
fn a_saved_mapping_never_overrides_a_recognised_header_and_the_report_names_the_one_used() {
    let dir = TempDir::new("mapping-order");
    let store = Store::open_in_memory().unwrap();
    let recognised = dir.join("produits.csv");
    std::fs::write(&recognised, "product_id,name,buy_price\nT1,Thé,2.50\n").unwrap();
    // A mapping saved for the very same header, reading it otherwise.
    let header: Vec<(u32, String)> =
        ["product_id", "name", "buy_price"].iter().enumerate().map(|(i, h)| (i as u32, h.to_string())).collect();
    let chosen = [("product_id".to_string(), "client_id".to_string()), ("buy_price".to_string(), "-".to_string())];
    comptoir_core::import::mappings::save(&store, comptoir_core::import::layout::Layout::Clients, &header, &chosen, Lang::En).unwrap();
    let r = run(&store, &[recognised], ImportOptions::default());
    assert_eq!((r.counts.products.new, r.counts.clients.new), (1, 0), "read as the header says");
    assert!(r.mappings_used.is_empty());

    let till = dir.join("caisse.csv");
    std::fs::write(&till, "Pièce;Quand;Article;Nb;Tarif\nV1;30/05/2026;T1;2;4,90\n").unwrap();
    let till_header: Vec<(u32, String)> =
        ["Pièce", "Quand", "Article", "Nb", "Tarif"].iter().enumerate().map(|(i, h)| (i as u32, h.to_string())).collect();
    let till_signature = comptoir_core::import::mappings::signature(&till_header);
    let chosen: Vec<(String, String)> =
        [("Pièce", "invoice_id"), ("Quand", "timestamp"), ("Article", "product_id"), ("Nb", "qty"), ("Tarif", "unit_price")]
            .iter()
            .map(|(h, f)| (h.to_string(), f.to_string()))
            .collect();
    comptoir_core::import::mappings::save(&store, comptoir_core::import::layout::Layout::Sales, &till_header, &chosen, Lang::En).unwrap();
    let r = run(&store, &[till], ImportOptions::default());
    assert_eq!(r.outcome, Outcome::Imported, "{:?}", r.errors);
    assert_eq!(r.mappings_used.len(), 1);
    assert_eq!((r.mappings_used[0].file.as_str(), r.mappings_used[0].signature.as_str()), ("caisse.csv", till_signature.as_str()));
}

#[test]
fn a_file_already_imported_is_announced_with_its_import() {
    let dir = TempDir::new("again");
    let file = dir.join("produits.csv");
    std::fs::write(&file, "product_id,name,buy_price\nT1,Thé,2.50\n").unwrap();
    let store = Store::open_in_memory().unwrap();
    let first = run(&store, std::slice::from_ref(&file), ImportOptions::default());
    assert!(first.already_imported.is_empty());
    let again = run(&store, &[file], ImportOptions { dry_run: true, ..Default::default() });
    assert_eq!(again.already_imported.len(), 1);
    assert_eq!((again.already_imported[0].file.as_str(), again.already_imported[0].import_id), ("produits.csv", first.import_id.unwrap()));
    assert_eq!(again.counts.products.unchanged, 1);
}
