//! Comptoir's core: import, store, analytics, charts. Knows nothing of Tauri.
//!
//! The folders are the stages, and data flows one way through them:
//! `read` (files to rows, in a capped child for spreadsheets; no DuckDB) →
//! `import` (layouts, mappings, checks, one transaction into the store) →
//! `store` (the DuckDB file, its schema, settings and lake) → `analytics`
//! (the SQL views, charts and exports) → `app` (the service the desktop shell
//! and the CLI call, and the watch folder). `error` and `messages` are shared
//! by all: errors and sentences, as codes with parameters.

pub mod analytics;
pub mod app;
pub mod error;
pub mod generate;
pub mod import;
pub mod messages;
pub mod read;
pub mod store;
pub mod terminal;
