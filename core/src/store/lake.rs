//! Cold storage (SPEC §6): Parquet files (zstd) that Spark, DuckDB and Polars
//! read as they are, and from which the store can be rebuilt alone.
//!
//! Each store has its own lake beside it, named after it (`comptoir.duckdb` →
//! `comptoir.lake/`), holding one raw batch per import,
//! `raw/<table>/import_id=<id>/part-0.parquet`: the rows that import wrote. It is
//! written after the database commit (on the desktop, once the window shows the
//! import's figures: `Service::write_lake`); a batch that could not be written stays
//! marked (`imports.lake_written = false`) and is written at the next open. Undo
//! removes its batch. `export-lake DIR` writes the same raw batches plus curated
//! tables (sales partitioned by `year=/month=`); `restore DIR` rebuilds a store.
//!
//! A lake knows whose it is: its `store-id` file records the store's identity
//! (a random id kept in the store) and the store's file name. Comptoir writes
//! only into a lake of the same id, and `restore`/`recover` refuse a lake of
//! another store. A damaged store cannot say its id, so `recover` compares what
//! it can: the file name the lake records must be the damaged file's. A lake
//! with no `store-id` is new, or from before one lake per store: the shared
//! `lake/` of those versions is moved to the store whose imports it holds.

use crate::error::{CoreError, Result};
use crate::store::database::{Store, PASSPHRASE_KEY, STORE_ID_KEY};
use crate::store::place::{file_name, lake_beside, lake_of_damaged, legacy_lake, read_identity, Identity, LakeFound, IDENTITY_FILE};
use duckdb::params;
use std::path::{Path, PathBuf};

/// Tables of a raw batch: each keeps the rows whose `import_id` is the batch's.
const RAW_TABLES: [&str; 6] = ["products", "stock", "clients", "invoices", "invoice_lines", "imports"];
/// How every lake file is written: zstd at its fastest level (DuckDB's default,
/// level 3, wrote a million-line import's batch ~10 % slower and 4 % larger),
/// and a dictionary only for a column with few distinct values (products,
/// clients): building one for the invoice ids and content hashes, to drop it
/// once it overflows, made that batch ~20 % slower and 1 % larger.
const PARQUET: &str = "FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, DICTIONARY_SIZE_LIMIT 4096";
/// Master tables and their keys: on restore, the latest batch's row wins.
const MASTER_TABLES: [(&str, &str); 3] = [("products", "product_id"), ("stock", "stock_id"), ("clients", "client_id")];

/// The lake beside a store's file; None for an in-memory store.
pub fn beside(store: &Store) -> Option<PathBuf> {
    let path = store.path();
    (path != Path::new(":memory:")).then(|| lake_beside(path))
}

fn write_identity(lake: &Path, who: &Identity) -> Result<()> {
    let target = lake.join(IDENTITY_FILE);
    let aside = lake.join(".store-id.partial");
    let text = format!("id={}\nfile={}\n", who.id, who.file);
    std::fs::write(&aside, text).map_err(|e| io_error(&aside, e))?;
    std::fs::rename(&aside, &target).map_err(|e| io_error(&target, e))
}

fn identity_of(store: &Store) -> Result<Identity> {
    Ok(Identity { id: store.id()?, file: file_name(store.path()) })
}

fn foreign(lake: &Path, other: &Identity) -> CoreError {
    CoreError::Usage(format!(
        "{} is the lake of another store ({}); nothing was written to it, and this store's lake waits until that folder is moved away.",
        lake.display(),
        other.file
    ))
}

/// The lake beside the store when it is this store's; None when there is none
/// yet (or it records no identity), or for a store in memory.
fn own_lake(store: &Store) -> Result<Option<PathBuf>> {
    let Some(lake) = beside(store) else { return Ok(None) };
    let me = identity_of(store)?;
    match read_identity(&lake) {
        None => Ok(None),
        Some(found) if found.id != me.id => Err(foreign(&lake, &found)),
        Some(found) => {
            if found.file != me.file {
                // The store and its lake were renamed together: still ours.
                write_identity(&lake, &me)?;
            }
            Ok(Some(lake))
        }
    }
}

/// Makes the lake beside the store this store's: the shared `lake/` of older
/// versions is moved there when it holds exactly this store's imports;
/// otherwise a new lake is started and every batch will be written to it.
fn adopt_lake(store: &Store, lake: &Path) -> Result<()> {
    let migrated = migrate_legacy(store, lake)?;
    std::fs::create_dir_all(lake).map_err(|e| io_error(lake, e))?;
    write_identity(lake, &identity_of(store)?)?;
    if !migrated {
        store.conn().execute_batch("UPDATE imports SET lake_written = false WHERE undone_at IS NULL")?;
    }
    write_settings(store)
}

