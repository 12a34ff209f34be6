//! The one list of settings: key, default, kind and whether it is personal.
//! The store's defaults (the `setting_defaults` table the SQL reads), the
//! checks of a typed value (`settings::normalise`), the role that may change
//! it (`app::service`) and the settings screen (which shows each setting by
//! its kind) all come from here.

use serde::Serialize;

/// What a setting holds: says how it is typed, checked, stored and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A whole number of days, 0 … 3650.
    Days,
    /// A money amount ≥ 0, typed as people write it (`20 000 €`).
    Amount,
    /// A rate stored as a fraction (0.15), typed as `15 %` or `0,15`.
    Percent,
    /// A plain number ≥ 0, typed as people write it (`1,5`).
    Number,
    /// `latest` or a date (YYYY-MM-DD).
    Date,
    /// A short text (the currency symbol).
    Text,
    /// A folder that exists, or nothing.
    Folder,
    /// One of `choices`.
    Choice,
}

/// Inclusive bounds that a setting's meaning adds to its kind's checks, on
/// the stored (canonical) value, and the message code of its refusals.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Bounds {
    pub min: &'static str,
    pub max: &'static str,
    pub refusal: &'static str,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Definition {
    pub key: &'static str,
    pub default: &'static str,
    pub kind: Kind,
    /// The values a `Choice` accepts (empty for other kinds).
    pub choices: &'static [&'static str],
    /// A person's own preference, which any role may change; the others are
    /// the administrator's, because they change the figures.
    pub personal: bool,
    /// Further bounds on the value (None: the kind's checks only).
    pub bounds: Option<Bounds>,
}

const fn setting(key: &'static str, default: &'static str, kind: Kind) -> Definition {
    Definition { key, default, kind, choices: &[], personal: false, bounds: None }
}

const fn bounded(
    key: &'static str,
    default: &'static str,
    kind: Kind,
    min: &'static str,
    max: &'static str,
    refusal: &'static str,
) -> Definition {
    Definition { key, default, kind, choices: &[], personal: false, bounds: Some(Bounds { min, max, refusal }) }
}

const fn choice(key: &'static str, default: &'static str, choices: &'static [&'static str]) -> Definition {
    Definition { key, default, kind: Kind::Choice, choices, personal: true, bounds: None }
}

/// In the order the settings screen shows them. Defaults are SPEC §4's.
pub const CATALOG: &[Definition] = &[
    // expiring: as_of ≤ expiry < as_of + expiring_days
    setting("expiring_days", "7", Kind::Days),
    // no_movement: last movement < as_of − no_movement_days
    setting("no_movement_days", "30", Kind::Days),
    setting("silver_min", "5000", Kind::Amount),
    setting("gold_min", "20000", Kind::Amount),
    // eligible when lifetime revenue is strictly above
    setting("promo_threshold", "10000", Kind::Amount),
    // the margin threshold of products that have none
    setting("min_margin", "0", Kind::Percent),
    // Replenishment (SPEC §4.1): reorder when days of cover < lead_time_days + safety_days
    setting("lead_time_days", "7", Kind::Days),
    setting("safety_days", "3", Kind::Days),
    // the suggested order brings the cover up to this many days
    setting("target_cover_days", "21", Kind::Days),
    // Markdowns (SPEC §4.1): the largest discount suggested (steps of 5 %)
    bounded("max_markdown", "0.5", Kind::Percent, "0.05", "0.95", "setting_markdown"),
    // the price elasticity when the store's own history cannot give one
    bounded("default_elasticity", "1.5", Kind::Number, "0.3", "5", "setting_elasticity"),
    // `latest` (the date of the latest invoice) or YYYY-MM-DD
    setting("as_of", "latest", Kind::Date),
    setting("currency", "€", Kind::Text),
    // a folder whose new workbooks are imported by themselves; '' = none
    setting("watch_folder", "", Kind::Folder),
    // `auto` is the system's language
    choice("language", "auto", &["auto", "fr", "en"]),
    choice("theme", "system", &["system", "light", "dark"]),
];

/// The definition of `key`, if it is a setting.
pub fn find(key: &str) -> Option<&'static Definition> {
    CATALOG.iter().find(|d| d.key == key)
}

/// Creates the `setting_defaults` table (key, value, position) the SQL reads
/// the defaults from; run at every open, before the views.
pub fn install_defaults(conn: &duckdb::Connection) -> duckdb::Result<()> {
    conn.execute_batch("CREATE OR REPLACE TEMP TABLE setting_defaults (key VARCHAR PRIMARY KEY, value VARCHAR, position INTEGER)")?;
    // (appended: one INSERT a setting, each its own transaction, took ~12 ms of every open)
    let mut defaults = conn.appender_to_catalog_and_db("setting_defaults", "temp", "main")?;
    for (position, d) in CATALOG.iter().enumerate() {
        defaults.append_row(duckdb::params![d.key, d.default, position as i64])?;
    }
    defaults.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_choices_belong_to_choice_settings() {
        for (i, d) in CATALOG.iter().enumerate() {
            assert!(CATALOG[..i].iter().all(|o| o.key != d.key), "{} twice", d.key);
            assert_eq!(d.kind == Kind::Choice, !d.choices.is_empty(), "{}", d.key);
            assert!(d.kind != Kind::Choice || d.choices.contains(&d.default), "{}: default among its choices", d.key);
        }
        assert_eq!(find("gold_min").map(|d| (d.default, d.kind, d.personal)), Some(("20000", Kind::Amount, false)));
        assert!(find("language").unwrap().personal && find("theme").unwrap().personal);
        assert!(find("colour").is_none());
        // Bounds are decimals, within the kind's own range.
        for d in CATALOG.iter().filter(|d| d.bounds.is_some()) {
            let b = d.bounds.unwrap();
            let (min, max) = (b.min.parse::<f64>().unwrap(), b.max.parse::<f64>().unwrap());
            let default = d.default.parse::<f64>().unwrap();
            assert!(min <= default && default <= max, "{}: default within its bounds", d.key);
        }
    }
}
