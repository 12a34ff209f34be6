//! Every spreadsheet (xlsx, xlsm, xlsb, xls, ods) is parsed in a child process
//! under limits.
//!
//! calamine can abort the whole process (an allocation failure is not a panic)
//! on a few hostile bytes, e.g. a shared-strings part declaring a trillion
//! strings, however it is spelled or wherever the relationships place it. So
//! the importer never parses a spreadsheet itself: it hands the opened file's
//! descriptor to a child (the same executable, started with [`CHILD_FLAG`])
//! whose memory and CPU time are capped, and reads rows back in batches over a
//! pipe (a compact binary framing, see [`frame`]). A child that dies (abort,
//! signal, limit) dies alone, and the user gets one sentence naming the file.
//! The child parses on its own core while the parent validates and stages, so
//! the isolation costs no time. Executables that embed the core call
//! [`serve_if_child`] first thing in `main`, then [`enable`].

use crate::error::CoreError;
use crate::messages::Text;
use crate::read::cells::CellValue;
use crate::read::cells::{Flow, Row, NEXT, STOP};
use crate::read::input::InputFile;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};

pub const CHILD_FLAG: &str = "--comptoir-read-sheet";
/// Memory a child may allocate (heap and anonymous mappings).
pub const CHILD_MEMORY_BYTES: u64 = 256 << 20;
/// CPU time a child may use.
const CHILD_CPU_SECONDS: u64 = 60;

static EXECUTABLE: OnceLock<PathBuf> = OnceLock::new();

/// Parses spreadsheets through `exe` (which must call [`serve_if_child`]) from now on.
pub fn enable(exe: PathBuf) {
    let _ = EXECUTABLE.set(exe);
}

pub(crate) fn executable() -> Option<&'static Path> {
    EXECUTABLE.get().map(PathBuf::as_path)
}

/// In a child started by the importer: reads the file on standard input (its
/// sheet names, or one sheet's rows), writes frames to standard output and
/// returns the exit code. Anywhere else: returns None at once.
pub fn serve_if_child() -> Option<i32> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) != Some(CHILD_FLAG) {
        return None;
    }
    limit_resources();
    release_unused_code();
    let ext = args.get(2).cloned().unwrap_or_default();
    let out = std::io::stdout();
    let mut out = frame::Writer::new(std::io::BufWriter::with_capacity(1 << 16, out.lock()));
    let served = InputFile::from_stdin(format!("file.{ext}")).and_then(|input| {
        let mut book = crate::read::spreadsheet::open_spreadsheet(&input, &ext)?;
        match args.get(3) {
            // A parent that went away wants no answer.
            None => out.names(&crate::read::spreadsheet::declared_sheets(&mut book)).or(Ok(())),
            Some(sheet) => crate::read::spreadsheet::stream_sheet(&mut book, sheet, &mut |row| out.row(&row)),
        }
    });
    let code = match served {
        Ok(()) => out.end().map(|_| 0).unwrap_or(4),
        Err(e) => {
            let reason = match e {
                CoreError::Unreadable { reason, .. } => reason,
                other => Text::new("reader_message", [other.to_string()]),
            };
            let _ = out.failed(&reason);
            3
        }
    };
    Some(code)
}

fn limit_resources() {
    // SAFETY: setrlimit only reads the struct we pass.
    unsafe {
        let memory = libc::rlimit { rlim_cur: CHILD_MEMORY_BYTES, rlim_max: CHILD_MEMORY_BYTES };
        libc::setrlimit(libc::RLIMIT_DATA, &memory);
        let cpu = libc::rlimit { rlim_cur: CHILD_CPU_SECONDS, rlim_max: CHILD_CPU_SECONDS };
        libc::setrlimit(libc::RLIMIT_CPU, &cpu);
        // A crash leaves no core file behind.
        let none = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        libc::setrlimit(libc::RLIMIT_CORE, &none);
    }
}

/// The child is this whole executable, the database engine included, and
/// starting it maps ~12 MB of its code (the loader and the engine's static
/// initialisers touch pages all over it), though reading a sheet runs a small
/// part of it. The executable's code is let go (MADV_DONTNEED on a mapping never
/// written only drops this process's page table entries: the pages stay in the
/// page cache, shared with the parent), and the code the reader runs is mapped
/// again as it runs.
fn release_unused_code() {
    let Ok(exe) = std::fs::read_link("/proc/self/exe") else { return };
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else { return };
    for line in maps.lines() {
        // start-end perms offset dev inode path
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [range, perms, _, _, _, path] = fields[..] else { continue };
        // Code only: a read-only data segment may have been written (relocated) first.
        if std::path::Path::new(path) != exe || perms != "r-xp" {
            continue;
        }
        let Some((start, end)) = range.split_once('-') else { continue };
        let (Ok(start), Ok(end)) = (usize::from_str_radix(start, 16), usize::from_str_radix(end, 16)) else { continue };
        // SAFETY: our own code, mapped from the file and never written: dropping
        // its pages loses nothing, they are read again when next run.
        unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED) };
    }
}

