//! Comptoir's desktop shell. Commands and events translate between the webview
//! and `comptoir_core::app::service::Service`; they hold no business logic, and the
//! role checks are the service's. Long work runs on tokio's blocking pool,
//! never on the UI thread. The webview never sees a path: files arrive through
//! the native dialogs or a drop, and are held by the service under a token.

use comptoir_core::analytics::lines::{LineFilter, LinesPage, PageRequest};
use comptoir_core::analytics::{parse_day, Day, Period};
use comptoir_core::app::service::{AppInfo, Dashboard, Mappings, Preview, Role, Service, Setting};
use comptoir_core::error::CoreError;
use comptoir_core::import::history::ImportRecord;
use comptoir_core::import::{ImportReport, Outcome, Progress};
use comptoir_core::messages::{render, ui_lang, Text};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::{AppHandle, DragDropEvent, Emitter, Manager, WindowEvent};

/// The sample workbook ships inside the binary: "Load the sample" needs no file access.
const SAMPLE_WORKBOOK: &[u8] = include_bytes!("../../sample/stock_data.xlsx");
/// Files the drop zone accepts (SPEC §2).
const IMPORTABLE: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "tsv", "txt"];
/// A dropped file larger than this is refused before any parsing.
const MAX_DROP_BYTES: u64 = 1 << 30;
const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

mod instance;
mod slot;

/// An error as it crosses the bridge: a stable code and one sentence.
#[derive(Debug, Clone, Serialize)]
pub struct BridgeError {
    code: &'static str,
    message: String,
}

impl From<CoreError> for BridgeError {
    /// The sentence is in the language of the screens (the `language` setting).
    fn from(e: CoreError) -> Self {
        // In English in the log, which the shop owner sends to whoever helps.
        tracing::info!("answered with {}: {e}", e.code());
        BridgeError { code: e.code(), message: e.render(ui_lang()) }
    }
}

/// A dialog's title (or filter name) in the language of the screens.
fn title(code: &str) -> String {
    render(code, &[], ui_lang())
}

fn internal(e: impl std::fmt::Display) -> BridgeError {
    tracing::error!("internal error: {e}");
    BridgeError { code: "internal", message: render("internal", &[e.to_string()], ui_lang()) }
}

type Shared = Arc<Service>;
type Answer<T> = Result<T, BridgeError>;
type Slot = Arc<slot::StoreSlot>;

/// Runs blocking core work off the UI thread.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> Result<T, CoreError> + Send + 'static) -> Answer<T> {
    tauri::async_runtime::spawn_blocking(work).await.map_err(internal)?.map_err(BridgeError::from)
}

/// The open store's service, or the sentence saying why the store did not open.
fn service(app: &AppHandle) -> Answer<Shared> {
    app.state::<Slot>().get()
}

fn period(window: &str, as_of: Option<String>) -> Result<(Period, Option<Day>), CoreError> {
    Ok((Period::parse(window)?, as_of.filter(|s| !s.trim().is_empty()).as_deref().map(parse_day).transpose()?))
}

#[tauri::command]
async fn app_info(app: AppHandle) -> Answer<AppInfo> {
    let s = service(&app)?;
    let info = blocking(move || s.info()).await?;
    if std::env::var_os("COMPTOIR_LOG_STARTUP").is_some() {
        // The first screen is drawn as soon as this answer arrives (bench: BENCHMARKS.md).
        eprintln!("startup: app_info answered {} ms after the process started", info.started_ms);
    }
    Ok(info)
}

#[tauri::command]
async fn choose_role(app: AppHandle, role: Role, passphrase: Option<String>) -> Answer<Role> {
    let s = service(&app)?;
    blocking(move || s.choose_role(role, passphrase.as_deref())).await
}

/// "Switch role": the role ends in Rust at once, not only on screen.
#[tauri::command]
async fn leave_role(app: AppHandle) -> Answer<()> {
    service(&app)?.leave_role();
    Ok(())
}

#[tauri::command]
async fn set_passphrase(app: AppHandle, current: Option<String>, next: Option<String>) -> Answer<()> {
    let s = service(&app)?;
    blocking(move || s.set_passphrase(current.as_deref(), next.as_deref())).await
}

