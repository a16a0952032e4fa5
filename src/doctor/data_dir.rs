//! The data dir check: writable (or makeable), a usable database, enough free space.

use std::path::Path;

use super::Check;
use crate::store::Store;

/// Less free space than this on the data dir fails (an hour of 1080p60 is ~3–4 GB).
const MIN_FREE_BYTES: u64 = 2 << 30;

/// Checks the data dir without making it: one that does not exist yet is judged by the
/// folder it would be made in.
pub fn check(dir: &Path) -> Check {
    const NAME: &str = "data dir";
    // The nearest folder that exists: where the data dir is, or would be made.
    let base = dir.ancestors().find(|p| p.exists()).unwrap_or(dir);
    let fix = format!(
        "make {} writable, or pick another with --data-dir, $KICKTUI_DATA or [general] data_dir",
        base.display()
    );
    if !base.is_dir() {
        return Check::fail(
            NAME,
            format!("{} is a file, not a directory", base.display()),
            "pick another with --data-dir, $KICKTUI_DATA or [general] data_dir",
        );
    }
    let probe = base.join(format!(".kicktui-doctor-{}", std::process::id()));
    if let Err(e) = std::fs::write(&probe, b"ok") {
        return Check::fail(
            NAME,
            format!("cannot write in {}: {e}", base.display()),
            fix,
        );
    }
    let _ = std::fs::remove_file(&probe);
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
    let what = if base == dir {
        format!("{} writable", dir.display())
    } else {
        format!(
            "{} does not exist yet; it will be made in {} (writable)",
            dir.display(),
            base.display()
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
}
