//! Comptoir's core: import, store, analytics, charts. Knows nothing of Tauri.
//!
//! Data flows one way: `workbook` reads → `import` validates and writes the
//! `store` in one transaction → `analytics` reads the SQL views → `charts`.

pub mod analytics;
pub mod cells;
pub mod charts;
pub mod error;
pub mod exports;
pub mod errors_out;
pub mod generate;
pub mod history;
pub mod import;
pub mod input;
pub mod lake;
pub mod messages;
pub mod layout;
pub mod mappings;
pub mod watch;
pub mod preflight;
pub mod sandbox;
pub mod service;
pub mod settings;
pub mod suggest;
mod staging;
pub mod store;
pub mod terminal;
pub mod workbook;
