//! Import history and undo (SPEC §3).

use crate::error::{CoreError, Result};
use crate::import::staging::Problem;
use crate::import::{FileMeta, TableCounts};
use crate::store::Store;
use duckdb::params;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct ImportRecord {
    pub import_id: i64,
    pub imported_at: String,
    pub files: Vec<FileMeta>,
    pub counts: TableCounts,
    pub errors: i64,
    pub warnings: i64,
    pub rejected: i64,
    pub undone: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportFailure {
    pub failed_at: String,
    pub file_name: String,
    pub message: String,
    pub problems: Vec<Problem>,
}

/// Remembers an import that failed (nothing was written), with its problems.
pub fn record_failure(store: &Store, file_name: &str, sha256: &str, message: &str, problems: &[Problem]) -> Result<()> {
    let problems = serde_json::to_string(&problems.iter().take(100).collect::<Vec<_>>()).expect("problems serialise");
    store
        .conn()
        .execute("INSERT INTO import_failures VALUES (now()::TIMESTAMP, ?, ?, ?, ?)", params![file_name, sha256, message, problems])?;
    Ok(())
}

/// Failed imports, newest first.
pub fn failures(store: &Store) -> Result<Vec<ImportFailure>> {
    let mut stmt = store.conn().prepare(
        "SELECT strftime(failed_at, '%Y-%m-%d %H:%M:%S'), file_name, message, problems FROM import_failures ORDER BY failed_at DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ImportFailure { failed_at: r.get(0)?, file_name: r.get(1)?, message: r.get(2)?, problems: from_json(r, 3)? })
    })?;
    Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
}

/// A JSON column read back into its type: the history wrote it from that
/// type, so a column that does not parse is a damaged store, said as such.
fn from_json<T: serde::de::DeserializeOwned>(row: &duckdb::Row, index: usize) -> duckdb::Result<T> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text).map_err(|e| duckdb::Error::FromSqlConversionFailure(index, duckdb::types::Type::Text, Box::new(e)))
}

pub fn history(store: &Store) -> Result<Vec<ImportRecord>> {
    let mut stmt = store.conn().prepare(
        "SELECT import_id, strftime(imported_at, '%Y-%m-%d %H:%M:%S'), files, counts, errors, warnings, rejected,
                undone_at IS NOT NULL
         FROM imports ORDER BY import_id DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ImportRecord {
            import_id: r.get(0)?,
            imported_at: r.get(1)?,
            files: from_json(r, 2)?,
            counts: from_json(r, 3)?,
            errors: r.get(4)?,
            warnings: r.get(5)?,
            rejected: r.get(6)?,
            undone: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
}

/// Removes an import's invoices and restores the master data it replaced.
/// Imports are undone newest first, so that no later import depends on it.
pub fn undo(store: &Store, import_id: i64) -> Result<()> {
    let conn = store.conn();
    let state: Option<(bool, i64)> = conn
        .query_row(
            "SELECT undone_at IS NOT NULL,
                    (SELECT coalesce(max(import_id), 0) FROM imports WHERE undone_at IS NULL)
             FROM imports WHERE import_id = ?",
            params![import_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map(Some)
        .or_else(|e| match e {
            duckdb::Error::QueryReturnedNoRows => Ok(None),
            other => Err(other),
        })?;
    match state {
        None => return Err(CoreError::invalid("no_such_import", [import_id.to_string()])),
        Some((true, _)) => return Err(CoreError::invalid("import_already_undone", [import_id.to_string()])),
        Some((false, latest)) if latest != import_id => {
            return Err(CoreError::invalid("undo_later_first", [import_id.to_string(), latest.to_string()]))
        }
        _ => {}
    }
    crate::store::in_transaction(conn, |conn| {
        conn.execute("SET VARIABLE import_id = ?", duckdb::params![import_id])?;
        conn.execute_batch(include_str!("sql/undo.sql"))?;
        Ok(crate::store::refresh_product_months(conn)?)
    })?;
    conn.execute_batch("CHECKPOINT")?;
    Ok(())
}
/// The import that already brought a file with this content, if one did (and
/// was not undone). `files` is compact JSON, `[{"name":…,"sha256":"<64 hex>",…}]`: searched as
/// text, since the bundled DuckDB has no json extension.
pub fn imported_by(store: &Store, sha256: &str) -> Result<Option<i64>> {
    Ok(earlier_import(store, sha256)?.map(|(id, _)| id))
}

/// The import that already brought this content, and when (`YYYY-MM-DD HH:MM`).
pub fn earlier_import(store: &Store, sha256: &str) -> Result<Option<(i64, String)>> {
    Ok(earlier_imports(store)?.remove(sha256))
}

/// For each content (SHA-256) the imports brought and that were not undone,
/// the first import that brought it, and when: one query for a whole folder.
pub fn earlier_imports(store: &Store) -> Result<std::collections::HashMap<String, (i64, String)>> {
    let mut stmt = store.conn().prepare(
        "SELECT import_id, strftime(imported_at, '%Y-%m-%d %H:%M'), files FROM imports
         WHERE undone_at IS NULL ORDER BY import_id DESC",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut earlier = std::collections::HashMap::new();
    for row in rows {
        let (import_id, imported_at, files) = row?;
        // Newest first: an older import of the same content replaces it.
        for file in serde_json::from_str::<Vec<FileMeta>>(&files).unwrap_or_default() {
            earlier.insert(file.sha256, (import_id, imported_at.clone()));
        }
    }
    Ok(earlier)
}

/// Whether a file with this content was refused before (a failure recorded
/// by the watch folder): it is not tried again until its content changes.
pub fn refused_before(store: &Store, sha256: &str) -> Result<bool> {
    let n: i64 = store.conn().query_row("SELECT count(*) FROM import_failures WHERE sha256 = ?", [sha256], |r| r.get(0))?;
    Ok(n > 0)
}
