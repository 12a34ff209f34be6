//! Fuzz target on the import entry point: the bytes become a file of one of
//! the importable formats and go through `import_files` as a dry run against
//! a real store, exactly as the preview does. Any panic, abort, hang or
//! runaway allocation is a finding; a typed error is the expected answer.
#![no_main]

use comptoir_core::import::{import_files, ImportOptions};
use comptoir_core::store::Store;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::Mutex;

/// The first byte picks the format, as the extension would in a real drop.
const EXTENSIONS: [&str; 6] = ["xlsx", "csv", "xls", "ods", "xlsb", "txt"];

struct Harness {
    store: Store,
    dir: PathBuf,
}

/// One store for the whole run (a DuckDB connection is Send, not Sync).
static HARNESS: Mutex<Option<Harness>> = Mutex::new(None);

fn new_harness() -> Harness {
    let dir = std::env::temp_dir().join(format!("comptoir-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("fuzz temp dir");
    let store = Store::open(&dir.join("store.duckdb")).expect("fuzz store opens");
    Harness { store, dir }
}

fuzz_target!(
    init: {
        // Every spreadsheet is read in a capped child, as in the app: the child is
        // this same binary, started with the sandbox flag.
        if let Some(code) = comptoir_core::read::sandbox::serve_if_child() {
            std::process::exit(code);
        }
        if let Ok(exe) = std::env::current_exe() {
            comptoir_core::read::sandbox::enable(exe);
        }
    },
    |data: &[u8]| {
        let Some((&selector, content)) = data.split_first() else { return };
        let mut guard = HARNESS.lock().unwrap_or_else(|p| p.into_inner());
        let h = guard.get_or_insert_with(new_harness);
        let ext = EXTENSIONS[selector as usize % EXTENSIONS.len()];
        let path = h.dir.join(format!("input.{ext}"));
        std::fs::write(&path, content).expect("fuzz input written");
        let options = ImportOptions { dry_run: true, skip_invalid: false, errors_out: None };
        let _ = import_files(&h.store, &[path], &options, &mut |_| {});
    }
);
