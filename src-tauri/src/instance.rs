//! One Comptoir window per store. The first start listens on a socket; a
//! second start asks it to come to the front and exits, instead of failing
//! later on the store's lock. A socket left by a crash is replaced.
//!
//! The socket is the user's alone: it lives in `$XDG_RUNTIME_DIR` (else in a
//! 0700 folder of ours in the temp dir), is made 0600, answers only a peer of
//! the same user id (SO_PEERCRED), and reads at most one short line.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

const SHOW: &[u8] = b"show\n";
const SHOWN: &str = "shown";
/// The longest line either side reads: enough for `show` and `shown`.
const MAX_LINE: u64 = 64;

pub enum Instance {
    /// This process is the one: serve the listener with [`serve`].
    First(UnixListener),
    /// Another Comptoir has the store and was brought to the front.
    AlreadyRunning,
}

fn my_uid() -> u32 {
    // SAFETY: getuid cannot fail and touches no memory.
    unsafe { libc::getuid() }
}

/// The user id of the process at the other end of `stream`.
fn peer_uid(stream: &UnixStream) -> Option<u32> {
    let mut cred = libc::ucred { pid: 0, uid: 0, gid: 0 };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` and `len` are valid for writes of the sizes given.
    let rc = unsafe {
        libc::getsockopt(stream.as_raw_fd(), libc::SOL_SOCKET, libc::SO_PEERCRED, (&mut cred as *mut libc::ucred).cast(), &mut len)
    };
    (rc == 0 && len as usize == std::mem::size_of::<libc::ucred>()).then_some(cred.uid)
}

fn same_user(stream: &UnixStream) -> bool {
    peer_uid(stream) == Some(my_uid())
}

/// Makes `dir` (one level) a folder of this user's alone, or says why it is not.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(e),
        _ => {}
    }
    let meta = std::fs::symlink_metadata(dir)?;
    if !meta.is_dir() || meta.uid() != my_uid() {
        return Err(std::io::Error::other(format!("{} is not a folder of this user", dir.display())));
    }
    if meta.mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// The folder of the sockets: `comptoir/` in `$XDG_RUNTIME_DIR` when there is
/// one, else `comptoir-<uid>/` in the temp dir.
fn runtime_dir(xdg: Option<std::ffi::OsString>) -> std::io::Result<PathBuf> {
    let dir = match xdg.map(PathBuf::from).filter(|d| d.is_absolute() && d.is_dir()) {
        Some(runtime) => runtime.join("comptoir"),
        None => std::env::temp_dir().join(format!("comptoir-{}", my_uid())),
    };
    private_dir(&dir)?;
    Ok(dir)
}

/// The socket of the store at `db` in `dir` (a short name: a Unix socket path must stay short).
pub fn socket_path(dir: &Path, db: &Path) -> PathBuf {
    let hash =
        db.as_os_str().as_encoded_bytes().iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ *b as u64).wrapping_mul(0x100_0000_01b3));
    dir.join(format!("{hash:016x}.sock"))
}

/// Reads one line of at most [`MAX_LINE`] bytes.
fn read_line(stream: &UnixStream) -> Option<String> {
    let mut line = String::new();
    BufReader::new(stream.take(MAX_LINE)).read_line(&mut line).ok()?;
    Some(line)
}

/// Asks the running instance, if any, to show its window.
fn hand_over(path: &Path) -> bool {
    let Ok(mut stream) = UnixStream::connect(path) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if !same_user(&stream) || stream.write_all(SHOW).is_err() {
        return false;
    }
    read_line(&stream).is_some_and(|answer| answer.trim() == SHOWN)
}

pub fn claim(db: &Path) -> std::io::Result<Instance> {
    claim_in(&runtime_dir(std::env::var_os("XDG_RUNTIME_DIR"))?, db)
}

fn claim_in(dir: &Path, db: &Path) -> std::io::Result<Instance> {
    let path = socket_path(dir, db);
    for _ in 0..3 {
        if hand_over(&path) {
            return Ok(Instance::AlreadyRunning);
        }
        match UnixListener::bind(&path) {
            Ok(listener) => {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
                return Ok(Instance::First(listener));
            }
            // Either a crash left the file, or another start bound it just now:
            // asking again tells the two apart.
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                if hand_over(&path) {
                    return Ok(Instance::AlreadyRunning);
                }
                std::fs::remove_file(&path)?;
            }
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("the single-instance socket could not be claimed"))
}

/// Answers each later start of the same user: `show` brings the window
/// forward, then it is told so. Anything else is dropped unanswered.
pub fn serve(listener: UnixListener, show: impl Fn() + Send + 'static) {
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            if !same_user(&stream) {
                continue;
            }
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            if read_line(&stream).is_some_and(|line| line.as_bytes() == SHOW) {
                show();
                let _ = (&stream).write_all(format!("{SHOWN}\n").as_bytes());
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn temp(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("comptoir-instance-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_second_start_hands_over_and_a_stale_socket_is_replaced() {
        let base = temp("handover");
        let runtime = runtime_dir(Some(base.clone().into())).unwrap();
        let db = base.join("shop").join("store.duckdb");

        // A crash left the socket file behind: the next start still becomes the first.
        drop(UnixListener::bind(socket_path(&runtime, &db)));
        assert!(socket_path(&runtime, &db).exists());
        let Instance::First(listener) = claim_in(&runtime, &db).unwrap() else { panic!("a stale socket blocked the start") };
        let shown = Arc::new(AtomicUsize::new(0));
        let counter = shown.clone();
        serve(listener, move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });

        assert!(matches!(claim_in(&runtime, &db).unwrap(), Instance::AlreadyRunning));
        assert!(matches!(claim_in(&runtime, &db).unwrap(), Instance::AlreadyRunning));
        assert_eq!(shown.load(Ordering::SeqCst), 2, "each later start brought the window forward");
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn the_socket_is_private_to_the_user_and_not_beside_the_store() {
        let base = temp("private");
        let runtime = runtime_dir(Some(base.clone().into())).unwrap();
        assert_eq!(runtime, base.join("comptoir"));
        assert_eq!(mode(&runtime), 0o700);
        let db = base.join("shared-folder").join("store.duckdb");
        let Instance::First(listener) = claim_in(&runtime, &db).unwrap() else { panic!("no other instance") };
        let socket = socket_path(&runtime, &db);
        assert_eq!(socket.parent(), Some(runtime.as_path()), "never beside the store");
        assert_eq!(mode(&socket), 0o600);
        assert!(!PathBuf::from(format!("{}.app.sock", db.display())).exists());

        // The peer's user id is read from the kernel: here, our own.
        let client = UnixStream::connect(&socket).unwrap();
        assert_eq!(peer_uid(&client), Some(my_uid()));
        let shown = Arc::new(AtomicUsize::new(0));
        let counter = shown.clone();
        serve(listener, move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        // A megabyte without a line break is not read to the end, and not obeyed.
        let mut flood = client;
        let _ = flood.set_write_timeout(Some(Duration::from_secs(5)));
        let _ = flood.write_all(&vec![b's'; 1 << 20]);
        drop(flood);
        assert!(matches!(claim_in(&runtime, &db).unwrap(), Instance::AlreadyRunning), "still serving");
        assert_eq!(shown.load(Ordering::SeqCst), 1, "only the real start was obeyed");
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_runtime_folder_that_is_not_ours_is_refused_and_a_missing_one_falls_back() {
        let base = temp("fallback");
        // A symbolic link planted where our folder goes is not our folder.
        std::os::unix::fs::symlink("/tmp", base.join("comptoir")).unwrap();
        assert!(runtime_dir(Some(base.clone().into())).is_err());
        let fallback = runtime_dir(None).unwrap();
        assert_eq!(fallback, std::env::temp_dir().join(format!("comptoir-{}", my_uid())));
        assert_eq!(mode(&fallback), 0o700);
        assert_eq!(runtime_dir(Some("relative/dir".into())).unwrap(), fallback);
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_long_store_path_gets_a_short_socket() {
        let long = PathBuf::from(format!("/tmp/{}/store.duckdb", "x".repeat(120)));
        let socket = socket_path(Path::new("/run/user/1000/comptoir"), &long);
        assert!(socket.as_os_str().len() < 100, "{}", socket.display());
        assert_eq!(socket, socket_path(Path::new("/run/user/1000/comptoir"), &long), "the same store always gets the same socket");
    }
}
