//! Cell values as read from any workbook or CSV, and their conversion to the
//! types the store keeps (SPEC §2.3): identifiers, exact decimals, dates.

use crate::error::CoreError;
use crate::messages::Text;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use std::str::FromStr;

/// One cell, independent of the file format it came from.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Empty,
    Text(String),
    Number(f64),
    Int(i64),
    Bool(bool),
    /// A date/time cell (Excel serial already converted, 1900 or 1904 system).
    DateTime(NaiveDateTime),
    /// An error cell such as `#N/A` or `#DIV/0!`.
    Error(String),
}

impl CellValue {
    pub fn is_empty(&self) -> bool {
        match self {
            CellValue::Empty => true,
            CellValue::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as the user would read it, for problem reports.
    pub fn display(&self) -> String {
        match self {
            CellValue::Empty => String::new(),
            CellValue::Text(s) => s.clone(),
            CellValue::Number(f) => format!("{f}"),
            CellValue::Int(i) => i.to_string(),
            CellValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            CellValue::DateTime(dt) => {
                if dt.time() == NaiveTime::MIN {
                    dt.date().to_string()
                } else {
                    dt.to_string()
                }
            }
            CellValue::Error(e) => e.clone(),
        }
    }
}

/// Why a cell could not be converted; becomes the problem's message.
/// Why a cell cannot be read as the column's type: a code and its parameters.
pub type ConvError = crate::messages::Text;

/// Identifiers are text: `17850.0` becomes `17850`, spaces are trimmed.
pub fn to_id(v: &CellValue) -> Result<Option<String>, ConvError> {
    match v {
        CellValue::Empty => Ok(None),
        CellValue::Text(s) => {
            let t = s.trim();
            if t.is_empty() {
                return Ok(None);
            }
            Ok(Some(strip_point_zero(t).to_string()))
        }
        CellValue::Int(i) => Ok(Some(i.to_string())),
        CellValue::Number(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                Ok(Some(format!("{}", *f as i64)))
            } else {
                Ok(Some(format!("{f}")))
            }
        }
        CellValue::Bool(_) | CellValue::DateTime(_) => Ok(Some(v.display())),
        CellValue::Error(e) => Err(Text::new("cell_error", [e.clone()])),
    }
}

/// `17850.0` → `17850` (whole numbers written with a trailing `.0`).
fn strip_point_zero(t: &str) -> &str {
    match t.strip_suffix(".0") {
        Some(head) if !head.is_empty() && head.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => t,
    }
}

/// Takes the text of a cell that needs no cleaning (already trimmed; for an
/// identifier, not `17850.0`), leaving the cell empty: the importer's fast path,
/// which saves a copy per text cell. None when `to_id`/`to_text` must decide.
pub fn take_clean_text(v: &mut CellValue, is_id: bool) -> Option<String> {
    match v {
        CellValue::Text(s) if !s.is_empty() && s.trim().len() == s.len() && (!is_id || strip_point_zero(s).len() == s.len()) => {
            Some(std::mem::take(s))
        }
        _ => None,
    }
}

pub fn to_text(v: &CellValue) -> Result<Option<String>, ConvError> {
    match v {
        CellValue::Error(e) => Err(Text::new("cell_error", [e.clone()])),
        other if other.is_empty() => Ok(None),
        CellValue::Text(s) => Ok(Some(s.trim().to_string())),
        other => Ok(Some(other.display())),
    }
}

/// Exact decimal from a number cell or from text such as `1 234,50`, `€ 12,50`, `15%`.
pub fn to_decimal(v: &CellValue) -> Result<Option<Decimal>, ConvError> {
    match v {
        CellValue::Empty => Ok(None),
        CellValue::Int(i) => Ok(Some(Decimal::from(*i))),
        // The shortest text that round-trips the float is what the user typed
        // (2.55, not 2.54999…), so go through it rather than the binary value.
        CellValue::Number(f) => {
            if !f.is_finite() {
                return Err(Text::new("not_finite", []));
            }
            if let Some(d) = short_decimal(*f) {
                return Ok(Some(d));
            }
            Decimal::from_str(&format!("{f}"))
                .or_else(|_| Decimal::from_scientific(&format!("{f:e}")))
                .map(Some)
                .map_err(|_| Text::new("too_large", [f.to_string()]))
        }
        CellValue::Text(s) => {
            if s.trim().is_empty() {
                return Ok(None);
            }
            parse_decimal_text(s).map(Some).ok_or_else(|| Text::new("not_a_number", [s.trim().to_string()]))
        }
        CellValue::Bool(_) => Err(Text::new("bool_not_number", [])),
        CellValue::DateTime(_) => Err(Text::new("date_not_number", [])),
        CellValue::Error(e) => Err(Text::new("cell_error", [e.clone()])),
    }
}

/// The float as the decimal with the fewest digits (up to 6 after the point)
/// that reads back as the same float: what `format!("{f}")` would print,
/// without formatting. None when it needs more digits or is too large.
fn short_decimal(f: f64) -> Option<Decimal> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: integers exact in f64
    let mut scale_factor = 1.0;
    for scale in 0..=6u32 {
        let m = (f * scale_factor).round();
        if m.abs() >= EXACT {
            return None;
        }
        if m / scale_factor == f {
            return Some(Decimal::new(m as i64, scale));
        }
        scale_factor *= 10.0;
    }
    None
}