/// A native file dialog, shown without blocking any thread.
///
/// rfd's blocking calls queue the dialog as an idle callback on GTK's default
/// main context and then wait for it. tao's event loop owns that context on the
/// main thread for the whole run, so only the main thread can run the callback:
/// a blocking call made on it (through `run_on_main_thread`) waits for itself
/// and the window never answers again (rfd issue 198). The async dialog is built
/// and shown by that idle callback, the main loop goes on, and the dialog's
/// "response" signal wakes the command awaiting it. GTK's backend ignores a
/// parent window, so none is given.
fn file_dialog(title_code: &str) -> rfd::AsyncFileDialog {
    rfd::AsyncFileDialog::new().set_title(title(title_code))
}

/// Asks where to save; None when the user cancels.
async fn save_dialog(title_code: &str, name: &str, ext: &'static str) -> Option<PathBuf> {
    let dialog = file_dialog(title_code).set_file_name(name).add_filter(ext.to_uppercase(), &[ext]);
    dialog.save_file().await.map(|file| file.path().to_path_buf())
}

#[tauri::command]
async fn choose_files(app: AppHandle) -> Answer<Option<Preview>> {
    let s = service(&app)?;
    s.check_role()?;
    let dialog = file_dialog("dialog_choose_files").add_filter(title("dialog_workbooks"), IMPORTABLE);
    let Some(files) = dialog.pick_files().await else { return Ok(None) };
    let paths = files.iter().map(|file| file.path().to_path_buf()).collect();
    blocking(move || s.preview(paths)).await.map(Some)
}

#[tauri::command]
async fn preview_sample(app: AppHandle) -> Answer<Preview> {
    let dir = app.path().app_data_dir().map_err(internal)?;
    let path = dir.join("stock_data.xlsx");
    std::fs::create_dir_all(&dir)
        .and_then(|_| std::fs::write(&path, SAMPLE_WORKBOOK))
        .map_err(|e| BridgeError::from(CoreError::Write { path: path.display().to_string(), reason: e.to_string() }))?;
    let s = service(&app)?;
    blocking(move || s.preview(vec![path])).await
}

#[tauri::command]
async fn save_mapping(app: AppHandle, token: u64, layout: String, columns: Vec<(String, Option<String>)>) -> Answer<Preview> {
    let s = service(&app)?;
    blocking(move || s.save_mapping(token, &layout, &columns)).await
}

#[tauri::command]
async fn list_mappings(app: AppHandle) -> Answer<Mappings> {
    let s = service(&app)?;
    blocking(move || s.mappings()).await
}

#[tauri::command]
async fn edit_mapping(app: AppHandle, signature: String, layout: String, columns: Vec<(String, Option<String>)>) -> Answer<Mappings> {
    let s = service(&app)?;
    blocking(move || s.edit_mapping(&signature, &layout, &columns)).await
}

#[tauri::command]
async fn forget_mapping(app: AppHandle, signature: String) -> Answer<Mappings> {
    let s = service(&app)?;
    blocking(move || s.forget_mapping(&signature)).await
}

#[tauri::command]
async fn confirm_import(app: AppHandle, token: u64, skip_invalid: bool, on_progress: Channel<Progress>) -> Answer<ImportReport> {
    let s = service(&app)?;
    let report = blocking(move || {
        s.confirm(token, skip_invalid, &mut |p| {
            let _ = on_progress.send(p);
        })
    })
    .await?;
    if report.outcome == Outcome::Imported {
        push_generation(&app);
        // The lake batch once the window has its figures (it never holds the user).
        if let Ok(s) = service(&app) {
            tauri::async_runtime::spawn_blocking(move || s.write_lake());
        }
    }
    Ok(report)
}

#[tauri::command]
async fn cancel_import(app: AppHandle, token: u64) -> Answer<()> {
    service(&app)?.cancel(token);
    Ok(())
}

#[tauri::command]
async fn save_problems(app: AppHandle, token: u64) -> Answer<Option<String>> {
    let Some(out) = save_dialog("dialog_save_problems", "problems.xlsx", "xlsx").await else { return Ok(None) };
    let s = service(&app)?;
    blocking(move || s.save_problems(token, &out).map(|_| Some(out.display().to_string()))).await
}

#[tauri::command]
async fn history(app: AppHandle) -> Answer<Vec<ImportRecord>> {
    let s = service(&app)?;
    blocking(move || s.history()).await
}

#[tauri::command]
async fn import_failures(app: AppHandle) -> Answer<Vec<comptoir_core::import::history::ImportFailure>> {
    let s = service(&app)?;
    blocking(move || s.failures()).await
}

