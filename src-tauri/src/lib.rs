//! Comptoir's desktop shell. Commands and events translate between the webview
//! and `comptoir_core::service::Service`; they hold no business logic.
//! Long work runs on tokio's blocking pool, never on the UI thread.

use comptoir_core::analytics::Period;
use comptoir_core::error::CoreError;
use comptoir_core::import::{ImportOptions, ImportReport, Progress};
use comptoir_core::service::{AppInfo, Dashboard, Service};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::{AppHandle, DragDropEvent, Emitter, Manager, State, WindowEvent};

/// The sample workbook ships inside the binary: "Load the sample" needs no file access.
const SAMPLE_WORKBOOK: &[u8] = include_bytes!("../../sample/stock_data.xlsx");
/// Files the drop zone accepts (SPEC §2).
const IMPORTABLE: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "tsv", "txt"];
/// A dropped file larger than this is refused before any parsing.
const MAX_DROP_BYTES: u64 = 1 << 30;

/// An error as it crosses the bridge: a stable code and one sentence.
#[derive(Debug, Serialize)]
pub struct BridgeError {
    code: &'static str,
    message: String,
}

impl From<CoreError> for BridgeError {
    fn from(e: CoreError) -> Self {
        BridgeError { code: e.code(), message: e.to_string() }
    }
}

fn internal(e: impl std::fmt::Display) -> BridgeError {
    BridgeError { code: "internal", message: format!("Comptoir hit an unexpected problem: {e}.") }
}

type Shared = Arc<Service>;

/// Runs blocking core work off the UI thread.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, CoreError> + Send + 'static,
) -> Result<T, BridgeError> {
    tauri::async_runtime::spawn_blocking(work).await.map_err(internal)?.map_err(BridgeError::from)
}

#[tauri::command]
async fn app_info(service: State<'_, Shared>) -> Result<AppInfo, BridgeError> {
    let service = service.inner().clone();
    blocking(move || service.info()).await
}

#[tauri::command]
async fn dashboard(service: State<'_, Shared>, window: String) -> Result<Dashboard, BridgeError> {
    let service = service.inner().clone();
    let period = Period::parse(&window)?;
    blocking(move || service.dashboard(period)).await
}

#[tauri::command]
async fn import_sample(app: AppHandle, on_progress: Channel<Progress>) -> Result<ImportReport, BridgeError> {
    let dir = app.path().app_data_dir().map_err(internal)?;
    let path = dir.join("stock_data.xlsx");
    std::fs::create_dir_all(&dir)
        .and_then(|_| std::fs::write(&path, SAMPLE_WORKBOOK))
        .map_err(|e| BridgeError::from(CoreError::Write { path: path.display().to_string(), reason: e.to_string() }))?;
    run_import(app, vec![path], move |p| {
        let _ = on_progress.send(p);
    })
    .await
}

#[tauri::command]
async fn choose_and_import(app: AppHandle, on_progress: Channel<Progress>) -> Result<Option<ImportReport>, BridgeError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let window = app.get_webview_window("main");
    // GTK dialogs must run on the main thread; the command itself does not.
    app.run_on_main_thread(move || {
        let mut dialog = rfd::FileDialog::new()
            .set_title("Choose workbooks to import")
            .add_filter("Workbooks and CSV", IMPORTABLE);
        if let Some(w) = &window {
            dialog = dialog.set_parent(w);
        }
        let _ = tx.send(dialog.pick_files());
    })
    .map_err(internal)?;
    let Some(paths) = rx.await.map_err(internal)? else { return Ok(None) };
    run_import(app, paths, move |p| {
        let _ = on_progress.send(p);
    })
    .await
    .map(Some)
}

/// Imports, then pushes a fresh dashboard to every window.
async fn run_import(
    app: AppHandle,
    paths: Vec<PathBuf>,
    mut progress: impl FnMut(Progress) + Send + 'static,
) -> Result<ImportReport, BridgeError> {
    let service = app.state::<Shared>().inner().clone();
    let report = blocking(move || service.import(&paths, &ImportOptions::default(), &mut progress)).await?;
    push_dashboard(&app).await;
    Ok(report)
}

async fn push_dashboard(app: &AppHandle) {
    let service = app.state::<Shared>().inner().clone();
    match blocking(move || service.dashboard(Period::Month)).await {
        Ok(d) => {
            let _ = app.emit("dashboard-updated", d);
        }
        Err(e) => eprintln!("dashboard refresh failed: {}", e.message),
    }
}

#[derive(Clone, Serialize)]
struct ImportFinished {
    ok: bool,
    summary: Option<ImportReport>,
    message: Option<String>,
}

/// Dropped files are checked here, in Rust; the webview never sees a path.
fn on_drop(app: &AppHandle, paths: &[PathBuf]) {
    let accepted: Result<Vec<PathBuf>, String> = paths.iter().map(|p| check_dropped(p).map(|_| p.clone())).collect();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let finished = match accepted {
            Err(message) => ImportFinished { ok: false, summary: None, message: Some(message) },
            Ok(paths) => {
                let emitter = app.clone();
                let result = run_import(app.clone(), paths, move |p| {
                    let _ = emitter.emit("import-progress", p);
                })
                .await;
                match result {
                    Ok(r) => ImportFinished { ok: true, summary: Some(r), message: None },
                    Err(e) => ImportFinished { ok: false, summary: None, message: Some(e.message) },
                }
            }
        };
        let _ = app.emit("import-finished", finished);
    });
}

fn check_dropped(path: &std::path::Path) -> Result<(), String> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if !IMPORTABLE.contains(&ext.as_str()) {
        return Err(format!("{name} cannot be imported: only .xlsx, .xlsm, .xls, .xlsb, .ods, .csv, .tsv and .txt files are accepted."));
    }
    let meta = std::fs::metadata(path).map_err(|e| format!("{name} cannot be read: {e}."))?;
    if !meta.is_file() {
        return Err(format!("{name} cannot be imported: it is not a file."));
    }
    if meta.len() > MAX_DROP_BYTES {
        return Err(format!("{name} cannot be imported: it is larger than 1 GB."));
    }
    Ok(())
}

pub fn run() {
    tauri::Builder::default()
        .setup(|app| {
            // The same store as the CLI: $COMPTOIR_DB, else the OS data directory.
            let db = comptoir_core::store::default_db_path();
            let service = Service::open(&db).map_err(|e| Box::new(e) as Box<dyn std::error::Error>)?;
            app.manage::<Shared>(Arc::new(service));
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                on_drop(window.app_handle(), paths);
            }
        })
        .invoke_handler(tauri::generate_handler![app_info, dashboard, import_sample, choose_and_import])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("Comptoir could not start: {e}");
            std::process::exit(1);
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_are_checked_before_import() {
        let dir = std::env::temp_dir().join(format!("comptoir-drop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pdf = dir.join("report.pdf");
        std::fs::write(&pdf, b"%PDF").unwrap();
        assert!(check_dropped(&pdf).unwrap_err().contains("only .xlsx"));
        let folder = dir.join("book.xlsx");
        std::fs::create_dir_all(&folder).unwrap();
        assert!(check_dropped(&folder).unwrap_err().contains("not a file"));
        let ok = dir.join("ok.csv");
        std::fs::write(&ok, b"a,b\n").unwrap();
        assert!(check_dropped(&ok).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn errors_cross_the_bridge_as_code_and_sentence() {
        let e = BridgeError::from(CoreError::NotFound { path: "/x/y.xlsx".into() });
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json, serde_json::json!({"code": "not_found", "message": "/x/y.xlsx was not found."}));
    }
}
