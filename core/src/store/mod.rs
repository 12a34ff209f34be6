//! The store, in layers that only look down: `place` (where a store's files
//! live) and `catalog` (the settings there are), `database` (the DuckDB file: open, migrate, transactions),
//! `settings` (stored over the catalog's defaults), `lake` (Parquet copies
//! written after each commit, and rebuilding a store from them).

pub mod catalog;
pub mod database;
pub mod lake;
pub mod place;
pub mod settings;

pub use database::{
    add_sales_aggregates, add_staged_sales_aggregates, in_transaction, owner_only_files, refresh_product_months, Store, MEMORY_LIMIT_MB,
    PASSPHRASE_KEY, STORE_ID_KEY, VIEWS,
};
pub use place::{default_db_path, lake_beside, legacy_lake};
