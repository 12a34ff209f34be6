//! Cold storage (SPEC §6): Parquet files (zstd) that Spark, DuckDB and Polars
//! read as they are, and from which the store can be rebuilt alone.
//!
//! `lake/` beside the database holds one raw batch per import,
//! `raw/<table>/import_id=<id>/part-0.parquet`: the rows that import wrote. It is
//! written after the database commit; a batch that could not be written stays
//! marked (`imports.lake_written = false`) and is written at the next open. Undo
//! removes its batch. `export-lake DIR` writes the same raw batches plus curated
//! tables (sales partitioned by `year=/month=`); `restore DIR` rebuilds a store.

use crate::error::{CoreError, Result};
use crate::store::Store;
use duckdb::params;
use std::path::{Path, PathBuf};

/// Tables of a raw batch: each keeps the rows whose `import_id` is the batch's.
const RAW_TABLES: [&str; 6] = ["products", "stock", "clients", "invoices", "invoice_lines", "imports"];
/// Master tables and their keys: on restore, the latest batch's row wins.
const MASTER_TABLES: [(&str, &str); 3] = [("products", "product_id"), ("stock", "stock_id"), ("clients", "client_id")];

/// The lake beside a store's file; None for an in-memory store.
pub fn beside(store: &Store) -> Option<PathBuf> {
    let path = store.path();
    (path != Path::new(":memory:")).then(|| crate::store::lake_beside(path))
}

fn sql_path(p: &Path) -> String {
    p.display().to_string().replace('\'', "''")
}

fn io_error(path: &Path, e: std::io::Error) -> CoreError {
    CoreError::Write { path: path.display().to_string(), reason: e.to_string() }
}

/// Writes import `import_id`'s raw batch under `lake` (each table's directory
/// appears whole or not at all: written aside, then renamed).
pub fn write_batch(store: &Store, lake: &Path, import_id: i64) -> Result<()> {
    for table in RAW_TABLES {
        let dir = lake.join("raw").join(table).join(format!("import_id={import_id}"));
        let aside = lake.join("raw").join(table).join(format!(".import_id={import_id}.partial"));
        let _ = std::fs::remove_dir_all(&aside);
        std::fs::create_dir_all(&aside).map_err(|e| io_error(&aside, e))?;
        store.conn().execute_batch(&format!(
            "COPY (SELECT * EXCLUDE (import_id) FROM {table} WHERE import_id = {import_id})
             TO '{}' (FORMAT parquet, COMPRESSION zstd)",
            sql_path(&aside.join("part-0.parquet"))
        ))?;
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::rename(&aside, &dir).map_err(|e| io_error(&dir, e))?;
    }
    Ok(())
}

/// After an import's commit: writes its batch beside the store and marks it
/// written. A failure is reported but loses nothing: the batch stays pending.
pub fn after_import(store: &Store, import_id: i64) -> Result<()> {
    let Some(lake) = beside(store) else { return Ok(()) };
    write_batch(store, &lake, import_id)?;
    store.conn().execute("UPDATE imports SET lake_written = true WHERE import_id = ?", params![import_id])?;
    Ok(())
}

/// Keeps the settings (thresholds, the administrator's passphrase hash…) in
/// the lake beside the store, so a rebuild from it loses none of them.
pub fn write_settings(store: &Store) -> Result<()> {
    let Some(lake) = beside(store) else { return Ok(()) };
    std::fs::create_dir_all(&lake).map_err(|e| io_error(&lake, e))?;
    let target = lake.join("settings.parquet");
    let aside = lake.join(".settings.parquet.partial");
    store.conn().execute_batch(&format!(
        "COPY (SELECT * FROM settings) TO '{}' (FORMAT parquet, COMPRESSION zstd)",
        sql_path(&aside)
    ))?;
    std::fs::rename(&aside, &target).map_err(|e| io_error(&target, e))
}

/// Writes the batches a failure (or a crash) left pending; returns how many.
pub fn write_pending(store: &Store) -> Result<usize> {
    let Some(lake) = beside(store) else { return Ok(0) };
    if lake.is_dir() && !lake.join("settings.parquet").is_file() {
        write_settings(store)?;
    }
    let mut stmt = store
        .conn()
        .prepare("SELECT import_id FROM imports WHERE NOT lake_written AND undone_at IS NULL ORDER BY import_id")?;
    let pending: Vec<i64> = stmt.query_map([], |r| r.get(0))?.collect::<duckdb::Result<_>>()?;
    for id in &pending {
        after_import(store, *id)?;
    }
    Ok(pending.len())
}

