//! The data dir check: writable (or makeable), a usable database, enough free space.

use std::path::{Path, PathBuf};

use super::Check;
use crate::engine::engage_report::REPORTS_DIR;
use crate::media::recorder::recordings_dir;
use crate::store::Store;

/// Less free space than this on the data dir fails (an hour of 1080p60 is ~3–4 GB).
const MIN_FREE_BYTES: u64 = 2 << 30;

const ELSEWHERE: &str = "pick another with --data-dir, $KICKTUI_DATA or [general] data_dir";

/// Checks the data dir without making it: one that does not exist yet is judged by the
/// folder it would be made in. A link is judged by where it points.
pub fn check(dir: &Path) -> Check {
    const NAME: &str = "data dir";
    // The nearest thing that is there: where the data dir is, or would be made. A link counts
    // even when its target is gone (exists() would look past it; a run cannot).
    let base = dir
        .ancestors()
        .find(|p| p.symlink_metadata().is_ok())
        .unwrap_or(dir);
    if let Some(broken) = broken_link(NAME, base) {
        return broken;
    }
    let at = match link_target(base) {
        Some(to) => format!("{} (a link to {})", base.display(), to.display()),
        None => base.display().to_string(),
    };
    if !base.is_dir() {
        return Check::fail(NAME, format!("{at} is a file, not a directory"), ELSEWHERE);
    }
    if let Err(e) = probe(base) {
        return Check::fail(
            NAME,
            format!("cannot write in {at}: {e}"),
            write_fix(base, &e),
        );
    }
    // A database every command would refuse (damaged, or from a newer kicktui).
    let db = crate::store::db_path(dir);
    if db.exists()
        && let Err(e) = Store::open_for_reading(&db)
    {
        return Check::fail(
            NAME,
            format!(
                "{} is writable, but its database is not usable",
                dir.display()
            ),
            e.to_string(),
        );
    }
    if base == dir
        && let Some(bad) = subfolders(NAME, dir)
    {
        return bad;
    }
    let what = if base == dir {
        format!("{at} writable")
    } else {
        format!(
            "{} does not exist yet; it will be made in {at} (writable)",
            dir.display()
        )
    };
    let free = crate::media::disk_free::free_bytes(base);
    match free {
        Ok(bytes) if bytes < MIN_FREE_BYTES => Check::fail(
            NAME,
            format!("{}: only {} free", dir.display(), gb(bytes)),
            "free some space (recordings need a few GB per hour), or use another --data-dir",
        ),
        Ok(bytes) => Check::ok(NAME, format!("{what}, {} free", gb(bytes))),
        Err(e) => Check::ok(NAME, format!("{what} (free space unknown: {e})")),
    }
}

/// What to do when the write probe fails: a full disk needs space, not rights.
fn write_fix(base: &Path, e: &std::io::Error) -> String {
    use std::io::ErrorKind::{QuotaExceeded, StorageFull};
    match e.kind() {
        StorageFull | QuotaExceeded => format!(
            "free some space on {} (recordings need a few GB per hour), or {ELSEWHERE}",
            base.display()
        ),
        _ => format!("make {} writable, or {ELSEWHERE}", base.display()),
    }
}

