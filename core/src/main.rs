//! `comptoir`: the headless face of the same core the desktop app uses (SPEC §5).

use clap::{Parser, Subcommand};
use comptoir_core::analytics::lines::{LineFilter, LinesPage, PageRequest};
use comptoir_core::analytics::{self, Period};
use comptoir_core::app::service::{HeaderReading, HowRead, Service};
use comptoir_core::error::CoreError;
use comptoir_core::import::{ImportOptions, ImportReport, Outcome, Progress};
use comptoir_core::store::default_db_path;
use comptoir_core::terminal::printable;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "comptoir", version, about = "Turns a store's workbooks into live answers.")]
struct Cli {
    /// The store (DuckDB file). Default: $COMPTOIR_DB, else the OS data directory.
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import workbooks or CSV files as one import.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Validate and count, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the valid rows and set the invalid ones aside.
        #[arg(long)]
        skip_invalid: bool,
        /// Write the rejected rows, with their problems, to this Excel workbook.
        #[arg(long, value_name = "FILE.xlsx")]
        errors_out: Option<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Analytics for a period.
    Report {
        /// Report date (YYYY-MM-DD); default: the latest invoice's date.
        #[arg(long)]
        as_of: Option<String>,
        /// week, month, all, this-month, last-month, this-quarter, this-year, or FROM..TO.
        #[arg(long, default_value = "month")]
        window: String,
        #[arg(long)]
        json: bool,
    },
    /// The invoice lines behind a figure (drill-down), with their totals.
    Lines {
        #[arg(long)]
        product: Option<String>,
        #[arg(long)]
        client: Option<String>,
        #[arg(long)]
        invoice: Option<String>,
        /// A category; "" for the products without one.
        #[arg(long)]
        category: Option<String>,
        /// Words each line must contain (invoice, product, client or their names).
        #[arg(long)]
        search: Option<String>,
        /// Report date (YYYY-MM-DD); default: the latest invoice's date.
        #[arg(long)]
        as_of: Option<String>,
        /// week, month, all, this-month, last-month, this-quarter, this-year, or FROM..TO.
        #[arg(long, default_value = "month")]
        window: String,
        /// Lines shown (the totals cover them all).
        #[arg(long, default_value_t = 50)]
        limit: u64,
        /// Write every line to this Excel workbook instead.
        #[arg(long, value_name = "FILE.xlsx")]
        xlsx: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The imports so far, newest first.
    History {
        #[arg(long)]
        json: bool,
    },
    /// Undo an import: its invoices go, the master data it replaced comes back.
    Undo { import_id: i64 },
    /// Import every workbook or CSV saved into DIR, once fully written and never twice.
    Watch { dir: PathBuf },
    /// Write the lake (raw batches, curated tables, sales by year/month) to DIR.
    ExportLake { dir: PathBuf },
    /// Build a new store (--db) from a lake alone.
    Restore { dir: PathBuf },
    /// Rebuild a store that no longer opens from the lake beside it; the damaged
    /// file is kept aside, never deleted.
    Recover,
    /// Show all settings, one, or change one.
    Settings { key: Option<String>, value: Option<String> },
    /// Column mappings: say once which column is which in a header Comptoir
    /// does not recognise; files with the same header row are then read that way.
    Mapping {
        #[command(subcommand)]
        action: MappingAction,
    },
    /// The administrator's passphrase.
    Passphrase {
        #[command(subcommand)]
        action: PassphraseAction,
    },
    /// Write a synthetic workbook like the sample.
    Generate {
        #[arg(long, default_value_t = comptoir_core::generate::DEFAULT_LINES)]
        lines: usize,
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum PassphraseAction {
    /// Remove a forgotten passphrase: whoever can open the store's file owns it.
    /// A new one is then set in the app's Settings.
    Reset,
}

#[derive(Subcommand)]
enum MappingAction {
    /// Show a sheet's header row and how each column would be read.
    Show {
        file: PathBuf,
        /// The sheet (default: the first).
        #[arg(long)]
        sheet: Option<String>,
        /// The header's row number (default: the first non-blank row).
        #[arg(long)]
        row: Option<u32>,
    },
    /// Remember which column is which, e.g. --kind invoicelines --map "Nb=qty" --map "Remarque=-".
    Save {
        file: PathBuf,
        /// What the sheet holds: sales (a flat sales export, one row per line sold),
        /// products, stock, clients, invoices or invoice_lines.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        sheet: Option<String>,
        #[arg(long)]
        row: Option<u32>,
        /// HEADER=FIELD; FIELD `-` ignores the column. Other columns keep their automatic match.
        #[arg(long = "map", value_name = "HEADER=FIELD")]
        map: Vec<String>,
    },
    /// The remembered mappings.
    List,
    /// Forget the mapping of one header signature (as `list` prints it).
    Forget { signature: String },
}

/// An import run from the command line is a batch bounded in memory: its
/// threads (DuckDB's, the frames' decoder) allocate from one malloc arena, so
/// that memory one of them frees another reuses. With an arena per thread the
/// peak of a 1,000,000-line workbook's import spread over 160–170 MB from run
/// to run; with one, 159–164 MB, its time unchanged (a folder of CSV files
/// ~3 % slower). Reports keep an arena per thread: one makes them 5–15 %
/// slower (the desktop app, `comptoir report`). Called before any other
/// thread starts: glibc fixes its arena limit when a second thread allocates.
fn one_malloc_arena() {
    // SAFETY: mallopt only sets an allocator parameter.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

fn main() -> ExitCode {
    if let Some(code) = comptoir_core::read::sandbox::serve_if_child() {
        return ExitCode::from(code as u8);
    }
    if let Ok(exe) = std::env::current_exe() {
        comptoir_core::read::sandbox::enable(exe);
    }
    // Like any Unix filter: `comptoir report --json | head` ends quietly when
    // the reader goes away, instead of panicking on a closed pipe.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    if matches!(cli.command, Command::Import { .. } | Command::Watch { .. }) {
        one_malloc_arena();
    }
    comptoir_core::app::log::init("comptoir");
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            tracing::info!("comptoir ended on: {e}");
            // Errors may quote a workbook's text (a sheet or file name).
            eprintln!("{}", printable(&e.to_string()));
            if e.code() == "store_damaged" {
                eprintln!("Run `comptoir recover` (with the same --db) to rebuild it.");
            }
            ExitCode::from(2)
        }
    }
}

/// The store's service, as the terminal uses it (the owner's rights).
fn open(db: Option<PathBuf>) -> Result<Service, CoreError> {
    Service::open_for_terminal(&db.unwrap_or_else(default_db_path))
}

fn run(cli: Cli) -> Result<u8, CoreError> {
    match cli.command {
        Command::Import { files, dry_run, skip_invalid, errors_out, json } => {
            let service = open(cli.db)?;
            let bar = (!json && std::io::stderr().is_terminal()).then(progress_bar);
            let mut on_progress = |p: Progress| {
                if let Some(bar) = &bar {
                    show_progress(bar, &p);
                }
            };
            let report = service.import(
                &files,
                &ImportOptions { dry_run, skip_invalid, errors_out, ..ImportOptions::default() },
                &mut on_progress,
            )?;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&report).expect("report serialises"));
            } else {
                print_import(&report);
            }
            // A dry run that finds blocking errors answers like the import would.
            let rejected = report.outcome == Outcome::Rejected || (dry_run && !skip_invalid && report.error_count > 0);
            Ok(if rejected { 1 } else { 0 })
        }
        Command::Report { as_of, window, json } => {
            let as_of = as_of.as_deref().map(analytics::parse_day).transpose()?;
            let period = Period::parse(&window)?;
            let report = open(cli.db)?.report(as_of, period)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report).expect("report serialises"));
            } else {
                print_report(&report);
            }
            Ok(0)
        }
        Command::Lines { product, client, invoice, category, search, as_of, window, limit, xlsx, json } => {
            let as_of = as_of.as_deref().map(analytics::parse_day).transpose()?;
            let period = Period::parse(&window)?;
            let filter = LineFilter { product, client, invoice, category, search };
            let service = open(cli.db)?;
            if let Some(out) = xlsx {
                service.export_lines(period, as_of, &filter, &out)?;
                println!("Wrote the lines to {}.", out.display());
                return Ok(0);
            }
            let page = service.lines(period, as_of, filter, PageRequest { limit, ..PageRequest::default() })?;
            if json {
                println!("{}", serde_json::to_string_pretty(&page).expect("lines serialise"));
            } else {
                print_lines(&page);
            }
            Ok(0)
        }
        Command::History { json } => {
            let service = open(cli.db)?;
            let records = service.history()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&records).expect("history serialises"));
                return Ok(0);
            }
            if records.is_empty() {
                println!("No import yet.");
            }
            for r in records {
                let names: Vec<String> = r.files.iter().map(|f| printable(&f.name)).collect();
                let lines = &r.counts.lines;
                println!(
                    "#{:<4} {}  {}  lines new {} unchanged {}  rejected rows {}{}",
                    r.import_id,
                    r.imported_at,
                    names.join(", "),
                    lines.new,
                    lines.unchanged,
                    r.rejected,
                    if r.undone { "  (undone)" } else { "" }
                );
            }
            for f in service.failures()? {
                println!("failed {}  {}  {}", f.failed_at, printable(&f.file_name), printable(&f.message));
            }
            Ok(0)
        }
        Command::Undo { import_id } => {
            open(cli.db)?.undo(import_id)?;
            println!("Import #{import_id} was undone.");
            Ok(0)
        }
        Command::Settings { key, value } => {
            let service = open(cli.db)?;
            let value_of = |settings: &[comptoir_core::app::service::Setting], k: &str| {
                settings.iter().find(|s| s.key == k).map(|s| s.value.clone()).ok_or_else(|| CoreError::Setting {
                    key: k.to_string(),
                    code: "setting_unknown",
                    value: String::new(),
                })
            };
            match (key, value) {
                (None, _) => service.settings()?.iter().for_each(|s| println!("{} = {}", s.key, s.value)),
                (Some(k), None) => println!("{}", value_of(&service.settings()?, &k)?),
                (Some(k), Some(v)) => println!("{k} = {}", value_of(&service.set_setting(&k, &v)?, &k)?),
            }
            Ok(0)
        }
        Command::Mapping { action } => run_mapping(open(cli.db)?, action),
        Command::Passphrase { action: PassphraseAction::Reset } => {
            let had = open(cli.db)?.reset_passphrase()?;
            println!(
                "{}",
                if had {
                    "The administrator's passphrase was removed: the Administrator side opens without one until a new one is set in Settings."
                } else {
                    "There was no administrator passphrase to remove."
                }
            );
            Ok(0)
        }
        Command::Watch { dir } => {
            let service = open(cli.db)?;
            println!("Watching {} (Ctrl-C stops).", dir.display());
            let stop = std::sync::atomic::AtomicBool::new(false);
            comptoir_core::app::watch::run(&dir, &stop, &mut |path| {
                let outcome = service.import_watched(&path);
                println!("{} {}", chrono::Local::now().format("%H:%M:%S"), printable(&outcome.message));
            })?;
            Ok(0)
        }
        Command::ExportLake { dir } => {
            open(cli.db)?.export_lake(&dir)?;
            println!("Wrote the lake to {}.", dir.display());
            Ok(0)
        }
        Command::Restore { dir } => {
            let db = cli.db.unwrap_or_else(default_db_path);
            let store = comptoir_core::store::lake::restore(&dir, &db)?;
            let imports: i64 = store.conn().query_row("SELECT count(*) FROM imports", [], |r| r.get(0)).map_err(CoreError::from)?;
            println!("Restored {} from {} ({imports} imports).", db.display(), dir.display());
            Ok(0)
        }
        Command::Recover => {
            let db = cli.db.unwrap_or_else(default_db_path);
            let recovered = comptoir_core::store::lake::recover(&db)?;
            println!(
                "Rebuilt {} from its lake ({} imports); the damaged file is kept as {}.",
                db.display(),
                recovered.imports,
                recovered.kept_aside.display()
            );
            Ok(0)
        }
        Command::Generate { lines, out } => {
            comptoir_core::generate::generate(lines, &out)?;
            println!("Wrote {} ({lines} invoice lines).", out.display());
            Ok(0)
        }
    }
}

