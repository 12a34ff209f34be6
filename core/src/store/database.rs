//! The hot store: one DuckDB file, schema versioned and migrated on open.

use crate::error::{CoreError, Result};
use crate::store::place::{lake_beside, lake_of_damaged, LakeFound};
use duckdb::{params, Connection};
use std::path::{Path, PathBuf};

/// Schema changes happen here only, at open, never inside an import.
const MIGRATIONS: &[&str] = &[
    include_str!("sql/schema_v1.sql"),
    include_str!("sql/schema_v2.sql"),
    include_str!("sql/schema_v3.sql"),
    include_str!("sql/schema_v4.sql"),
    include_str!("sql/schema_v5.sql"),
    include_str!("sql/schema_v6.sql"),
    include_str!("sql/schema_v7.sql"),
    include_str!("sql/schema_v8.sql"),
    include_str!("sql/schema_v9.sql"),
];

/// Analytics views: table macros, re-created (as temporary objects) on every open.
/// The analytics views and what they share: macros, installed in the store
/// once per version of their text, and the temporary tables and views each
/// connection makes for itself (`CREATE OR REPLACE TEMP …`), in file order
/// (`install_views`).
pub const VIEWS: &[(&str, &str)] = &[
    ("macros", include_str!("sql/macros.sql")),
    ("settings", include_str!("sql/settings.sql")),
    ("line_economics", include_str!("../analytics/sql/line_economics.sql")),
    ("product_sales", include_str!("../analytics/sql/product_sales.sql")),
    ("winners", include_str!("../analytics/sql/winners.sql")),
    ("losers", include_str!("../analytics/sql/losers.sql")),
    ("loss_risk", include_str!("../analytics/sql/loss_risk.sql")),
    ("markdowns", include_str!("../analytics/sql/markdowns.sql")),
    ("replenishment", include_str!("../analytics/sql/replenishment.sql")),
    ("clients", include_str!("../analytics/sql/clients.sql")),
    ("kpis", include_str!("../analytics/sql/kpis.sql")),
    ("stock_ageing", include_str!("../analytics/sql/stock_ageing.sql")),
    ("data_quality", include_str!("../analytics/sql/data_quality.sql")),
    ("sales_timeline", include_str!("../analytics/sql/sales_timeline.sql")),
    ("category_sales", include_str!("../analytics/sql/category_sales.sql")),
    ("drill_lines", include_str!("../analytics/sql/drill_lines.sql")),
];

/// DuckDB's memory on a shop's desktop, rather than its default of 80 % of the
/// machine's: a report on the five-year, 100,000,000-line benchmark store
/// peaks at ~270 MB. Work that needs less says so (`Store::with_memory_limit`).
pub const MEMORY_LIMIT_MB: u64 = 1024;
const MEMORY_LIMIT: &str = "1024MB";

/// The settings key of the store's identity (never listed, never copied to a lake's settings).
pub const STORE_ID_KEY: &str = "store_id";
/// The administrator's passphrase (an argon2 hash), never listed nor exported.
pub const PASSPHRASE_KEY: &str = "admin_passphrase";