/// Writes and removes a small file in `dir`.
fn probe(dir: &Path) -> std::io::Result<()> {
    let probe = dir.join(format!(".kicktui-doctor-{}", std::process::id()));
    std::fs::write(&probe, b"ok")?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// The folders a run makes inside the data dir when it needs them: a file (or a broken link)
/// in one's place stops the recording or the report, far into a stream.
fn subfolders(name: &'static str, dir: &Path) -> Option<Check> {
    let subs = [
        (recordings_dir(dir), "nothing can be recorded"),
        (dir.join(REPORTS_DIR), "no session report can be saved"),
    ];
    for (path, then) in subs {
        if let Some(broken) = broken_link(name, &path) {
            return Some(broken);
        }
        if !path.exists() {
            continue;
        }
        if !path.is_dir() {
            return Some(Check::fail(
                name,
                format!("{} is a file, not a folder: {then}", path.display()),
                "move it aside (kicktui makes the folder itself)",
            ));
        }
        if let Err(e) = probe(&path) {
            return Some(Check::fail(
                name,
                format!("cannot write in {}: {e}; {then}", path.display()),
                write_fix(&path, &e),
            ));
        }
    }
    None
}

/// Where `path` points, when it is a link.
fn link_target(path: &Path) -> Option<PathBuf> {
    let link = path.symlink_metadata().ok()?.is_symlink();
    link.then(|| std::fs::read_link(path).ok()).flatten()
}

/// A link whose target cannot be reached: a run cannot make a folder in its place ("File
/// exists"). A data dir on a USB disk that is not mounted looks like this.
fn broken_link(name: &'static str, path: &Path) -> Option<Check> {
    let to = link_target(path)?;
    let e = path.metadata().err()?;
    let why = match e.kind() {
        std::io::ErrorKind::NotFound => "which is missing (a disk not mounted?)".to_string(),
        _ => format!("which cannot be reached: {e}"),
    };
    Some(Check::fail(
        name,
        format!("{} is a link to {}, {why}", path.display(), to.display()),
        format!("mount the disk it points to (or make that folder), or {ELSEWHERE}"),
    ))
}

fn gb(bytes: u64) -> String {
    format!("{:.1} GB", bytes as f64 / f64::from(1u32 << 30))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_dir_is_checked_not_made() {
        let dir = tempfile::tempdir().expect("tempdir");
        let new = dir.path().join("a/b");
        let c = check(&new);
        assert_eq!(c.status, super::super::Status::Ok, "{c:?}");
        assert!(c.detail.contains("does not exist yet"), "{}", c.detail);
        assert!(!new.exists() && !dir.path().join("a").exists());
        let file = dir.path().join("f");
        std::fs::write(&file, "x").expect("write");
        let c = check(&file.join("sub"));
        assert!(c.detail.contains("is a file"), "{c:?}");
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("ls").count(),
            1,
            "no probe left"
        );
        // A data dir whose database every command refuses fails, with what to do.
        std::fs::write(crate::store::db_path(dir.path()), "garbage, not SQLite").expect("write");
        let c = check(dir.path());
        assert_eq!(c.status, super::super::Status::Fail, "{c:?}");
        assert!(
            c.fix
                .as_deref()
                .is_some_and(|f| f.contains("move it aside")),
            "{c:?}"
        );
    }

    /// A data dir linked to a disk that is not mounted: a run cannot make a folder where the
    /// link is ("File exists"), so the link fails, said as such, and is never judged by the
    /// folder it sits in.
    #[test]
    fn a_link_is_judged_by_where_it_points() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink("/nonexistent/kt", &dangling).expect("symlink");
        for data in [dangling.clone(), dangling.join("sub")] {
            let c = check(&data);
            assert_eq!(c.status, super::super::Status::Fail, "{c:?}");
            assert!(
                c.detail.contains("/nonexistent/kt") && c.detail.contains("missing"),
                "{c:?}"
            );
            assert!(
                c.fix
                    .as_deref()
                    .is_some_and(|f| f.contains("mount the disk")),
                "{c:?}"
            );
        }
        // A link to a folder: judged there, and said where it points.
        let target = tempfile::tempdir().expect("tempdir");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(target.path(), &link).expect("symlink");
        let c = check(&link);
        assert_eq!(c.status, super::super::Status::Ok, "{c:?}");
        let to = format!("a link to {}", target.path().display());
        assert!(c.detail.contains(&to), "{c:?}");
    }

    /// A full disk is not a permissions problem: the advice is to free space.
    #[test]
    fn a_full_disk_is_advised_to_free_space() {
        let base = Path::new("/d");
        for errno in [nix::libc::ENOSPC, nix::libc::EDQUOT] {
            let fix = write_fix(base, &std::io::Error::from_raw_os_error(errno));
            assert!(fix.starts_with("free some space on /d"), "{fix}");
        }
        let fix = write_fix(base, &std::io::Error::from_raw_os_error(nix::libc::EACCES));
        assert!(fix.starts_with("make /d writable"), "{fix}");
    }

    /// `recordings` or `reports` as a file: a run cannot record or save its reports there.
    #[test]
    fn the_subfolders_are_folders_or_absent() {
        for sub in ["recordings", "reports"] {
            let dir = tempfile::tempdir().expect("tempdir");
            assert_eq!(check(dir.path()).status, super::super::Status::Ok);
            std::fs::create_dir(dir.path().join(sub)).expect("mkdir");
            assert_eq!(check(dir.path()).status, super::super::Status::Ok);
            std::fs::remove_dir(dir.path().join(sub)).expect("rmdir");
            std::fs::write(dir.path().join(sub), "x").expect("write");
            let c = check(dir.path());
            assert_eq!(c.status, super::super::Status::Fail, "{c:?}");
            assert!(
                c.detail.contains(sub) && c.detail.contains("is a file"),
                "{c:?}"
            );
            assert!(
                c.fix.as_deref().is_some_and(|f| f.contains("move")),
                "{c:?}"
            );
            std::fs::remove_file(dir.path().join(sub)).expect("rm");
            std::os::unix::fs::symlink("/nonexistent/kt", dir.path().join(sub)).expect("ln");
            let c = check(dir.path());
            assert_eq!(c.status, super::super::Status::Fail, "{c:?}");
            assert!(c.detail.contains("missing"), "{c:?}");
        }
    }
}
