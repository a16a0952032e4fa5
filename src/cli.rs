//! The command line: `kicktui <channel>` and the subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::replay::OutputFormat;
use crate::store::OutputFormat as TableFormat;

#[derive(Debug, Parser)]
#[command(
    name = "kicktui",
    version,
    about = "A terminal control room for a live Kick or Twitch stream: detect, record and clip its moments"
)]
pub struct Cli {
    /// Config file (else $KICKTUI_CONFIG, the user config dir, built-in defaults).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where the database, recordings, clips and reports live (else $KICKTUI_DATA, the config's
    /// `[general] data_dir`, the user data dir: ~/.local/share/kicktui on Linux).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub live: LiveArgs,
}

#[derive(Debug, Args)]
pub struct LiveArgs {
    /// The channel to watch: `clavicular`, `kick:clavicular`, `twitch:name`, or its page
    /// (`https://kick.com/clavicular`, `https://twitch.tv/name`).
    pub channel: Option<String>,
    /// No TUI: print log lines (for servers and systemd).
    #[arg(long)]
    pub headless: bool,
    /// Do not record the stream.
    #[arg(long)]
    pub no_record: bool,
    /// The activity the stream starts with (bandit arm).
    #[arg(long, value_name = "NAME")]
    pub activity: Option<String>,
    /// Write every received chat frame, with its receive time, to FILE (for `kicktui replay`).
    #[arg(long, value_name = "FILE")]
    pub capture: Option<PathBuf>,
    /// Kick's channel id (skips the channel lookup together with --chatroom-id).
    #[arg(long, value_name = "ID")]
    pub channel_id: Option<u64>,
    /// Kick's chatroom id (skips the channel lookup together with --channel-id).
    #[arg(long, value_name = "ID")]
    pub chatroom_id: Option<u64>,
    /// The dashboard's address, e.g. `127.0.0.1:8788` (two runs at once need two), or `off`;
    /// instead of `[server] bind`.
    #[arg(long, value_name = "ADDR")]
    pub dashboard: Option<String>,
}

impl Command {
    /// As typed on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Replay(_) => "replay",
            Command::Moments(_) => "moments",
            Command::Sessions(_) => "sessions",
            Command::Demo(_) => "demo",
            Command::Eval(_) => "eval",
            Command::Clip(_) => "clip",
            Command::Doctor(_) => "doctor",
            Command::Report(_) => "report",
            Command::Synth(_) => "synth",
            Command::Login(_) => "login",
            Command::ReapChildren(_) => "reap-children",
            Command::TuiPreview(_) => "tui-preview",
        }
    }
}

impl Cli {
    /// The channel and its flags (`--headless`, `--activity`…) are for watching a channel:
    /// with a subcommand clap would take them and nobody would read them. Says which and
    /// where it goes.
    pub fn check_live_args_unused(&self) -> Result<(), String> {
        let Some(cmd) = &self.command else {
            return Ok(());
        };
        let l = &self.live;
        let given = [
            (l.channel.is_some(), "a channel"),
            (l.headless, "--headless"),
            (l.no_record, "--no-record"),
            (l.activity.is_some(), "--activity"),
            (l.capture.is_some(), "--capture"),
            (l.channel_id.is_some(), "--channel-id"),
            (l.chatroom_id.is_some(), "--chatroom-id"),
            (l.dashboard.is_some(), "--dashboard"),
        ];
        let Some((_, what)) = given.iter().find(|g| g.0) else {
            return Ok(());
        };
        let name = cmd.name();
        let demo_has = ["--headless", "--no-record", "--capture", "--dashboard"].contains(what);
        Err(if matches!(cmd, Command::Demo(_)) && demo_has {
            format!("{what} goes after the subcommand: kicktui {name} {what}")
        } else if what.starts_with("--") {
            format!(
                "{what} is for watching a channel (kicktui CHANNEL {what}), not for `kicktui {name}`"
            )
        } else {
            let channel = l.channel.as_deref().unwrap_or("CHANNEL");
            format!(
                "a channel and a subcommand together: run `kicktui {channel}` to watch the \
                 channel, or `kicktui {name}` alone"
            )
        })
    }
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// No TUI: print log lines.
    #[arg(long)]
    pub headless: bool,
    /// Write every chat frame the demo sends to FILE (replayable with `kicktui replay`).
    #[arg(long, value_name = "FILE")]
    pub capture: Option<PathBuf>,
    /// Do not record the demo's local stream.
    #[arg(long)]
    pub no_record: bool,
    /// Which platform the simulated channel is on: `kick` or `twitch` (a local fake of each).
    #[arg(long, default_value = "kick", value_parser = parse_platform)]
    pub platform: crate::source::Platform,
    /// Send the demo's made-up events to your `[alerts]` targets and its clips to your
    /// `[clips] on_ready` hook too (off by default, so a demo never posts fake clips anywhere).
    #[arg(long)]
    pub alerts: bool,
    /// The dashboard's address, e.g. `127.0.0.1:8788`, or `off`; instead of `[server] bind`.
    #[arg(long, value_name = "ADDR")]
    pub dashboard: Option<String>,
}

