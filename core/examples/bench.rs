//! Benchmarks for SPEC §7, run by `scripts/bench.sh` (each mode in its own
//! process, so that peak memory is that mode's alone).
//!
//!   bench read FILE          calamine's streaming reader over every sheet (the baseline)
//!   bench import FILE DB     Comptoir's import of FILE into a fresh store DB
//!   bench synth DB LINES     fill DB with LINES generated invoice lines (SQL, fast)
//!   bench refresh DB [N]     all analytics views, N times; median and max
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
        let database: f64 = conn
            .query_row("SELECT coalesce(sum(memory_usage_bytes), 0)::DOUBLE FROM duckdb_memory()", [], |r| r.get(0))
            .unwrap_or(0.0)
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

fn synth(db: &Path, lines: u64) {
    let store = Store::open(db).expect("store opens");
    // 150 products, 10 categories, 250 clients, ~3.5 lines an invoice over 182 days.
    let sql = format!(
        "BEGIN;
         INSERT INTO products SELECT 'P' || i, 'Product ' || i, 'Cat ' || (i % 10),
                (1 + i % 9)::DECIMAL(18,4), (2 + i % 9 + (i % 5) * 0.5)::DECIMAL(18,4), NULL, false, 0
         FROM range(150) t(i);
         INSERT INTO clients SELECT 'C' || i, 'Client ' || i, (i * 37 % 25000)::DECIMAL(18,2), 0 FROM range(250) t(i);
         INSERT INTO stock SELECT 'S' || i, 'P' || (i % 150), (i % 50)::DECIMAL(18,3), 'L' || i,
                DATE '2026-05-31' + (i % 60 - 10)::INTEGER, DATE '2026-05-31' - (i % 90)::INTEGER, 0
         FROM range(400) t(i);
         INSERT INTO invoices SELECT 'F' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE 'C' || (i % 250) END,
                TIMESTAMP '2025-12-01 08:00' + to_minutes((i * 182 * 24 * 60 // ({lines} // 3.5))::BIGINT),
                NULL, md5(i::VARCHAR), 0
         FROM range(({lines} / 3.5)::BIGINT + 1) t(i);
         INSERT INTO invoice_lines SELECT 'F' || (i * 2 // 7), (i % 4)::INTEGER, 'P' || (i * 7919 % 150),
                (1 + i % 4)::DECIMAL(18,3), (2 + (i * 7919 % 150) % 9 + ((i * 7919 % 150) % 5) * 0.5)::DECIMAL(18,4), 0
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

fn watch_bench(dir: &Path, runs: usize) {
    use comptoir_core::service::{Role, Service};
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
            comptoir_core::watch::run(&inbox, &stop, &mut |path| {
                let outcome = service.import_watched(&path);
                assert!(outcome.imported, "{}", outcome.message);
                // The dashboards are refreshed inside import_watched: the report reflects the file.
                let d = service.dashboard(Period::Month, None).expect("dashboard"); // the screen the app opens on
                let since = landed.lock().unwrap().expect("landing time").elapsed().as_secs_f64() * 1000.0;
                assert!(d.report.is_some());
                tx.send(since).unwrap();
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

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).expect("count")
}

/// Rows of import `id`'s raw lines batch in the lake, or None when it has none.
fn lake_lines(store: &Store, id: i64) -> Option<i64> {
    let file = comptoir_core::lake::beside(store)?.join(format!("raw/invoice_lines/import_id={id}/part-0.parquet"));
    file.is_file().then(|| count(store, &format!("SELECT count(*) FROM read_parquet('{}')", file.display())))
}

fn crash_bench(dir: &Path, cycles: usize, lines: usize) {
    let cli = std::env::var("COMPTOIR_CLI").map(PathBuf::from).unwrap_or_else(|_| {
        std::env::current_exe().expect("exe").parent().and_then(Path::parent).expect("target dir").join("comptoir")
    });
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("work dir");
    let db = dir.join("crash.duckdb");
    let book = dir.join("big.xlsx");
    comptoir_core::generate::generate(lines, &book).expect("workbook");
    let baseline = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/datasets/online-retail/by-day/2010-12-01.csv");
    let run = |file: &Path| std::process::Command::new(&cli).arg("--db").arg(&db).arg("import").arg(file).output().expect("cli runs");
    assert!(run(&baseline).status.success(), "the baseline imports");
    let baseline_lines = count(&Store::open(&db).expect("store"), "SELECT count(*) FROM invoice_lines");
    // How long a whole import takes, to kill anywhere within it.
    let t = Instant::now();
    assert!(run(&book).status.success());
    let full_ms = t.elapsed().as_millis() as u64;
    {
        let store = Store::open(&db).expect("store");
        comptoir_core::history::undo(&store, 2).expect("undo");
        comptoir_core::lake::after_undo(&store, 2).expect("lake undo");
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
        comptoir_core::lake::write_pending(&store).expect("pending lake batches written");
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
            comptoir_core::history::undo(&store, latest).expect("undo");
            comptoir_core::lake::after_undo(&store, latest).expect("lake undo");
            present += 1;
        }
    }
    println!(
        "mode=crash cycles={cycles} lines={lines} import_ms={full_ms} killed_before_commit={absent} complete={present} inconsistent=0 seconds={:.1}",
        started.elapsed().as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(PathBuf::from).unwrap_or_else(|| panic!("missing argument {i}; see the header of examples/bench.rs"));
    let started = Instant::now();
    let (mode, rows) = match args.first().map(String::as_str) {
        Some("read") => ("read", read(&arg(1))),
        // Comptoir's own row reader, without staging: where reading time goes.
        Some("rows") => {
            let mut book = comptoir_core::workbook::Workbook::open(&arg(1)).expect("workbook opens");
            let mut rows = 0u64;
            for name in book.sheet_names() {
                book.for_each_row(&name, &mut |r| {
                    std::hint::black_box(r);
                    rows += 1;
                    Ok(())
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
            if let Ok(limit) = std::env::var("DUCKDB_MEMORY_LIMIT") {
                store.conn().execute_batch(&format!("SET memory_limit = '{limit}'")).expect("memory limit set");
            }
            let baseline_mb = rss_mb("VmRSS:");
            let done = std::sync::atomic::AtomicBool::new(false);
            let monitor_conn = store.conn().try_clone().expect("second connection");
            let started = Instant::now();
            let mut phases: Vec<(String, f64)> = Vec::new();
            let (report, beyond_mb) = std::thread::scope(|s| {
                let monitor = s.spawn(|| watch_memory_beyond_database(monitor_conn, &done));
                let report = import::import_files(&store, &[arg(1)], &ImportOptions::default(), &mut |p| {
                    let name = format!("{:?}", p.phase).to_lowercase();
                    if phases.last().map(|(n, _)| n != &name).unwrap_or(true) {
                        phases.push((name, started.elapsed().as_secs_f64()));
                    }
                })
                .expect("import runs");
                done.store(true, std::sync::atomic::Ordering::Relaxed);
                (report, monitor.join().expect("monitor ends"))
            });
            let marks: Vec<String> = phases.iter().map(|(n, t)| format!("{n}@{t:.2}s")).collect();
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
            synth(&arg(1), lines);
            ("synth", lines)
        }
        Some("watch") => {
            watch_bench(&arg(1), args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5));
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
            return;
        }
        _ => panic!("usage: bench read FILE | import FILE DB | synth DB LINES | refresh DB [N]"),
    };
    let secs = started.elapsed().as_secs_f64();
    println!("mode={mode} seconds={secs:.2} rows={rows} rows_per_s={:.0} peak_rss_mb={:.0}", rows as f64 / secs, peak_rss_mb());
}
