//! What each subcommand does, between the parsed command line and the library.

use std::process::ExitCode;

use std::path::Path;

use tokio_util::sync::CancellationToken;

use crate::app::keymap::Keymap;
use crate::app::state::TuiContext;
use crate::cli::{Cli, DemoArgs};
use crate::config::{self, Config};
use crate::engine::live::LiveSetup;
use crate::engine::runner::EngineEnd;
use crate::kickapi;
use crate::{headless, logging};

mod replay;
mod stored;
mod typo;

pub use replay::{eval, replay, scored_moments, synth};
pub use stored::{moments, report, sessions};

/// A failure worth one clear line to the user.
pub type CmdResult = Result<ExitCode, Box<dyn std::error::Error>>;

fn load_config(cli: &Cli) -> Result<Config, config::ConfigError> {
    config::load(cli.config.as_deref()).map(|(c, _)| c)
}

/// `kicktui <channel> [--headless]`. Until the TUI lands, both print the headless lines.
pub fn live(cli: &Cli) -> CmdResult {
    let (mut cfg, source) = config::load(cli.config.as_deref())?;
    let Some(input) = cli.live.channel.as_deref() else {
        return Err(
            "name a channel (kicktui clavicular) or a subcommand; see kicktui --help".into(),
        );
    };
    if let Some(command) = typo::command_like(input) {
        return Err(format!(
            "{input:?} looks like the command `{command}` (kicktui {command} --help); to watch a \
             Kick channel of that name, write kick:{input}"
        )
        .into());
    }
    // Names are validated per platform before anything connects.
    let (platform, slug) = kickapi::parse_channel(input)?;
    match (cli.live.channel_id, cli.live.chatroom_id) {
        (None, None) => {}
        _ if platform == crate::source::Platform::Twitch => {
            return Err(
                "--channel-id and --chatroom-id are Kick's ids; a Twitch channel needs none".into(),
            );
        }
        (Some(_), Some(_)) => {}
        _ => {
            return Err("give --channel-id and --chatroom-id together (`id` and `chatroom.id` of kick.com/api/v2/channels/NAME, opened in a browser)".into());
        }
    }
    if let Some(id) = cli.live.channel_id {
        cfg.kick.channel_id = id;
    }
    if let Some(id) = cli.live.chatroom_id {
        cfg.kick.chatroom_id = id;
    }
    if let Some(addr) = &cli.live.dashboard {
        cfg.server.set_from_flag(addr)?;
    }
    if let Some(name) = &cli.live.activity {
        cfg.bandit.start_activity = Some(
            cfg.bandit
                .arm(name)
                .map_err(|e| format!("--activity: {e}"))?,
        );
    }
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref(), &cfg);
    if cli.data_dir.is_some() || cli.config.is_some() {
        crate::present::name_run_in_commands(cli.config.as_deref(), &data_dir);
    }
    let shown = format!("{platform}:{slug}");
    // Before the TUI takes the terminal: a second run of this channel says so and stops.
    let _lock = crate::run_lock::acquire(
        &data_dir,
        platform.as_str(),
        &slug,
        crate::run_lock::Role::Watching,
    )?;
    let tui = front_end(&cfg, &source, &shown, &data_dir, cli.live.headless)?;
    if cli.live.no_record {
        cfg.recorder.enabled = false;
    }
    let setup = LiveSetup {
        cfg,
        config_path: source.path().map(Path::to_path_buf),
        data_dir,
        platform,
        slug,
        capture: cli.live.capture.clone(),
    };
    let runtime = runtime()?;
    let end = runtime.block_on(async {
        match tui {
            Some(ctx) => crate::tui_live::run_live_tui(setup, CancellationToken::new(), ctx).await,
            None => headless::run_live(setup, CancellationToken::new()).await,
        }
    })?;
    Ok(finish_front_end(&end, cli.live.headless))
}

