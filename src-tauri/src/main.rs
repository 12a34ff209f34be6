// Prevents an extra console window on Windows in release.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // The importer reads every spreadsheet in a child: this same executable, limited.
    if let Some(code) = comptoir_core::read::sandbox::serve_if_child() {
        std::process::exit(code);
    }
    if let Ok(exe) = std::env::current_exe() {
        comptoir_core::read::sandbox::enable(exe);
    }
    comptoir_app::run();
}
