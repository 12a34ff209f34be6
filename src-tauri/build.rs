fn main() {
    // Declaring the app's commands makes Tauri enforce the capability ACL on them
    // (without this, every command is callable from every window).
    let manifest = tauri_build::AppManifest::new().commands(&["app_info", "dashboard", "import_sample", "choose_and_import"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("failed to run tauri-build");
}
