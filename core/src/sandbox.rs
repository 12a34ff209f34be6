//! Reading whole-sheet formats (xls, ods) in a child process under limits.
//!
//! calamine has no streaming reader for these: it builds the whole sheet in
//! memory, so a few hundred bytes declaring cells at A1 and far away can ask
//! for gigabytes, and an allocation failure aborts the process. The importer
//! therefore runs those reads in a child (the same executable, started with
//! [`CHILD_FLAG`]) whose memory and CPU time are capped; rows come back as JSON
//! lines. A child that runs out of its limits dies alone, and the user gets one
//! sentence. Executables that embed the core call [`serve_if_child`] first
//! thing in `main`, then [`enable`].

use crate::cells::CellValue;
use crate::error::CoreError;
use crate::workbook::Row;
use chrono::NaiveDateTime;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub const CHILD_FLAG: &str = "--comptoir-read-sheet";
/// Memory a child may allocate (heap and anonymous mappings).
pub const CHILD_MEMORY_BYTES: u64 = 192 << 20;
/// CPU time a child may use.
const CHILD_CPU_SECONDS: u64 = 30;

static EXECUTABLE: OnceLock<PathBuf> = OnceLock::new();

/// Reads xls/ods through `exe` (which must call [`serve_if_child`]) from now on.
pub fn enable(exe: PathBuf) {
    let _ = EXECUTABLE.set(exe);
}

pub(crate) fn executable() -> Option<&'static Path> {
    EXECUTABLE.get().map(PathBuf::as_path)
}

/// In a child started by the importer: does the read and returns the exit code.
/// Anywhere else: returns None at once.
pub fn serve_if_child() -> Option<i32> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) != Some(CHILD_FLAG) {
        return None;
    }
    limit_resources();
    let path = Path::new(args.get(2)?);
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let served = match args.get(3) {
        None => crate::workbook::range_sheet_names(path).map(|names| {
            let _ = writeln!(out, "{}", serde_json::to_string(&names).expect("names serialise"));
        }),
        Some(sheet) => crate::workbook::range_rows(path, sheet, &mut |row| {
            let cells: Vec<serde_json::Value> = row.cells.iter().map(|(c, v)| encode(*c, v)).collect();
            writeln!(out, "{}", serde_json::json!([row.index, cells])).map_err(|_| CoreError::Stopped)
        }),
    };
    let _ = out.flush();
    match served {
        Ok(()) => Some(0),
        Err(reason) => {
            eprintln!("{reason}");
            Some(3)
        }
    }
}

fn limit_resources() {
    // SAFETY: setrlimit only reads the struct we pass.
    unsafe {
        let memory = libc::rlimit { rlim_cur: CHILD_MEMORY_BYTES, rlim_max: CHILD_MEMORY_BYTES };
        libc::setrlimit(libc::RLIMIT_DATA, &memory);
        let cpu = libc::rlimit { rlim_cur: CHILD_CPU_SECONDS, rlim_max: CHILD_CPU_SECONDS };
        libc::setrlimit(libc::RLIMIT_CPU, &cpu);
    }
}

fn encode(col: u32, v: &CellValue) -> serde_json::Value {
    use serde_json::json;
    match v {
        CellValue::Empty => json!([col, "t", ""]),
        CellValue::Text(s) => json!([col, "t", s]),
        CellValue::Number(f) if f.is_finite() => json!([col, "n", f]),
        CellValue::Number(_) => json!([col, "e", "#NUM!"]),
        CellValue::Int(i) => json!([col, "i", i]),
        CellValue::Bool(b) => json!([col, "b", b]),
        CellValue::DateTime(d) => json!([col, "d", d.format("%Y-%m-%dT%H:%M:%S%.f").to_string()]),
        CellValue::Error(e) => json!([col, "e", e]),
    }
}