/// A running reading child and the frames it sends.
struct Reader {
    child: Child,
    frames: frame::Reader<Box<dyn Read + Send>>,
    file: String,
}

/// Bytes of frames a sheet's child may send ahead of the importer, while its
/// sheet waits (see [`prefetch`]); once the sheet is read, 16 MB.
const AHEAD_BYTES: usize = 32 << 20;
/// The size of a chunk read ahead.
const AHEAD_CHUNK: usize = 256 << 10;
/// Chunks in flight once the sheet read ahead is being read (16 MB): the
/// importer pauses ~50 ms each time its stage is compressed, and with 1 MB
/// (4 chunks) the child stopped parsing during each pause (a million lines'
/// reading ~0.06–0.1 s longer, for ~5 MB less at the peak).
const READING_CHUNKS: usize = 64;

/// The child of the next sheet, started while the importer still handles the
/// sheet before it: a thread keeps up to [`AHEAD_BYTES`] of its frames, so
/// the parse of a sheet overlaps the staging of the previous one (with two
/// cores, the parent's work and two children share them instead of waiting).
pub(crate) struct Prefetched {
    sheet: String,
    reader: Option<Reader>,
    allowance: Arc<Allowance>,
}

impl Prefetched {
    pub fn sheet(&self) -> &str {
        &self.sheet
    }
}

impl Drop for Prefetched {
    /// A sheet read ahead but not wanted: its child is stopped and reaped.
    fn drop(&mut self) {
        if let Some(mut reader) = self.reader.take() {
            let _ = reader.child.kill();
            let _ = reader.child.wait();
        }
    }
}

/// How many chunks the read-ahead thread may hold at once: many while its
/// sheet waits, a few once it is read, so that the frames do not pile up in
/// memory when the child parses faster than the importer stages.
struct Allowance {
    held_and_limit: std::sync::Mutex<(usize, usize)>,
    changed: std::sync::Condvar,
}

