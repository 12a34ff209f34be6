//! Files that must be refused with a clear sentence, never a crash or a hang.

use crate::support::*;
use comptoir_core::store::Store;
use std::io::Write;
use std::path::PathBuf;

fn refusal(path: &std::path::Path) -> String {
    use_sandbox();
    let store = Store::open_in_memory().unwrap();
    let err = comptoir_core::import::import_files(&store, &[path.to_path_buf()], &Default::default(), &mut |_| {})
        .err()
        .unwrap_or_else(|| panic!("{} was accepted", path.display()));
    err.to_string()
}

fn zip_with(path: &PathBuf, entries: &[(&str, &[u8])]) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn absurd_shared_string_count_is_refused_before_calamine() {
    // calamine 0.38 reserves uniqueCount strings up front and aborts the process.
    let dir = TempDir::new("sst");
    let path = dir.join("sst.xlsx");
    let sst = br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1000000000000" uniqueCount="1000000000000"><si><t>a</t></si></sst>"#;
    zip_with(&path, &[("xl/sharedStrings.xml", sst)]);
    let msg = refusal(&path);
    assert!(msg.contains("declares 1000000000000 shared strings"), "{msg}");
}

#[test]
fn a_zip_bomb_is_refused_from_its_directory() {
    let dir = TempDir::new("bomb");
    let path = dir.join("bomb.xlsx");
    let zeros = vec![b' '; 80 << 20];
    zip_with(&path, &[("xl/worksheets/sheet1.xml", &zeros)]);
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20);
    let msg = refusal(&path);
    assert!(msg.contains("ZIP bomb"), "{msg}");
}

#[test]
fn truncated_empty_fake_and_folder_files_are_refused() {
    let dir = TempDir::new("broken");
    let sample = std::fs::read(sample_path()).unwrap();
    let truncated = dir.join("truncated.xlsx");
    std::fs::write(&truncated, &sample[..sample.len() / 2]).unwrap();
    assert!(refusal(&truncated).contains("truncated.xlsx cannot be imported: it is damaged"), "{}", refusal(&truncated));

    let empty = dir.join("empty.xlsx");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(refusal(&empty), "empty.xlsx cannot be imported: the file is empty.");

    let pdf = dir.join("report.ods");
    std::fs::write(&pdf, b"%PDF-1.7\n1 0 obj\n").unwrap();
    assert!(refusal(&pdf).contains("report.ods cannot be imported: it is not a valid .ods file"));

    let folder = dir.join("folder.xlsx");
    std::fs::create_dir_all(&folder).unwrap();
    assert_eq!(refusal(&folder), "folder.xlsx cannot be imported: it is a folder, not a file.");

    let fifo = dir.join("pipe.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    assert_eq!(refusal(&fifo), "pipe.csv cannot be imported: it is not a regular file (a pipe or a device).");
    let device = std::path::Path::new("/dev/zero");
    assert!(refusal(device).contains("it is not a regular file"), "reading it would never end");

    let nul = dir.join("nul.csv");
    std::fs::write(&nul, b"InvoiceNo,StockCode\n\x00\x00\x00").unwrap();
    assert!(refusal(&nul).contains("binary data"));
}

#[test]
fn a_workbook_with_no_known_sheet_says_what_it_looked_for() {
    let msg = refusal(&dataset("spreadsheet-edge-cases").join("merge_cells.xlsx"));
    assert!(msg.contains("no sheet looks like Products, Stock, Clients, Invoices or InvoiceLines"), "{msg}");
}

/// A tiny .ods whose repeated rows and columns ask calamine for 96 million cells.
fn ods_declaring(path: &PathBuf, rows: u32, cols: u32) {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Products"><table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated="{cols}" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = br#"<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#;
    zip_with(
        path,
        &[
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", content.as_bytes()),
            ("META-INF/manifest.xml", manifest),
        ],
    );
}

#[test]
fn whole_sheet_formats_declaring_huge_sheets_are_refused_within_seconds() {
    let dir = TempDir::new("huge-range");
    let ods = dir.join("huge.ods");
    ods_declaring(&ods, 6_000, 16_000);
    assert!(std::fs::metadata(&ods).unwrap().len() < 4_096);
    // far-cells.xls (5.6 KB, made with xlwt): cells at A1 and IV65536, 16.7 million cells.
    let xls = repo_root().join("core/tests/fixtures/far-cells.xls");
    for path in [ods, xls] {
        let started = std::time::Instant::now();
        let msg = refusal(&path);
        assert!(msg.contains("is too large or too damaged to read safely"), "{msg}");
        assert!(started.elapsed().as_secs() < 5, "{} took {:?}", path.display(), started.elapsed());
    }
}

/// The fuzzer's corpus and the inputs it once broke (fuzz/regressions), replayed
/// the way the fuzz target feeds them: first byte = format, the rest = the file.
/// Each must end as a report or one typed sentence, never a panic.
#[test]
fn the_fuzz_corpus_replays_as_reports_or_sentences() {
    use comptoir_core::import::{import_files, ImportOptions, Outcome};
    use_sandbox();
    const EXTENSIONS: [&str; 6] = ["xlsx", "csv", "xls", "ods", "xlsb", "txt"]; // as fuzz/fuzz_targets/import.rs
    let dir = TempDir::new("fuzz-replay");
    let store = Store::open(&dir.join("store.duckdb")).unwrap();
    let fuzz = repo_root().join("fuzz");
    let mut inputs: Vec<PathBuf> = Vec::new();
    for sub in ["corpus/import", "regressions"] {
        if let Ok(entries) = std::fs::read_dir(fuzz.join(sub)) {
            inputs.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
        }
    }
    inputs.sort();
    assert!(inputs.len() >= 17, "the seed corpus is there: {}", inputs.len());
    let options = ImportOptions { dry_run: true, ..Default::default() };
    let (mut reports, mut sentences) = (0, 0);
    for input in &inputs {
        let bytes = std::fs::read(input).unwrap();
        let Some((&selector, content)) = bytes.split_first() else { continue };
        let path = dir.join(&format!("input.{}", EXTENSIONS[selector as usize % EXTENSIONS.len()]));
        std::fs::write(&path, content).unwrap();
        match import_files(&store, &[path], &options, &mut |_| {}) {
            Ok(report) => {
                reports += 1;
                if input.ends_with("generated-40-lines-xlsx") {
                    assert_eq!(report.outcome, Outcome::DryRun);
                    assert_eq!(report.counts.lines.new, 40, "the generated seed's 40 invoice lines");
                }
            }
            Err(e) => {
                sentences += 1;
                let said = e.to_string();
                assert!(said.ends_with('.') && !said.contains('\n'), "{}: {said}", input.display());
            }
        }
    }
    assert!(reports > 0 && sentences > 0, "{reports} reports, {sentences} sentences");
}
