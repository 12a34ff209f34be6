//! Benchmarks for SPEC §7, run by `scripts/bench.sh` (each mode in its own
//! process, so that peak memory is that mode's alone).
//!
//!   bench read FILE          calamine's streaming reader over every sheet (the baseline)
//!   bench import FILE|DIR DB Comptoir's import of FILE (or every file of DIR, as one import) into a fresh store DB
//!   bench synth DB LINES [DAYS [PRODUCTS]]
//!                            fill DB with LINES generated invoice lines over DAYS days
//!                            (182) and PRODUCTS products (150), in SQL (fast)
//!   bench refresh DB [N]     all analytics views, N times; median and max (then each part
//!                            alone, unless NO_PARTS is set)
//!   bench hostile DIR        writes the hostile corpus (≥ 30 files) into DIR and imports
//!                            each with the CLI: a sentence within 5 s, peak < 256 MB
//!   bench crash DIR N [LINES] N imports of a LINES-line workbook by the CLI, each
//!                            SIGKILLed at a random moment; after each the store must
//!                            open with that import wholly present or wholly absent,
//!                            the earlier data intact and the lake in agreement
//!   bench watch DIR [N]      N files of 10,000 lines landing in a watched folder:
//!                            from the rename into the folder to the refreshed dashboards
//!
//! Each prints one line: `mode=… seconds=… rows=… rows_per_s=… peak_rss_mb=…`.

use calamine::{open_workbook_auto, Reader, Sheets};
use comptoir_core::analytics::{self, Period};
use comptoir_core::import::{self, ImportOptions};
use comptoir_core::store::Store;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn peak_rss_mb() -> f64 {
    rss_mb("VmHWM:")
}

/// User and system CPU time of this process so far (its threads, not its children).
fn own_cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

