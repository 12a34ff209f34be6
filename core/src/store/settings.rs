//! Settings stored in the database (SPEC §4): thresholds, as_of mode, currency,
//! and the app's language, theme and watch folder.
//! What each is and its default come from `catalog`; the `settings` table
//! holds the overrides.

use crate::error::{CoreError, Result};
use crate::store::catalog::{self, Kind};
use crate::store::database::{in_transaction, Store};
use duckdb::params;
use rust_decimal::Decimal;

pub fn list(store: &Store) -> Result<Vec<(String, String)>> {
    let mut stmt = store.conn().prepare("SELECT key, value FROM settings_effective ORDER BY position")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
}

pub fn get(store: &Store, key: &str) -> Result<String> {
    list(store)?.into_iter().find(|(k, _)| k == key).map(|(_, v)| v).ok_or_else(|| unknown(store, key))
}

fn unknown(store: &Store, key: &str) -> CoreError {
    let keys: Vec<String> = list(store).map(|l| l.into_iter().map(|(k, _)| k).collect()).unwrap_or_default();
    CoreError::Usage(format!("There is no setting \u{201c}{key}\u{201d}; the settings are {}.", keys.join(", ")))
}

/// Checks and stores one setting, typed as a person types it: `20 000 €`,
/// `20000`, `0,15` or `15 %` (the margin as a percentage). The canonical form
/// is stored (`20000`, `0.15`), so the figures never see the typing.
pub fn set(store: &Store, key: &str, value: &str) -> Result<()> {
    let refused = |code| CoreError::Setting { key: key.to_string(), code, value: value.trim().to_string() };
    let canonical = normalise(key, value).map_err(refused)?;
    put(store, key, Some(&canonical))
}

/// The stored form of `value` for `key`, or the code (in `messages`) of why it is refused.
pub fn normalise(key: &str, value: &str) -> std::result::Result<String, &'static str> {
    let value = value.trim();
    let Some(definition) = catalog::find(key) else { return Err("setting_unknown") };
    let canonical = by_kind(definition, value);
    let Some(bounds) = definition.bounds else { return canonical };
    // A bounded setting says its own bounds whatever is wrong with what was typed.
    let value = canonical.map_err(|_| bounds.refusal)?;
    let number = |s: &str| Decimal::from_str_exact(s).map_err(|_| bounds.refusal);
    let (v, min, max) = (number(&value)?, number(bounds.min)?, number(bounds.max)?);
    (min <= v && v <= max).then_some(value).ok_or(bounds.refusal)
}

/// The stored form of `value` by the kind of setting, or the code of why it is refused.
fn by_kind(definition: &catalog::Definition, value: &str) -> std::result::Result<String, &'static str> {
    match definition.kind {
        Kind::Date => {
            let latest = ["latest", "dernière", "derniere"].iter().any(|w| value.eq_ignore_ascii_case(w)) || value.is_empty();
            if latest {
                return Ok("latest".into());
            }
            chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map(|d| d.to_string()).map_err(|_| "setting_date")
        }
        Kind::Text => (!value.is_empty() && value.chars().count() <= 8 && !value.chars().any(char::is_control))
            .then(|| value.to_string())
            .ok_or("setting_currency"),
        Kind::Choice => definition.choices.contains(&value).then(|| value.to_string()).ok_or("setting_choice"),
        Kind::Folder => (value.is_empty() || std::path::Path::new(value).is_dir()).then(|| value.to_string()).ok_or("setting_folder"),
        Kind::Days => {
            let number = value.trim_end_matches(|c: char| c.is_alphabetic() || c.is_whitespace());
            number.parse::<u32>().ok().filter(|d| *d <= 3650).map(|d| d.to_string()).ok_or("setting_days")
        }
        Kind::Percent => {
            let (number, percent) = match value.strip_suffix('%') {
                Some(n) => (n, true),
                None => (value, false),
            };
            let d = number_typed(number).ok_or("setting_margin")?;
            // A bare number of 1 or more can only be a percentage (a rate is below 1).
            let rate = if percent || d.abs() >= Decimal::ONE { d / Decimal::ONE_HUNDRED } else { d };
            (rate > -Decimal::ONE && rate < Decimal::ONE).then(|| rate.normalize().to_string()).ok_or("setting_margin")
        }
        Kind::Number => {
            let d = number_typed(value).ok_or("setting_number")?;
            (!d.is_sign_negative()).then(|| d.normalize().to_string()).ok_or("setting_number")
        }
        Kind::Amount => {
            let d = number_typed(value.trim_matches(|c: char| !(c.is_ascii_digit() || "+-.,".contains(c)))).ok_or("setting_amount")?;
            (!d.is_sign_negative()).then(|| d.normalize().to_string()).ok_or("setting_amount")
        }
    }
}

