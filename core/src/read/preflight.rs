//! Checks a ZIP-based workbook (xlsx, xlsm, xlsb, ods) before calamine parses
//! it. calamine aborts the whole process (not a panic) on some hostile files,
//! e.g. a 2 KB xlsx whose sharedStrings declares a trillion strings; these are
//! refused here from the ZIP directory and the first bytes of that part.

use crate::error::CoreError;
use crate::messages::Text;
use crate::read::input::InputFile;
use std::io::{BufReader, Read};
use std::sync::Arc;

/// No part of a real workbook inflates beyond this.
const MAX_ENTRY_BYTES: u64 = 2 << 30;
const MAX_TOTAL_BYTES: u64 = 4 << 30;
/// Real sheets compress 5–20×; a large part compressed far more is a bomb.
const MAX_RATIO: u64 = 200;
const RATIO_CHECK_FROM: u64 = 64 << 20;
const MAX_ENTRIES: usize = 10_000;
/// Every shared string takes at least `<si><t/></si>` in the XML.
const MIN_BYTES_PER_SHARED_STRING: u64 = 12;

pub fn check_zip(input: &Arc<InputFile>) -> Result<(), CoreError> {
    let refuse = |reason: Text| CoreError::unreadable(input.name(), reason);
    let mut zip = zip::ZipArchive::new(BufReader::new(input.reader())).map_err(|e| refuse(Text::new("zip_damaged", [e.to_string()])))?;
    if zip.len() > MAX_ENTRIES {
        return Err(refuse(Text::new("zip_too_many_parts", [zip.len().to_string()])));
    }
    let mut total = 0u64;
    let mut shared_strings: Option<(usize, u64)> = None;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| refuse(Text::new("damaged", [e.to_string()])))?;
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if size > MAX_ENTRY_BYTES || (size > RATIO_CHECK_FROM && size / packed > MAX_RATIO) {
            return Err(refuse(Text::new("zip_bomb", [name, (size >> 20).to_string(), (packed >> 10).to_string()])));
        }
        total += size;
        // Any spelling or place calamine may follow (a backslash path, a part
        // renamed by the relationships) is caught by the child's limits.
        if name.replace('\\', "/").to_ascii_lowercase().ends_with("sharedstrings.xml") {
            shared_strings = Some((i, size));
        }
    }
    if total > MAX_TOTAL_BYTES {
        return Err(refuse(Text::new("zip_too_large", [(total >> 20).to_string()])));
    }
    if let Some((index, size)) = shared_strings {
        let mut head = Vec::with_capacity(4096);
        zip.by_index(index)
            .and_then(|e| e.take(4096).read_to_end(&mut head).map_err(Into::into))
            .map_err(|e| refuse(Text::new("shared_strings_unreadable", [e.to_string()])))?;
        let head = String::from_utf8_lossy(&head);
        for attr in ["uniqueCount", "count"] {
            if let Some(n) = declared(&head, attr) {
                if n > size / MIN_BYTES_PER_SHARED_STRING + 1 {
                    return Err(refuse(Text::new("shared_strings_absurd", [n.to_string(), size.to_string()])));
                }
            }
        }
    }
    Ok(())
}

/// The number in `attr="N"` inside the `<sst …>` start tag.
fn declared(xml: &str, attr: &str) -> Option<u64> {
    let sst = xml.find("<sst")?;
    let tag_end = xml[sst..].find('>').map(|e| sst + e).unwrap_or(xml.len());
    let tag = &xml[sst..tag_end];
    let start = ['"', '\''].iter().find_map(|q| tag.find(&format!(" {attr}={q}")))? + attr.len() + 3;
    let digits: String = tag[start..].chars().take_while(|c| c.is_ascii_digit()).collect();
    // More digits than u64 holds is absurd too.
    Some(digits.parse().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_counts_are_read_from_the_sst_tag() {
        let xml = r#"<?xml version="1.0"?><sst xmlns="x" count="12" uniqueCount="1000000000000"><si>"#;
        assert_eq!(declared(xml, "uniqueCount"), Some(1_000_000_000_000));
        assert_eq!(declared(xml, "count"), Some(12));
        assert_eq!(declared("<sst>", "count"), None);
        assert_eq!(declared(r#"<sst uniqueCount="99999999999999999999999">"#, "uniqueCount"), Some(u64::MAX));
    }
}
