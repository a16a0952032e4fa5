//! `kicktui doctor [CHANNEL] [--format json]`: one line per check, and for each failure what to
//! do about it. Exit status 0 when every check passes (a skipped check passes).

mod advisor;
mod alerts;
mod chat_voice;
mod checks;
mod data_dir;
mod kick_app;
mod kick_chat;
mod tools;
mod twitch;

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use crate::config::{self, Config, ConfigSource};
use crate::source::{ChannelRef, Platform};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Fail,
    /// Not applicable (e.g. no channel given).
    Skip,
}

#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
    /// What to do about a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    fn ok(name: &'static str, detail: impl Into<String>) -> Check {
        Check {
            name,
            status: Status::Ok,
            detail: detail.into(),
            fix: None,
        }
    }

    fn fail(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            name,
            status: Status::Fail,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }

    fn skip(name: &'static str, detail: impl Into<String>) -> Check {
        Check {
            name,
            status: Status::Skip,
            detail: detail.into(),
            fix: None,
        }
    }
}

/// The config check's line. With no file, where one would be read: a first run has nothing
/// else that says where settings go.
fn config_detail(source: &ConfigSource) -> String {
    match source.path() {
        Some(p) => format!("valid: {}", p.display()),
        None => format!(
            "valid: built-in defaults, no config file; settings go in {} or a --config FILE \
             (config.toml in kicktui's repository lists them all with their defaults)",
            source.shown()
        ),
    }
}

/// Runs every check. A config that does not load fails its check; the rest run on defaults.
pub async fn run_checks(
    flag: Option<&Path>,
    data_flag: Option<&Path>,
    channel: Option<&ChannelRef>,
) -> Vec<Check> {
    let (cfg, config_check) = match config::load(flag) {
        Ok((cfg, source)) => (cfg, Check::ok("config", config_detail(&source))),
        Err(e) => (
            Config::default(),
            Check::fail(
                "config",
                e.to_string(),
                // The other checks go on with the defaults: said, so nobody reads them as the file's.
                format!(
                    "fix {}{} (see config.toml in the docs); the checks below use the defaults",
                    if e.names_a_key() {
                        format!("`{}` in ", e.key)
                    } else {
                        String::new()
                    },
                    e.file
                ),
            ),
        ),
    };
    let data_dir = config::resolve_data_dir(data_flag, &cfg);
    let mut out = vec![config_check, data_dir::check(&data_dir)];
    out.push(tools::streamlink(&cfg.recorder.streamlink).await);
    out.push(tools::program("ffmpeg", &cfg.recorder.ffmpeg).await);
    out.push(tools::program("ffprobe", &cfg.recorder.ffprobe).await);
    let name = channel.map(|c| c.name.as_str());
    if channel.is_some_and(|c| c.platform == Platform::Twitch) {
        let (chat, found) = twitch::irc(&cfg.twitch.irc_url, name).await;
        out.push(chat);
        out.push(twitch::helix(&cfg.twitch, name, found).await);
    } else {
        let (api, lookup) = checks::kick_api(&cfg, name).await;
        out.push(api);
        out.push(kick_app::check(&cfg.kick).await);
        out.extend(kick_chat::checks(&cfg.kick).await);
        out.push(checks::channel_ids(&cfg, &data_dir, name, lookup));
    }
    out.push(checks::metrics_port(&cfg.server).await);
    out.push(alerts::check(&cfg.alerts));
    out.extend(alerts::clip_hook(&cfg.clips.on_ready));
    out.push(advisor::check(&cfg));
    let platform = channel.map_or(Platform::Kick, |c| c.platform);
    out.push(chat_voice::check(
        &cfg,
        &data_dir,
        platform,
        crate::time::wall_now().0 / 1000,
    ));
    out
}

pub fn render_text(checks: &[Check]) -> String {
    let mut s = String::new();
    for c in checks {
        let mark = match c.status {
            Status::Ok => "ok  ",
            Status::Fail => "FAIL",
            Status::Skip => "skip",
        };
        s.push_str(&format!("{mark} {:<12} {}", c.name, c.detail));
        if let Some(fix) = &c.fix {
            s.push_str(&format!(" -> {fix}"));
        }
        s.push('\n');
    }
    s
}

pub fn render_json(checks: &[Check]) -> String {
    let ok = checks.iter().all(|c| c.status != Status::Fail);
    serde_json::json!({ "ok": ok, "checks": checks }).to_string()
}

/// The `doctor` subcommand.
pub fn main(
    flag: Option<&Path>,
    data_flag: Option<&Path>,
    channel: Option<&ChannelRef>,
    json: bool,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let checks = rt.block_on(run_checks(flag, data_flag, channel));
    // `doctor | head` closes the pipe early: not a panic.
    crate::present::print_all(&if json {
        format!("{}\n", render_json(&checks))
    } else {
        render_text(&checks)
    })?;
    let ok = checks.iter().all(|c| c.status != Status::Fail);
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_no_config_file_it_says_where_settings_go() {
        let line = config_detail(&ConfigSource::Defaults);
        assert!(line.starts_with("valid: built-in defaults"), "{line}");
        assert!(line.contains(&ConfigSource::Defaults.shown()), "{line}");
        assert!(line.contains("--config FILE"), "{line}");
        let file = config_detail(&ConfigSource::Flag("my.toml".into()));
        assert_eq!(file, "valid: my.toml");
    }
}