/// A number as people write it: spaces (also no-break ones) or separators
/// group thousands, the decimal mark is a point or a comma (`20 000`,
/// `20,000.50`, `20.000,50`, `0,15`); currency symbols around it are ignored.
fn number_typed(text: &str) -> Option<Decimal> {
    let text: String = text.chars().filter(|c| !c.is_whitespace() && !"\u{a0}\u{202f}'’".contains(*c)).collect();
    let text = text.trim_matches(|c: char| !(c.is_ascii_digit() || "+-.,".contains(c)));
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit() || "+-.,".contains(c)) {
        return None;
    }
    let (commas, points) = (text.matches(',').count(), text.matches('.').count());
    let plain = match (commas, points) {
        (0, 0) | (0, 1) => text.to_string(),
        (0, _) => text.replace('.', ""),
        (_, 0) if commas > 1 => text.replace(',', ""),
        (1, 0) => {
            // "20,000" groups thousands; "0,15" and "12,5" are decimals.
            let (int, frac) = text.split_once(',')?;
            let digits = int.trim_start_matches(['+', '-']);
            if frac.len() == 3 && !digits.is_empty() && digits != "0" {
                format!("{int}{frac}")
            } else {
                format!("{int}.{frac}")
            }
        }
        _ => {
            // Both: the last one is the decimal mark.
            let (mark, group) = if text.rfind(',') > text.rfind('.') { (',', '.') } else { ('.', ',') };
            if text.matches(mark).count() > 1 {
                return None;
            }
            text.replace(group, "").replace(mark, ".")
        }
    };
    Decimal::from_str_exact(&plain).ok()
}

