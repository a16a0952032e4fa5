//! The `.part` files of a cut under way (`<clip>.mp4.part`, a piece's `<clip>.N.mp4.part`, a
//! concat list's `<clip>.txt.part`). The cut holds an exclusive `flock` on its `.mp4.part`
//! from before ffmpeg starts until the clip is renamed, so a cleanup can tell a cut a kill
//! left (no one holds the lock: the kernel dropped it with the process) from one a running
//! kicktui is making, at once, whatever its age. Before, only files untouched for 10 minutes
//! were removed, and only by a live start or `clip --pending`: a killed `kicktui clip` left
//! its `.part` until some later run.

use std::collections::BTreeMap;
use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};

use super::error::MediaError;

/// A `.part` of a cut with no `.mp4.part` to lock (an older kicktui's) is a kill's leftover
/// once untouched this long (ffmpeg writes a cut under way every moment).
const STALE_PART: Duration = Duration::from_secs(600);
/// How long a claim waits for a cleanup that holds the lock for a moment.
const CLAIM_TRIES: u32 = 20;
const CLAIM_PAUSE: Duration = Duration::from_millis(50);

/// Creates (or takes over) `tmp` and locks it for the caller's cut. Fails when another
/// running kicktui is cutting the same clip now.
pub(super) async fn claim(tmp: &Path) -> Result<Flock<File>, MediaError> {
    let io = |e: std::io::Error| MediaError::Io(format!("cannot write {}: {e}", tmp.display()));
    if let Some(dir) = tmp.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(io)?;
    }
    for _ in 0..CLAIM_TRIES {
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(tmp)
            .map_err(io)?;
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            // A cleanup may have removed the file between the open and the lock: the lock
            // must be on the file that is at the path.
            Ok(lock) if same_file(&lock, tmp) => return Ok(lock),
            Ok(_) => continue,
            Err((_, Errno::EWOULDBLOCK)) => tokio::time::sleep(CLAIM_PAUSE).await,
            Err((_, e)) => return Err(io(e.into())),
        }
    }
    Err(MediaError::Io(format!(
        "{} is being cut by another kicktui right now",
        tmp.display()
    )))
}

fn same_file(lock: &Flock<File>, path: &Path) -> bool {
    match (lock.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// The cut a `.part` file belongs to: its `<clip>.mp4.part`.
fn owner(name: &str) -> Option<String> {
    if let Some(stem) = name.strip_suffix(".txt.part") {
        return Some(format!("{stem}.mp4.part"));
    }
    let stem = name.strip_suffix(".mp4.part")?;
    // A piece: `<clip>.N.mp4.part`.
    let base = match stem.rsplit_once('.') {
        Some((base, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => stem,
    };
    Some(format!("{base}.mp4.part"))
}

/// Someone holds a lock on `path`.
fn held(path: &Path) -> bool {
    File::open(path).is_ok_and(|f| Flock::lock(f, FlockArg::LockExclusiveNonblock).is_err())
}

fn older_than(path: &Path, age: Duration) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t.elapsed().is_ok_and(|a| a >= age))
}

/// Removes the `.part` files of cuts a kill left in `clips_dir`; returns how many. A cut a
/// running kicktui holds is left alone. A retried clip may get another name, so they were
/// left for good.
pub fn remove_stale_parts(clips_dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(clips_dir) else {
        return 0;
    };
    let mut cuts: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for e in entries.flatten() {
        if let Some(owner) = owner(&e.file_name().to_string_lossy()) {
            cuts.entry(owner).or_default().push(e.path());
        }
    }
    let mut removed = 0;
    for (owner, files) in cuts {
        let owner = clips_dir.join(owner);
        // A file that is itself held is a running cut's, whatever its name looks like.
        let gone = |files: &[PathBuf]| {
            files
                .iter()
                .filter(|p| **p == owner || !held(p))
                .filter(|p| std::fs::remove_file(p).is_ok())
                .count()
        };
        match File::open(&owner) {
            // Held while its files go, so no cut claims it meanwhile.
            Ok(f) => {
                if let Ok(_lock) = Flock::lock(f, FlockArg::LockExclusiveNonblock) {
                    removed += gone(&files);
                }
            }
            Err(_) => {
                let old: Vec<PathBuf> = files
                    .into_iter()
                    .filter(|p| older_than(p, STALE_PART))
                    .collect();
                removed += gone(&old);
            }
        }
    }
    removed
}

#[cfg(test)]
#[path = "cut_stale_tests.rs"]
mod tests;
