use comptoir_core::import::{self, ImportOptions, ImportReport};
use comptoir_core::store::Store;
use std::path::{Path, PathBuf};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

pub fn sample_path() -> PathBuf {
    repo_root().join("sample").join("stock_data.xlsx")
}

/// `core/tests/data/<name>`: real datasets kept in the repository with their
/// source and licence (read only).
pub fn dataset(name: &str) -> PathBuf {
    repo_root().join("core").join("tests").join("data").join(name)
}

/// A fresh directory under the system temp dir, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        use_sandbox();
        static N: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!("comptoir-test-{tag}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    pub fn join(&self, s: &str) -> PathBuf {
        self.0.join(s)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Read every spreadsheet in a limited child process, as the app and the CLI do.
pub fn use_sandbox() {
    comptoir_core::read::sandbox::enable(PathBuf::from(env!("CARGO_BIN_EXE_comptoir")));
}

pub fn import(store: &Store, paths: &[PathBuf]) -> ImportReport {
    use_sandbox();
    import::import_files(store, paths, &ImportOptions::default(), &mut |_| {}).unwrap()
}
