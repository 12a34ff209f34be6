//! Reading files into rows of cells: one descriptor per file (`input`), a
//! cheap check of ZIP-based workbooks (`preflight`), spreadsheets parsed in a
//! capped child process (`sandbox`), text tables in the process, all behind
//! `workbook`; `cells` turns cells into ids, exact decimals and dates.
//! Nothing here knows the store.

pub mod cells;
pub mod input;
pub mod preflight;
pub mod sandbox;
pub mod spreadsheet;
pub mod workbook;
