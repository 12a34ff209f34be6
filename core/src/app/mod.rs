//! What the desktop shell and the CLI call: the `service` (roles, previews,
//! imports, dashboards, settings, mappings), the `watch` folder, and the
//! `log` file both write.

pub mod log;
pub mod service;
pub mod watch;
