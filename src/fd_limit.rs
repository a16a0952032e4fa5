//! The process's limit on open files, raised to what the system allows: the common default of
//! 1024 (256 on macOS) is close to what a long run with dashboards, recording parts, clip jobs
//! and the chat sockets can hold at once, and running out stops streamlink from starting.

use nix::sys::resource::{Resource, getrlimit, setrlimit};

/// Never asked for more than this, whatever the hard limit says (some systems report
/// "unlimited", which `setrlimit` then refuses).
const WANTED: u64 = 65_536;

/// Raises the soft limit toward the hard one; returns the soft limit in force after.
pub fn raise() -> Option<u64> {
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).ok()?;
    // macOS refuses more than its OPEN_MAX (10 240) even under an unlimited hard limit.
    for want in [hard.min(WANTED), hard.min(10_240)] {
        if want > soft && setrlimit(Resource::RLIMIT_NOFILE, want, hard).is_ok() {
            return Some(want);
        }
    }
    Some(soft)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_limit_never_goes_down() {
        let (before, _) =
            nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE).unwrap();
        let after = super::raise().unwrap();
        assert!(after >= before.min(super::WANTED), "{before} -> {after}");
    }
}