fn parse_platform(s: &str) -> Result<crate::source::Platform, String> {
    match s.to_ascii_lowercase().as_str() {
        "kick" => Ok(crate::source::Platform::Kick),
        "twitch" => Ok(crate::source::Platform::Twitch),
        _ => Err("expected kick or twitch".into()),
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the detectors over a chat log on its own clock and print the moments.
    Replay(ReplayArgs),
    /// List stored moments.
    Moments(MomentsArgs),
    /// List stored sessions.
    Sessions(ListArgs),
    /// A simulated channel on a local fake Kick (or Twitch, --platform twitch): see everything
    /// work without a live stream.
    Demo(DemoArgs),
    /// Score a chat log's moments against labelled highlight spans.
    Eval(EvalArgs),
    /// Cut a clip from a session's recordings (no re-encode) and print its path.
    #[command(
        override_usage = "kicktui clip --moment <ID>\n       kicktui clip --pending [--failed]\n       kicktui clip --session <N> --start <H:MM:SS> [--duration <SECONDS>]"
    )]
    Clip(ClipArgs),
    /// Check the setup: config, data dir, streamlink, ffmpeg, the platform's API and chat
    /// socket, ports, alerts.
    Doctor(DoctorArgs),
    /// Print a session's retrospective (duration, viewers, chat, moments, revenue, activities).
    #[command(override_usage = "kicktui report <SESSION>\n       kicktui report --last")]
    Report(ReportArgs),
    /// Write a synthetic chat log with labelled highlights (for tuning and demos).
    #[command(hide = true)]
    Synth(SynthArgs),
    /// Log in to Kick for the chat voice ([bot]): prints a URL to open, takes the redirect.
    Login(LoginArgs),
    /// Internal: waits for kicktui (the parent) to end, then stops any streamlink it left.
    #[command(hide = true)]
    ReapChildren(ReapArgs),
    /// The TUI on a chat log replayed at real-time pace (nothing stored).
    TuiPreview(crate::tui_preview::PreviewArgs),
}

/// `kicktui clip --session N --start 1:23:45 --duration 60`, or `kicktui clip --moment ID`.
#[derive(Debug, Args)]
pub struct ClipArgs {
    /// The session (see `kicktui sessions`).
    // `failed` too: `--failed` alone is told it needs `--pending`, not all three forms' args.
    #[arg(long, value_name = "N", required_unless_present_any = ["moment", "pending", "failed"])]
    pub session: Option<i64>,
    /// Stream offset (time since the stream went live): 1:23:45, 23:45 or seconds.
    #[arg(
        long,
        value_name = "H:MM:SS",
        requires = "session",
        required_unless_present_any = ["moment", "pending", "failed"]
    )]
    pub start: Option<String>,
    /// Seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub duration: f64,
    /// Clip a stored moment with its own window instead (see `kicktui moments`).
    #[arg(long, value_name = "ID", conflicts_with_all = ["session", "start"])]
    pub moment: Option<i64>,
    /// Clip every moment whose clip is still pending (left at quit, or by a crash).
    #[arg(long, conflicts_with_all = ["session", "start", "moment"])]
    pub pending: bool,
    /// With --pending: failed clips too (after a full disk, say).
    // The conflicts too: with `--moment` clap let `requires` pass, and `--failed` was ignored.
    #[arg(long, requires = "pending", conflicts_with_all = ["session", "start", "moment"])]
    pub failed: bool,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The chat log (any replay format), or a directory of them (then --labels is one too).
    #[arg(long, value_name = "FILE|DIR")]
    pub chat: PathBuf,
    /// {"spans": [[start_s, end_s], ...]}, seconds from the log's first event (its first chat message, sub, gift…; a capture's connection frames do not count: the offsets `replay` prints); or a directory
    /// of them, matched to the chat logs by file name (a.jsonl with a.json).
    #[arg(long, value_name = "FILE|DIR")]
    pub labels: PathBuf,
    /// json for scripts.
    #[arg(long, value_enum, default_value_t = EvalFormat::Text)]
    pub format: EvalFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ReapArgs {
    #[arg(long)]
    pub parent: u32,
    /// The recordings dir holding `.children`.
    #[arg(long)]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// small, mid, big or esports.
    #[arg(long, default_value = "mid")]
    pub profile: String,
    #[arg(long, default_value_t = 1.0)]
    pub hours: f64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, value_name = "FILE")]
    pub chat: PathBuf,
    #[arg(long, value_name = "FILE")]
    pub labels: PathBuf,
}

