//! Settings stored in the database (SPEC §4): thresholds, as_of mode, currency,
//! and the app's language, theme and watch folder.
//! Defaults live in `sql/settings.sql`; the `settings` table holds overrides.

use crate::error::{CoreError, Result};
use crate::store::Store;
use duckdb::params;

/// The administrator's passphrase (an argon2 hash), never listed nor copied to the lake.
pub const PASSPHRASE_KEY: &str = "admin_passphrase";

pub fn list(store: &Store) -> Result<Vec<(String, String)>> {
    let mut stmt = store.conn().prepare("SELECT key, value FROM settings_effective ORDER BY key")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
}

pub fn get(store: &Store, key: &str) -> Result<String> {
    list(store)?
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .ok_or_else(|| unknown(store, key))
}

fn unknown(store: &Store, key: &str) -> CoreError {
    let keys: Vec<String> = list(store).map(|l| l.into_iter().map(|(k, _)| k).collect()).unwrap_or_default();
    CoreError::Usage(format!("There is no setting \u{201c}{key}\u{201d}; the settings are {}.", keys.join(", ")))
}

/// Checks and stores one setting.
pub fn set(store: &Store, key: &str, value: &str) -> Result<()> {
    get(store, key)?;
    let value = value.trim();
    let valid = match key {
        "as_of" => value == "latest" || chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
        "currency" => !value.is_empty() && value.chars().count() <= 8,
        "language" => matches!(value, "auto" | "fr" | "en"),
        "theme" => matches!(value, "system" | "light" | "dark"),
        "watch_folder" => value.is_empty() || std::path::Path::new(value).is_dir(),
        "expiring_days" | "no_movement_days" => value.parse::<u32>().is_ok_and(|d| d <= 3650),
        "min_margin" => value.parse::<rust_decimal::Decimal>().is_ok_and(|d| d > -rust_decimal::Decimal::ONE && d < rust_decimal::Decimal::ONE),
        _ => value.parse::<rust_decimal::Decimal>().is_ok_and(|d| !d.is_sign_negative()),
    };
    if !valid {
        let expected = match key {
            "as_of" => "latest or a date YYYY-MM-DD",
            "currency" => "a symbol of at most 8 characters",
            "language" => "auto, fr or en",
            "theme" => "system, light or dark",
            "watch_folder" => "an existing folder (or empty for none)",
            "expiring_days" | "no_movement_days" => "a whole number of days",
            "min_margin" => "a rate between -1 and 1, such as 0.15",
            _ => "an amount of at least 0, such as 5000",
        };
        return Err(CoreError::Usage(format!("{key} must be {expected}, not \u{201c}{value}\u{201d}.")));
    }
    put(store, key, Some(value))
}

/// Replaces (or with None removes) one stored setting in one transaction,
/// then copies the settings to the lake beside the store.
pub(crate) fn put(store: &Store, key: &str, value: Option<&str>) -> Result<()> {
    crate::store::in_transaction(store.conn(), |conn| {
        conn.execute("DELETE FROM settings WHERE key = ?", params![key])?;
        if let Some(value) = value {
            conn.execute("INSERT INTO settings VALUES (?, ?)", params![key, value])?;
        }
        Ok(())
    })?;
    // The store has it; the lake copy is for a rebuild and is rewritten at the next change.
    if let Err(e) = crate::store::lake::write_settings(store) {
        eprintln!("The settings could not be copied to the lake: {e}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_have_defaults_and_validated_overrides() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(get(&store, "gold_min").unwrap(), "20000");
        assert_eq!(get(&store, "expiring_days").unwrap(), "7");
        set(&store, "gold_min", "25000").unwrap();
        assert_eq!(get(&store, "gold_min").unwrap(), "25000");
        set(&store, "as_of", "2026-05-31").unwrap();
        assert!(set(&store, "as_of", "yesterday").unwrap_err().to_string().contains("latest or a date"));
        assert!(set(&store, "gold_min", "-5").is_err());
        assert!(set(&store, "expiring_days", "7.5").is_err());
        assert!(get(&store, "colour").unwrap_err().to_string().contains("gold_min"));
        set(&store, "theme", "dark").unwrap();
        assert!(set(&store, "theme", "pink").unwrap_err().to_string().contains("system, light or dark"));
        assert!(set(&store, "watch_folder", "/no/such/folder").is_err());
        assert_eq!(list(&store).unwrap().len(), 11);
    }
}