/// Moves `lake/` (shared by every store of a folder before one lake per
/// store) to `lake` when it holds the batches of this store's imports and of
/// no other: the same import numbers, made at the same times from the same
/// files (names and SHA-256). Says whether it did.
fn migrate_legacy(store: &Store, lake: &Path) -> Result<bool> {
    let legacy = legacy_lake(store.path());
    if lake.exists() || !legacy.is_dir() || legacy.join(IDENTITY_FILE).exists() {
        return Ok(false);
    }
    let key = "import_id || '@' || CAST(imported_at AS VARCHAR) || '@' || files";
    let list = |sql: &str| -> Result<Vec<String>> {
        let mut stmt = store.conn().prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get(0))?.collect::<duckdb::Result<Vec<String>>>()?;
        Ok(rows)
    };
    let mine = list(&format!("SELECT {key} FROM imports WHERE lake_written AND undone_at IS NULL ORDER BY 1"))?;
    let raw = legacy.join("raw").join("imports");
    let held = if raw.is_dir() {
        list(&format!(
            "SELECT {key} FROM read_parquet('{}/*/*.parquet', hive_partitioning = true, hive_types = {{'import_id': BIGINT}}) ORDER BY 1",
            sql_path(&raw)
        ))?
    } else {
        Vec::new()
    };
    if mine != held {
        return Ok(false);
    }
    std::fs::rename(&legacy, lake).map_err(|e| io_error(lake, e))?;
    Ok(true)
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
             TO '{}' ({PARQUET})",
            sql_path(&aside.join("part-0.parquet"))
        ))?;
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::rename(&aside, &dir).map_err(|e| io_error(&dir, e))?;
    }
    Ok(())
}

/// After an import's commit: writes its batch (and any other still pending)
/// to the store's lake and marks it written. A failure is reported but loses
/// nothing: the batch stays pending.
pub fn after_import(store: &Store, _import_id: i64) -> Result<()> {
    write_pending(store).map(|_| ())
}

/// Keeps the settings (thresholds, the administrator's passphrase hash…) in
/// the store's own lake, so a rebuild from it loses none of them. The
/// identity stays the store's: a rebuilt store takes it from `store-id`.
pub fn write_settings(store: &Store) -> Result<()> {
    let Some(lake) = own_lake(store)? else { return Ok(()) };
    copy_settings(store, &lake.join("settings.parquet"), &[STORE_ID_KEY])
}

/// Copies the settings but `excluded` keys to `target` (written aside, then renamed).
fn copy_settings(store: &Store, target: &Path, excluded: &[&str]) -> Result<()> {
    let aside = target.with_file_name(".settings.parquet.partial");
    let keys: Vec<String> = excluded.iter().map(|k| format!("'{}'", k.replace('\'', "''"))).collect();
    store.conn().execute_batch(&format!(
        "COPY (SELECT * FROM settings WHERE key NOT IN ({})) TO '{}' ({PARQUET})",
        keys.join(", "),
        sql_path(&aside)
    ))?;
    std::fs::rename(&aside, target).map_err(|e| io_error(target, e))
}

/// Brings the store's lake up to date: makes it (or moves the shared `lake/`
/// of older versions there) when there is none yet, then writes the batches a
/// failure (or a crash) left pending; returns how many.
pub fn write_pending(store: &Store) -> Result<usize> {
    let Some(path) = beside(store) else { return Ok(0) };
    let lake = match own_lake(store)? {
        Some(lake) => lake,
        None => {
            adopt_lake(store, &path)?;
            path
        }
    };
    let mut stmt = store.conn().prepare("SELECT import_id FROM imports WHERE NOT lake_written AND undone_at IS NULL ORDER BY import_id")?;
    let pending: Vec<i64> = stmt.query_map([], |r| r.get(0))?.collect::<duckdb::Result<_>>()?;
    for id in &pending {
        write_batch(store, &lake, *id)?;
        store.conn().execute("UPDATE imports SET lake_written = true WHERE import_id = ?", params![id])?;
    }
    Ok(pending.len())
}

