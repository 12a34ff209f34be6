//! One integration-test binary for the core (one link on a 2-core machine).

// Golden tests compare rows as tuples of columns, spelled out where they are read.
#![allow(clippy::type_complexity)]

mod beyond;
mod cli;
mod contract;
mod drill;
mod edge_cases;
mod golden;
mod golden_files;
mod hostile;
mod import_rules;
mod online_retail;
mod sample;
mod support;
mod trust;