#[tauri::command]
async fn undo_import(app: AppHandle, import_id: i64) -> Answer<()> {
    let s = service(&app)?;
    blocking(move || s.undo(import_id)).await?;
    push_generation(&app);
    Ok(())
}

#[tauri::command]
async fn dashboard(app: AppHandle, window: String, as_of: Option<String>) -> Answer<Dashboard> {
    let (period, as_of) = period(&window, as_of)?;
    let s = service(&app)?;
    blocking(move || s.dashboard(period, as_of)).await
}

/// Checks the role before any dialog opens, so a refused export shows no dialog.
async fn admin_only(app: &AppHandle) -> Answer<()> {
    Ok(service(app)?.check_admin()?)
}

#[tauri::command]
async fn export_dashboard(app: AppHandle, window: String, as_of: Option<String>) -> Answer<Option<String>> {
    let (period, as_of) = period(&window, as_of)?;
    admin_only(&app).await?;
    let Some(out) = save_dialog("dialog_export_dashboard", "comptoir-dashboard.xlsx", "xlsx").await else { return Ok(None) };
    let s = service(&app)?;
    blocking(move || s.export_dashboard(period, as_of, &out).map(|_| Some(out.display().to_string()))).await
}

#[tauri::command]
async fn export_order_list(app: AppHandle) -> Answer<Option<String>> {
    admin_only(&app).await?;
    let Some(out) = save_dialog("dialog_export_order", "order-list.xlsx", "xlsx").await else { return Ok(None) };
    let s = service(&app)?;
    blocking(move || s.export_order_list(&out).map(|_| Some(out.display().to_string()))).await
}

/// The invoice lines behind a figure (drill-down): one page, with the totals of them all.
#[tauri::command]
async fn lines(app: AppHandle, window: String, as_of: Option<String>, filter: LineFilter, page: PageRequest) -> Answer<LinesPage> {
    let (period, as_of) = period(&window, as_of)?;
    let s = service(&app)?;
    blocking(move || s.lines(period, as_of, filter, page)).await
}

#[tauri::command]
async fn export_lines(app: AppHandle, window: String, as_of: Option<String>, filter: LineFilter) -> Answer<Option<String>> {
    let (period, as_of) = period(&window, as_of)?;
    admin_only(&app).await?;
    let Some(out) = save_dialog("dialog_export_lines", "comptoir-lines.xlsx", "xlsx").await else { return Ok(None) };
    let s = service(&app)?;
    blocking(move || s.export_lines(period, as_of, &filter, &out).map(|_| Some(out.display().to_string()))).await
}

#[tauri::command]
async fn export_promo_clients(app: AppHandle) -> Answer<Option<String>> {
    admin_only(&app).await?;
    let Some(out) = save_dialog("dialog_export_promo", "promotion-clients.xlsx", "xlsx").await else {
        return Ok(None);
    };
    let s = service(&app)?;
    blocking(move || s.export_promo_clients(&out).map(|_| Some(out.display().to_string()))).await
}

#[tauri::command]
async fn save_chart(app: AppHandle, name: String, format: String, png: Option<Vec<u8>>) -> Answer<Option<String>> {
    let s = service(&app)?;
    let svg = {
        let (s, name) = (s.clone(), name.clone());
        blocking(move || s.chart_svg(&name)).await?
    };
    let bytes = match (format.as_str(), png) {
        ("svg", _) => svg.into_bytes(),
        ("png", Some(png)) if png.starts_with(PNG_MAGIC) => png,
        _ => return Err(CoreError::invalid("chart_format", []).into()),
    };
    let ext: &'static str = if format == "svg" { "svg" } else { "png" };
    let Some(out) = save_dialog("dialog_save_chart", &format!("{name}.{ext}"), ext).await else { return Ok(None) };
    std::fs::write(&out, bytes)
        .map_err(|e| BridgeError::from(CoreError::Write { path: out.display().to_string(), reason: e.to_string() }))?;
    Ok(Some(out.display().to_string()))
}

#[tauri::command]
async fn get_settings(app: AppHandle) -> Answer<Vec<Setting>> {
    let s = service(&app)?;
    blocking(move || s.settings()).await
}

#[tauri::command]
async fn set_setting(app: AppHandle, key: String, value: String) -> Answer<Vec<Setting>> {
    let s = service(&app)?;
    let watch_changed = key == "watch_folder";
    let settings = blocking(move || s.set_setting(&key, &value)).await?;
    if watch_changed {
        restart_watch(&app);
    }
    push_generation(&app);
    Ok(settings)
}