/// Parses numbers as accountants type them: `12.5`, `12,5`, `1 234,50`,
/// `1,234.50`, `€ 12,50`, `12.50 €`, `-3`, `(3.00)`, `15%` (= 0.15).
pub fn parse_decimal_text(raw: &str) -> Option<Decimal> {
    let mut s: String = raw.trim().chars().filter(|c| !matches!(c, '€' | '$' | '£' | '\u{a0}' | '\u{202f}' | ' ' | '\'')).collect();
    for code in ["EUR", "USD", "GBP"] {
        if let Some(rest) = s.strip_prefix(code).or_else(|| s.strip_suffix(code)) {
            s = rest.to_string();
        }
    }
    let mut negative = false;
    if s.starts_with('(') && s.ends_with(')') && s.len() > 2 {
        negative = true;
        s = s[1..s.len() - 1].to_string();
    }
    let percent = s.ends_with('%');
    if percent {
        s.pop();
    }
    if let Some(rest) = s.strip_prefix('-') {
        negative = !negative;
        s = rest.to_string();
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest.to_string();
    }
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b',') {
        return None;
    }
    let normalised = normalise_separators(&s)?;
    let mut d = Decimal::from_str(&normalised).ok()?;
    if percent {
        d /= Decimal::from(100);
    }
    if negative {
        d = -d;
    }
    Some(d)
}

/// Decides which of `.` and `,` is the decimal separator and removes the other.
fn normalise_separators(s: &str) -> Option<String> {
    let last_dot = s.rfind('.');
    let last_comma = s.rfind(',');
    let decimal_sep = match (last_dot, last_comma) {
        (Some(d), Some(c)) => Some(if d > c { '.' } else { ',' }),
        (None, None) => None,
        (Some(_), None) => {
            // `1.234.567` has several dots: they group thousands.
            if s.matches('.').count() > 1 {
                None
            } else {
                Some('.')
            }
        }
        (None, Some(_)) => {
            // `1,234` is ambiguous; with exactly three digits after a single
            // comma and no leading zero it reads as thousands (1,234 = 1234).
            let count = s.matches(',').count();
            let after = s.len() - s.rfind(',')? - 1;
            if count > 1 || (after == 3 && !s.starts_with("0,") && !s.starts_with(',')) {
                None
            } else {
                Some(',')
            }
        }
    };
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '.' | ',' if Some(c) == decimal_sep => out.push('.'),
            '.' | ',' => {}
            d => out.push(d),
        }
    }
    if out.is_empty() || out == "." {
        return None;
    }
    Some(out)
}

/// Day/month order of a text date column (SPEC §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayOrder {
    DayFirst,
    MonthFirst,
}

