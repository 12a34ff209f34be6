//! What the desktop shell and the CLI call: the `service` (roles, previews,
//! imports, dashboards, settings, mappings) and the `watch` folder.

pub mod service;
pub mod watch;