fn run_mapping(service: Service, action: MappingAction) -> Result<u8, CoreError> {
    let print_columns = |reading: &HeaderReading| {
        for c in &reading.columns {
            let field = c.field.map(|f| format!("{f} ({})", c.field_label.as_deref().unwrap_or(f)));
            println!("  {:<4} {:<28} → {}", c.column, clip(&c.header, 28), field.as_deref().unwrap_or("(ignored)"));
        }
    };
    match action {
        MappingAction::Show { file, sheet, row } => {
            let reading = service.header_reading(&file, sheet.as_deref(), row)?;
            println!("Sheet {}, row {}: signature {}", printable(&reading.sheet), reading.row, reading.signature);
            match reading.how {
                HowRead::Recognised => println!("Recognised as {}:", reading.layout_label),
                HowRead::Saved => println!("Read as {} with the mapping you saved:", reading.layout_label),
                HowRead::Guessed(id) => println!(
                    "Not recognised. It looks like {} (--kind {id}); save a mapping with `comptoir mapping save {} --kind … --map HEADER=FIELD`:",
                    reading.layout_label,
                    file.display()
                ),
            }
            print_columns(&reading);
            Ok(0)
        }
        MappingAction::Save { file, kind, sheet, row, map } => {
            let chosen = map
                .iter()
                .map(|m| {
                    m.rsplit_once('=')
                        .map(|(h, f)| (h.to_string(), f.to_string()))
                        .ok_or_else(|| CoreError::Usage(format!("\u{201c}{m}\u{201d} is not of the form HEADER=FIELD.")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let reading = service.save_mapping_of_file(&file, sheet.as_deref(), row, &kind, &chosen)?;
            println!("Saved: files with this header row are read as {}:", reading.layout_label);
            print_columns(&reading);
            Ok(0)
        }
        MappingAction::List => {
            let all = service.mappings()?.saved;
            if all.is_empty() {
                println!("No mapping saved.");
            }
            for m in &all {
                let pairs: Vec<String> = m
                    .headers
                    .iter()
                    .zip(&m.choice.columns)
                    .map(|(h, f)| format!("{} → {}", printable(h), f.unwrap_or("(ignored)")))
                    .collect();
                println!("{}  {} (saved {}): {}", m.signature, m.choice.layout, m.saved_at, pairs.join(", "));
            }
            Ok(0)
        }
        MappingAction::Forget { signature } => {
            service.forget_mapping(&signature)?;
            println!("Forgotten.");
            Ok(0)
        }
    }
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{prefix:<10} [{bar:20}] {percent:>3}% {human_pos} of ~{human_len} rows  {per_sec}  {msg}")
            .expect("a valid template")
            .progress_chars("#·"),
    );
    bar
}

/// `reading  [#####·····]  48% 480,000 of ~1,000,000 rows  95,000/s  book.xlsx`
fn show_progress(bar: &ProgressBar, p: &Progress) {
    bar.set_prefix(format!("{:?}", p.phase).to_lowercase());
    bar.set_length(p.total_estimate.filter(|t| *t > 0).unwrap_or(p.rows.max(1)));
    bar.set_position(p.rows);
    bar.set_message(printable(&p.file));
}

fn print_import(report: &ImportReport) {
    let verdict = match report.outcome {
        Outcome::Imported => format!("Imported as import #{}.", report.import_id.unwrap_or_default()),
        Outcome::NothingToChange => "Nothing to change: everything in these files is already in the store.".into(),
        Outcome::Rejected => format!("Not imported: {} error(s) must be fixed first (or use --skip-invalid).", report.error_count),
        Outcome::DryRun => "Dry run: nothing was written.".into(),
    };
    println!("{verdict}");
    println!("{:<10} {:>8} {:>8} {:>10} {:>9}", "", "new", "updated", "unchanged", "rejected");
    let c = &report.counts;
    for (name, t) in
        [("products", &c.products), ("stock", &c.stock), ("clients", &c.clients), ("invoices", &c.invoices), ("lines", &c.lines)]
    {
        println!("{name:<10} {:>8} {:>8} {:>10} {:>9}", t.new, t.updated, t.unchanged, t.rejected);
    }
    for (label, list, total) in [("Error", &report.errors, report.error_count), ("Warning", &report.warnings, report.warning_count)] {
        for p in list.iter().take(50) {
            let text = format!("{} {}!{} ({}): {}", p.file, p.sheet, p.cell, p.column, p.message);
            println!("{label}: {}", printable(&text));
        }
        if total > 50 {
            println!("… and {} more {}s (see --json).", total - 50, label.to_lowercase());
        }
    }
}

fn print_lines(p: &LinesPage) {
    let t = &p.totals;
    println!("{} … {}: {} lines, {} invoices", p.window.from, p.window.to, t.lines, t.invoices);
    println!(
        "{:<10} {:<12} {:<18} {:<26} {:>8} {:>10} {:>11} {:>11}",
        "date", "invoice", "client", "product", "qty", "unit price", "revenue", "profit"
    );
    for l in &p.lines {
        let client = l.client_name.as_deref().or(l.client_id.as_deref()).unwrap_or("-");
        println!(
            "{:<10} {:<12} {:<18} {:<26} {:>8} {:>10} {:>11} {:>11}",
            l.date,
            clip(&l.invoice_id, 12),
            clip(client, 18),
            clip(&format!("{} {}", l.product_id, l.product_name), 26),
            l.qty,
            l.unit_price,
            l.revenue,
            l.profit.as_deref().unwrap_or("unknown")
        );
    }
    if t.lines > p.lines.len() as u64 {
        println!("… and {} more lines (--limit, --xlsx).", t.lines - p.lines.len() as u64);
    }
    println!(
        "{:<10} {:<12} {:<18} {:<26} {:>8} {:>10} {:>11} {:>11}",
        "total",
        "",
        "",
        "",
        t.qty,
        "",
        t.revenue,
        t.profit.as_deref().unwrap_or("unknown")
    );
}

fn print_report(r: &analytics::Report) {
    let (c, p) = (&r.kpis.current, &r.kpis.previous);
    println!("As of {} — window {} … {}\n", r.as_of, r.window.from, r.window.to);
    println!("{:<16} {:>14} {:>14}", "", "this period", "previous");
    let rows: [(&str, String, String); 8] = [
        ("revenue", c.revenue.clone(), p.revenue.clone()),
        ("profit", c.profit.clone().unwrap_or_else(|| "unknown".into()), p.profit.clone().unwrap_or_else(|| "unknown".into())),
        ("margin rate", c.margin_rate.clone().unwrap_or_default(), p.margin_rate.clone().unwrap_or_default()),
        ("invoices", c.invoices.to_string(), p.invoices.to_string()),
        ("average basket", c.average_basket.clone().unwrap_or_default(), p.average_basket.clone().unwrap_or_default()),
        ("units sold", c.units_sold.clone(), p.units_sold.clone()),
        ("stock value", c.stock_value.clone(), p.stock_value.clone()),
        ("value at risk", c.value_at_risk.clone(), p.value_at_risk.clone()),
    ];
    for (label, now, before) in rows {
        println!("{label:<16} {now:>14} {before:>14}");
    }
    println!("\nTop products by {}", r.ranked_by);
    println!("{:>4}  {:<10} {:<34} {:>8} {:>12} {:>12}", "#", "product", "name", "qty", "revenue", "profit");
    for w in &r.winners {
        println!(
            "{:>4}  {:<10} {:<34} {:>8} {:>12} {:>12}",
            w.rank,
            printable(&w.product_id),
            clip(&w.name, 34),
            w.quantity,
            w.revenue,
            w.profit.as_deref().unwrap_or("unknown")
        );
    }
    println!("\nLosers: {}", r.losers.len());
    for l in r.losers.iter().take(10) {
        println!("      {:<10} {:<34} {:>12}  {}", printable(&l.product_id), clip(&l.name, 34), l.profit, printable(&l.reasons.join(", ")));
    }
    println!("\nStock at risk: {} batches", r.loss_risk.len());
    println!("      {:<8} {:<30} {:>8} {:>11} {:>11}  reasons", "stock", "name", "qty", "at risk", "lost (est.)");
    for s in r.loss_risk.iter().take(10) {
        println!(
            "      {:<8} {:<30} {:>8} {:>11} {:>11}  {}",
            printable(&s.stock_id),
            clip(&s.name, 30),
            s.quantity,
            s.value_at_risk.as_deref().unwrap_or("-"),
            s.forecast_leftover_value.as_deref().unwrap_or("-"),
            printable(&s.reasons.join(", "))
        );
    }
    println!("\nMarkdown suggestions: {} batches", r.markdowns.len());
    if !r.markdowns.is_empty() {
        println!(
            "      {:<8} {:<24} {:>5} {:<8} {:>4} {:>9} {:>9} {:>10} {:>12}",
            "stock", "name", "e", "from", "off", "price", "expected", "recovered", "lost without"
        );
    }
    for m in r.markdowns.iter().take(10) {
        let off = m.discount.parse::<f64>().map(|d| format!("{:.0}%", d * 100.0)).unwrap_or_else(|_| m.discount.clone());
        println!(
            "      {:<8} {:<24} {:>5} {:<8} {:>4} {:>9} {:>9} {:>10} {:>12}{}",
            printable(&m.stock_id),
            clip(&m.name, 24),
            m.elasticity,
            m.elasticity_source,
            off,
            m.suggested_price.as_deref().unwrap_or("-"),
            m.units_expected,
            m.money_recovered.as_deref().unwrap_or("-"),
            m.money_lost_without.as_deref().unwrap_or("-"),
            if m.cannot_clear { "  cannot clear at the maximum discount" } else { "" }
        );
    }
    let to_order = r.replenishment.iter().filter(|p| p.reorder).count();
    println!("\nReplenishment: {} products sold in the last 30 days, {to_order} to reorder", r.replenishment.len());
    if !r.replenishment.is_empty() {
        println!(
            "      {:<10} {:<28} {:>9} {:>8} {:>7} {:<10} {:<7} {:>8}",
            "product", "name", "on hand", "per day", "cover", "stock-out", "reorder", "order"
        );
    }
    for p in r.replenishment.iter().take(10) {
        println!(
            "      {:<10} {:<28} {:>9} {:>8} {:>7} {:<10} {:<7} {:>8}",
            printable(&p.product_id),
            clip(&p.name, 28),
            p.on_hand,
            p.daily_rate,
            p.days_of_cover,
            p.stock_out_date.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
            if p.reorder { "yes" } else { "no" },
            p.suggested_quantity.as_deref().unwrap_or("-")
        );
    }
    let tiers = |t: &str| r.clients.iter().filter(|c| c.tier == t).count();
    let promo = r.clients.iter().filter(|c| c.eligible_promo).count();
    println!(
        "\nClients: {} Gold, {} Silver, {} Standard; {promo} eligible for the promotion",
        tiers("Gold"),
        tiers("Silver"),
        tiers("Standard")
    );
    for c in r.clients.iter().take(5) {
        println!("      {:<8} {:<30} {:>12}  {}", printable(&c.client_id), clip(&c.name, 30), c.lifetime_revenue, c.tier);
    }
    let q = &r.data_quality;
    println!(
        "\nData quality: {} lines without cost ({} of revenue), {} products known only from sales, {} rows set aside by the last import, {} stock adjustments (not sales)",
        q.lines_without_cost, q.revenue_without_cost, q.products_unknown_to_products_sheet, q.rejected_rows_last_import,
        q.adjustment_lines
    );
}

/// At most `n` characters of workbook text, safe to print.
fn clip(s: &str, n: usize) -> String {
    printable(s).chars().take(n).collect()
}