/// After an undo: its batch leaves the lake, so a restore does not bring it back.
pub fn after_undo(store: &Store, import_id: i64) -> Result<()> {
    let Some(lake) = own_lake(store)? else { return Ok(()) };
    for table in RAW_TABLES {
        let dir = lake.join("raw").join(table).join(format!("import_id={import_id}"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        }
    }
    Ok(())
}

/// Writes the raw batches of every import still in effect, the settings (but
/// the administrator's passphrase), and
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
        store.conn().execute_batch(&format!("COPY ({select}) TO '{}' ({PARQUET}{extra})", sql_path(target)))?;
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
    // Never the administrator's passphrase hash (an export travels), nor the identity.
    copy_settings(store, &dir.join("settings.parquet"), &[PASSPHRASE_KEY, STORE_ID_KEY])
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
    let damaged = match Store::open(db) {
        Ok(_) => {
            return Err(CoreError::Usage(format!("{} opens normally; there is nothing to recover.", db.display())));
        }
        Err(e @ CoreError::StoreDamaged { .. }) => e,
        Err(e) => return Err(e),
    };
    let lake = match lake_of_damaged(db) {
        LakeFound::Own(lake) => lake,
        LakeFound::Foreign { lake, store } => {
            return Err(CoreError::Usage(format!(
                "{} is the lake of another store ({store}), not of {}; nothing was changed.",
                lake.display(),
                file_name(db)
            )));
        }
        LakeFound::Missing => return Err(damaged),
    };
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
            // A shared `lake/` of older versions moves to the store's own name at its next open.
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
        return Err(CoreError::Usage(format!("{} already exists; restore into a new file so that nothing is overwritten.", db.display())));
    }
    let raw = dir.join("raw").join("imports");
    if !raw.is_dir() {
        return Err(CoreError::Usage(format!("{} holds no lake (no raw/imports folder).", dir.display())));
    }
    // The new store's lake will be beside it: it must be this very lake, or not exist yet.
    let beside = lake_beside(db);
    let same = |a: &Path, b: &Path| matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b);
    let mut adopted = None;
    if beside.exists() {
        if !same(&beside, dir) {
            return Err(CoreError::Usage(format!(
                "{} already holds the lake of another store; restore into another file name, or move that folder away first.",
                beside.display()
            )));
        }
        // Rebuilding a store from its own lake: it must be the lake of this file name.
        match read_identity(dir) {
            Some(who) if who.file != file_name(db) => {
                return Err(CoreError::Usage(format!(
                    "{} is the lake of another store ({}), not of {}; nothing was changed.",
                    dir.display(),
                    who.file,
                    file_name(db)
                )));
            }
            who => adopted = who.map(|w| w.id),
        }
    }
    let store = Store::open(db)?;
    if let Some(id) = &adopted {
        store.set_id(id)?;
    }
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
        sql += &format!(
            "INSERT INTO settings BY NAME SELECT * FROM read_parquet('{}') WHERE key <> '{}';\n",
            sql_path(&settings),
            STORE_ID_KEY
        );
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

#[cfg(test)]
mod tests {
    use super::*;

