//! The watch folder: a workbook or CSV saved into it is imported by itself once
//! fully written (its size and time unchanged for a moment), and never twice
//! (the SHA-256 of every imported file is in the history, `import::history`).
//!
//! File-system events (inotify through `notify`) wake the watcher at once; a
//! slow rescan also runs, so a missed event only delays a file.

use crate::error::{CoreError, Result};
use notify::{RecursiveMode, Watcher};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

/// A file counts as fully written when unchanged for this long.
const SETTLE: Duration = Duration::from_millis(250);
/// How often candidates are checked while some are settling.
const TICK: Duration = Duration::from_millis(50);
/// A full rescan of the folder, for events the system did not deliver.
const RESCAN: Duration = Duration::from_secs(5);

/// Whether the watcher should pick up this file (a spreadsheet or CSV, not a
/// hidden file nor an office lock or temporary file).
pub fn wanted(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let ext = crate::read::input::extension(path);
    let importable = matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" | "csv" | "tsv" | "txt");
    importable && !name.starts_with('.') && !name.starts_with("~$") && !name.starts_with(".~lock")
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Seen {
    len: u64,
    modified: Option<SystemTime>,
}

fn seen(path: &Path) -> Option<Seen> {
    // A symbolic link is not followed (nor offered): only regular files.
    let meta = std::fs::symlink_metadata(path).ok().filter(|m| m.is_file())?;
    Some(Seen { len: meta.len(), modified: meta.modified().ok() })
}

/// Watches `dir` until `stop` is set, calling `ready` with each file once it is
/// fully written. Files already there when it starts are offered too (the
/// caller skips those already imported). Each (path, size, time) is offered once.
pub fn run(dir: &Path, stop: &AtomicBool, ready: &mut dyn FnMut(PathBuf)) -> Result<()> {
    if !dir.is_dir() {
        return Err(CoreError::invalid("watch_not_folder", [dir.display().to_string()]));
    }
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(e) = event {
            for p in e.paths {
                let _ = tx.send(p);
            }
        }
    })
    .map_err(|e| CoreError::invalid("watch_failed", [dir.display().to_string(), e.to_string()]))?;
    watcher
        .watch(dir, RecursiveMode::NonRecursive)
        .map_err(|e| CoreError::invalid("watch_failed", [dir.display().to_string(), e.to_string()]))?;

    // path → (what it looked like, since when it looks so)
    let mut settling: HashMap<PathBuf, (Seen, Instant)> = HashMap::new();
    let mut offered: HashMap<PathBuf, Seen> = HashMap::new();
    let mut last_scan = Instant::now() - RESCAN;
    while !stop.load(Ordering::Relaxed) {
        let mut touched: Vec<PathBuf> = Vec::new();
        if last_scan.elapsed() >= RESCAN {
            last_scan = Instant::now();
            if let Ok(entries) = std::fs::read_dir(dir) {
                touched.extend(entries.flatten().map(|e| e.path()));
            }
        }
        let wait = if settling.is_empty() { Duration::from_millis(200) } else { TICK };
        if let Ok(p) = rx.recv_timeout(wait) {
            touched.push(p);
            touched.extend(rx.try_iter());
        }
        for path in touched.into_iter().filter(|p| wanted(p)) {
            if let Some(now) = seen(&path) {
                if offered.get(&path) != Some(&now) {
                    let entry = settling.entry(path).or_insert((now, Instant::now()));
                    if entry.0 != now {
                        *entry = (now, Instant::now());
                    }
                }
            }
        }
        let mut done = Vec::new();
        for (path, (was, since)) in settling.iter_mut() {
            match seen(path) {
                None => done.push(path.clone()), // gone before it settled
                Some(now) if now != *was => {
                    *was = now;
                    *since = Instant::now();
                }
                Some(now) if since.elapsed() >= SETTLE && now.len > 0 => {
                    offered.insert(path.clone(), now);
                    done.push(path.clone());
                    ready(path.clone());
                }
                Some(_) => {}
            }
        }
        for path in done {
            settling.remove(&path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_finished_spreadsheets_are_wanted() {
        assert!(wanted(Path::new("/w/ventes-mai.xlsx")));
        assert!(wanted(Path::new("/w/caisse.CSV")));
        assert!(!wanted(Path::new("/w/~$ventes-mai.xlsx")), "Excel's lock file");
        assert!(!wanted(Path::new("/w/.~lock.ventes.ods#")));
        assert!(!wanted(Path::new("/w/.ventes.csv")));
        assert!(!wanted(Path::new("/w/ventes.xlsx.part")));
        assert!(!wanted(Path::new("/w/notes.pdf")));
    }

    #[test]
    fn a_file_is_offered_once_when_it_stops_growing() {
        let dir = std::env::temp_dir().join(format!("comptoir-watch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("already.csv"), "a,b\n1,2\n").unwrap();
        let stop = AtomicBool::new(false);
        let offered = std::sync::Mutex::new(Vec::<(PathBuf, u64)>::new());
        std::thread::scope(|s| {
            s.spawn(|| {
                run(&dir, &stop, &mut |p| {
                    let len = std::fs::metadata(&p).unwrap().len();
                    offered.lock().unwrap().push((p, len));
                })
                .unwrap();
            });
            // A file written in three bursts, 100 ms apart: offered once, whole.
            std::thread::sleep(Duration::from_millis(300));
            let slow = dir.join("slow.csv");
            let mut f = std::fs::File::create(&slow).unwrap();
            for _ in 0..3 {
                std::io::Write::write_all(&mut f, b"invoice_id,timestamp\n").unwrap();
                std::io::Write::flush(&mut f).unwrap();
                std::thread::sleep(Duration::from_millis(100));
            }
            drop(f);
            std::fs::write(dir.join("~$lock.xlsx"), "x").unwrap();
            std::thread::sleep(Duration::from_millis(900));
            stop.store(true, Ordering::Relaxed);
        });
        let mut got = offered.into_inner().unwrap();
        got.sort();
        let names: Vec<(String, u64)> = got.iter().map(|(p, len)| (p.file_name().unwrap().to_string_lossy().into_owned(), *len)).collect();
        assert_eq!(names, [("already.csv".to_string(), 8), ("slow.csv".to_string(), 63)]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