/// From now on this process creates files and folders for their owner only
/// (0600 / 0700). Everything Comptoir writes is the shop's own data.
pub fn owner_only_files() {
    // SAFETY: umask only swaps the process's file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Removes group and other access from an existing file (0600) or folder (0700) of ours.
fn tighten(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        let mode = if meta.is_dir() { 0o700 } else { 0o600 };
        if !meta.file_type().is_symlink() && meta.permissions().mode() & 0o077 != 0 {
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
        }
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    ///
    /// The store, its write-ahead log and its lake are its owner's alone: the
    /// process creates its files owner-only from here on (DuckDB creates and
    /// re-creates the `.wal` itself, so a permission set after the fact would
    /// not cover it), and a store made by an older version is tightened.
    pub fn open(path: &Path) -> Result<Store> {
        owner_only_files();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| CoreError::StoreOpen { path: path.display().to_string(), reason: e.to_string() })?;
        }
        let conn = Connection::open(path).map_err(|e| open_error(path, &e.to_string()))?;
        for file in [path.to_path_buf(), PathBuf::from(format!("{}.wal", path.display())), lake_beside(path)] {
            tighten(&file);
        }
        // A file that opens but cannot be read or migrated is damaged too.
        Self::init(conn, path.to_path_buf()).map_err(|e| match e {
            CoreError::Store(reason) => open_error(path, &reason),
            other => other,
        })
    }

    /// A throw-away store in memory (tests, dry runs of tools).
    pub fn open_in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?, PathBuf::from(":memory:"))
    }

    fn init(conn: Connection, path: PathBuf) -> Result<Store> {
        conn.execute_batch(&format!("SET memory_limit = '{MEMORY_LIMIT}'"))?;
        conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);")?;
        let current: i64 = conn.query_row("SELECT coalesce(max(version), 0) FROM schema_version", [], |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let version = i as i64 + 1;
            in_transaction(&conn, |conn| {
                conn.execute_batch(sql)?;
                conn.execute("INSERT INTO schema_version VALUES (?)", params![version])?;
                Ok(())
            })?;
        }
        crate::store::catalog::install_defaults(&conn)?;
        install_views(&conn)?;
        // Made at the first open after v5 and v6, and again if that ever did not finish
        // (the month fill makes the fits too).
        let months = "SET VARIABLE months_from = (SELECT min(sale_date) FROM sales_product_day);
                      SET VARIABLE months_to = (SELECT max(sale_date) FROM sales_product_day);
                      CREATE OR REPLACE TEMP TABLE changed_products AS SELECT DISTINCT product_id FROM sales_product_day;"
            .to_string()
            + include_str!("sql/product_months.sql");
        fill_once(&conn, &path, "the monthly sales figures", "sales_product_day", "sales_product_month", &months)?;
        let fits = "INSERT INTO sales_product_fit SELECT * FROM product_fits(DATE '9999-12-01', DATE '9999-12-31', DATE '9999-12-30')";
        fill_once(&conn, &path, "the whole-history sales fits", "sales_product_month", "sales_product_fit", fits)?;
        // The store's identity, which its lake records (a lake of another store is refused).
        conn.execute(
            "INSERT INTO settings SELECT ?, CAST(gen_random_uuid() AS VARCHAR) WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = ?)",
            params![STORE_ID_KEY, STORE_ID_KEY],
        )?;
        Ok(Store { conn, path })
    }

    /// The store's identity: a random id made when the store was created.
    pub fn id(&self) -> Result<String> {
        Ok(self.conn.query_row("SELECT value FROM settings WHERE key = ?", params![STORE_ID_KEY], |r| r.get(0))?)
    }

    /// Takes the identity of the store this one is rebuilt from.
    pub(crate) fn set_id(&self, id: &str) -> Result<()> {
        self.conn.execute("UPDATE settings SET value = ? WHERE key = ?", params![id, STORE_ID_KEY])?;
        Ok(())
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` with DuckDB's memory bounded to `limit` (beyond it, DuckDB
    /// spills to disk), then gives DuckDB its usual memory back.
    pub fn with_memory_limit<T>(&self, limit: &str, work: impl FnOnce() -> Result<T>) -> Result<T> {
        self.with_setting(&format!("SET memory_limit = '{limit}'"), &format!("SET memory_limit = '{MEMORY_LIMIT}'"), work)
    }

    /// Runs `work` with DuckDB on one thread, then gives it all of them back.
    /// For work that is sequential anyway, beside other processes: with a
    /// second thread, the calling thread waits for the other's last task in a
    /// busy loop (DuckDB's `QueryResult::CompleteInternal`), taking a core
    /// that an import's reading children need.
    pub fn with_one_thread<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        self.with_setting("SET threads = 1", "RESET threads", work)
    }

    /// Runs `set`, then `work`, then `usual` however `work` ends.
    pub(crate) fn with_setting<T>(&self, set: &str, usual: &str, work: impl FnOnce() -> Result<T>) -> Result<T> {
        /// Puts the usual setting back however `work` ends, a panic included (the store outlives it).
        struct Usual<'a>(&'a Connection, &'a str);
        impl Drop for Usual<'_> {
            fn drop(&mut self) {
                if let Err(e) = self.0.execute_batch(self.1) {
                    tracing::warn!("DuckDB's usual setting could not be put back ({}): {e}", self.1);
                }
            }
        }
        self.conn.execute_batch(set)?;
        let _usual = Usual(&self.conn, usual);
        work()
    }

    pub fn has_data(&self) -> Result<bool> {
        let n: i64 = self.conn.query_row("SELECT (SELECT count(*) FROM products) + (SELECT count(*) FROM invoices)", [], |r| r.get(0))?;
        Ok(n > 0)
    }
}

/// Adds the sales of import `import_id`'s invoices (of every invoice when
/// None) to the aggregates the analytics read, and recomputes the months they fall in.
pub fn add_sales_aggregates(conn: &Connection, import_id: Option<i64>) -> duckdb::Result<()> {
    conn.execute("SET VARIABLE aggregate_import = ?", params![import_id])?;
    conn.execute_batch(STORED_SALES_LINES)?;
    conn.execute_batch(
        "CREATE OR REPLACE TEMP VIEW sales_invoices AS
         SELECT import_id, ts, client_id, sum(cents(qty, unit_price)) AS revenue
         FROM sales_lines GROUP BY import_id, ts, client_id, invoice_id;",
    )?;
    aggregate_sales(conn)
}

/// The written lines of import `aggregate_import` (all when NULL), each with
/// its invoice. (The lines' own import_id lets DuckDB skip older row groups.)
const STORED_SALES_LINES: &str = "CREATE OR REPLACE TEMP VIEW sales_lines AS
    SELECT i.import_id, i.ts, i.client_id, i.invoice_id, l.product_id, l.qty, l.unit_price
    FROM invoice_lines l JOIN invoices i USING (invoice_id)
    WHERE getvariable('aggregate_import') IS NULL
       OR (i.import_id = getvariable('aggregate_import') AND l.import_id = getvariable('aggregate_import'));";

/// Adds the sales of import `import_id` after `import_write.sql` wrote them:
/// its lines as written, but each invoice's revenue as the checks summed it
/// (`line_sums`, by the key staging gave the invoice), instead of summing the
/// written lines again by invoice id. The figures are `add_sales_aggregates`'s.
pub fn add_staged_sales_aggregates(conn: &Connection, import_id: i64) -> duckdb::Result<()> {
    conn.execute("SET VARIABLE aggregate_import = ?", params![import_id])?;
    conn.execute_batch(STORED_SALES_LINES)?;
    conn.execute_batch(
        "CREATE OR REPLACE TEMP VIEW sales_invoices AS
         SELECT getvariable('aggregate_import') AS import_id, f.ts, f.client_id, s.revenue
         FROM fin_invoices f JOIN line_sums s USING (inv_key)
         WHERE f.change = 'new';",
    )?;
    aggregate_sales(conn)
}

fn aggregate_sales(conn: &Connection) -> duckdb::Result<()> {
    conn.execute_batch(include_str!("sql/sales_aggregates.sql"))?;
    refresh_product_months(conn)
}

/// Makes `VIEWS` at open. Parsing and checking their macros is most of an
/// open's time and loading them is not, so the store keeps them: a store that
/// holds this version of their text only makes each connection's temporary
/// tables and views; any other (new, or last opened by another build) gets
/// every file run again, in order, since a macro is checked against the
/// tables it reads when it is made.
fn install_views(conn: &Connection) -> Result<()> {
    let version = views_version();
    let installed: Option<String> = conn.query_row("SELECT max(version) FROM installed_macros", [], |r| r.get(0))?;
    if installed.as_deref() == Some(version.as_str()) {
        for (_, sql) in VIEWS {
            for statement in connection_statements(sql) {
                conn.execute_batch(statement)?;
            }
        }
        return Ok(());
    }
    in_transaction(conn, |conn| {
        for (_, sql) in VIEWS {
            conn.execute_batch(sql)?;
        }
        conn.execute("DELETE FROM installed_macros", [])?;
        conn.execute("INSERT INTO installed_macros VALUES (?)", params![version])?;
        Ok(())
    })
}

/// A digest of the text of `VIEWS`.
fn views_version() -> String {
    use sha2::{Digest, Sha256};
    let mut digest = Sha256::new();
    for (name, sql) in VIEWS {
        digest.update(name.as_bytes());
        digest.update(sql.as_bytes());
    }
    digest.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The statements of a views file that make temporary objects: each starts a
/// line with `CREATE OR REPLACE TEMP` and ends with a line ending in `;`.
fn connection_statements(sql: &str) -> impl Iterator<Item = &str> {
    sql.match_indices("\nCREATE OR REPLACE TEMP ").map(move |(start, _)| {
        let rest = &sql[start + 1..];
        let end = rest.find(";\n").map_or(rest.len(), |e| e + 1);
        &rest[..end]
    })
}

/// Runs `fill` (in one transaction, said in the log) when `table` is empty but
/// `source`, which it is made from, is not: a table a newer schema added.
fn fill_once(conn: &Connection, path: &Path, what: &str, source: &str, table: &str, fill: &str) -> Result<()> {
    let missing: bool = conn.query_row(&format!("SELECT EXISTS (FROM {source}) AND NOT EXISTS (FROM {table})"), [], |r| r.get(0))?;
    if missing {
        tracing::info!("building {what} of {} (once; a large store takes a few seconds)", path.display());
        in_transaction(conn, |conn| Ok(conn.execute_batch(fill)?))?;
    }
    Ok(())
}

/// Recomputes sales_product_month and sales_client_month for the months from
/// the variable `months_from` to `months_to` (set by whoever changed the daily
/// aggregates).
pub fn refresh_product_months(conn: &Connection) -> duckdb::Result<()> {
    conn.execute_batch(include_str!("sql/product_months.sql"))
}

/// Runs `work` in one transaction: committed when it succeeds, rolled back
/// when it fails. A rollback that fails too never hides the first error.
pub fn in_transaction<T>(conn: &Connection, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    conn.execute_batch("BEGIN TRANSACTION")?;
    match work(conn).and_then(|value| conn.execute_batch("COMMIT").map(|_| value).map_err(CoreError::from)) {
        Ok(value) => Ok(value),
        Err(first) => {
            if let Err(e) = conn.execute_batch("ROLLBACK") {
                tracing::warn!("the transaction could not be rolled back after an error ({e}); DuckDB discards it on close");
            }
            Err(first)
        }
    }
}

impl Store {
    /// Recomputes the sales aggregates from the invoices, in one transaction.
    pub fn rebuild_sales_aggregates(&self) -> Result<()> {
        in_transaction(&self.conn, |conn| {
            conn.execute_batch(
                "DELETE FROM sales_product_day; DELETE FROM sales_client_day; DELETE FROM sales_product_month; DELETE FROM sales_product_fit;
                 DELETE FROM sales_client_month; DELETE FROM sales_product_last;",
            )?;
            Ok(add_sales_aggregates(conn, None)?)
        })
    }
}

/// Why a store did not open, as one typed error. DuckDB's lock message names
/// the other process: say it plainly. Permissions are not damage; anything
/// else (not a DuckDB file, a log that cannot be replayed, unreadable
/// catalog) is, and the lake beside it, if there is one, is offered.
fn open_error(path: &Path, msg: &str) -> CoreError {
    let first = msg.lines().next().unwrap_or_default().trim_end_matches(['.', '!']);
    let display = path.display().to_string();
    if let Some(pos) = first.find("PID ") {
        let pid: String = first[pos + 4..].chars().take_while(|c| c.is_ascii_digit()).collect();
        return CoreError::StoreOpen { path: display, reason: format!("the store is in use by another Comptoir (pid {pid})") };
    }
    if first.contains("Permission denied") || first.contains("Read-only file system") || first.contains("No space left") {
        return CoreError::StoreOpen { path: display, reason: first.to_string() };
    }
    // "IO Error: …", "Serialization Error: …": the category says nothing to a shop owner.
    let reason = first.split_once(" Error: ").filter(|(kind, _)| !kind.contains(' ')).map_or(first, |(_, rest)| rest);
    let lake = match lake_of_damaged(path) {
        LakeFound::Own(lake) => Some(lake.display().to_string()),
        _ => None,
    };
    CoreError::StoreDamaged { path: display, reason: reason.to_string(), lake }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_created_once_and_reopened() {
        let dir = std::env::temp_dir().join(format!("comptoir-store-test-{}", std::process::id()));
        let path = dir.join("s.duckdb");
        let _ = std::fs::remove_dir_all(&dir);
        {
            let s = Store::open(&path).unwrap();
            assert!(!s.has_data().unwrap());
        }
        let s = Store::open(&path).unwrap();
        let versions: i64 = s.conn().query_row("SELECT count(*) FROM schema_version", [], |r| r.get(0)).unwrap();
        assert_eq!(versions, MIGRATIONS.len() as i64);
        drop(s);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The store keeps the macros of the build that last installed them: a
    /// store holding this build's version is not given them again, and one
    /// holding another version (an older or a newer build's) gets this build's.
    #[test]
    fn a_store_keeps_its_macros_and_gets_this_builds_when_they_differ() {
        let dir = std::env::temp_dir().join(format!("comptoir-macros-test-{}", std::process::id()));
        let path = dir.join("s.duckdb");
        let _ = std::fs::remove_dir_all(&dir);
        let money = |s: &Store| -> String { s.conn().query_row("SELECT money(1.005)", [], |r| r.get(0)).unwrap() };
        let tamper = |s: &Store| s.conn().execute_batch("CREATE OR REPLACE MACRO money(x) AS 'another build''s'").unwrap();
        {
            let s = Store::open(&path).unwrap();
            assert_eq!(money(&s), "1.01");
            tamper(&s);
        }
        {
            // Same version: what the store holds is used as it is (nothing is made again).
            let s = Store::open(&path).unwrap();
            assert_eq!(money(&s), "another build's");
            s.conn().execute_batch("UPDATE installed_macros SET version = 'another build'").unwrap();
        }
        let s = Store::open(&path).unwrap();
        assert_eq!(money(&s), "1.01");
        let version: String = s.conn().query_row("SELECT version FROM installed_macros", [], |r| r.get(0)).unwrap();
        assert_eq!(version, views_version());
        // Each connection still has its own temporary tables and views.
        let empty: i64 = s.conn().query_row("SELECT count(*) FROM product_sales_kept", [], |r| r.get(0)).unwrap();
        assert_eq!(empty, 0);
        drop(s);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// What a connection makes for itself: every `CREATE OR REPLACE TEMP`
    /// statement of the views files, each whole and alone.
    #[test]
    fn each_connection_makes_every_temporary_object_of_the_views_files() {
        let mut found = 0;
        for (name, sql) in VIEWS {
            let statements: Vec<&str> = connection_statements(sql).collect();
            assert_eq!(statements.len(), sql.matches("CREATE OR REPLACE TEMP ").count(), "{name}");
            for statement in &statements {
                assert!(statement.starts_with("CREATE OR REPLACE TEMP ") && statement.ends_with(';'), "{name}: {statement}");
                assert_eq!(statement.matches("CREATE ").count(), 1, "{name}: {statement}");
            }
            found += statements.len();
        }
        // settings_effective, setting_num, product_sales_kept, changed_products, last_sales_kept, at_risk
        assert_eq!(found, 6);
    }

    /// cents() multiplies in 64 bits below its bounds and in 128 above them:
    /// on both sides of each bound, ties included, it rounds the exact product
    /// half away from zero, as rust_decimal does.
    #[test]
    fn cents_rounds_the_exact_product_on_both_sides_of_its_bounds() {
        use rust_decimal::{Decimal, RoundingStrategy};
        let store = Store::open_in_memory().unwrap();
        let quantities = ["0.001", "1", "3.333", "-2.5", "999999.999", "-999999.999", "1000000", "-1000000.001", "12345678.125"];
        let prices = ["0.0001", "0.005", "0.0050", "0.125", "-0.015", "99999.9999", "-99999.9999", "100000", "1234567.1235"];
        for q in quantities {
            for p in prices {
                let sql = format!("SELECT cents(CAST('{q}' AS DECIMAL(18, 3)), CAST('{p}' AS DECIMAL(18, 4)))::VARCHAR");
                let got: String = store.conn().query_row(&sql, [], |r| r.get(0)).unwrap();
                let exact = (q.parse::<Decimal>().unwrap() * p.parse::<Decimal>().unwrap())
                    .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
                assert_eq!(got.parse::<Decimal>().unwrap(), exact, "cents({q}, {p})");
            }
        }
    }

    #[test]
    fn lock_message_names_the_other_process() {
        let msg = "IO Error: Could not set lock on file \"x\": Conflicting lock is held in /usr/bin/comptoir (PID 4242) by user root.";
        let e = open_error(Path::new("/x/s.duckdb"), msg);
        assert_eq!(e.to_string(), "The store at /x/s.duckdb cannot be opened: the store is in use by another Comptoir (pid 4242).");
    }
}