/// After an undo: its batch leaves the lake, so a restore does not bring it back.
pub fn after_undo(store: &Store, import_id: i64) -> Result<()> {
    let Some(lake) = beside(store) else { return Ok(()) };
    for table in RAW_TABLES {
        let dir = lake.join("raw").join(table).join(format!("import_id={import_id}"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        }
    }
    Ok(())
}

/// Writes the raw batches of every import still in effect, the settings, and
/// curated tables: products, stock, clients, invoices, and the sales lines
/// (with their invoice's time and client) partitioned by `year=/month=`.
pub fn export(store: &Store, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    let mut stmt = store.conn().prepare("SELECT import_id FROM imports WHERE undone_at IS NULL ORDER BY import_id")?;
    let ids: Vec<i64> = stmt.query_map([], |r| r.get(0))?.collect::<duckdb::Result<_>>()?;
    for id in ids {
        write_batch(store, dir, id)?;
    }
    let curated = dir.join("curated");
    let _ = std::fs::remove_dir_all(&curated);
    std::fs::create_dir_all(&curated).map_err(|e| io_error(&curated, e))?;
    let copy = |select: &str, target: &Path, extra: &str| -> Result<()> {
        store.conn().execute_batch(&format!(
            "COPY ({select}) TO '{}' (FORMAT parquet, COMPRESSION zstd{extra})",
            sql_path(target)
        ))?;
        Ok(())
    };
    for table in ["products", "stock", "clients", "invoices"] {
        copy(&format!("SELECT * FROM {table}"), &curated.join(format!("{table}.parquet")), "")?;
    }
    copy(
        "SELECT l.invoice_id, l.line_no, l.product_id, l.qty, l.unit_price, i.ts, i.client_id, l.import_id,
                year(i.ts) AS year, month(i.ts) AS month
         FROM invoice_lines l JOIN invoices i USING (invoice_id)",
        &curated.join("sales"),
        ", PARTITION_BY (year, month)",
    )?;
    copy("SELECT * FROM settings", &dir.join("settings.parquet"), "")?;
    Ok(())
}

/// What [`recover`] did.
pub struct Recovered {
    pub store: Store,
    /// Where the damaged file now is (its write-ahead log beside it, `.wal`).
    pub kept_aside: PathBuf,
    pub imports: i64,
}

/// Rebuilds a store that does not open from the lake beside it. The damaged
/// file and its write-ahead log are moved aside, never deleted; if the rebuild
/// fails they are put back, so nothing is lost either way.
pub fn recover(db: &Path) -> Result<Recovered> {
    match Store::open(db) {
        Ok(_) => {
            return Err(CoreError::Usage(format!("{} opens normally; there is nothing to recover.", db.display())));
        }
        Err(CoreError::StoreDamaged { lake: Some(_), .. }) => {}
        Err(e) => return Err(e),
    }
    let lake = crate::store::lake_beside(db);
    let name = db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let kept_aside = db.with_file_name(format!("{name}.damaged-{stamp}"));
    let wal = |p: &Path| PathBuf::from(format!("{}.wal", p.display()));
    let moves = [(db.to_path_buf(), kept_aside.clone()), (wal(db), wal(&kept_aside))];
    for (from, to) in &moves {
        if from.exists() {
            std::fs::rename(from, to).map_err(|e| io_error(from, e))?;
        }
    }
    match restore(&lake, db) {
        Ok(store) => {
            // The batches it was rebuilt from are the lake's own: nothing to write back.
            store.conn().execute_batch("UPDATE imports SET lake_written = true; CHECKPOINT")?;
            let imports = store.conn().query_row("SELECT count(*) FROM imports", [], |r| r.get(0))?;
            Ok(Recovered { store, kept_aside, imports })
        }
        Err(e) => {
            for (from, to) in &moves {
                if to.exists() {
                    let _ = std::fs::remove_file(from);
                    let _ = std::fs::rename(to, from);
                }
            }
            Err(e)
        }
    }
}

/// Builds a new store at `db` from the lake in `dir` alone.
pub fn restore(dir: &Path, db: &Path) -> Result<Store> {
    if db.exists() {
        return Err(CoreError::Usage(format!(
            "{} already exists; restore into a new file so that nothing is overwritten.",
            db.display()
        )));
    }
    let raw = dir.join("raw").join("imports");
    if !raw.is_dir() {
        return Err(CoreError::Usage(format!("{} holds no lake (no raw/imports folder).", dir.display())));
    }
    let store = Store::open(db)?;
    let conn = store.conn();
    let batches = |table: &str| {
        format!(
            "read_parquet('{}/*/*.parquet', hive_partitioning = true, hive_types = {{'import_id': BIGINT}})",
            sql_path(&dir.join("raw").join(table))
        )
    };
    let mut sql = String::from("BEGIN TRANSACTION;\n");
    for (table, key) in MASTER_TABLES {
        // The latest batch's row of each key is the current one (undone batches are gone).
        sql += &format!(
            "INSERT INTO {table} BY NAME SELECT * FROM {} QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY import_id DESC) = 1;\n",
            batches(table)
        );
    }
    for table in ["invoices", "invoice_lines", "imports"] {
        sql += &format!("INSERT INTO {table} BY NAME SELECT * FROM {};\n", batches(table));
    }
    let settings = dir.join("settings.parquet");
    if settings.is_file() {
        sql += &format!("INSERT INTO settings BY NAME SELECT * FROM read_parquet('{}');\n", sql_path(&settings));
    }
    sql += "COMMIT;";
    if let Err(e) = conn.execute_batch(&sql) {
        let _ = conn.execute_batch("ROLLBACK");
        return Err(e.into());
    }
    store.rebuild_sales_aggregates()?;
    conn.execute_batch("UPDATE imports SET lake_written = false; CHECKPOINT")?;
    Ok(store)
}
