//! The `[bot]` check: when the chat voice is on, is there a Kick login it can post with? The
//! token file is read, never shown, and nothing is posted.

use std::path::Path;

use super::Check;
use crate::bot::token::{self, TokenFileError};
use crate::config::Config;
use crate::source::Platform;

const NAME: &str = "chat voice";

pub fn check(cfg: &Config, data_dir: &Path, platform: Platform, now_unix: i64) -> Check {
    if !cfg.bot.enabled {
        return Check::skip(NAME, "off ([bot] enabled = false)");
    }
    if platform == Platform::Twitch {
        return Check::skip(NAME, "Kick only: it stays off on a Twitch channel");
    }
    if cfg.kick.client_id.trim().is_empty() || cfg.kick.client_secret.trim().is_empty() {
        return Check::fail(
            NAME,
            "[kick] client_id / client_secret are not set",
            "create an app at kick.com/settings/developer and set both, then run `kicktui login kick`",
        );
    }
    let path = token::token_path(data_dir);
    let t = match token::load(&path) {
        Ok(t) => t,
        // Their message names the command already: the fix says what it does.
        Err(e @ (TokenFileError::Missing(_) | TokenFileError::Bad(_))) => {
            return Check::fail(
                NAME,
                e.to_string(),
                "it prints a URL; allow kicktui in the browser",
            );
        }
        Err(e) => return Check::fail(NAME, e.to_string(), "check the data dir's permissions"),
    };
    let left = t.expires_at - now_unix;
    match (left > 0, t.refresh_token.is_some()) {
        (true, _) => Check::ok(
            NAME,
            format!("logged in; the token is good for {}", duration(left)),
        ),
        (false, true) => Check::ok(
            NAME,
            "logged in; the token has expired and is renewed before the first post",
        ),
        (false, false) => Check::fail(
            NAME,
            "the Kick login has expired and cannot be renewed",
            "run `kicktui login kick` again",
        ),
    }
}

fn duration(secs: i64) -> String {
    match secs {
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 2 * 86_400 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::*;
    use crate::bot::token::{Secret, Token};

    fn on() -> Config {
        let mut cfg = Config::default();
        cfg.bot.enabled = true;
        cfg.kick.client_id = "app".into();
        cfg.kick.client_secret = "app-s3cret".into();
        cfg
    }

    #[test]
    fn off_twitch_no_app_no_login_expired_and_good() {
        let dir = tempfile::tempdir().expect("tempdir");
        let now = 1_800_000_000;
        let kick = Platform::Kick;
        assert_eq!(
            check(&Config::default(), dir.path(), kick, now).status,
            Status::Skip
        );
        assert_eq!(
            check(&on(), dir.path(), Platform::Twitch, now).status,
            Status::Skip
        );
        let mut no_app = Config::default();
        no_app.bot.enabled = true;
        let no_app = check(&no_app, dir.path(), kick, now);
        assert_eq!(no_app.status, Status::Fail);
        assert!(no_app.detail.contains("client_id"), "{}", no_app.detail);

        let missing = check(&on(), dir.path(), kick, now);
        assert_eq!(missing.status, Status::Fail);
        // The command once, in the detail; the fix says what it does, not the same again.
        assert!(missing.detail.contains("kicktui login kick"), "{missing:?}");
        assert!(
            missing
                .fix
                .as_deref()
                .is_some_and(|f| !f.contains("login kick")),
            "{missing:?}"
        );

        let path = token::token_path(dir.path());
        let mut t = Token {
            access_token: Secret::new("user-t0ken"),
            refresh_token: None,
            expires_at: now - 10,
            scope: "chat:write".into(),
        };
        token::save(&path, &t).expect("save");
        let expired = check(&on(), dir.path(), kick, now);
        assert_eq!(expired.status, Status::Fail, "{expired:?}");

        t.refresh_token = Some(Secret::new("refresh-t0ken"));
        token::save(&path, &t).expect("save");
        assert_eq!(check(&on(), dir.path(), kick, now).status, Status::Ok);

        t.expires_at = now + 3 * 3600;
        token::save(&path, &t).expect("save");
        let good = check(&on(), dir.path(), kick, now);
        assert_eq!(good.status, Status::Ok);
        assert!(good.detail.contains("3 h"), "{}", good.detail);
        assert!(
            !format!("{good:?}").contains("t0ken"),
            "never shows the token"
        );

        std::fs::write(&path, "not json").expect("write");
        assert_eq!(check(&on(), dir.path(), kick, now).status, Status::Fail);
    }
}
