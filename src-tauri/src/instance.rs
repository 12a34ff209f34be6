//! One Comptoir window per store. The first start listens on a socket beside
//! the store; a second start asks it to come to the front and exits, instead
//! of failing later on the store's lock. A socket left by a crash is replaced.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

const SHOW: &[u8] = b"show\n";
const SHOWN: &str = "shown";

pub enum Instance {
    /// This process is the one: serve the listener with [`serve`].
    First(UnixListener),
    /// Another Comptoir has the store and was brought to the front.
    AlreadyRunning,
}

/// The socket beside the store (a Unix socket path must stay short).
pub fn socket_path(db: &Path) -> PathBuf {
    let beside = PathBuf::from(format!("{}.app.sock", db.display()));
    if beside.as_os_str().len() < 100 {
        return beside;
    }
    let hash = db.as_os_str().as_encoded_bytes().iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ *b as u64).wrapping_mul(0x100_0000_01b3));
    std::env::temp_dir().join(format!("comptoir-{hash:016x}.sock"))
}

/// Asks the running instance, if any, to show its window.
fn hand_over(path: &Path) -> bool {
    let Ok(mut stream) = UnixStream::connect(path) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if stream.write_all(SHOW).is_err() {
        return false;
    }
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer).is_ok() && answer.trim() == SHOWN
}

pub fn claim(db: &Path) -> std::io::Result<Instance> {
    let path = socket_path(db);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    for _ in 0..3 {
        if hand_over(&path) {
            return Ok(Instance::AlreadyRunning);
        }
        match UnixListener::bind(&path) {
            Ok(listener) => return Ok(Instance::First(listener)),
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

/// Answers each later start: `show` brings the window forward, then it is told so.
pub fn serve(listener: UnixListener, show: impl Fn() + Send + 'static) {
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut line = String::new();
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let mut reader = BufReader::new(&stream);
            if reader.read_line(&mut line).is_ok() && line.as_bytes() == SHOW {
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

    #[test]
    fn a_second_start_hands_over_and_a_stale_socket_is_replaced() {
        let dir = std::env::temp_dir().join(format!("comptoir-instance-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let db = dir.join("store.duckdb");

        // A crash left the socket file behind: the next start still becomes the first.
        drop(UnixListener::bind({
            std::fs::create_dir_all(&dir).unwrap();
            socket_path(&db)
        }));
        assert!(socket_path(&db).exists());
        let Instance::First(listener) = claim(&db).unwrap() else { panic!("a stale socket blocked the start") };
        let shown = Arc::new(AtomicUsize::new(0));
        let counter = shown.clone();
        serve(listener, move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });

        assert!(matches!(claim(&db).unwrap(), Instance::AlreadyRunning));
        assert!(matches!(claim(&db).unwrap(), Instance::AlreadyRunning));
        assert_eq!(shown.load(Ordering::SeqCst), 2, "each later start brought the window forward");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_long_store_path_gets_a_short_socket() {
        let long = PathBuf::from(format!("/tmp/{}/store.duckdb", "x".repeat(120)));
        let socket = socket_path(&long);
        assert!(socket.as_os_str().len() < 100, "{}", socket.display());
        assert_eq!(socket, socket_path(&long), "the same store always gets the same socket");
    }
}
