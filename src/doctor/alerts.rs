//! The `[alerts]` check: which targets are on and for which events, and that the command's
//! program can be found and started; the same for `[clips] on_ready`. Nothing is sent or run
//! (a test alert would reach real people, a hook would upload).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::Check;
use crate::config::Alerts;

const NAME: &str = "alerts";

/// A command's program as the run would start it.
enum Found {
    Runs,
    /// A file without the execute bit: starting it fails with "Permission denied".
    NotExecutable(PathBuf),
    Missing,
}

fn executable(p: &Path) -> bool {
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `prog` as the command would run it: a path as given, a bare name looked up in `PATH`.
fn find_program(prog: &str, path_var: Option<&std::ffi::OsStr>) -> Found {
    let candidates: Vec<PathBuf> = if prog.contains('/') {
        vec![PathBuf::from(prog)]
    } else {
        path_var
            .map(|v| std::env::split_paths(v).map(|dir| dir.join(prog)).collect())
            .unwrap_or_default()
    };
    // As execvp: the first executable one runs; a file without the bit is said only when
    // nothing else runs.
    let mut blocked = None;
    for p in candidates.into_iter().filter(|p| p.is_file()) {
        if executable(&p) {
            return Found::Runs;
        }
        blocked.get_or_insert(p);
    }
    blocked.map_or(Found::Missing, Found::NotExecutable)
}

/// Why `prog` (`what`, set in `setting`) cannot be started, or None when it can.
fn cannot_run(name: &'static str, what: &str, prog: &str, setting: &str) -> Option<Check> {
    match find_program(prog, std::env::var_os("PATH").as_deref()) {
        Found::Runs => None,
        Found::Missing => Some(Check::fail(
            name,
            format!("{what} {prog:?} is not found"),
            format!("install it, or give its full path in {setting}"),
        )),
        Found::NotExecutable(p) => Some(Check::fail(
            name,
            format!("{what} {} is not executable", p.display()),
            format!(
                "chmod +x {} (or start it through its interpreter in {setting})",
                p.display()
            ),
        )),
    }
}

pub fn check(a: &Alerts) -> Check {
    let mut on = Vec::new();
    // Only that a URL is set: the URL itself holds the secret.
    if !a.discord_webhook.is_empty() {
        on.push(format!("Discord ({})", a.discord_events.join(", ")));
    }
    if !a.webhook_url.is_empty() {
        on.push(format!("webhook ({})", a.webhook_events.join(", ")));
    }
    if let Some(prog) = a.command.first() {
        if let Some(fail) = cannot_run(NAME, "the command's program", prog, "[alerts] command") {
            return fail;
        }
        on.push(format!("command {prog} ({})", a.command_events.join(", ")));
    }
    if on.is_empty() {
        return Check::skip(NAME, "none set ([alerts] in the config file)");
    }
    Check::ok(NAME, on.join("; "))
}

/// `[clips] on_ready`: its program can be found. None when no hook is set.
pub fn clip_hook(on_ready: &[String]) -> Option<Check> {
    const HOOK: &str = "clip hook";
    let prog = on_ready.first()?;
    let fail = cannot_run(HOOK, "the on_ready program", prog, "[clips] on_ready");
    Some(fail.unwrap_or_else(|| {
        Check::ok(
            HOOK,
            format!("[clips] on_ready runs {prog} after each clip"),
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_targets_never_urls_and_finds_the_program() {
        assert_eq!(check(&Alerts::default()).status, super::super::Status::Skip);
        let a = Alerts {
            discord_webhook: "https://discord.com/api/webhooks/1/s3cret".into(),
            command: vec!["sh".into(), "-c".into(), "true".into()],
            ..Alerts::default()
        };
        let c = check(&a);
        assert!(c.detail.starts_with("Discord (clip_ready"), "{}", c.detail);
        assert!(c.detail.contains("command sh ("), "{}", c.detail);
        assert!(!c.detail.contains("s3cret"), "{}", c.detail);
        let missing = Alerts {
            command: vec!["no-such-notifier-xyz".into()],
            ..Alerts::default()
        };
        let c = check(&missing);
        assert_eq!(c.status, super::super::Status::Fail);
        assert!(c.detail.contains("no-such-notifier-xyz"), "{}", c.detail);
    }

    /// A clip hook whose program is not there failed at every clip, unseen by doctor.
    #[test]
    fn the_clip_hooks_program_is_found_or_failed() {
        assert!(clip_hook(&[]).is_none());
        let ok = clip_hook(&["sh".into(), "{path}".into()]).expect("a check");
        assert_eq!(ok.status, super::super::Status::Ok);
        let missing = clip_hook(&["nonexist-prog".into(), "{path}".into()]).expect("a check");
        assert_eq!(missing.status, super::super::Status::Fail);
    }

    /// A script without the execute bit is found but cannot be started (Permission denied):
    /// it fails, with the chmod that mends it; the same for the clip hook.
    #[test]
    fn a_program_that_cannot_be_run_says_chmod() {
        let dir = tempfile::tempdir().expect("tempdir");
        let script = dir.path().join("noexec.sh");
        std::fs::write(&script, "#!/bin/sh\n").expect("write");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let prog = script.display().to_string();
        let a = Alerts {
            command: vec![prog.clone(), "{text}".into()],
            ..Alerts::default()
        };
        let hook = clip_hook(&[prog.clone(), "{path}".into()]).expect("a check");
        for c in [check(&a), hook] {
            assert_eq!(c.status, super::super::Status::Fail, "{c:?}");
            assert!(c.detail.contains("not executable"), "{c:?}");
            let fix = c.fix.as_deref().unwrap_or_default();
            assert!(fix.contains(&format!("chmod +x {prog}")), "{c:?}");
        }
        // Only such a file on PATH: found, and said to be the trouble.
        let path = std::env::join_paths([dir.path()]).expect("PATH");
        assert!(matches!(
            find_program("noexec.sh", Some(&path)),
            Found::NotExecutable(_)
        ));
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        assert_eq!(check(&a).status, super::super::Status::Ok);
        assert!(matches!(
            find_program("noexec.sh", Some(&path)),
            Found::Runs
        ));
    }
}