fn decode(line: &str) -> Option<Row> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let index = v.get(0)?.as_u64()? as u32;
    let cells = v
        .get(1)?
        .as_array()?
        .iter()
        .map(|c| {
            let col = c.get(0)?.as_u64()? as u32;
            let value = match (c.get(1)?.as_str()?, c.get(2)?) {
                ("t", s) => CellValue::Text(s.as_str()?.to_string()),
                ("n", n) => CellValue::Number(n.as_f64()?),
                ("i", n) => CellValue::Int(n.as_i64()?),
                ("b", b) => CellValue::Bool(b.as_bool()?),
                ("d", d) => CellValue::DateTime(NaiveDateTime::parse_from_str(d.as_str()?, "%Y-%m-%dT%H:%M:%S%.f").ok()?),
                ("e", e) => CellValue::Error(e.as_str()?.to_string()),
                _ => return None,
            };
            Some((col, value))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Row { index, cells })
}

/// Why a child failed, as the end of "FILE cannot be imported: …".
fn failure(status: std::process::ExitStatus, stderr: &str) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(3), _) if !stderr.trim().is_empty() => stderr.trim().trim_end_matches('.').to_string(),
        (_, Some(libc::SIGXCPU)) | (_, Some(libc::SIGKILL)) => {
            "reading it took too long (more than 30 seconds of work), so it was stopped".into()
        }
        _ => format!(
            "it is too large or too damaged to read safely (reading it would need more than {} MB); \
             save it as .xlsx or .csv and import that",
            CHILD_MEMORY_BYTES >> 20
        ),
    }
}

/// The sheet names of `path`, read by a child.
pub(crate) fn sheet_names(exe: &Path, path: &Path, file: &str) -> Result<Vec<String>, CoreError> {
    let unreadable = |reason: String| CoreError::Unreadable { file: file.to_string(), reason };
    let out = Command::new(exe)
        .arg(CHILD_FLAG)
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| unreadable(format!("the reader could not start ({e})")))?;
    if !out.status.success() {
        return Err(unreadable(failure(out.status, &String::from_utf8_lossy(&out.stderr))));
    }
    serde_json::from_slice(&out.stdout).map_err(|_| unreadable("the reader answered nonsense".into()))
}

/// Streams the rows of `sheet` from a child to `on_row`.
pub(crate) fn for_each_row(
    exe: &Path,
    path: &Path,
    file: &str,
    sheet: &str,
    on_row: &mut dyn FnMut(Row) -> Result<(), CoreError>,
) -> Result<(), CoreError> {
    let unreadable = |reason: String| CoreError::Unreadable { file: file.to_string(), reason };
    let mut child = Command::new(exe)
        .arg(CHILD_FLAG)
        .arg(path)
        .arg(sheet)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| unreadable(format!("the reader could not start ({e})")))?;
    let stdout = child.stdout.take().expect("piped stdout");
    let mut handled = Ok(());
    for line in BufReader::new(stdout).lines() {
        let Some(row) = line.ok().as_deref().and_then(decode) else { break };
        if let Err(e) = on_row(row) {
            handled = Err(e);
            let _ = child.kill();
            break;
        }
    }
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut err, &mut stderr);
    }
    let status = child.wait().map_err(|e| unreadable(format!("the reader was lost ({e})")))?;
    handled?;
    if status.success() {
        Ok(())
    } else {
        Err(unreadable(failure(status, &stderr)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_survive_the_trip_through_json() {
        let when = NaiveDateTime::parse_from_str("2026-05-31T14:30:05.250", "%Y-%m-%dT%H:%M:%S%.f").unwrap();
        let row = Row {
            index: 41,
            cells: vec![
                (0, CellValue::Text("Pois \"chiches\"\n400 g".into())),
                (1, CellValue::Number(2.55)),
                (2, CellValue::Int(-7)),
                (3, CellValue::Bool(true)),
                (4, CellValue::DateTime(when)),
                (5, CellValue::Error("#N/A".into())),
            ],
        };
        let cells: Vec<serde_json::Value> = row.cells.iter().map(|(c, v)| encode(*c, v)).collect();
        let line = serde_json::json!([row.index, cells]).to_string();
        let back = decode(&line).unwrap();
        assert_eq!(back.index, 41);
        assert_eq!(back.cells, row.cells);
    }
}