impl Allowance {
    fn state(&self) -> std::sync::MutexGuard<'_, (usize, usize)> {
        self.held_and_limit.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits for room for one more chunk, and takes it.
    fn reserve(&self) {
        let mut state = self.state();
        while state.0 >= state.1 {
            state = self.changed.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        state.0 += 1;
    }

    fn release(&self) {
        self.state().0 -= 1;
        self.changed.notify_all();
    }

    fn limit(&self, chunks: usize) {
        self.state().1 = chunks;
        self.changed.notify_all();
    }
}

/// Starts the child of `sheet` now and reads its frames ahead (see [`Prefetched`]).
pub(crate) fn prefetch(exe: &Path, input: &InputFile, sheet: &str) -> Result<Prefetched, CoreError> {
    let allowance =
        Arc::new(Allowance { held_and_limit: std::sync::Mutex::new((0, AHEAD_BYTES / AHEAD_CHUNK)), changed: std::sync::Condvar::new() });
    let producer = Arc::clone(&allowance);
    let consumer = Arc::clone(&allowance);
    let reader = Reader::start_with(exe, input, Some(sheet), move |stdout| {
        let (chunks, received) = std::sync::mpsc::channel::<Vec<u8>>();
        std::thread::spawn(move || {
            let mut stdout = stdout;
            loop {
                producer.reserve();
                let mut chunk = vec![0; AHEAD_CHUNK];
                match stdout.read(&mut chunk) {
                    // The end (or a broken pipe: the reader sees the stream cut).
                    Ok(0) | Err(_) => break,
                    Ok(n) => chunk.truncate(n),
                }
                // A reader that went away (the sheet is not wanted) stops this.
                if chunks.send(chunk).is_err() {
                    break;
                }
            }
        });
        Box::new(AheadReader { received, chunk: Vec::new(), at: 0, allowance: consumer })
    })?;
    Ok(Prefetched { sheet: sheet.to_string(), reader: Some(reader), allowance })
}

/// Reads the chunks a prefetching thread received, in order.
struct AheadReader {
    received: std::sync::mpsc::Receiver<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
    allowance: Arc<Allowance>,
}

impl Drop for AheadReader {
    /// The thread may be waiting for room: it is let go (its next send fails).
    fn drop(&mut self) {
        self.allowance.limit(usize::MAX);
    }
}

impl Read for AheadReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.chunk.len() {
            match self.received.recv() {
                Ok(chunk) => {
                    (self.chunk, self.at) = (chunk, 0);
                    self.allowance.release();
                }
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl Reader {
    fn start(exe: &Path, input: &InputFile, sheet: Option<&str>) -> Result<Reader, CoreError> {
        Reader::start_with(exe, input, sheet, |stdout| Box::new(BufReader::with_capacity(1 << 17, stdout)))
    }

    /// Starts the child; `frames_from` makes what its frames are read from.
    fn start_with(
        exe: &Path,
        input: &InputFile,
        sheet: Option<&str>,
        frames_from: impl FnOnce(std::process::ChildStdout) -> Box<dyn Read + Send>,
    ) -> Result<Reader, CoreError> {
        let file = input.name().to_string();
        let mut command = Command::new(exe);
        command.arg(CHILD_FLAG).arg(input.extension());
        if let Some(sheet) = sheet {
            command.arg(sheet);
        }
        let mut child = command
            .stdin(Stdio::from(input.descriptor()?))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| CoreError::unreadable(&file, Text::new("reader_start", [e.to_string()])))?;
        let stdout = child.stdout.take().expect("piped stdout");
        // A larger pipe: fewer wake-ups between the child and the decoder.
        // SAFETY: F_SETPIPE_SZ only resizes the pipe behind our own descriptor.
        unsafe { libc::fcntl(std::os::fd::AsRawFd::as_raw_fd(&stdout), libc::F_SETPIPE_SZ, 1 << 20) };
        Ok(Reader { child, frames: frame::Reader::new(frames_from(stdout)), file })
    }

    fn unreadable(&self, reason: Text) -> CoreError {
        CoreError::unreadable(&self.file, reason)
    }

    /// Reads frames until the end, handing each to `on_frame`; any stop (an
    /// error of `on_frame`, a death of the child) kills and reaps the child.
    fn run(mut self, on_frame: &mut dyn FnMut(frame::Frame) -> Result<Flow, CoreError>) -> Result<(), CoreError> {
        // Some(reason): the child said why; None: it died without a word.
        let outcome: Result<Flow, Option<CoreError>> = loop {
            match self.frames.next() {
                Ok(frame::Frame::End) => break Ok(NEXT),
                Ok(frame::Frame::Failed(reason)) => break Err(Some(self.unreadable(reason))),
                Ok(frame) => match on_frame(frame) {
                    Ok(NEXT) => {}
                    Ok(_) => break Ok(STOP),
                    Err(e) => break Err(Some(e)),
                },
                Err(_) => break Err(None),
            }
        };
        let stopped = matches!(outcome, Ok(Flow::Break(())));
        if outcome.is_err() || stopped {
            let _ = self.child.kill();
        }
        let status = self.child.wait().map_err(|e| self.unreadable(Text::new("reader_lost", [e.to_string()])))?;
        outcome.map(|_| ()).map_err(|e| e.unwrap_or_else(|| self.unreadable(death(status))))
    }
}

/// Why a child ended without finishing, as the end of "FILE cannot be imported: …".
fn death(status: std::process::ExitStatus) -> Text {
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(libc::SIGXCPU) | Some(libc::SIGKILL) => Text::new("reader_too_long", [CHILD_CPU_SECONDS.to_string()]),
        _ => Text::new("reader_died", [(CHILD_MEMORY_BYTES >> 20).to_string()]),
    }
}

/// The sheet names of `input`, and the rows each declares (0 = unknown).
pub(crate) fn sheets(exe: &Path, input: &InputFile) -> Result<Vec<(String, u64)>, CoreError> {
    let mut names = None;
    Reader::start(exe, input, None)?.run(&mut |frame| {
        if let frame::Frame::Names(n) = frame {
            names = Some(n);
        }
        Ok(NEXT)
    })?;
    names.ok_or_else(|| CoreError::unreadable(input.name(), Text::new("sheets_unlisted", [])))
}

/// Streams the rows of `sheet` from a child to `on_row` (from `ahead`, its
/// child started earlier, if given). The child parses on one core; a thread here decodes
/// its frames while `on_row` runs on this one.
pub(crate) fn for_each_row(
    exe: &Path,
    input: &Arc<InputFile>,
    sheet: &str,
    ahead: Option<Prefetched>,
    on_row: &mut dyn FnMut(Row) -> Result<Flow, CoreError>,
) -> Result<(), CoreError> {
    let reader = match ahead.and_then(|mut a| {
        a.allowance.limit(READING_CHUNKS);
        a.reader.take()
    }) {
        Some(reader) => reader,
        None => Reader::start(exe, input, Some(sheet))?,
    };
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Row>>(4);
        let decoding = scope.spawn(move || {
            reader.run(&mut |frame| match frame {
                // A handler that stopped (or failed) closed the channel.
                frame::Frame::Rows(rows) => Ok(if tx.send(rows).is_err() { STOP } else { NEXT }),
                _ => Ok(NEXT),
            })
        });
        let handled = crate::read::cells::handle_all(rx.iter().flatten(), on_row);
        drop(rx); // a decoder still sending is told to stop, and the child is stopped
        let read = decoding
            .join()
            .unwrap_or_else(|_| Err(CoreError::unreadable(input.name(), Text::new("reader_lost", ["the decoder failed".into()]))));
        handled?;
        read
    })
}