/// What a text date like `03/04/2026` allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateEvidence {
    /// No day/month ambiguity in the text (ISO, or not a slash date).
    None,
    /// First number > 12: only day-first reads it.
    DayFirstOnly,
    /// Second number > 12: only month-first reads it.
    MonthFirstOnly,
    /// Both readings are valid.
    Ambiguous,
}

/// Looks at a text date to learn what it says about the column's day order.
pub fn date_evidence(raw: &str) -> DateEvidence {
    let t = raw.trim();
    let date_part = t.split([' ', 'T']).next().unwrap_or("");
    let parts: Vec<&str> = date_part.split(['/', '.', '-']).collect();
    if parts.len() != 3 || parts[0].len() == 4 {
        return DateEvidence::None;
    }
    let (Ok(a), Ok(b)) = (parts[0].parse::<u32>(), parts[1].parse::<u32>()) else {
        return DateEvidence::None;
    };
    match (a > 12, b > 12) {
        (true, false) => DateEvidence::DayFirstOnly,
        (false, true) => DateEvidence::MonthFirstOnly,
        (false, false) => DateEvidence::Ambiguous,
        (true, true) => DateEvidence::None,
    }
}

/// A date/time from a date cell, an Excel serial number or text.
pub fn to_datetime(v: &CellValue, order: DayOrder) -> Result<Option<NaiveDateTime>, ConvError> {
    match v {
        CellValue::Empty => Ok(None),
        CellValue::DateTime(dt) => Ok(Some(*dt)),
        CellValue::Number(_) | CellValue::Int(_) => {
            let serial = match v {
                CellValue::Number(f) => *f,
                CellValue::Int(i) => *i as f64,
                _ => unreachable!("matched above"),
            };
            excel_serial_to_datetime(serial).map(Some).ok_or_else(|| Text::new("serial_not_a_date", [serial.to_string()]))
        }
        CellValue::Text(s) => {
            if s.trim().is_empty() {
                return Ok(None);
            }
            parse_date_text(s, order).map(Some).ok_or_else(|| Text::new("not_a_date", [s.trim().to_string()]))
        }
        CellValue::Bool(_) => Err(Text::new("bool_not_date", [])),
        CellValue::Error(e) => Err(Text::new("cell_error", [e.clone()])),
    }
}

pub fn to_date(v: &CellValue, order: DayOrder) -> Result<Option<NaiveDate>, ConvError> {
    to_datetime(v, order).map(|o| o.map(|dt| dt.date()))
}

/// Excel 1900-system serial (a plain number in a date column) to a date-time.
pub fn excel_serial_to_datetime(serial: f64) -> Option<NaiveDateTime> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Serial 60 is the phantom 1900-02-29; from 61 on, day 0 is 1899-12-30.
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
    let serial = if serial < 61.0 { serial + 1.0 } else { serial };
    let millis = (serial * 86_400_000.0).round() as i64;
    epoch.checked_add_signed(chrono::Duration::milliseconds(millis))
}

/// ISO `2026-05-31[ 14:05[:09]]`, `31/05/2026`, `31.05.2026` (day order as given).
pub fn parse_date_text(raw: &str, order: DayOrder) -> Option<NaiveDateTime> {
    let t = raw.trim();
    let (date_part, time_part) = match t.find([' ', 'T']) {
        Some(i) => (&t[..i], Some(t[i + 1..].trim())),
        None => (t, None),
    };
    // (on the stack: a column of dates is read a cell at a time)
    let mut split = date_part.split(['/', '.', '-']);
    let (Some(a), Some(b), Some(c), None) = (split.next(), split.next(), split.next(), split.next()) else { return None };
    let parts = [a, b, c];
    let nums = [a.parse::<u32>().ok()?, b.parse().ok()?, c.parse().ok()?];
    let (y, m, d) = if parts[0].len() == 4 {
        (nums[0] as i32, nums[1], nums[2])
    } else {
        let year = match parts[2].len() {
            4 => nums[2] as i32,
            2 => 2000 + nums[2] as i32,
            _ => return None,
        };
        match order {
            DayOrder::DayFirst => (year, nums[1], nums[0]),
            DayOrder::MonthFirst => (year, nums[0], nums[1]),
        }
    };
    let date = NaiveDate::from_ymd_opt(y, m, d)?;
    let time = match time_part {
        None | Some("") => NaiveTime::MIN,
        Some(tp) => TIME_FORMATS.iter().find_map(|items| {
            let mut parsed = chrono::format::Parsed::new();
            chrono::format::parse(&mut parsed, tp, items.iter()).ok()?;
            parsed.to_naive_time().ok()
        })?,
    };
    Some(date.and_time(time))
}

