//! One live run per channel and data dir. A second run would take the first one's open
//! session for a crash's leftovers, close it and report it mid-stream, and record the same
//! stream twice; `clip --pending` takes the same lock while it repairs and cuts a channel's
//! clips. The lock is an `flock` on a small file, so a killed process never leaves it held.
//! A live run checks every few seconds that its file is still there: deleted by hand (as
//! one would a stale lock), it is made again, so the guard holds for the rest of the run.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};

/// How often a live run checks that its lock file is still there.
#[cfg(not(test))]
const CHECK_EVERY: Duration = Duration::from_secs(5);
#[cfg(test)]
const CHECK_EVERY: Duration = Duration::from_millis(20);

/// Held for the whole run; dropping it (or the process ending) lets the next one in.
#[derive(Debug)]
pub struct RunLock {
    held: Held,
}

#[derive(Debug)]
enum Held {
    Lock {
        _lock: Flock<File>,
    },
    /// A live run's lock, kept by a thread that makes a deleted file again; closing `stop`
    /// ends it.
    Watched {
        stop: Option<mpsc::Sender<()>>,
        thread: Option<JoinHandle<()>>,
    },
}

impl Drop for RunLock {
    fn drop(&mut self) {
        if let Held::Watched { stop, thread } = &mut self.held {
            drop(stop.take());
            if let Some(t) = thread.take() {
                let _ = t.join();
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another kicktui{pid} is {role} {channel} with the data dir {dir}; wait for it or stop \
         it first"
    )]
    Busy {
        channel: String,
        dir: String,
        /// `watching`, `cutting the pending clips of`.
        role: &'static str,
        /// ` (pid 123)`, or empty when the lock file does not say.
        pid: String,
    },
    #[error("cannot use the data dir {}: {source} (pick another with --data-dir, $KICKTUI_DATA or [general] data_dir)", dir.display())]
    Io {
        dir: PathBuf,
        source: std::io::Error,
    },
}

/// What the holder is doing, for the message another process prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Watching,
    CuttingClips,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Watching => "watching",
            Role::CuttingClips => "cutting the pending clips of",
        }
    }

    fn parse(s: &str) -> Role {
        if s == Role::CuttingClips.as_str() {
            Role::CuttingClips
        } else {
            Role::Watching
        }
    }
}

fn lock_path(data_dir: &Path, platform: &str, slug: &str) -> PathBuf {
    data_dir.join(format!(".{platform}-{slug}.lock"))
}

/// Takes the lock for `platform:slug` in `data_dir` (created if missing), or says who holds it.
pub fn acquire(
    data_dir: &Path,
    platform: &str,
    slug: &str,
    role: Role,
) -> Result<RunLock, LockError> {
    let io = |source| LockError::Io {
        dir: data_dir.to_path_buf(),
        source,
    };
    crate::store::make_dir(data_dir).map_err(io)?;
    let path = lock_path(data_dir, platform, slug);
    let lock = match lock_file(&path, role) {
        Ok(lock) => lock,
        Err(Taken::Io(e)) => return Err(io(e)),
        Err(Taken::By(mut file)) => {
            let (pid, role) = holder(&mut file);
            return Err(LockError::Busy {
                channel: format!("{platform}:{slug}"),
                dir: data_dir.display().to_string(),
                role: role.as_str(),
                pid: pid.map_or(String::new(), |pid| format!(" (pid {pid})")),
            });
        }
    };
    if role != Role::Watching {
        return Ok(RunLock {
            held: Held::Lock { _lock: lock },
        });
    }
    let (stop, stopped) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("run-lock".into())
        .spawn(move || keep(lock, &path, role, &stopped))
        .map_err(io)?;
    Ok(RunLock {
        held: Held::Watched {
            stop: Some(stop),
            thread: Some(thread),
        },
    })
}

/// Whether a live run holds `platform:slug` in `data_dir` now (so its recording may still
/// grow). A lock nobody holds is taken shared for a moment and let go (a run starting that
/// instant tries again: [`lock_file`]).
pub fn watched(data_dir: &Path, platform: &str, slug: &str) -> bool {
    let path = lock_path(data_dir, platform, slug);
    let Ok(file) = OpenOptions::new().read(true).open(path) else {
        return false;
    };
    match Flock::lock(file, FlockArg::LockSharedNonblock) {
        Ok(_) => false,
        Err((mut file, Errno::EWOULDBLOCK)) => holder(&mut file).1 == Role::Watching,
        // Unsure: as if it were.
        Err(_) => true,
    }
}

/// Tries at taking a lock another process may only be peeking at.
const PEEK_TRIES: u32 = 3;

enum Taken {
    /// Another process holds it: the file, to read who.
    By(File),
    Io(std::io::Error),
}

/// Opens and locks the file at `path`, with this process and its role written in it.
fn lock_file(path: &Path, role: Role) -> Result<Flock<File>, Taken> {
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(Taken::Io)?;
    // A peek ([`watched`]) holds it for a moment: a few tries before it counts as taken.
    let mut tries = 0;
    let locked = loop {
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Err((f, Errno::EWOULDBLOCK)) if tries < PEEK_TRIES => {
                tries += 1;
                file = f;
                std::thread::sleep(Duration::from_millis(20));
            }
            other => break other,
        }
    };
    match locked {
        Ok(mut lock) => {
            // The holder's pid and role, for the message another process prints.
            let holder = format!("{} {}", std::process::id(), role.as_str());
            let written = lock
                .set_len(0)
                .and_then(|()| lock.rewind())
                .and_then(|()| lock.write_all(holder.as_bytes()));
            if let Err(e) = written {
                tracing::debug!("lock file: holder not written: {e}");
            }
            Ok(lock)
        }
        Err((file, Errno::EWOULDBLOCK)) => Err(Taken::By(file)),
        Err((_, e)) => Err(Taken::Io(std::io::Error::from(e))),
    }
}

