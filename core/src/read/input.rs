//! A file chosen for import, opened once.
//!
//! The path is opened a single time, without following a symbolic link and
//! without blocking (a FIFO swapped in would otherwise hang the import with the
//! store locked); the descriptor is then checked to be a regular file under the
//! size cap, hashed, sniffed and preflighted through positional reads, and the
//! same descriptor is handed to the reading child (`sandbox`). Nothing opens the
//! path again, so what was checked is what is read.

use crate::error::{CoreError, Result};
use crate::messages::Text;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The largest file accepted (as for drops on the window).
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// An opened, checked import file. Cheap to share: readers use positional
/// reads, so they never move each other's offset.
#[derive(Debug)]
pub struct InputFile {
    file: File,
    path: PathBuf,
    name: String,
    len: u64,
}

impl InputFile {
    /// Opens `path` once (no symlink following, non-blocking) and checks that
    /// it is a non-empty regular file of at most [`MAX_INPUT_BYTES`].
    pub fn open(path: &Path) -> Result<Arc<InputFile>> {
        let name = crate::error::display_name(path);
        let refuse = |code: &'static str| CoreError::unreadable(&name, Text::new(code, []));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOCTTY)
            .open(path)
            .map_err(|e| match e.raw_os_error() {
                Some(libc::ELOOP) => refuse("symlink"),
                _ => CoreError::from_io(path, e),
            })?;
        let meta = file.metadata().map_err(|e| CoreError::from_io(path, e))?;
        if meta.is_dir() {
            return Err(refuse("folder"));
        }
        if !meta.is_file() {
            return Err(refuse("not_regular"));
        }
        if meta.len() == 0 {
            return Err(refuse("empty_file"));
        }
        if meta.len() > MAX_INPUT_BYTES {
            return Err(CoreError::unreadable(&name, Text::new("too_big", [meta.len().div_ceil(1 << 20).to_string()])));
        }
        Ok(Arc::new(InputFile { file, path: path.to_path_buf(), name, len: meta.len() }))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The lower-case extension of the file name.
    pub fn extension(&self) -> String {
        extension(&self.path)
    }

    /// Up to `n` bytes from the start.
    pub fn head(self: &Arc<Self>, n: usize) -> Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(n.min(self.len as usize));
        self.reader().take(n as u64).read_to_end(&mut buf).map_err(|e| self.io_error(e))?;
        Ok(buf)
    }

    /// The SHA-256 of the content, as lower-case hex.
    pub fn sha256(self: &Arc<Self>) -> Result<String> {
        let mut hasher = Sha256::new();
        let mut reader = self.reader();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = reader.read(&mut buf).map_err(|e| self.io_error(e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }

    /// A reader over the content with its own position.
    pub fn reader(self: &Arc<Self>) -> PositionalReader {
        PositionalReader { input: Arc::clone(self), pos: 0 }
    }

    /// The file on standard input, in a reading child (see `sandbox`).
    pub(crate) fn from_stdin(name: String) -> Result<Arc<InputFile>> {
        use std::os::fd::FromRawFd;
        // SAFETY: descriptor 0 is the file the parent handed over; it is owned
        // by this value from now on and nothing else in the child uses it.
        let file = unsafe { File::from_raw_fd(0) };
        let len = file.metadata().map_err(|e| CoreError::unreadable(&name, Text::new("io", [e.to_string()])))?.len();
        Ok(Arc::new(InputFile { file, path: PathBuf::from(&name), name, len }))
    }

    /// A duplicate of the descriptor (for a child's standard input).
    pub fn descriptor(&self) -> Result<File> {
        self.file.try_clone().map_err(|e| self.io_error(e))
    }

    pub(crate) fn io_error(&self, e: std::io::Error) -> CoreError {
        CoreError::unreadable(&self.name, Text::new("io", [e.to_string()]))
    }
}

/// Read + Seek over a file through positional reads, bounded by the length
/// seen when the file was opened.
#[derive(Debug, Clone)]
pub struct PositionalReader {
    input: Arc<InputFile>,
    pos: u64,
}

impl Read for PositionalReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.input.len.saturating_sub(self.pos);
        let want = buf.len().min(left as usize);
        if want == 0 {
            return Ok(0);
        }
        let n = self.input.file.read_at(&mut buf[..want], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for PositionalReader {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let next = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.input.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        let next = next.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start"))?;
        self.pos = next;
        Ok(next)
    }
}

/// The first bytes of a ZIP container (xlsx, xlsm, xlsb, ods).
pub const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The first bytes of an OLE compound file (xls, and encrypted xlsx).
pub const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// A path's extension in lower case (`""` when it has none).
pub fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("comptoir-input-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn reason(e: CoreError) -> String {
        e.to_string()
    }

    #[test]
    fn a_regular_file_is_hashed_and_read_from_any_position() {
        let dir = scratch("regular");
        let path = dir.join("a.csv");
        std::fs::write(&path, b"abc").unwrap();
        let input = InputFile::open(&path).unwrap();
        // sha256("abc"), FIPS 180-2 appendix B.1
        assert_eq!(input.sha256().unwrap(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let mut r = input.reader();
        r.seek(SeekFrom::Start(1)).unwrap();
        let mut rest = String::new();
        r.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "bc");
        assert_eq!(input.head(2).unwrap(), b"ab");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn links_pipes_folders_and_empty_files_are_refused_without_blocking() {
        let dir = scratch("refused");
        let target = dir.join("real.csv");
        std::fs::write(&target, b"a,b\n").unwrap();
        let link = dir.join("link.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(reason(InputFile::open(&link).unwrap_err()).contains("symbolic link"));
        let fifo = dir.join("pipe.csv");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo reads a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // Without O_NONBLOCK this open would wait forever for a writer.
        assert!(reason(InputFile::open(&fifo).unwrap_err()).contains("not a regular file"));
        assert!(reason(InputFile::open(&dir).unwrap_err()).contains("folder"));
        let empty = dir.join("empty.csv");
        std::fs::write(&empty, b"").unwrap();
        assert!(reason(InputFile::open(&empty).unwrap_err()).contains("empty"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_over_the_cap_is_refused_before_reading() {
        let dir = scratch("large");
        let path = dir.join("big.csv");
        let f = File::create(&path).unwrap();
        f.set_len(MAX_INPUT_BYTES + 1).unwrap(); // sparse: no disk used
        assert!(reason(InputFile::open(&path).unwrap_err()).contains("1,024 MB"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