/// The framing between the reading child and the importer: each frame is a
/// tag byte, a little-endian u32 length and that many bytes.
///
/// - `N` sheet names: u32 count, then per sheet a string and a u64 of declared rows;
/// - `R` a batch of rows: per row a u32 index, a u32 cell count, and per cell a
///   u32 column, a kind byte and its value (text/error: string; number: f64;
///   int: i64; bool: u8; date-time: i64 seconds + u32 nanoseconds);
/// - `F` failed: a string, the reason; `Z` the end.
///
/// Strings are a u32 length and UTF-8 bytes. A stream that ends without `Z` or
/// `F` means the child died.
pub(crate) mod frame {
    use super::*;
    use chrono::DateTime;

    /// Rows are sent once a batch holds this many bytes.
    const BATCH_BYTES: usize = 256 << 10;
    /// A row larger than this is not a table row (no real sheet has one).
    pub const MAX_ROW_BYTES: usize = 16 << 20;
    /// Frames larger than this are nonsense (a batch holds at most one
    /// oversized row plus a partial batch).
    const MAX_FRAME_BYTES: usize = MAX_ROW_BYTES + BATCH_BYTES + 64;

    #[derive(Debug)]
    pub enum Frame {
        Names(Vec<(String, u64)>),
        Rows(Vec<Row>),
        Failed(Text),
        End,
    }

    pub struct Writer<W: Write> {
        out: W,
        batch: Vec<u8>,
    }

    fn put_str(buf: &mut Vec<u8>, s: &str) {
        buf.extend_from_slice(&(s.len() as u32).to_le_bytes());
        buf.extend_from_slice(s.as_bytes());
    }

    impl<W: Write> Writer<W> {
        pub fn new(out: W) -> Self {
            Writer { out, batch: Vec::with_capacity(BATCH_BYTES + (64 << 10)) }
        }

        fn frame(&mut self, tag: u8, payload: &[u8]) -> std::io::Result<()> {
            self.out.write_all(&[tag])?;
            self.out.write_all(&(payload.len() as u32).to_le_bytes())?;
            self.out.write_all(payload)
        }

        pub fn names(&mut self, names: &[(String, u64)]) -> std::io::Result<()> {
            let mut buf = (names.len() as u32).to_le_bytes().to_vec();
            for (name, rows) in names {
                put_str(&mut buf, name);
                buf.extend_from_slice(&rows.to_le_bytes());
            }
            self.frame(b'N', &buf)
        }

