//! Typed errors. Each one displays as a single sentence a shop owner can act
//! on, in English; [`CoreError::render`] gives it in the user's language.

use crate::messages::{render, Lang, Text};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// A file that cannot be imported, and why (a sentence code of `messages`).
    #[error("{}", render("unreadable", &[file.clone(), reason.render(Lang::En)], Lang::En))]
    Unreadable { file: String, reason: Text },

    /// No sheet of the file was recognised: the user can map its columns.
    #[error("{}", render("no_known_sheet", std::slice::from_ref(file), Lang::En))]
    NoKnownSheet { file: String },

    /// The current role may not do this (a sentence of `messages`).
    #[error("{0}")]
    Forbidden(Text),

    #[error("{}", render("not_found", std::slice::from_ref(path), Lang::En))]
    NotFound { path: String },

    #[error("{}", render("store_open", &[path.clone(), reason.clone()], Lang::En))]
    StoreOpen { path: String, reason: String },

    /// The store's file (or its write-ahead log) is damaged. Nothing was
    /// changed; `lake` is where it can be rebuilt from, if a lake is beside it.
    #[error("{}", damaged(path, reason, lake.as_deref(), Lang::En))]
    StoreDamaged { path: String, reason: String, lake: Option<String> },

    #[error("{}", render("store_error", std::slice::from_ref(.0), Lang::En))]
    Store(String),

    #[error("{0}")]
    Usage(String),

    /// Something the user asked for that cannot be done as asked: a sentence
    /// of `messages`, so that it reaches the screen in the user's language.
    #[error("{0}")]
    Invalid(Text),

    /// A setting refused: `code` of `messages`, naming the setting by the
    /// label the settings screen shows, in the user's language.
    #[error("{}", crate::messages::setting_refusal(key, code, value, Lang::En))]
    Setting { key: String, code: &'static str, value: String },

    #[error("{}", render("write_failed", &[path.clone(), reason.clone()], Lang::En))]
    Write { path: String, reason: String },
}

impl CoreError {
    pub fn from_io(path: &Path, e: std::io::Error) -> CoreError {
        match e.kind() {
            std::io::ErrorKind::NotFound => CoreError::NotFound { path: path.display().to_string() },
            _ => CoreError::unreadable(&display_name(path), Text::new("io", [e.to_string()])),
        }
    }

    /// `file` cannot be imported, for `reason`.
    pub fn unreadable(file: &str, reason: Text) -> CoreError {
        CoreError::Unreadable { file: file.to_string(), reason }
    }

    /// A request refused with the sentence `code` of `messages`.
    pub fn invalid<const N: usize>(code: &'static str, params: [String; N]) -> CoreError {
        CoreError::Invalid(Text::new(code, params))
    }

    /// Refused to the current role, with the sentence `code` of `messages`.
    pub fn forbidden<const N: usize>(code: &'static str, params: [String; N]) -> CoreError {
        CoreError::Forbidden(Text::new(code, params))
    }

    /// The sentence in `lang` (the same as `to_string()` in English).
    pub fn render(&self, lang: Lang) -> String {
        match self {
            CoreError::Unreadable { file, reason } => render("unreadable", &[file.clone(), reason.render(lang)], lang),
            CoreError::NoKnownSheet { file } => render("no_known_sheet", std::slice::from_ref(file), lang),
            CoreError::NotFound { path } => render("not_found", std::slice::from_ref(path), lang),
            CoreError::Invalid(text) | CoreError::Forbidden(text) => text.render(lang),
            CoreError::StoreOpen { path, reason } => render("store_open", &[path.clone(), reason.clone()], lang),
            CoreError::StoreDamaged { path, reason, lake } => damaged(path, reason, lake.as_deref(), lang),
            CoreError::Store(reason) => render("store_error", std::slice::from_ref(reason), lang),
            CoreError::Write { path, reason } => render("write_failed", &[path.clone(), reason.clone()], lang),
            CoreError::Setting { key, code, value } => crate::messages::setting_refusal(key, code, value, lang),
            other => other.to_string(),
        }
    }

    /// Stable code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Unreadable { .. } => "unreadable_file",
            CoreError::NotFound { .. } => "not_found",
            CoreError::NoKnownSheet { .. } => "no_known_sheet",
            CoreError::Forbidden(_) => "forbidden",
            CoreError::StoreOpen { .. } => "store_open",
            // Only a damaged store with a lake can be rebuilt: the UI offers it on this code.
            CoreError::StoreDamaged { lake: Some(_), .. } => "store_damaged",
            CoreError::StoreDamaged { lake: None, .. } => "store_open",
            CoreError::Store(_) => "store",
            CoreError::Usage(_) | CoreError::Invalid(_) => "usage",
            CoreError::Setting { .. } => "invalid_setting",
            CoreError::Write { .. } => "write",
        }
    }
}

impl CoreError {
    /// DuckDB ran out of the memory it was given.
    pub fn is_out_of_memory(&self) -> bool {
        // (a checkpoint of the import's in-memory stage short of memory invalidates that
        // database, and says so before the buffer manager's own words)
        const SHORT_OF_MEMORY: [&str; 2] = ["could not allocate block", "failed to pin block"];
        matches!(self, CoreError::Store(reason) if reason.starts_with("Out of Memory Error")
            || reason.contains("checkpointing failed") && SHORT_OF_MEMORY.iter().any(|m| reason.contains(m)))
    }
}

impl From<duckdb::Error> for CoreError {
    fn from(e: duckdb::Error) -> Self {
        // DuckDB messages can span lines (hints); the first line is the sentence.
        let text = e.to_string();
        let first = text.lines().next().unwrap_or_default().trim_end_matches('.');
        CoreError::Store(first.to_string())
    }
}

fn damaged(path: &str, reason: &str, lake: Option<&str>, lang: Lang) -> String {
    let hint = match lake {
        Some(lake) => render("store_damaged_lake", &[lake.to_string()], lang),
        None => render("store_damaged_no_lake", &[], lang),
    };
    render("store_damaged", &[path.to_string(), reason.to_string(), hint], lang)
}

/// A file's name as sentences give it (its last component).
pub fn display_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

pub type Result<T> = std::result::Result<T, CoreError>;