/// Logging for the chosen front end, and the TUI's context unless headless. In the TUI the
/// log goes to its pane and the file, never to the terminal it draws on.
fn front_end(
    cfg: &Config,
    source: &config::ConfigSource,
    channel: &str,
    data_dir: &Path,
    headless: bool,
) -> Result<Option<TuiContext>, Box<dyn std::error::Error>> {
    let cannot = |e: std::io::Error| {
        format!(
            "cannot write the log in {}: {e} (pick another data directory with --data-dir, \
             $KICKTUI_DATA or [general] data_dir)",
            data_dir.display()
        )
    };
    if headless {
        logging::init(data_dir, &cfg.general.log_level, true, Some(channel)).map_err(cannot)?;
        return Ok(None);
    }
    crate::term::need_terminal("add --headless for log lines instead")?;
    let keymap = Keymap::from_config(&cfg.keys)
        .map_err(|(key, expected)| config::ConfigError::new("config", &key, expected))?;
    logging::init_tui(Some(data_dir), &cfg.general.log_level, Some(channel)).map_err(cannot)?;
    let mut ctx = TuiContext::new(channel, &data_dir.display().to_string(), keymap);
    ctx.activities = cfg.bandit.arms.clone();
    ctx.keyword_window_s = cfg.chat.window_seconds.max(1);
    ctx.config_file = source.shown();
    ctx.advisor_off = format!(
        "the advisor is off: [advisor] enabled = true and a key in {} turn it on (README: \
         co-pilot)",
        ctx.config_file
    );
    ctx.offer_window_ms = Some(i64::from(cfg.advisor.interval_seconds) * 1000);
    if cfg.advisor.enabled {
        // On in the config but not running: the key's absence is the usual reason.
        ctx.advisor_off = match crate::advisor::AdvisorSetup::from_config(cfg) {
            Err(why) => why,
            Ok(_) => "the advisor did not start (see the log)".into(),
        };
    }
    Ok(Some(ctx))
}

/// After the TUI has given the terminal back, one line says what the run did.
fn finish_front_end(end: &EngineEnd, headless: bool) -> ExitCode {
    if !headless {
        crate::present::say(&end.summary.to_string());
        if let Some(why) = &end.fatal {
            crate::present::say_err(&format!("kicktui: {why}"));
        }
    }
    exit_code(end)
}

/// A line about the demo's setup: on stdout headless, in the log pane in the TUI.
fn say_demo_note(note: &str, headless: bool) {
    if headless {
        println!("{note}");
    } else {
        tracing::info!("{note}");
    }
}