/// Who holds a lock, as its file says (`<pid> <role>`): the pid when it reads as one.
fn holder(file: &mut File) -> (Option<u32>, Role) {
    let mut text = String::new();
    let _ = file.read_to_string(&mut text);
    let text = text.trim();
    let (pid, role) = text.split_once(' ').unwrap_or((text, ""));
    (pid.parse().ok(), Role::parse(role))
}

/// Holds `lock` until `stop` closes; a lock file deleted (or replaced) meanwhile is made and
/// locked again, at every check until that works: another process that took it in the gap
/// (often a short `clip --pending`) is said once.
fn keep(mut lock: Flock<File>, path: &Path, role: Role, stop: &mpsc::Receiver<()>) {
    let mut said = false;
    while let Err(mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(CHECK_EVERY) {
        if still_ours(&lock, path) {
            continue;
        }
        match lock_file(path, role) {
            Ok(new) => {
                tracing::warn!(
                    "the lock file {} was deleted or replaced while this run held it: made \
                     again",
                    path.display()
                );
                lock = new;
                said = false;
            }
            Err(Taken::By(mut file)) if !said => {
                let (_, role) = holder(&mut file);
                tracing::error!(
                    "the lock file {} was deleted and another kicktui ({}) took it: it may \
                     close this run's session as a crash's leftover; stop it",
                    path.display(),
                    role.as_str()
                );
                said = true;
            }
            Err(Taken::By(_)) => {}
            Err(Taken::Io(e)) => tracing::debug!("lock file not made again: {e}"),
        }
    }
}

/// Whether the file at `path` is the one `lock` holds (not deleted, not replaced).
fn still_ours(lock: &Flock<File>, path: &Path) -> bool {
    match (std::fs::metadata(path), lock.metadata()) {
        (Ok(on_disk), Ok(held)) => on_disk.ino() == held.ino() && on_disk.dev() == held.dev(),
        (Err(e), _) => e.kind() != std::io::ErrorKind::NotFound,
        // Unsure: leave it be.
        (_, Err(_)) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_process_on_the_same_channel_is_refused_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = acquire(&data, "kick", "clavicular", Role::Watching).unwrap();
        let again = acquire(&data, "kick", "clavicular", Role::CuttingClips)
            .unwrap_err()
            .to_string();
        let pid = std::process::id();
        assert!(
            again.contains(&format!(
                "another kicktui (pid {pid}) is watching kick:clavicular"
            )),
            "{again}"
        );
        // Another channel in the same data dir is fine.
        let other = acquire(&data, "twitch", "clavicular", Role::CuttingClips).unwrap();
        let busy = acquire(&data, "twitch", "clavicular", Role::Watching)
            .unwrap_err()
            .to_string();
        assert!(
            busy.contains(&format!(
                "(pid {pid}) is cutting the pending clips of twitch:"
            )),
            "{busy}"
        );
        drop((first, other));
        assert!(acquire(&data, "kick", "clavicular", Role::Watching).is_ok());
    }

    #[test]
    fn only_a_live_run_holding_the_channel_is_watching_it() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path();
        assert!(!watched(data, "kick", "a"), "no lock file");
        let live = acquire(data, "kick", "a", Role::Watching).unwrap();
        assert!(watched(data, "kick", "a"));
        assert!(!watched(data, "kick", "b"));
        drop(live);
        assert!(!watched(data, "kick", "a"), "a lock file nobody holds");
        let cutting = acquire(data, "kick", "a", Role::CuttingClips).unwrap();
        assert!(
            !watched(data, "kick", "a"),
            "clip --pending records nothing"
        );
        drop(cutting);
        assert!(acquire(data, "kick", "a", Role::Watching).is_ok(), "let go");
    }

    #[test]
    fn a_file_given_as_the_data_dir_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "x").unwrap();
        let e = acquire(&file, "kick", "x", Role::Watching)
            .unwrap_err()
            .to_string();
        assert!(e.contains("is a file, not a directory"), "{e}");
    }

    #[test]
    fn a_live_runs_lock_file_deleted_by_hand_is_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let live = acquire(dir.path(), "kick", "clavicular", Role::Watching).unwrap();
        let file = lock_path(dir.path(), "kick", "clavicular");
        std::fs::remove_file(&file).unwrap();
        // Polled, not slept: the watcher checks every 20 ms in tests.
        let made = (0..500).any(|_| {
            std::thread::sleep(Duration::from_millis(10));
            std::fs::read_to_string(&file).is_ok_and(|t| t.ends_with("watching"))
        });
        assert!(made, "the lock file was not made again");
        // Deleted again and taken in the gap by a short `clip --pending`: once that ends, the
        // live run holds it again.
        let cutting = (0..100).find_map(|_| {
            let _ = std::fs::remove_file(&file);
            acquire(dir.path(), "kick", "clavicular", Role::CuttingClips).ok()
        });
        assert!(cutting.is_some(), "the gap was never taken");
        std::thread::sleep(Duration::from_millis(100));
        drop(cutting);
        let back = (0..500).any(|_| {
            std::thread::sleep(Duration::from_millis(10));
            std::fs::read_to_string(&file).is_ok_and(|t| t.ends_with("watching"))
        });
        assert!(back, "the live run did not take its lock back");
        let second = acquire(dir.path(), "kick", "clavicular", Role::Watching);
        assert!(matches!(second, Err(LockError::Busy { .. })), "{second:?}");
        drop(live);
        assert!(acquire(dir.path(), "kick", "clavicular", Role::Watching).is_ok());
    }
}