    struct Dir(PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    fn dir(tag: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("comptoir-lake-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }

    /// Imports the sales in `text` (products T1 and T9 come with them).
    fn import_csv(store: &Store, dir: &Path, text: &str) -> i64 {
        let products = dir.join("products.csv");
        std::fs::write(&products, "product_id,name,category,buy_price,sell_price\nT1,Tea,Drinks,1,2\nT9,Jam,Food,1,3\n").unwrap();
        let file = dir.join("sale.csv");
        std::fs::write(&file, text).unwrap();
        let options = crate::import::ImportOptions::default();
        let report = crate::import::import_files(store, &[products, file], &options, &mut |_| {}).unwrap();
        let id = report.import_id.unwrap();
        after_import(store, id).unwrap();
        id
    }

    fn keys(parquet: &Path) -> Vec<String> {
        let conn = duckdb::Connection::open_in_memory().unwrap();
        let mut stmt = conn.prepare(&format!("SELECT key FROM read_parquet('{}') ORDER BY key", sql_path(parquet))).unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<duckdb::Result<_>>().unwrap()
    }

    #[test]
    fn the_passphrase_hash_stays_in_the_private_lake_and_never_in_an_export() {
        let d = dir("export");
        let store = Store::open(&d.0.join("shop.duckdb")).unwrap();
        write_pending(&store).unwrap();
        crate::store::settings::put(&store, PASSPHRASE_KEY, Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")).unwrap();
        crate::store::settings::set(&store, "currency", "CHF").unwrap();
        write_settings(&store).unwrap(); // the post-commit step `app::service` takes after a change
        import_csv(&store, &d.0, "invoice_id,timestamp,product_id,qty,unit_price\nF1,2026-05-31,T1,2,3.50\n");
        let out = d.0.join("export");
        export(&store, &out).unwrap();
        assert_eq!(keys(&out.join("settings.parquet")), ["currency"], "no passphrase, no identity");
        let private = d.0.join("shop.lake").join("settings.parquet");
        assert_eq!(keys(&private), ["admin_passphrase", "currency"], "recover keeps the administrator's protection");
        // A store rebuilt from the export has no passphrase; one rebuilt from its own lake keeps it.
        let restored = restore(&out, &d.0.join("copy.duckdb")).unwrap();
        assert!(crate::store::settings::list(&restored).unwrap().iter().any(|(k, v)| k == "currency" && v == "CHF"));
        let n: i64 = restored.conn().query_row("SELECT count(*) FROM settings WHERE key = 'admin_passphrase'", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0);
        assert_ne!(restored.id().unwrap(), store.id().unwrap(), "a copy restored elsewhere is a store of its own");
    }

    #[test]
    fn each_store_writes_only_its_own_lake_and_the_shared_lake_moves_to_its_owner() {
        let d = dir("two");
        let (a_path, b_path) = (d.0.join("a.duckdb"), d.0.join("b.duckdb"));
        let a = Store::open(&a_path).unwrap();
        write_pending(&a).unwrap();
        let a_id = import_csv(&a, &d.0, "invoice_id,timestamp,product_id,qty,unit_price\nA1,2026-05-30,T1,1,2\nA2,2026-05-31,T1,1,2\n");
        let b = Store::open(&b_path).unwrap();
        write_pending(&b).unwrap();
        let b_id = import_csv(&b, &d.0, "invoice_id,timestamp,product_id,qty,unit_price\nB1,2026-05-31,T9,5,1\n");
        assert_eq!((a_id, b_id), (1, 1), "both stores have an import #1");
        let invoices = |lake: &str| keys_of(&d.0.join(lake).join("raw/invoices/import_id=1/part-0.parquet"));
        assert_eq!(invoices("a.lake"), ["A1", "A2"], "B's import #1 did not replace A's");
        assert_eq!(invoices("b.lake"), ["B1"]);
        assert_eq!(read_identity(&d.0.join("a.lake")), Some(Identity { id: a.id().unwrap(), file: "a.duckdb".into() }));

        // A lake that says it is another store's is never written to.
        std::fs::copy(d.0.join("b.lake/store-id"), d.0.join("a.lake/store-id")).unwrap();
        let refused = write_pending(&a).unwrap_err().to_string();
        assert!(refused.contains("a.lake is the lake of another store (b.duckdb); nothing was written to it"), "{refused}");

        // Before one lake per store: A's batches in the shared `lake/`, with no identity.
        std::fs::remove_dir_all(d.0.join("a.lake")).unwrap();
        std::fs::remove_dir_all(d.0.join("b.lake")).unwrap();
        drop(b);
        let b = Store::open(&b_path).unwrap();
        // A's batch under the old shared name, as version 0.1 left it.
        let legacy = d.0.join("lake");
        write_batch(&a, &legacy, 1).unwrap();
        // B's imports are not those of `lake/`: it starts a lake of its own and writes all of it.
        write_pending(&b).unwrap();
        assert!(legacy.is_dir(), "not B's: left where it is");
        assert_eq!(invoices("b.lake"), ["B1"]);
        // A's are: the folder is moved, not copied.
        write_pending(&a).unwrap();
        assert!(!legacy.exists());
        assert_eq!(invoices("a.lake"), ["A1", "A2"]);
        assert_eq!(read_identity(&d.0.join("a.lake")).unwrap().file, "a.duckdb");
    }

    fn keys_of(parquet: &Path) -> Vec<String> {
        let conn = duckdb::Connection::open_in_memory().unwrap();
        let sql = format!("SELECT invoice_id FROM read_parquet('{}') ORDER BY 1", sql_path(parquet));
        let mut stmt = conn.prepare(&sql).unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<duckdb::Result<_>>().unwrap()
    }

    #[test]
    fn the_store_and_its_log_are_its_owners_only_and_it_has_an_identity() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // SAFETY: as in owner_only_files. A permissive mask, as a desktop session has.
        unsafe {
            libc::umask(0o022);
        }
        let dir = std::env::temp_dir().join(format!("comptoir-store-mode-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("shop").join("s.duckdb");
        let s = Store::open(&path).unwrap();
        crate::store::settings::set(&s, "currency", "CHF").unwrap(); // a commit: the log exists until the checkpoint
        let wal = PathBuf::from(format!("{}.wal", path.display()));
        assert!(wal.exists());
        assert_eq!((mode(&path), mode(&wal), mode(path.parent().unwrap())), (0o600, 0o600, 0o700));
        crate::store::lake::write_pending(&s).unwrap(); // makes the lake: its identity and settings
        let lake = lake_beside(&path);
        assert_eq!((mode(&lake), mode(&lake.join("store-id")), mode(&lake.join("settings.parquet"))), (0o700, 0o600, 0o600));
        let id = s.id().unwrap();
        assert_eq!(id.len(), 36, "a UUID: {id}");
        drop(s);
        let again = Store::open(&path).unwrap();
        assert_eq!(again.id().unwrap(), id, "the identity is kept");
        assert!(crate::store::settings::list(&again).unwrap().iter().all(|(k, _)| k != STORE_ID_KEY), "never listed");
        assert_ne!(Store::open_in_memory().unwrap().id().unwrap(), id, "each store has its own");
        drop(again);
        // A store made before, readable by all, is tightened at the next open.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(Store::open(&path).unwrap());
        assert_eq!(mode(&path), 0o600);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