#[derive(Debug, Args)]
pub struct MomentsArgs {
    /// Only this session's moments.
    #[arg(long, value_name = "N")]
    pub session: Option<i64>,
    /// Only this channel's moments (`clavicular`, `twitch:name`…), when several share the
    /// data dir.
    #[arg(long, value_name = "CHANNEL")]
    pub channel: Option<String>,
    /// Best first instead of in time order.
    #[arg(long)]
    pub best: bool,
    /// At most this many (1 or more).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this channel's sessions (`clavicular`, `twitch:name`…).
    #[arg(long, value_name = "CHANNEL")]
    pub channel: Option<String>,
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Chat log: capture lines, raw Pusher frames, plain {"ts","user","text"} lines (ts: RFC
    /// 3339, unix seconds, or unix milliseconds), or a Twitch chat export.
    pub file: PathBuf,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Print throughput (frames/s) and peak memory to stderr.
    #[arg(long)]
    pub bench: bool,
    /// Also store the moments in the database as a session, to list and clip them later.
    #[arg(long)]
    pub save: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_work_before_and_after_the_subcommand() {
        let a = Cli::try_parse_from(["kicktui", "--data-dir", "/d", "replay", "f.jsonl"]).unwrap();
        let b = Cli::try_parse_from(["kicktui", "replay", "f.jsonl", "--data-dir", "/d"]).unwrap();
        assert_eq!(a.data_dir, b.data_dir);
        let c = Cli::try_parse_from(["kicktui", "clavicular", "--headless"]).unwrap();
        assert_eq!(c.live.channel.as_deref(), Some("clavicular"));
        assert!(c.command.is_none());
        let d = Cli::try_parse_from(["kicktui", "demo", "--headless", "--data-dir", "/d"]).unwrap();
        assert!(matches!(
            d.command,
            Some(Command::Demo(DemoArgs { headless: true, .. }))
        ));
        let e = Cli::try_parse_from(["kicktui", "x", "--capture", "c.jsonl", "--chatroom-id", "7"])
            .unwrap();
        assert_eq!(e.live.chatroom_id, Some(7));
        assert_eq!(e.live.capture, Some(PathBuf::from("c.jsonl")));
    }

    #[test]
    fn watching_flags_with_a_subcommand_are_refused_not_ignored() {
        let err = |args: &[&str]| {
            Cli::try_parse_from(args)
                .unwrap()
                .check_live_args_unused()
                .unwrap_err()
        };
        assert_eq!(
            err(&["kicktui", "--headless", "demo"]),
            "--headless goes after the subcommand: kicktui demo --headless"
        );
        assert!(err(&["kicktui", "--activity", "x", "moments"]).contains("--activity is for"));
        assert!(err(&["kicktui", "--activity", "x", "demo"]).contains("--activity is for"));
        assert!(err(&["kicktui", "clavicular", "sessions"]).starts_with("a channel and a"));
        let fine = Cli::try_parse_from(["kicktui", "--data-dir", "/d", "demo", "--headless"]);
        assert_eq!(fine.unwrap().check_live_args_unused(), Ok(()));
    }
}

/// `kicktui doctor [CHANNEL] [--format json]`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Also check this channel's ids (config, cache or API).
    pub channel: Option<String>,
    #[arg(long, value_enum, default_value_t = DoctorFormat::Text)]
    pub format: DoctorFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DoctorFormat {
    Text,
    Json,
}

/// `kicktui report <session> [--format md|json]`, or `kicktui report --last`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The session (see `kicktui sessions`).
    #[arg(required_unless_present = "last", conflicts_with = "last")]
    pub session: Option<i64>,
    /// The newest stream (or session with a moment); not the offline chat after it.
    #[arg(long)]
    pub last: bool,
    /// With --last: this channel's newest (`clavicular`, `twitch:name`…).
    #[arg(long, value_name = "CHANNEL", requires = "last")]
    pub channel: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Md,
    Json,
}

/// `kicktui login kick`
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The platform to log in to.
    #[arg(value_enum)]
    pub platform: LoginPlatform,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LoginPlatform {
    Kick,
}