/// The times a text date may carry, in the order tried, their formats
/// tokenised once (`NaiveTime::parse_from_str` tokenises its format at every call).
static TIME_FORMATS: std::sync::LazyLock<[Vec<chrono::format::Item<'static>>; 3]> =
    std::sync::LazyLock::new(|| ["%H:%M:%S", "%H:%M", "%H:%M:%S%.f"].map(|format| chrono::format::StrftimeItems::new(format).collect()));

/// `(0, 0)` → `A1`.
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

pub fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

/// What a row handler answers after each row: go on, or stop here. Stopping
/// is not an error: the caller has what it wanted (a header, a few samples).
pub type Flow = std::ops::ControlFlow<()>;
/// Go on to the next row.
pub const NEXT: Flow = Flow::Continue(());
/// Stop reading: no more rows are wanted.
pub const STOP: Flow = Flow::Break(());

/// Hands rows to `on_row` until they end or it answers [`STOP`].
pub(crate) fn handle_all(rows: impl Iterator<Item = Row>, on_row: &mut dyn FnMut(Row) -> Result<Flow, CoreError>) -> Result<(), CoreError> {
    for row in rows {
        if on_row(row)?.is_break() {
            break;
        }
    }
    Ok(())
}

/// One row of a sheet: its 0-based index and its non-empty cells by column.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub index: u32,
    pub cells: Vec<(u32, CellValue)>,
}

impl Row {
    pub fn get(&self, col: u32) -> &CellValue {
        static EMPTY: CellValue = CellValue::Empty;
        self.cells.iter().find(|(c, _)| *c == col).map(|(_, v)| v).unwrap_or(&EMPTY)
    }

    pub fn get_mut(&mut self, col: u32) -> Option<&mut CellValue> {
        self.cells.iter_mut().find(|(c, _)| *c == col).map(|(_, v)| v)
    }

    pub fn texts(&self) -> Vec<(u32, String)> {
        self.cells.iter().map(|(c, v)| (*c, v.display())).collect()
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|(_, v)| v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn short_decimal_agrees_with_the_shortest_printed_float() {
        // Against Rust's shortest round-trip printing, over prices, quantities,
        // negative amounts and floats that need more than 6 decimals.
        let mut seed: u64 = 7;
        let mut checked = 0;
        for i in 0..200_000u64 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let f = match i % 4 {
                0 => (i as f64) / 100.0,
                1 => -((seed >> 40) as f64) / 1000.0,
                2 => (seed >> 11) as f64 / (1u64 << 53) as f64 * 1e6,
                _ => (seed >> 30) as f64 * 0.1,
            };
            let printed = Decimal::from_str(&format!("{f}")).ok();
            if let Some(d) = short_decimal(f) {
                assert_eq!(Some(d), printed, "{f}");
                checked += 1;
            } else {
                assert!(printed.is_none_or(|p| p.scale() > 6 || p.abs() >= Decimal::from(1u64 << 53)), "{f}");
            }
        }
        // Cases 0 and 1 (prices and amounts as typed) always take the fast path.
        assert!(checked > 100_000, "the fast path handles typical cells ({checked})");
        assert_eq!(short_decimal(2.55), Some(dec("2.55")));
        assert_eq!(short_decimal(0.1 + 0.2), None, "0.30000000000000004 needs 17 digits");
    }