fn rss_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Samples, every 50 ms until `done`, the process's resident memory minus what
/// DuckDB's buffer manager holds (`duckdb_memory()`): the importer's own memory
/// beyond the database. Returns the largest sample in MB.
fn watch_memory_beyond_database(conn: duckdb::Connection, done: &std::sync::atomic::AtomicBool) -> f64 {
    let mut worst: f64 = 0.0;
    while !done.load(std::sync::atomic::Ordering::Relaxed) {
        let database: f64 =
            conn.query_row("SELECT coalesce(sum(memory_usage_bytes), 0)::DOUBLE FROM duckdb_memory()", [], |r| r.get(0)).unwrap_or(0.0)
                / (1024.0 * 1024.0);
        worst = worst.max(rss_mb("VmRSS:") - database);
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    worst
}

fn read(file: &Path) -> u64 {
    let mut book = open_workbook_auto(file).expect("workbook opens");
    let mut cells = 0u64;
    for name in book.sheet_names() {
        match &mut book {
            Sheets::Xlsx(x) => {
                let mut r = x.worksheet_cells_reader(&name).expect("sheet opens");
                while let Some(c) = r.next_cell().expect("cell reads") {
                    std::hint::black_box(c.get_value());
                    cells += 1;
                }
            }
            other => cells += other.worksheet_range(&name).expect("sheet reads").used_cells().count() as u64,
        }
    }
    cells
}

fn synth(db: &Path, lines: u64, days: u64, products: u64) {
    let store = Store::open(db).expect("store opens");
    // `products` products in 10 categories, a client for every 40 products (250 at
    // least), ~3.5 lines an invoice over `days` days up to 2026-05-31.
    let clients = (products / 40).max(250);
    let batches = (products * 8 / 3).max(400);
    let minutes = days * 24 * 60;
    let sql = format!(
        "BEGIN;
         INSERT INTO products SELECT 'P' || i, 'Product ' || i, 'Cat ' || (i % 10),
                (1 + i % 9)::DECIMAL(18,4), (2 + i % 9 + (i % 5) * 0.5)::DECIMAL(18,4), NULL, false, 0
         FROM range({products}) t(i);
         INSERT INTO clients SELECT 'C' || i, 'Client ' || i, (i * 37 % 25000)::DECIMAL(18,2), 0 FROM range({clients}) t(i);
         INSERT INTO stock SELECT 'S' || i, 'P' || (i % {products}), (i % 50)::DECIMAL(18,3), 'L' || i,
                DATE '2026-05-31' + (i % 60 - 10)::INTEGER, DATE '2026-05-31' - (i % 90)::INTEGER, 0
         FROM range({batches}) t(i);
         INSERT INTO invoices SELECT 'F' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE 'C' || (i % {clients}) END,
                TIMESTAMP '2026-05-31 20:00' - to_minutes({minutes}) + to_minutes((i * {minutes} // ({lines} // 3.5))::BIGINT),
                NULL, md5(i::VARCHAR), 0
         FROM range(({lines} / 3.5)::BIGINT + 1) t(i);
         INSERT INTO invoice_lines SELECT 'F' || (i * 2 // 7), (i % 4)::INTEGER, 'P' || (i * 7919 % {products}),
                (1 + i % 4)::DECIMAL(18,3), (2 + (i * 7919 % {products}) % 9 + ((i * 7919 % {products}) % 5) * 0.5)::DECIMAL(18,4), 0
         FROM range({lines}) t(i);
         COMMIT; CHECKPOINT;"
    );
    store.conn().execute_batch(&sql).expect("synthetic data loads");
    store.rebuild_sales_aggregates().expect("aggregates build");
}

/// A flat sales export of `lines` lines (Online Retail's columns), invoices `tag`-N.
fn sales_csv(path: &Path, tag: usize, lines: usize) {
    let mut text = String::from("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
    for i in 0..lines {
        let invoice = i / 3;
        text += &format!(
            "W{tag}-{invoice},SKU{},Item {},{},2026-05-{:02} {:02}:{:02}:00,{}.{:02},{},France\n",
            i % 400,
            i % 400,
            1 + i % 5,
            1 + (invoice % 28),
            8 + invoice % 10,
            invoice % 60,
            1 + i % 9,
            (i * 7) % 100,
            10_000 + invoice % 700
        );
    }
    std::fs::write(path, text).expect("csv written");
}

/// The median time of each part of the report (as `analytics::report` runs
/// them), to see where the time goes.
fn report_parts(store: &Store, n: usize) {
    let (as_of, w, p) = analytics::resolve_window(store, None, Period::Month).expect("window");
    type Part<'a> = (&'static str, Box<dyn Fn() + 'a>);
    let parts: Vec<Part> = vec![
        ("window", Box::new(|| drop(analytics::resolve_window(store, None, Period::Month)))),
        ("loss_risk", Box::new(|| drop(analytics::loss_risk(store, as_of)))),
        ("kpis", Box::new(|| drop(analytics::kpis(store, w.from, w.to, "0.00")))),
        ("kpis_previous", Box::new(|| drop(analytics::kpis(store, p.from, p.to, "0.00")))),
        ("winners", Box::new(|| drop(analytics::winners(store, w.from, w.to)))),
        ("losers", Box::new(|| drop(analytics::losers(store, w.from, w.to)))),
        ("clients", Box::new(|| drop(analytics::client_tiers(store, as_of)))),
        ("stock_ageing", Box::new(|| drop(analytics::stock_ageing(store, as_of)))),
        ("data_quality", Box::new(|| drop(analytics::data_quality(store, w.from, w.to)))),
        ("timeline", Box::new(|| drop(analytics::sales_timeline(store, w.from, w.to)))),
        ("categories", Box::new(|| drop(analytics::category_sales(store, w.from, w.to)))),
        ("markdowns", Box::new(|| drop(analytics::markdowns(store, as_of)))),
        ("replenishment", Box::new(|| drop(analytics::replenishment(store, as_of)))),
    ];
    for (name, part) in parts {
        let mut times: Vec<f64> = (0..n)
            .map(|_| {
                let t = Instant::now();
                part();
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!("  part={name} median_ms={:.1}", times[n / 2]);
    }
}

fn watch_bench(dir: &Path, runs: usize) {
    use comptoir_core::app::service::{Role, Service};
    let _ = std::fs::remove_dir_all(dir);
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).expect("inbox");
    let service = Service::open(&dir.join("watch.duckdb")).expect("service");
    service.choose_role(Role::Admin, None).expect("role");
    let stop = std::sync::atomic::AtomicBool::new(false);
    let landed: std::sync::Mutex<Option<Instant>> = std::sync::Mutex::new(None);
    let (tx, rx) = std::sync::mpsc::channel::<f64>();
    std::thread::scope(|s| {
        s.spawn(|| {
            comptoir_core::app::watch::run(&inbox, &stop, &mut |path| {
                let outcome = service.import_watched(&path);
                assert!(outcome.imported, "{}", outcome.message);
                // The dashboards are refreshed inside import_watched: the report reflects the file.
                let d = service.dashboard(Period::Month, None).expect("dashboard"); // the screen the app opens on
                let since = landed.lock().unwrap().expect("landing time").elapsed().as_secs_f64() * 1000.0;
                assert!(d.report.is_some());
                tx.send(since).unwrap();
                service.write_lake(); // as the app does once the figures are shown
            })
            .expect("watch runs");
        });
        let mut times = Vec::new();
        for run in 0..runs {
            let aside = dir.join(format!("day-{run}.csv"));
            sales_csv(&aside, run, 10_000);
            std::thread::sleep(std::time::Duration::from_millis(300));
            *landed.lock().unwrap() = Some(Instant::now());
            std::fs::rename(&aside, inbox.join(format!("day-{run}.csv"))).expect("landed");
            times.push(rx.recv_timeout(std::time::Duration::from_secs(30)).expect("imported"));
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        times.sort_by(f64::total_cmp);
        println!(
            "mode=watch runs={runs} lines_per_file=10000 median_ms={:.0} max_ms={:.0} (settle wait {} ms included)",
            times[runs / 2],
            times[runs - 1],
            250
        );
    });
}

fn zip_file(path: &Path, entries: &[(&str, Vec<u8>)]) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).expect("zip file"));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        zip.start_file(*name, options).expect("entry");
        zip.write_all(data).expect("entry data");
    }
    zip.finish().expect("zip written");
}

const WORKBOOK_XML: &str = r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Products" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// An xlsx whose only sheet is `sheet` (and optional shared strings).
fn xlsx_with_sheet(path: &Path, sheet: Vec<u8>, shared: Option<Vec<u8>>) {
    let root_rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let mut entries = vec![
        ("_rels/.rels", root_rels.as_bytes().to_vec()),
        ("xl/workbook.xml", WORKBOOK_XML.as_bytes().to_vec()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes().to_vec()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(s) = shared {
        entries.push(("xl/sharedStrings.xml", s));
    }
    zip_file(path, &entries);
}

/// An xlsx with one sheet and extra parts, and extra workbook relationships.
fn xlsx_with_parts(path: &Path, sheet: Vec<u8>, parts: &[(&str, Vec<u8>)], relationships: &str) {
    let root_rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let rels = WORKBOOK_RELS.replace("</Relationships>", &format!("{relationships}</Relationships>"));
    let mut entries = vec![
        ("_rels/.rels", root_rels.as_bytes().to_vec()),
        ("xl/workbook.xml", WORKBOOK_XML.as_bytes().to_vec()),
        ("xl/_rels/workbook.xml.rels", rels.into_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    entries.extend(parts.iter().cloned());
    zip_file(path, &entries);
}

/// The hostile corpus: files that must each get a sentence, fast, in bounded memory.
fn write_hostile_corpus(dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("corpus dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sample = std::fs::read(root.join("sample/stock_data.xlsx")).expect("sample");
    let p = |name: &str| dir.join(name);
    let write = |name: &str, bytes: &[u8]| std::fs::write(p(name), bytes).expect("corpus file");
    let sheet = |body: &str| {
        format!(r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>"#).into_bytes()
    };
    write("empty.xlsx", b"");
    write("empty.csv", b"");
    write("truncated-half.xlsx", &sample[..sample.len() / 2]);
    write("truncated-head.xlsx", &sample[..200]);
    let mut flipped = sample.clone();
    for b in flipped.iter_mut().skip(2000).step_by(97) {
        *b ^= 0x5a;
    }
    write("corrupt-bytes.xlsx", &flipped);
    write("zip-header-then-garbage.xlsx", &[b"PK\x03\x04".as_slice(), &[0xff; 4096]].concat());
    xlsx_with_sheet(&p("zip-bomb.xlsx"), vec![b' '; 200 << 20], None);
    let sst = br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1000000000000" uniqueCount="1000000000000"><si><t>a</t></si></sst>"#;
    xlsx_with_sheet(&p("sst-count-1e12.xlsx"), sheet(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#), Some(sst.to_vec()));
    // The same lie in every spelling and place calamine accepts; the preflight
    // knows some of them, the capped child catches them all.
    let huge = "1000000000000000";
    let sst_tag = |q: char| {
        format!("<sst xmlns={q}http://schemas.openxmlformats.org/spreadsheetml/2006/main{q} count={q}{huge}{q} uniqueCount={q}{huge}{q}><si><t>a</t></si></sst>")
    };
    let one_shared = sheet(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    xlsx_with_sheet(&p("sst-single-quotes.xlsx"), one_shared.clone(), Some(format!("<?xml version='1.0'?>{}", sst_tag('\'')).into_bytes()));
    let comment = format!("<!--{}-->", "x".repeat(64 << 10));
    xlsx_with_sheet(
        &p("sst-after-long-comment.xlsx"),
        one_shared.clone(),
        Some(format!("<?xml version=\"1.0\"?>{comment}{}", sst_tag('"')).into_bytes()),
    );
    xlsx_with_parts(&p("sst-backslash-path.xlsx"), one_shared.clone(), &[(r"xl\sharedStrings.xml", sst_tag('"').into_bytes())], "");
    let relocated = r#"<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings/table.xml"/>"#;
    xlsx_with_parts(
        &p("sst-relocated-by-relationships.xlsx"),
        one_shared.clone(),
        &[("xl/strings/table.xml", sst_tag('"').into_bytes())],
        relocated,
    );
    // Honestly declared, but ~900,000 distinct 300-character strings in a
    // ~14 MB file: calamine would hold them all (over 270 MB).
    let mut many = String::from(
        r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="900000" uniqueCount="900000">"#,
    );
    let filler = "x".repeat(284);
    for i in 0..900_000u64 {
        many.push_str(&format!("<si><t>{i:016x}{filler}</t></si>"));
    }
    many.push_str("</sst>");
    xlsx_with_sheet(&p("sst-900k-distinct-strings.xlsx"), one_shared, Some(many.into_bytes()));
    xlsx_with_sheet(
        &p("cells-at-A1-and-XFD1048576.xlsx"),
        sheet(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>product_id</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
        ),
        None,
    );
    xlsx_with_sheet(&p("deep-nesting.xlsx"), format!("{}{}", "<a>".repeat(200_000), "</a>".repeat(200_000)).into_bytes(), None);
    xlsx_with_sheet(&p("malformed-xml.xlsx"), b"<worksheet><sheetData><row r=\"1\"><c r=\"A1\"".to_vec(), None);
    zip_file(&p("no-workbook-part.xlsx"), &[("hello.txt", b"not a workbook".to_vec())]);
    let row_of = |cols: &str| {
        format!(
            r#"<table:table-row><table:table-cell table:number-columns-repeated="{cols}" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#
        )
    };
    let ods = |name: &str, rows: &str| {
        let content = format!(
            r#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Products">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        let manifest = r#"<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#;
        zip_file(
            &p(name),
            &[
                ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet".to_vec()),
                ("content.xml", content.into_bytes()),
                ("META-INF/manifest.xml", manifest.as_bytes().to_vec()),
            ],
        );
    };
    ods(
        "ods-96-million-cells.ods",
        r#"<table:table-row table:number-rows-repeated="6000"><table:table-cell table:number-columns-repeated="16000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#,
    );
    ods(
        "ods-17-billion-cells.ods",
        r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#,
    );
    ods("ods-wide-row.ods", &row_of("16384"));
    std::fs::copy(root.join("core/tests/fixtures/far-cells.xls"), p("xls-cells-at-A1-and-IV65536.xls")).expect("fixture");
    std::fs::copy(root.join("core/tests/data/spreadsheet-edge-cases/pass_protected.xlsx"), p("password-protected.xlsx")).expect("fixture");
    write("biff-garbage.xls", &[&[0xD0u8, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..], &[0x42; 8192]].concat());
    write("text-named.xls", b"this is a letter, not a spreadsheet\n");
    write("pdf-named.ods", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n");
    write("pdf-named.xlsx", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n");
    write("garbage.xlsb", &[0x13u8; 4096]);
    write("nul-bytes.csv", b"InvoiceNo,StockCode\n\x00\x00\x00\x00");
    write("random-bytes.csv", &(0..65536u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect::<Vec<_>>());
    write("line-of-64MB.csv", &vec![b'a'; 64 << 20]);
    write("unclosed-quote.csv", &[b"InvoiceNo,StockCode\n\"".as_slice(), &vec![b'x'; 3 << 20]].concat());
    write("header-only.csv", b"InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
    write("bom-only.csv", b"\xEF\xBB\xBF");
    write("ten-thousand-columns.csv", (0..10_000).map(|i| format!("c{i}")).collect::<Vec<_>>().join(",").as_bytes());
    std::fs::create_dir_all(p("folder.xlsx")).expect("folder");
    let _ = std::fs::remove_file(p("dangling-link.xlsx"));
    std::os::unix::fs::symlink(dir.join("nowhere.xlsx"), p("dangling-link.xlsx")).expect("link");
    let _ = std::fs::remove_file(p("link-to-dev-zero.csv"));
    std::os::unix::fs::symlink("/dev/zero", p("link-to-dev-zero.csv")).expect("link");
    let _ = std::fs::remove_file(p("link-to-sample.xlsx"));
    std::os::unix::fs::symlink(root.join("sample/stock_data.xlsx"), p("link-to-sample.xlsx")).expect("link");
    // Over the 1 GB cap: refused before a byte is read (sparse, no disk used).
    std::fs::File::create(p("over-1GB.csv")).and_then(|f| f.set_len((1 << 30) + 1)).expect("sparse file");
    let _ = std::fs::remove_file(p("named-pipe.csv"));
    std::process::Command::new("mkfifo").arg(p("named-pipe.csv")).status().expect("mkfifo");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).expect("corpus").map(|e| e.expect("entry").path()).collect();
    files.sort();
    files
}

fn hostile_bench(dir: &Path) {
    let cli = std::env::current_exe().expect("exe").parent().and_then(Path::parent).expect("target dir").join("comptoir");
    let _ = std::fs::remove_dir_all(dir);
    let exe = std::env::current_exe().expect("exe");
    let wrote = std::process::Command::new(&exe).arg("hostile-write").arg(dir.join("corpus")).status().expect("corpus writer");
    assert!(wrote.success(), "the corpus was written");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("corpus")).expect("corpus").map(|e| e.expect("entry").path()).collect();
    files.sort();
    assert!(files.len() >= 30, "{} files", files.len());
    let mut worst = (0.0_f64, 0.0_f64, 0.0_f64);
    for (i, file) in files.iter().enumerate() {
        let db = dir.join(format!("store-{i}.duckdb"));
        let started = Instant::now();
        // Waited for below with wait4, which also gives its peak memory.
        #[allow(clippy::zombie_processes)]
        let mut child = std::process::Command::new(&cli)
            .arg("--db")
            .arg(&db)
            .arg("import")
            .arg(file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("cli starts");
        // The CLI's own peak, sampled from /proc every 5 ms while it runs (the
        // reading child, a process of its own, is capped and may be killed).
        let pid = child.id();
        let cli_peak = std::thread::spawn(move || {
            let mut peak_kb = 0u64;
            while let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
                let Some(kb) = status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
                else {
                    break; // exited: a zombie has no memory left
                };
                peak_kb = peak_kb.max(kb);
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            peak_kb as f64 / 1024.0
        });
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().expect("stderr"), &mut stderr).expect("stderr read");
        // wait4: the exit status and the peak memory of the CLI and of its reading child.
        let mut status = 0;
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waits for our own child; both out-pointers are valid.
        unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
        let seconds = started.elapsed().as_secs_f64();
        let peak_mb = usage.ru_maxrss as f64 / 1024.0;
        let cli_mb = cli_peak.join().expect("sampler");
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(libc::WIFEXITED(status), "{name}: the CLI died (status {status})");
        let code = libc::WEXITSTATUS(status);
        let sentence = stderr.lines().next().unwrap_or("").to_string();
        println!("{name:<40} exit {code}  {seconds:>5.2} s  CLI {cli_mb:>4.0} MB  with child {peak_mb:>4.0} MB  {sentence}");
        assert!(code == 2 || code == 1 || code == 0, "{name}: exit {code}");
        if code == 2 {
            assert!(stderr.trim_end().lines().count() == 1 && sentence.ends_with('.'), "{name}: not one sentence: {stderr}");
        }
        assert!(seconds < 5.0, "{name}: {seconds:.1} s");
        assert!(cli_mb <= 256.0, "{name}: the CLI took {cli_mb:.0} MB");
        // The child's data is capped at 256 MB; its code and stack come on top.
        assert!(peak_mb < 300.0, "{name}: {peak_mb:.0} MB with its reading child");
        worst = (worst.0.max(seconds), worst.1.max(cli_mb), worst.2.max(peak_mb));
    }
    println!(
        "mode=hostile files={} worst_seconds={:.2} worst_cli_peak_mb={:.0} worst_with_child_mb={:.0} deaths=0",
        files.len(),
        worst.0,
        worst.1,
        worst.2
    );
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).expect("count")
}

/// Rows of import `id`'s raw lines batch in the lake, or None when it has none.
fn lake_lines(store: &Store, id: i64) -> Option<i64> {
    let file = comptoir_core::store::lake::beside(store)?.join(format!("raw/invoice_lines/import_id={id}/part-0.parquet"));
    file.is_file().then(|| count(store, &format!("SELECT count(*) FROM read_parquet('{}')", file.display())))
}

fn crash_bench(dir: &Path, cycles: usize, lines: usize) {
    let cli = std::env::var("COMPTOIR_CLI")
        .map(PathBuf::from)
        .unwrap_or_else(|_| std::env::current_exe().expect("exe").parent().and_then(Path::parent).expect("target dir").join("comptoir"));
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("work dir");
    let db = dir.join("crash.duckdb");
    let book = dir.join("big.xlsx");
    comptoir_core::generate::generate(lines, &book).expect("workbook");
    // An earlier import the kills must never touch: a flat sales export of 3,000 lines.
    let baseline = dir.join("baseline.csv");
    sales_csv(&baseline, 0, 3_000);
    let run = |file: &Path| std::process::Command::new(&cli).arg("--db").arg(&db).arg("import").arg(file).output().expect("cli runs");
    assert!(run(&baseline).status.success(), "the baseline imports");
    let baseline_lines = count(&Store::open(&db).expect("store"), "SELECT count(*) FROM invoice_lines");
    // How long a whole import takes, to kill anywhere within it.
    let t = Instant::now();
    assert!(run(&book).status.success());
    let full_ms = t.elapsed().as_millis() as u64;
    {
        let store = Store::open(&db).expect("store");
        comptoir_core::import::history::undo(&store, 2).expect("undo");
        comptoir_core::store::lake::after_undo(&store, 2).expect("lake undo");
    }
    let mut seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    let (mut absent, mut present, started) = (0, 0, Instant::now());
    for cycle in 0..cycles {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let kill_after = seed % (full_ms + full_ms / 5);
        let mut child = std::process::Command::new(&cli)
            .arg("--db")
            .arg(&db)
            .arg("import")
            .arg(&book)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("cli starts");
        std::thread::sleep(std::time::Duration::from_millis(kill_after));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // The store opens (replaying or discarding its WAL), and the lake catches up.
        let store = Store::open(&db).unwrap_or_else(|e| panic!("cycle {cycle}: the store does not open: {e}"));
        comptoir_core::store::lake::write_pending(&store).expect("pending lake batches written");
        let baseline_now = count(&store, "SELECT count(*) FROM invoice_lines WHERE import_id = 1");
        assert_eq!(baseline_now, baseline_lines, "cycle {cycle}: earlier data changed");
        assert_eq!(lake_lines(&store, 1), Some(baseline_lines), "cycle {cycle}: the lake lost the baseline");
        let latest = count(&store, "SELECT coalesce(max(import_id), 0) FROM imports WHERE undone_at IS NULL");
        let total = count(&store, "SELECT count(*) FROM invoice_lines");
        if latest == 1 {
            assert_eq!(total, baseline_lines, "cycle {cycle}: lines of an absent import are in the store");
            absent += 1;
        } else {
            assert_eq!(total - baseline_lines, lines as i64, "cycle {cycle}: import #{latest} is only partly there");
            assert_eq!(count(&store, &format!("SELECT count(*) FROM invoice_lines WHERE import_id = {latest}")), lines as i64);
            assert_eq!(lake_lines(&store, latest), Some(lines as i64), "cycle {cycle}: the lake disagrees");
            comptoir_core::import::history::undo(&store, latest).expect("undo");
            comptoir_core::store::lake::after_undo(&store, latest).expect("lake undo");
            present += 1;
        }
    }
    println!(
        "mode=crash cycles={cycles} lines={lines} import_ms={full_ms} killed_before_commit={absent} complete={present} inconsistent=0 seconds={:.1}",
        started.elapsed().as_secs_f64()
    );
}

fn main() {
    // Spreadsheets are parsed in a capped child, this same executable, as in the CLI and the app.
    if let Some(code) = comptoir_core::read::sandbox::serve_if_child() {
        std::process::exit(code);
    }
    comptoir_core::read::sandbox::enable(std::env::current_exe().expect("the bench's own path"));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg =
        |i: usize| args.get(i).map(PathBuf::from).unwrap_or_else(|| panic!("missing argument {i}; see the header of examples/bench.rs"));
    let started = Instant::now();
    let (mode, rows) = match args.first().map(String::as_str) {
        Some("read") => ("read", read(&arg(1))),
        // Comptoir's own row reader, without staging: where reading time goes.
        Some("rows") => {
            let mut book = comptoir_core::read::workbook::Workbook::open(&arg(1)).expect("workbook opens");
            let mut rows = 0u64;
            for name in book.sheet_names() {
                book.for_each_row(&name, &mut |r| {
                    std::hint::black_box(r);
                    rows += 1;
                    Ok(comptoir_core::read::cells::NEXT)
                })
                .expect("rows read");
            }
            ("rows", rows)
        }
        Some("import") => {
            let db = arg(2);
            let _ = std::fs::remove_file(&db);
            let _ = std::fs::remove_file(db.with_extension("duckdb.wal"));
            let store = Store::open(&db).expect("store opens");
            let baseline_mb = rss_mb("VmRSS:");
            let done = std::sync::atomic::AtomicBool::new(false);
            let monitor_conn = store.conn().try_clone().expect("second connection");
            let started = Instant::now();
            // (phase, wall seconds, this process's CPU seconds, the parse child's not included)
            let mut phases: Vec<(String, f64, f64)> = Vec::new();
            let (report, beyond_mb) = std::thread::scope(|s| {
                let monitor = s.spawn(|| watch_memory_beyond_database(monitor_conn, &done));
                // A folder is imported whole, its files in name order, as one import.
                let files = match std::fs::read_dir(arg(1)) {
                    Ok(dir) => {
                        let mut files: Vec<PathBuf> = dir.map(|e| e.expect("folder entry").path()).collect();
                        files.sort();
                        files
                    }
                    Err(_) => vec![arg(1)],
                };
                // IMPMB=N: the import's first memory limit, N MB (the usual one otherwise).
                let first_memory_mb = std::env::var("IMPMB").ok().and_then(|v| v.parse().ok());
                let options = ImportOptions { first_memory_mb, ..ImportOptions::default() };
                let report = import::import_files(&store, &files, &options, &mut |p| {
                    let name = format!("{:?}", p.phase).to_lowercase();
                    if phases.last().map(|(n, ..)| n != &name).unwrap_or(true) {
                        phases.push((name, started.elapsed().as_secs_f64(), own_cpu_seconds()));
                    }
                });
                // The monitor stops whatever the import's outcome (else a failed import hangs here).
                done.store(true, std::sync::atomic::Ordering::Relaxed);
                (report.expect("import runs"), monitor.join().expect("monitor ends"))
            });
            let marks: Vec<String> = phases.iter().map(|(n, t, cpu)| format!("{n}@{t:.2}s(cpu {cpu:.2}s)")).collect();
            eprintln!("phases: {}", marks.join(" "));
            assert_eq!(report.error_count, 0, "{:?}", report.errors.first());
            let secs = started.elapsed().as_secs_f64();
            let lines = report.counts.lines.new;
            println!(
                "mode=import seconds={secs:.2} rows={lines} rows_per_s={:.0} peak_rss_mb={:.0} beyond_database_mb={:.0}",
                lines as f64 / secs,
                peak_rss_mb(),
                beyond_mb - baseline_mb
            );
            return;
        }
        Some("synth") => {
            let lines: u64 = args.get(2).and_then(|s| s.parse().ok()).expect("LINES");
            let days: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(182);
            let products: u64 = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(150);
            synth(&arg(1), lines, days, products);
            ("synth", lines)
        }
        Some("watch") => {
            watch_bench(&arg(1), args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5));
            return;
        }
        Some("hostile") => {
            hostile_bench(&arg(1));
            return;
        }
        // Writes the corpus in its own process: the peak memory a child inherits
        // from the process that forks it would otherwise count in its figure.
        Some("hostile-write") => {
            write_hostile_corpus(&arg(1));
            return;
        }
        Some("crash") => {
            let cycles = args.get(2).and_then(|s| s.parse().ok()).expect("N cycles");
            let lines = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(100_000);
            crash_bench(&arg(1), cycles, lines);
            return;
        }
        Some("refresh") => {
            let store = Store::open(&arg(1)).expect("store opens");
            let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
            let lines: u64 = store.conn().query_row("SELECT count(*) FROM invoice_lines", [], |r| r.get(0)).unwrap();
            let mut times = Vec::new();
            for _ in 0..n {
                let t = Instant::now();
                std::hint::black_box(analytics::report(&store, None, Period::Month).expect("report runs"));
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            times.sort_by(f64::total_cmp);
            println!(
                "mode=refresh runs={n} median_ms={:.0} max_ms={:.0} rows={lines} peak_rss_mb={:.0}",
                times[n / 2],
                times[n - 1],
                peak_rss_mb()
            );
            if std::env::var_os("NO_PARTS").is_none() {
                report_parts(&store, n);
            }
            return;
        }
        // Drill-down (SPEC §7): the first page of the lines behind the month's revenue
        // (every line of the month) and behind the top product, totals included.
        Some("lines") => {
            use comptoir_core::analytics::lines::{self, LineFilter, PageRequest};
            let store = Store::open(&arg(1)).expect("store opens");
            let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
            let rows: u64 = store.conn().query_row("SELECT count(*) FROM invoice_lines", [], |r| r.get(0)).unwrap();
            let (_, window, _) = analytics::resolve_window(&store, None, Period::Month).expect("window");
            let top = analytics::winners(&store, window.from, window.to).expect("winners").first().map(|w| w.product_id.clone());
            for (what, filter) in [("month", LineFilter::default()), ("product", LineFilter { product: top, ..LineFilter::default() })] {
                let mut times = Vec::new();
                let mut total = 0;
                for _ in 0..n {
                    let t = Instant::now();
                    let page = lines::page(&store, window, filter.clone(), PageRequest::default()).expect("lines");
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                    total = page.totals.lines;
                }
                times.sort_by(f64::total_cmp);
                println!(
                    "mode=lines filter={what} runs={n} median_ms={:.0} max_ms={:.0} matching={total} rows={rows} peak_rss_mb={:.0}",
                    times[n / 2],
                    times[n - 1],
                    peak_rss_mb()
                );
            }
            return;
        }
        _ => panic!("usage: bench read FILE | import FILE DB | synth DB LINES [DAYS [PRODUCTS]] | refresh DB [N] | lines DB [N]"),
    };
    let secs = started.elapsed().as_secs_f64();
    println!("mode={mode} seconds={secs:.2} rows={rows} rows_per_s={:.0} peak_rss_mb={:.0}", rows as f64 / secs, peak_rss_mb());
}