/// The folder chooser of the watch-folder setting: the folder the
/// administrator picked (saved, and checked by the core, with the other
/// settings), or None when cancelled.
#[tauri::command]
async fn pick_folder(app: AppHandle) -> Answer<Option<String>> {
    admin_only(&app).await?;
    let folder = file_dialog("dialog_watch_folder").pick_folder().await;
    Ok(folder.map(|f| f.path().display().to_string()))
}

/// The running watch-folder thread's stop flag.
#[derive(Default)]
struct WatchState(std::sync::Mutex<Option<Arc<std::sync::atomic::AtomicBool>>>);

/// (Re)starts watching the folder of the `watch_folder` setting, if any. Each
/// file it imports refreshes the dashboards; each outcome is a notification.
fn restart_watch(app: &AppHandle) {
    let state = app.state::<WatchState>();
    let mut running = state.0.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(stop) = running.take() {
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    let Ok(s) = service(app) else { return };
    let Ok(Some(dir)) = s.watch_folder() else { return };
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    *running = Some(stop.clone());
    let app = app.clone();
    std::thread::spawn(move || {
        let result = comptoir_core::app::watch::run(&dir, &stop, &mut |path| {
            let outcome = s.import_watched(&path);
            let imported = outcome.imported;
            if imported {
                push_generation(&app);
            }
            let _ = app.emit("watch-imported", outcome);
            if imported {
                s.write_lake();
            }
        });
        if let Err(e) = result {
            let message = e.to_string();
            let _ = app.emit("watch-imported", comptoir_core::app::service::WatchOutcome { file: String::new(), imported: false, message });
        }
    });
}

fn bring_to_front(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Rebuilds a damaged store from the lake beside it; the damaged file is kept aside.
#[tauri::command]
async fn recover_store(app: AppHandle) -> Answer<slot::Rebuilt> {
    let slot = app.state::<Slot>().inner().clone();
    let rebuilt = tauri::async_runtime::spawn_blocking(move || slot.recover()).await.map_err(internal)??;
    restart_watch(&app);
    push_generation(&app);
    Ok(rebuilt)
}

/// Tells every window the figures changed; an open dashboard fetches its period again.
fn push_generation(app: &AppHandle) {
    if let Ok(s) = service(app) {
        let _ = app.emit("dashboard-updated", s.generation());
    }
}

#[derive(Clone, Serialize)]
struct DropPreview {
    preview: Option<Preview>,
    message: Option<String>,
}

/// Dropped files are checked here, in Rust, then dry-run like chosen ones.
fn on_drop(app: &AppHandle, paths: &[PathBuf]) {
    let accepted: Result<Vec<PathBuf>, String> = paths.iter().map(|p| check_dropped(p).map(|_| p.clone())).collect();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let outcome = match accepted {
            Err(message) => DropPreview { preview: None, message: Some(message) },
            Ok(paths) => match service(&app) {
                Err(e) => DropPreview { preview: None, message: Some(e.message) },
                Ok(s) => match blocking(move || s.preview(paths)).await {
                    Ok(p) => DropPreview { preview: Some(p), message: None },
                    Err(e) => DropPreview { preview: None, message: Some(e.message) },
                },
            },
        };
        let _ = app.emit("drop-preview", outcome);
    });
}

/// A dropped file refused before any reading: one sentence in the screens' language.
fn check_dropped(path: &std::path::Path) -> Result<(), String> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let refuse = |reason: Text| Err(CoreError::unreadable(&name, reason).render(ui_lang()));
    if !IMPORTABLE.contains(&ext.as_str()) {
        return refuse(Text::new("not_importable_type", []));
    }
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => return refuse(Text::new("io", [e.to_string()])),
    };
    if !meta.is_file() {
        return refuse(Text::new("folder", []));
    }
    if meta.len() > MAX_DROP_BYTES {
        return refuse(Text::new("too_big", [meta.len().div_ceil(1 << 20).to_string()]));
    }
    Ok(())
}

// The app's commands, one list for this crate and build.rs (which declares them
// so that Tauri enforces the capability ACL on each).
include!("commands.rs");

