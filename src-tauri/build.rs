fn main() {
    // Declaring the app's commands makes Tauri enforce the capability ACL on them
    // (without this, every command is callable from every window).
    // Keep in step with `COMMANDS` in src/lib.rs (a test checks it).
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "choose_role",
        "leave_role",
        "set_passphrase",
        "choose_files",
        "preview_sample",
        "save_mapping",
        "list_mappings",
        "edit_mapping",
        "forget_mapping",
        "confirm_import",
        "cancel_import",
        "save_problems",
        "history",
        "import_failures",
        "undo_import",
        "dashboard",
        "export_dashboard",
        "export_promo_clients",
        "save_chart",
        "get_settings",
        "set_setting",
        "choose_watch_folder",
        "recover_store",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("failed to run tauri-build");
}