        /// Adds a row to the batch (sent when full); an oversized row is an error.
        pub fn row(&mut self, row: &Row) -> Result<Flow, CoreError> {
            let start = self.batch.len();
            let b = &mut self.batch;
            b.extend_from_slice(&row.index.to_le_bytes());
            b.extend_from_slice(&(row.cells.len() as u32).to_le_bytes());
            for (col, value) in &row.cells {
                b.extend_from_slice(&col.to_le_bytes());
                match value {
                    CellValue::Empty => put_tagged_str(b, 0, ""),
                    CellValue::Text(s) => put_tagged_str(b, 0, s),
                    CellValue::Number(f) => {
                        b.push(1);
                        b.extend_from_slice(&f.to_le_bytes());
                    }
                    CellValue::Int(i) => {
                        b.push(2);
                        b.extend_from_slice(&i.to_le_bytes());
                    }
                    CellValue::Bool(v) => b.extend_from_slice(&[3, u8::from(*v)]),
                    CellValue::DateTime(d) => {
                        let utc = d.and_utc();
                        b.push(4);
                        b.extend_from_slice(&utc.timestamp().to_le_bytes());
                        b.extend_from_slice(&utc.timestamp_subsec_nanos().to_le_bytes());
                    }
                    CellValue::Error(e) => put_tagged_str(b, 5, e),
                }
            }
            if self.batch.len() - start > MAX_ROW_BYTES {
                let size = (MAX_ROW_BYTES >> 20).to_string();
                return Err(CoreError::unreadable("", Text::new("row_too_large", [(row.index + 1).to_string(), size])));
            }
            // A parent that went away (closed the pipe) wants no more rows.
            if self.batch.len() >= BATCH_BYTES && self.flush_rows().is_err() {
                return Ok(STOP);
            }
            Ok(NEXT)
        }

        fn flush_rows(&mut self) -> std::io::Result<()> {
            if !self.batch.is_empty() {
                let batch = std::mem::take(&mut self.batch);
                self.frame(b'R', &batch)?;
                self.batch = batch;
                self.batch.clear();
            }
            Ok(())
        }

        /// The reason the child gives up: its code and parameters.
        pub fn failed(&mut self, reason: &Text) -> std::io::Result<()> {
            self.batch.clear();
            let mut buf = Vec::new();
            put_str(&mut buf, reason.code);
            buf.extend_from_slice(&(reason.params.len() as u32).to_le_bytes());
            for p in &reason.params {
                put_str(&mut buf, p);
            }
            self.frame(b'F', &buf)?;
            self.out.flush()
        }

        pub fn end(&mut self) -> std::io::Result<()> {
            self.flush_rows()?;
            self.frame(b'Z', &[])?;
            self.out.flush()
        }
    }

    fn put_tagged_str(b: &mut Vec<u8>, tag: u8, s: &str) {
        b.push(tag);
        put_str(b, s);
    }

    pub struct Reader<R: Read> {
        input: R,
        payload: Vec<u8>,
    }

    /// A malformed frame.
    #[derive(Debug)]
    pub struct Malformed;

    impl From<std::io::Error> for Malformed {
        fn from(_: std::io::Error) -> Self {
            Malformed
        }
    }