pub fn run() {
    comptoir_core::app::log::init("comptoir-app");
    // Until the store opens and says which language was chosen (a damaged one
    // never does), sentences follow the setting's default: the system's language.
    if let Some(language) = comptoir_core::store::catalog::find("language") {
        comptoir_core::messages::set_ui_lang(comptoir_core::messages::Lang::from_setting(language.default));
    }
    let log_startup = std::env::var_os("COMPTOIR_LOG_STARTUP").is_some();
    // The same store as the CLI: $COMPTOIR_DB, else the OS data directory.
    let db = comptoir_core::store::default_db_path();
    let listener = match instance::claim(&db) {
        Ok(instance::Instance::AlreadyRunning) => {
            println!("Comptoir is already open on {}; its window was brought to the front.", db.display());
            return;
        }
        Ok(instance::Instance::First(listener)) => Some(listener),
        Err(e) => {
            tracing::warn!("Comptoir could not check for another open window ({e}); starting anyway.");
            None
        }
    };
    tauri::Builder::default()
        .setup(move |app| {
            if log_startup {
                eprintln!("startup: setup begins {} ms after the process started", comptoir_core::app::service::process_age_ms());
            }
            if let Some(listener) = listener {
                let handle = app.handle().clone();
                instance::serve(listener, move || bring_to_front(&handle));
            }
            app.manage(WatchState::default());
            // The store opens while the window is created; commands wait for it.
            let handle = app.handle().clone();
            app.manage::<Slot>(slot::StoreSlot::open_in_background(db, move || {
                if log_startup {
                    eprintln!("startup: store open {} ms after the process started", comptoir_core::app::service::process_age_ms());
                }
                restart_watch(&handle);
            }));
            Ok(())
        })
        .on_page_load(move |webview, page| {
            // A page (re)load starts at the role screen: whatever role the last page had ends here.
            if page.event() == tauri::webview::PageLoadEvent::Started {
                // (The first page may start before setup has made the store's slot.)
                if let Some(s) = webview.app_handle().try_state::<Slot>().and_then(|slot| slot.try_get()) {
                    s.leave_role();
                }
            }
            // main.ts draws the first screen while its module runs, before the load ends.
            if log_startup && page.event() == tauri::webview::PageLoadEvent::Finished {
                eprintln!(
                    "startup: first screen drawn (page loaded) {} ms after the process started",
                    comptoir_core::app::service::process_age_ms()
                );
            }
        })
        .on_window_event(|window, event| {
            if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                on_drop(window.app_handle(), paths);
            }
        })
        .invoke_handler(tauri::generate_handler![
            app_info,
            choose_role,
            leave_role,
            set_passphrase,
            choose_files,
            preview_sample,
            save_mapping,
            list_mappings,
            edit_mapping,
            forget_mapping,
            confirm_import,
            cancel_import,
            save_problems,
            history,
            import_failures,
            undo_import,
            dashboard,
            export_dashboard,
            export_promo_clients,
            lines,
            export_lines,
            export_order_list,
            save_chart,
            get_settings,
            set_setting,
            pick_folder,
            recover_store
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            tracing::error!("Comptoir could not start: {e}");
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
        assert!(check_dropped(&pdf).unwrap_err().contains("only .xlsx"), "{:?}", check_dropped(&pdf));
        let folder = dir.join("book.xlsx");
        std::fs::create_dir_all(&folder).unwrap();
        assert!(check_dropped(&folder).unwrap_err().contains("not a file"));
        let ok = dir.join("ok.csv");
        std::fs::write(&ok, b"a,b\n").unwrap();
        assert!(check_dropped(&ok).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn every_command_is_granted_to_the_window_and_nothing_else() {
        let capability: serde_json::Value = serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
        let granted: Vec<&str> = capability["permissions"].as_array().unwrap().iter().filter_map(|p| p.as_str()).collect();
        for command in COMMANDS {
            assert!(granted.contains(&format!("allow-{}", command.replace('_', "-")).as_str()), "{command} is not granted");
        }
        let own: Vec<&&str> = granted.iter().filter(|p| p.starts_with("allow-")).collect();
        assert_eq!(own.len(), COMMANDS.len(), "no permission for a command that does not exist");
        assert!(granted.iter().all(|p| p.starts_with("allow-") || p.starts_with("core:event:")), "no plugin beyond events: {granted:?}");
    }

    #[test]
    fn errors_cross_the_bridge_as_code_and_sentence() {
        let e = BridgeError::from(CoreError::NotFound { path: "/x/y.xlsx".into() });
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json, serde_json::json!({"code": "not_found", "message": "/x/y.xlsx was not found."}));
    }
}