/// Replaces (or with None removes) one stored setting in one transaction.
/// (Its copy in the lake is the caller's post-commit work: `app::service`.)
pub(crate) fn put(store: &Store, key: &str, value: Option<&str>) -> Result<()> {
    in_transaction(store.conn(), |conn| {
        conn.execute("DELETE FROM settings WHERE key = ?", params![key])?;
        if let Some(value) = value {
            conn.execute("INSERT INTO settings VALUES (?, ?)", params![key, value])?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::{template, Lang};

    #[test]
    fn settings_have_defaults_and_validated_overrides() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(get(&store, "gold_min").unwrap(), "20000");
        assert_eq!(get(&store, "expiring_days").unwrap(), "7");
        set(&store, "gold_min", "25000").unwrap();
        assert_eq!(get(&store, "gold_min").unwrap(), "25000");
        set(&store, "as_of", "2026-05-31").unwrap();
        let refused = set(&store, "as_of", "yesterday").unwrap_err();
        assert_eq!(refused.code(), "invalid_setting");
        assert_eq!(
            refused.to_string(),
            "As-of date: choose a date, or \u{201c}latest\u{201d} for the date of the latest invoice, not \u{201c}yesterday\u{201d}."
        );
        assert!(refused.render(Lang::Fr).starts_with("Date de référence\u{a0}: choisissez une date"), "{}", refused.render(Lang::Fr));
        assert!(set(&store, "gold_min", "-5").unwrap_err().to_string().starts_with("Gold tier from: type an amount"));
        assert!(set(&store, "gold_min", "-5").unwrap_err().render(Lang::Fr).starts_with("Niveau Or à partir de\u{a0}: tapez un montant"));
        assert!(set(&store, "expiring_days", "7.5").is_err());
        assert!(get(&store, "colour").unwrap_err().to_string().contains("gold_min"));
        assert!(set(&store, "colour", "red").unwrap_err().render(Lang::Fr).contains("colour"));
        set(&store, "theme", "dark").unwrap();
        assert!(set(&store, "theme", "pink").is_err());
        let folder = set(&store, "watch_folder", "/no/such/folder").unwrap_err();
        assert!(folder.render(Lang::Fr).starts_with("Dossier surveillé"), "{}", folder.render(Lang::Fr));
        assert_eq!(list(&store).unwrap().len(), 16);
        // Typed as a person types it, stored canonically.
        set(&store, "gold_min", "20 000 €").unwrap();
        assert_eq!(get(&store, "gold_min").unwrap(), "20000");
        set(&store, "min_margin", "15 %").unwrap();
        assert_eq!(get(&store, "min_margin").unwrap(), "0.15");
        set(&store, "as_of", "latest").unwrap();
        assert_eq!(get(&store, "as_of").unwrap(), "latest");
    }

    #[test]
    fn amounts_rates_and_days_are_read_as_people_type_them() {
        let ok = |key: &str, typed: &str| normalise(key, typed).unwrap_or_else(|c| panic!("{typed}: {c}"));
        for (typed, stored) in [
            ("20000", "20000"),
            ("20 000 €", "20000"),
            ("20\u{a0}000\u{a0}€", "20000"),
            ("20\u{202f}000,50 €", "20000.5"),
            ("€20,000.50", "20000.5"),
            ("20.000,50", "20000.5"),
            ("20,000", "20000"),
            ("12,5", "12.5"),
            ("CHF 5'000", "5000"),
            ("0", "0"),
            ("5000.00", "5000"),
        ] {
            assert_eq!(ok("gold_min", typed), stored, "{typed}");
        }
        for (typed, stored) in [
            ("0,15", "0.15"),
            ("0.15", "0.15"),
            ("15 %", "0.15"),
            ("15%", "0.15"),
            ("12,5 %", "0.125"),
            ("15", "0.15"),
            ("-5 %", "-0.05"),
            ("0", "0"),
        ] {
            assert_eq!(ok("min_margin", typed), stored, "{typed}");
        }
        for (typed, stored) in [("7", "7"), (" 30 ", "30"), ("14 jours", "14"), ("10 days", "10")] {
            assert_eq!(ok("expiring_days", typed), stored, "{typed}");
        }
        assert_eq!(normalise("gold_min", "-5"), Err("setting_amount"));
        assert_eq!(normalise("gold_min", "beaucoup"), Err("setting_amount"));
        assert_eq!(normalise("gold_min", "1,2,3.4,5"), Err("setting_amount"));
        assert_eq!(normalise("gold_min", ""), Err("setting_amount"));
        assert_eq!(normalise("min_margin", "100 %"), Err("setting_margin"));
        assert_eq!(normalise("min_margin", "abc %"), Err("setting_margin"));
        assert_eq!(normalise("expiring_days", "7.5"), Err("setting_days"));
        assert_eq!(normalise("expiring_days", "-1"), Err("setting_days"));
        assert_eq!(normalise("as_of", "2026-02-30"), Err("setting_date"));
        assert_eq!(normalise("as_of", "2026-02-28").unwrap(), "2026-02-28");
        assert_eq!(normalise("currency", "euros et centimes"), Err("setting_currency"));
        // Replenishment days, the largest markdown and the default elasticity (SPEC §4.1).
        for key in ["lead_time_days", "safety_days", "target_cover_days"] {
            assert_eq!(ok(key, "10 jours"), "10");
            assert_eq!(normalise(key, "2.5"), Err("setting_days"));
        }
        for (typed, stored) in [("50 %", "0.5"), ("50", "0.5"), ("0,5", "0.5"), ("5%", "0.05"), ("95 %", "0.95"), ("0.35", "0.35")] {
            assert_eq!(ok("max_markdown", typed), stored, "{typed}");
        }
        for refused in ["4 %", "96 %", "100 %", "0", "-10 %", "beaucoup"] {
            assert_eq!(normalise("max_markdown", refused), Err("setting_markdown"), "{refused}");
        }
        for (typed, stored) in [("1.5", "1.5"), ("1,5", "1.5"), ("0.3", "0.3"), ("5", "5"), ("2.25", "2.25")] {
            assert_eq!(ok("default_elasticity", typed), stored, "{typed}");
        }
        for refused in ["0.29", "5.01", "-1.5", "élevée"] {
            assert_eq!(normalise("default_elasticity", refused), Err("setting_elasticity"), "{refused}");
        }
    }

    #[test]
    fn every_store_setting_has_a_label_in_both_languages() {
        let store = Store::open_in_memory().unwrap();
        for (key, _) in list(&store).unwrap() {
            let t = template(&format!("setting_label_{key}")).unwrap_or_else(|| panic!("no label for {key}"));
            assert!(!t.en.is_empty() && !t.fr.is_empty() && t.en != t.fr, "{key}");
        }
    }
}
