//! Where a store's files live: the store, its lake beside it, and whose a lake
//! is. Paths and small files only: nothing here opens DuckDB, so a store that
//! no longer opens can still be told where its lake is.

use std::path::{Path, PathBuf};

/// The file of a lake that names its store.
pub(crate) const IDENTITY_FILE: &str = "store-id";

/// Where the lake of the store at `path` lives (SPEC §6): beside it, named
/// after it, so that each store of a folder has its own (`comptoir.duckdb` →
/// `comptoir.lake/`). A store whose name already ends in `.lake` keeps its
/// whole name (`x.lake` → `x.lake.lake/`), never its own file.
pub fn lake_beside(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = match path.extension() {
        Some(ext) if ext != "lake" => path.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        _ => name,
    };
    path.with_file_name(format!("{stem}.lake"))
}

/// The one `lake/` that every store of a folder shared before version 0.2;
/// it is moved to the store it belongs to when that store first writes its lake.
pub fn legacy_lake(path: &Path) -> PathBuf {
    path.with_file_name("lake")
}

/// `--db`, else `$COMPTOIR_DB`, else the OS data directory (shared with the desktop app).
pub fn default_db_path() -> PathBuf {
    if let Some(p) = std::env::var_os("COMPTOIR_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("comptoir").join("comptoir.duckdb")
}

/// Whose a lake is, as its `store-id` file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub id: String,
    /// The store's file name (not its folder: a folder may be moved whole).
    pub file: String,
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The identity a lake records; None when it records none (or not readably).
pub fn read_identity(lake: &Path) -> Option<Identity> {
    let text = std::fs::read_to_string(lake.join(IDENTITY_FILE)).ok()?;
    let field = |k: &str| text.lines().find_map(|l| l.strip_prefix(k)).map(str::to_string);
    Some(Identity { id: field("id=")?, file: field("file=")? })
}

/// Where a store that does not open may be rebuilt from.
#[derive(Debug, PartialEq, Eq)]
pub enum LakeFound {
    /// Its own lake (or the shared `lake/` of older versions, when no other
    /// store is in the folder).
    Own(PathBuf),
    /// The lake beside it records another store's file name.
    Foreign {
        lake: PathBuf,
        store: String,
    },
    Missing,
}

/// The lake a damaged store can be rebuilt from. The store cannot be read, so
/// its identity is unknown: the lake must record the damaged file's name.
pub fn lake_of_damaged(db: &Path) -> LakeFound {
    let lake = lake_beside(db);
    let has_batches = |l: &Path| l.join("raw").join("imports").is_dir();
    if has_batches(&lake) {
        return match read_identity(&lake) {
            Some(who) if who.file != file_name(db) => LakeFound::Foreign { lake, store: who.file },
            _ => LakeFound::Own(lake),
        };
    }
    let legacy = legacy_lake(db);
    if has_batches(&legacy) && read_identity(&legacy).is_none() && !other_store_beside(db) {
        return LakeFound::Own(legacy);
    }
    LakeFound::Missing
}

/// Whether the folder of `db` holds another DuckDB file than `db` and the
/// copies `recover` kept aside (a DuckDB file says `DUCK` at byte 8).
fn other_store_beside(db: &Path) -> bool {
    use std::io::Read;
    let Some(dir) = db.parent() else { return false };
    let aside = format!("{}.damaged-", file_name(db));
    let Ok(entries) = std::fs::read_dir(if dir.as_os_str().is_empty() { Path::new(".") } else { dir }) else { return false };
    entries.flatten().any(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        let mut head = [0u8; 12];
        name != file_name(db)
            && !name.starts_with(&aside)
            && e.file_type().is_ok_and(|t| t.is_file())
            && std::fs::File::open(e.path()).and_then(|mut f| f.read_exact(&mut head)).is_ok()
            && &head[8..12] == b"DUCK"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_store_of_a_folder_has_its_own_lake() {
        assert_eq!(lake_beside(Path::new("/d/comptoir.duckdb")), Path::new("/d/comptoir.lake"));
        assert_eq!(lake_beside(Path::new("/d/shop-b.duckdb")), Path::new("/d/shop-b.lake"));
        assert_eq!(lake_beside(Path::new("/d/store")), Path::new("/d/store.lake"));
        assert_eq!(lake_beside(Path::new("/d/odd.lake")), Path::new("/d/odd.lake.lake"), "never the store itself");
    }
}
