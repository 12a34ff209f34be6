//! The log a store owner can send: one file a day in the OS data directory
//! (`…/comptoir/logs/comptoir.log.YYYY-MM-DD`), the last seven kept, written
//! by `tracing`. Warnings also go to stderr, where a terminal user sees them.
//! `COMPTOIR_LOG_DIR` puts the files elsewhere (tests, a shop's own folder).

use std::path::PathBuf;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::prelude::*;

/// Days of log kept.
const KEPT_FILES: usize = 7;

/// Where the log files are.
pub fn log_dir() -> PathBuf {
    match std::env::var_os("COMPTOIR_LOG_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("comptoir").join("logs"),
    }
}

/// Starts logging for this process (`program` names it in each line). A log
/// that cannot be opened is not a reason to stop: stderr still gets warnings.
pub fn init(program: &'static str) {
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .without_time()
        .with_target(false)
        .with_level(false)
        .with_filter(LevelFilter::WARN);
    let file = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("comptoir.log")
        .max_log_files(KEPT_FILES)
        .build(log_dir())
        .ok()
        .map(|appender| {
            tracing_subscriber::fmt::layer()
                .with_writer(std::sync::Mutex::new(appender))
                .with_ansi(false)
                .with_target(false)
                .with_filter(LevelFilter::INFO)
        });
    if tracing_subscriber::registry().with(stderr).with(file).try_init().is_ok() {
        tracing::info!("{program} {} started (pid {})", env!("CARGO_PKG_VERSION"), std::process::id());
    }
}