/// `kicktui demo`: the fake Kick in-process, a scripted stream on it, and the live engine
/// pointed at it, with its own data dir (`<data dir>/demo`).
pub fn demo(cli: &Cli, args: &DemoArgs) -> CmdResult {
    let (mut cfg, source) = config::load(cli.config.as_deref())?;
    if args.no_record {
        cfg.recorder.enabled = false;
    }
    if let Some(addr) = &args.dashboard {
        cfg.server.set_from_flag(addr)?;
    }
    let data_dir = crate::demo::data_dir(config::resolve_data_dir(cli.data_dir.as_deref(), &cfg));
    crate::present::name_run_in_commands(cli.config.as_deref(), &data_dir);
    let shown = format!("{}:{}", args.platform, crate::demo::CHANNEL);
    let _lock = crate::run_lock::acquire(
        &data_dir,
        args.platform.as_str(),
        crate::demo::CHANNEL,
        crate::run_lock::Role::Watching,
    )?;
    crate::demo::mark_dir(&data_dir)
        .map_err(|e| format!("cannot write to {}: {e}", data_dir.display()))?;
    let tui = front_end(&cfg, &source, &shown, &data_dir, args.headless)?;
    if !args.alerts && (cfg.alerts.any_target() || !cfg.clips.on_ready.is_empty()) {
        cfg.alerts = cfg.alerts.without_targets();
        cfg.clips.on_ready.clear();
        let note = "Alerts and [clips] on_ready are off in the demo: its events and clips are \
                    made up (--alerts sends them to your targets and hook)";
        say_demo_note(note, args.headless);
    } else if args.alerts && cfg.alerts.any_target() {
        let note = "Alerts are on: your [alerts] targets get the demo's made-up events";
        say_demo_note(note, args.headless);
    }
    if cfg.bot.enabled {
        cfg.bot.enabled = false;
        let note = "The chat voice ([bot]) is off in the demo: its fake channel has no chat to \
                    post to";
        say_demo_note(note, args.headless);
    }
    let runtime = runtime()?;
    let demo = crate::demo::run(cfg, data_dir, args.platform, args.capture.clone(), tui);
    let end = runtime.block_on(demo)?;
    let code = finish_front_end(&end, args.headless);
    // The demo keeps its data apart: say how to look at it.
    crate::present::say(&format!(
        "The demo's moments: `{}` (and sessions, report --last, clip --pending)",
        crate::present::later_command("moments")
    ));
    Ok(code)
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

fn exit_code(end: &EngineEnd) -> ExitCode {
    match &end.fatal {
        Some(_) => ExitCode::FAILURE,
        None => ExitCode::SUCCESS,
    }
}

/// `kicktui clip`: cuts from the stored recordings and prints the clip's path.
pub fn clip(cli: &Cli, args: &crate::cli::ClipArgs) -> CmdResult {
    use crate::media::clip_cmd::{ClipWhat, clip_from_store};
    let mut cfg = load_config(cli)?;
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref(), &cfg);
    if crate::demo::is_demo_dir(&data_dir) && !cfg.clips.on_ready.is_empty() {
        // An upload script must not publish a test pattern.
        cfg.clips.on_ready.clear();
        eprintln!("[clips] on_ready is not run here: this is the demo's data dir (made-up clips)");
    }
    if args.pending {
        return crate::media::clip_pending::run(&cfg, &data_dir, args.failed);
    }
    let what = match (args.moment, args.session, &args.start) {
        (Some(id), _, _) => ClipWhat::Moment(id),
        (None, Some(session), Some(start)) => ClipWhat::Offset {
            session,
            start: crate::time::parse_hms(start)
                .ok_or_else(|| format!("--start {start:?}: expected H:MM:SS, MM:SS or seconds"))?,
            duration: args.duration,
        },
        _ => return Err("give --session N --start H:MM:SS [--duration S], or --moment ID".into()),
    };
    if let Some(id) = args.moment
        && let Some(done) = crate::media::clip_cmd::finished_clip(&data_dir, id)?
    {
        eprintln!("moment {id} is already clipped");
        crate::present::print_all(&format!("{}\n", done.display()))?;
        return Ok(ExitCode::SUCCESS);
    }
    // What a killed run left: its cut's ffmpeg, its `.part` files (a running kicktui's stay).
    let removed = crate::media::clear_kill_leftovers(&data_dir);
    if removed > 0 {
        eprintln!(
            "removed {} a killed cut left in clips/",
            crate::present::plural(removed, "unfinished .part file")
        );
    }
    crate::media::children::note_children_in(&data_dir.join("clips"));
    let tools = crate::media::Tools::from_config(&cfg.recorder);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.spawn(crate::media::children::kill_children_on_stop());
    let res = rt.block_on(clip_from_store(&tools, &data_dir, &what))?;
    // The file's name says the window asked (`…_0-05-50_27s.mp4`); what was cut starts at the
    // keyframe before it, so it runs longer: its real length, and why.
    eprintln!(
        "{}",
        crate::present::cut_length_line(res.duration, res.lead_in)
    );
    if res.is_short(crate::media::clip_cmd::SHORT_BY_S) {
        eprintln!(
            "warning: the clip is short ({:.1} s of {:.1} s asked): the recording does not cover all of it",
            res.duration, res.asked
        );
    }
    crate::present::print_all(&format!("{}\n", res.path.display()))?;
    if let Some(id) = args.moment {
        crate::media::clip_pending::refresh_report_of_moment(&rt, &cfg, &data_dir, id);
    }
    crate::media::hook::run_on_ready_now(&rt, &cfg.clips.on_ready, &res.path);
    Ok(ExitCode::SUCCESS)
}

/// `kicktui doctor`: the checks, one line each; exit 1 when one fails.
pub fn doctor(cli: &Cli, args: &crate::cli::DoctorArgs) -> CmdResult {
    let channel = match &args.channel {
        Some(c) => Some(crate::source::ChannelRef::parse(c)?),
        None => None,
    };
    crate::doctor::main(
        cli.config.as_deref(),
        cli.data_dir.as_deref(),
        channel.as_ref(),
        args.format == crate::cli::DoctorFormat::Json,
    )
}

/// `kicktui login kick`: the chat voice's OAuth login (see `bot::login`).
pub fn login(cli: &Cli) -> CmdResult {
    let cfg = load_config(cli)?;
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref(), &cfg);
    runtime()?.block_on(crate::bot::login::run(&cfg, &data_dir))?;
    Ok(ExitCode::SUCCESS)
}