    struct Cursor<'a>(&'a [u8]);

    impl<'a> Cursor<'a> {
        fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
            if self.0.len() < n {
                return Err(Malformed);
            }
            let (head, rest) = self.0.split_at(n);
            self.0 = rest;
            Ok(head)
        }
        fn u8(&mut self) -> Result<u8, Malformed> {
            Ok(self.take(1)?[0])
        }
        fn u32(&mut self) -> Result<u32, Malformed> {
            Ok(u32::from_le_bytes(self.take(4)?.try_into().map_err(|_| Malformed)?))
        }
        fn u64(&mut self) -> Result<u64, Malformed> {
            Ok(u64::from_le_bytes(self.take(8)?.try_into().map_err(|_| Malformed)?))
        }
        fn string(&mut self) -> Result<String, Malformed> {
            let n = self.u32()? as usize;
            String::from_utf8(self.take(n)?.to_vec()).map_err(|_| Malformed)
        }
    }

    impl<R: Read> Reader<R> {
        pub fn new(input: R) -> Self {
            Reader { input, payload: Vec::new() }
        }

        pub fn next(&mut self) -> Result<Frame, Malformed> {
            let mut head = [0u8; 5];
            self.input.read_exact(&mut head)?;
            let len = u32::from_le_bytes([head[1], head[2], head[3], head[4]]) as usize;
            if len > MAX_FRAME_BYTES {
                return Err(Malformed);
            }
            self.payload.resize(len, 0);
            self.input.read_exact(&mut self.payload)?;
            let mut c = Cursor(&self.payload);
            match head[0] {
                b'N' => {
                    let count = c.u32()?;
                    let mut names = Vec::new();
                    for _ in 0..count {
                        names.push((c.string()?, c.u64()?));
                    }
                    Ok(Frame::Names(names))
                }
                b'R' => {
                    let mut rows = Vec::new();
                    while !c.0.is_empty() {
                        let index = c.u32()?;
                        let count = c.u32()?;
                        let mut cells = Vec::with_capacity((count as usize).min(c.0.len() / 6));
                        for _ in 0..count {
                            let col = c.u32()?;
                            let value = match c.u8()? {
                                0 => CellValue::Text(c.string()?),
                                1 => CellValue::Number(f64::from_le_bytes(c.take(8)?.try_into().map_err(|_| Malformed)?)),
                                2 => CellValue::Int(c.u64()? as i64),
                                3 => CellValue::Bool(c.u8()? != 0),
                                4 => {
                                    let secs = c.u64()? as i64;
                                    let nanos = c.u32()?;
                                    let at = DateTime::from_timestamp(secs, nanos).ok_or(Malformed)?;
                                    CellValue::DateTime(at.naive_utc())
                                }
                                5 => CellValue::Error(c.string()?),
                                _ => return Err(Malformed),
                            };
                            cells.push((col, value));
                        }
                        rows.push(Row { index, cells });
                    }
                    Ok(Frame::Rows(rows))
                }
                b'F' => {
                    let code = c.string()?;
                    let count = c.u32()?;
                    let mut params = Vec::new();
                    for _ in 0..count {
                        params.push(c.string()?);
                    }
                    // A code this build does not know is shown as the child wrote it.
                    Ok(Frame::Failed(match crate::messages::template(&code) {
                        Some(t) => Text { code: t.code, params },
                        None => Text::new("reader_message", [format!("{code} {}", params.join(" "))]),
                    }))
                }
                b'Z' => Ok(Frame::End),
                _ => Err(Malformed),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::frame::{Frame, Reader, Writer};
    use super::*;
    use chrono::NaiveDateTime;

    #[test]
    fn cells_survive_the_trip_through_the_pipe() {
        let when = NaiveDateTime::parse_from_str("2026-05-31T14:30:05.250", "%Y-%m-%dT%H:%M:%S%.f").unwrap();
        let row = Row {
            index: 41,
            cells: vec![
                (0, CellValue::Text("Pois \"chiches\"\n400 g".into())),
                (1, CellValue::Number(2.55)),
                (2, CellValue::Int(-7)),
                (3, CellValue::Bool(true)),
                (4, CellValue::DateTime(when)),
                (16383, CellValue::Error("#N/A".into())),
            ],
        };
        let mut bytes = Vec::new();
        let mut w = Writer::new(&mut bytes);
        w.names(&[("Ventes".into(), 1_000_000)]).unwrap();
        assert_eq!(w.row(&row).unwrap(), NEXT);
        w.end().unwrap();
        drop(w);
        let mut r = Reader::new(bytes.as_slice());
        assert!(matches!(r.next().unwrap(), Frame::Names(n) if n == vec![("Ventes".to_string(), 1_000_000)]));
        match r.next().unwrap() {
            Frame::Rows(rows) => {
                assert_eq!(rows.len(), 1);
                assert_eq!(rows[0].index, 41);
                assert_eq!(rows[0].cells, row.cells);
            }
            other => panic!("expected rows, got {other:?}"),
        }
        assert!(matches!(r.next().unwrap(), Frame::End));
    }

    #[test]
    fn a_cut_or_absurd_stream_is_malformed_not_a_crash() {
        let mut bytes = Vec::new();
        let mut w = Writer::new(&mut bytes);
        assert_eq!(w.row(&Row { index: 0, cells: vec![(0, CellValue::Text("abc".into()))] }).unwrap(), NEXT);
        w.end().unwrap();
        drop(w);
        let cut = &bytes[..bytes.len() - 8];
        assert!(Reader::new(cut).next().is_err());
        // A frame announcing 4 GB is refused before anything is allocated.
        assert!(Reader::new([b'R', 0xff, 0xff, 0xff, 0xff].as_slice()).next().is_err());
        // A cell count far beyond the payload does not reserve memory for it.
        let mut lie = vec![b'R'];
        let payload = [0u32.to_le_bytes(), u32::MAX.to_le_bytes()].concat();
        lie.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        lie.extend_from_slice(&payload);
        assert!(Reader::new(lie.as_slice()).next().is_err());
    }

    #[test]
    fn an_oversized_row_is_refused_in_the_child() {
        let mut w = Writer::new(std::io::sink());
        let huge = "x".repeat(frame::MAX_ROW_BYTES + 1);
        let err = w.row(&Row { index: 6, cells: vec![(0, CellValue::Text(huge))] }).unwrap_err();
        assert!(err.to_string().contains("row 7 holds more than 16 MB"), "{err}");
    }
}