    #[test]
    fn numbers_as_accountants_write_them() {
        for (text, want) in [
            ("12.5", "12.5"),
            ("12,5", "12.5"),
            ("1 234,50", "1234.50"),
            ("1,234.50", "1234.50"),
            ("€ 12,50", "12.50"),
            ("12.50 €", "12.50"),
            ("15%", "0.15"),
            ("-3", "-3"),
            ("(3.00)", "-3.00"),
            ("1.234.567", "1234567"),
            ("1,234", "1234"),
            ("0,125", "0.125"),
        ] {
            assert_eq!(parse_decimal_text(text), Some(dec(want)), "{text}");
        }
        for bad in ["abc", "12a", "", "1.2.3,4,5x", "--"] {
            assert_eq!(parse_decimal_text(bad), None, "{bad}");
        }
    }

    #[test]
    fn float_cells_keep_the_typed_value() {
        assert_eq!(to_decimal(&CellValue::Number(2.55)).unwrap(), Some(dec("2.55")));
        assert_eq!(to_decimal(&CellValue::Number(0.1 + 0.2)).unwrap(), Some(dec("0.30000000000000004")));
        assert!(to_decimal(&CellValue::Error("#DIV/0!".into())).unwrap_err().to_string().contains("#DIV/0!"));
    }

    #[test]
    fn identifiers_are_text() {
        assert_eq!(to_id(&CellValue::Number(17850.0)).unwrap().as_deref(), Some("17850"));
        assert_eq!(to_id(&CellValue::Text(" 17850.0 ".into())).unwrap().as_deref(), Some("17850"));
        assert_eq!(to_id(&CellValue::Text("85123A".into())).unwrap().as_deref(), Some("85123A"));
        assert_eq!(to_id(&CellValue::Text("1.0.0".into())).unwrap().as_deref(), Some("1.0.0"));
        assert_eq!(to_id(&CellValue::Text("   ".into())).unwrap(), None);
    }

    #[test]
    fn dates_in_every_accepted_form() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let at = |s: &str| parse_date_text(s, DayOrder::DayFirst).unwrap();
        assert_eq!(at("2026-05-31").date(), d(2026, 5, 31));
        assert_eq!(at("2026-05-31 14:05").time(), NaiveTime::from_hms_opt(14, 5, 0).unwrap());
        assert_eq!(at("2026-05-31 14:05:09").time(), NaiveTime::from_hms_opt(14, 5, 9).unwrap());
        assert_eq!(at("31/05/2026").date(), d(2026, 5, 31));
        assert_eq!(at("31.05.2026").date(), d(2026, 5, 31));
        assert_eq!(at("03/04/2026").date(), d(2026, 4, 3));
        assert_eq!(parse_date_text("03/04/2026", DayOrder::MonthFirst).unwrap().date(), d(2026, 3, 4));
        assert_eq!(parse_date_text("31/02/2026", DayOrder::DayFirst), None);
        let hms = |h, m, s, milli| NaiveTime::from_hms_milli_opt(h, m, s, milli).unwrap();
        assert_eq!(parse_date_text("12/1/2010 8:26", DayOrder::MonthFirst).unwrap(), d(2010, 12, 1).and_time(hms(8, 26, 0, 0)));
        assert_eq!(at("2026-05-31T14:05:09.250").time(), hms(14, 5, 9, 250));
        assert_eq!(at("31/05/26 23:59:59").date(), d(2026, 5, 31));
        for wrong in ["2026-05-31 25:00", "2026-05-31 14:05 pm", "2026-05-31 14", "31/05", "31/05/2026/1", "31/05/x"] {
            assert_eq!(parse_date_text(wrong, DayOrder::DayFirst), None, "{wrong}");
        }
        assert_eq!(date_evidence("31/05/2026"), DateEvidence::DayFirstOnly);
        assert_eq!(date_evidence("05/31/2026"), DateEvidence::MonthFirstOnly);
        assert_eq!(date_evidence("03/04/2026"), DateEvidence::Ambiguous);
        assert_eq!(date_evidence("2026-04-03"), DateEvidence::None);
        // 44197 is 2021-01-01 in the 1900 system (calamine's date.xlsx).
        assert_eq!(excel_serial_to_datetime(44197.0).unwrap().date(), d(2021, 1, 1));
    }

    #[test]
    fn a1_addresses() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(8, 3), "D9");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
    }
}
