//! The `[alerts]` check: which targets are on and for which events, and that the command's
//! program can be found; the same for `[clips] on_ready`. Nothing is sent or run (a test
//! alert would reach real people, a hook would upload).

use std::path::{Path, PathBuf};

use super::Check;
use crate::config::Alerts;

const NAME: &str = "alerts";

/// `prog` as the command would run it: a path as given, a bare name looked up in `PATH`.
fn find_program(prog: &str, path_var: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    if prog.contains('/') {
        return Path::new(prog).is_file().then(|| PathBuf::from(prog));
    }
    std::env::split_paths(path_var?)
        .map(|dir| dir.join(prog))
        .find(|p| p.is_file())
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
        if find_program(prog, std::env::var_os("PATH").as_deref()).is_none() {
            return Check::fail(
                NAME,
                format!("the command's program {prog:?} is not found"),
                "install it, or give its full path in [alerts] command",
            );
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
    Some(
        match find_program(prog, std::env::var_os("PATH").as_deref()) {
            Some(_) => Check::ok(
                HOOK,
                format!("[clips] on_ready runs {prog} after each clip"),
            ),
            None => Check::fail(
                HOOK,
                format!("the on_ready program {prog:?} is not found"),
                "install it, or give its full path in [clips] on_ready",
            ),
        },
    )
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
}
