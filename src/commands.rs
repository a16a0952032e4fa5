//! What each subcommand does, between the parsed command line and the library.

use std::fs::File;
use std::io::{BufReader, Write};
use std::process::ExitCode;
use std::time::Instant;

use std::path::Path;

use tokio_util::sync::CancellationToken;

use crate::app::keymap::Keymap;
use crate::app::state::TuiContext;
use crate::cli::{
    Cli, DemoArgs, EvalArgs, EvalFormat, ListArgs, MomentsArgs, ReplayArgs, SynthArgs,
};
use crate::config::{self, Config};
use crate::domain::Ts;
use crate::engine::live::LiveSetup;
use crate::engine::runner::EngineEnd;
use crate::kickapi;
use crate::replay::ReplayReport;
use crate::store::{self, MomentOrder, MomentQuery, NewSession, Store, StoreWriter};
use crate::{headless, logging};

/// A failure worth one clear line to the user.
pub type CmdResult = Result<ExitCode, Box<dyn std::error::Error>>;

fn load_config(cli: &Cli) -> Result<Config, config::ConfigError> {
    config::load(cli.config.as_deref()).map(|(c, _)| c)
}

pub fn replay(cli: &Cli, args: &ReplayArgs) -> CmdResult {
    let cfg = load_config(cli)?;
    let file =
        File::open(&args.file).map_err(|e| format!("cannot open {}: {e}", args.file.display()))?;
    let started = Instant::now();
    let report = crate::replay::run(BufReader::with_capacity(1 << 20, file), &cfg)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let elapsed = started.elapsed().as_secs_f64();
    let mut out = std::io::stdout().lock();
    out.write_all(crate::replay::render(&report, args.format).as_bytes())?;
    if args.save {
        let data_dir = config::resolve_data_dir(cli.data_dir.as_deref(), &cfg);
        let name = args
            .file
            .file_stem()
            .map_or("replay".into(), |s| s.to_string_lossy().into_owned());
        let session = save_replay(&store::db_path(&data_dir), &name, &report)?;
        eprintln!(
            "saved {} moments as session {session} in {}",
            report.moments.len(),
            store::db_path(&data_dir).display()
        );
    }
    if args.bench {
        let lines = report.stats.lines as f64;
        eprintln!(
            "replay: {} lines in {elapsed:.3} s = {:.0} lines/s; peak memory {}",
            report.stats.lines,
            lines / elapsed.max(1e-9),
            crate::bench::peak_rss().map_or("unknown".into(), |kb| format!(
                "{:.1} MB",
                kb as f64 / 1024.0
            )),
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `kicktui <channel> [--headless]`. Until the TUI lands, both print the headless lines.
pub fn live(cli: &Cli) -> CmdResult {
    let (mut cfg, source) = config::load(cli.config.as_deref())?;
    let Some(input) = cli.live.channel.as_deref() else {
        return Err(
            "name a channel (kicktui clavicular) or a subcommand; see kicktui --help".into(),
        );
    };
    // Names are validated per platform before anything connects.
    let (platform, slug) = kickapi::parse_channel(input)?;
    if let Some(id) = cli.live.channel_id {
        cfg.kick.channel_id = id;
    }
    if let Some(id) = cli.live.chatroom_id {
        cfg.kick.chatroom_id = id;
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
        crate::present::name_data_dir_in_commands(&data_dir);
    }
    let shown = format!("{platform}:{slug}");
    let tui = front_end(&cfg, &shown, &data_dir, cli.live.headless)?;
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
    channel: &str,
    data_dir: &Path,
    headless: bool,
) -> Result<Option<TuiContext>, Box<dyn std::error::Error>> {
    let cannot = |e: std::io::Error| format!("cannot write the log in {}: {e}", data_dir.display());
    if headless {
        logging::init(data_dir, &cfg.general.log_level, true).map_err(cannot)?;
        return Ok(None);
    }
    crate::term::need_terminal()?;
    let keymap = Keymap::from_config(&cfg.keys)
        .map_err(|(key, expected)| config::ConfigError::new("config", &key, expected))?;
    logging::init_tui(Some(data_dir), &cfg.general.log_level).map_err(cannot)?;
    let mut ctx = TuiContext::new(channel, &data_dir.display().to_string(), keymap);
    ctx.activities = cfg.bandit.arms.clone();
    Ok(Some(ctx))
}

/// After the TUI has given the terminal back, one line says what the run did.
fn finish_front_end(end: &EngineEnd, headless: bool) -> ExitCode {
    if !headless {
        println!("{}", end.summary);
        if let Some(why) = &end.fatal {
            eprintln!("kicktui: {why}");
        }
    }
    exit_code(end)
}

/// `kicktui demo`: the fake Kick in-process, a scripted stream on it, and the live engine
/// pointed at it, with its own data dir (`<data dir>/demo`).
pub fn demo(cli: &Cli, args: &DemoArgs) -> CmdResult {
    let mut cfg = load_config(cli)?;
    if args.no_record {
        cfg.recorder.enabled = false;
    }
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref(), &cfg).join("demo");
    crate::present::name_data_dir_in_commands(&data_dir);
    let shown = format!("{}:{}", args.platform, crate::demo::CHANNEL);
    let tui = front_end(&cfg, &shown, &data_dir, args.headless)?;
    let runtime = runtime()?;
    let demo = crate::demo::run(cfg, data_dir, args.platform, args.capture.clone(), tui);
    let end = runtime.block_on(demo)?;
    let code = finish_front_end(&end, args.headless);
    // The demo keeps its data apart: say how to look at it.
    println!(
        "The demo's moments: `{}` (and sessions, report --last, clip --pending)",
        crate::present::later_command("moments")
    );
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

/// Stores a replay's moments as one session (platform `replay`), so they can be listed and clipped.
fn save_replay(
    db: &std::path::Path,
    name: &str,
    report: &ReplayReport,
) -> Result<i64, store::StoreError> {
    let writer = StoreWriter::spawn(db)?;
    let handle = writer.handle();
    let started = report.stats.first_ts.unwrap_or(Ts(0));
    let session = handle.open_session_blocking(NewSession {
        channel: name.to_string(),
        platform: "replay".into(),
        started_at: started,
        title: None,
        stream_started_at: Some(started),
    })?;
    // A replay has no recording: its moments are not left pending for `clip --pending`.
    for m in &report.moments {
        let id = handle.insert_moment_blocking(session, m)?;
        handle.update_clip_blocking(id, store::ClipStatus::NoRecording, None)?;
    }
    // The chat it read, so `kicktui report` does not say "0 messages".
    handle.send_blocking(store::WriteOp::Engage(store::EngageOp::Stats(
        store::EngageStats {
            session_id: session,
            at: report.stats.last_ts.unwrap_or(started),
            unique_chatters: 0,
            messages: report.stats.chat_messages,
            engagement_mean: None,
            engagement_min: None,
            engagement_max: None,
            scored_seconds: 0,
        },
    )))?;
    handle.close_session_blocking(session, report.stats.last_ts.unwrap_or(started))?;
    drop(handle);
    writer.shutdown()?;
    Ok(session)
}

fn open_store(cli: &Cli) -> Result<Store, Box<dyn std::error::Error>> {
    let cfg = load_config(cli)?;
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref(), &cfg);
    Ok(Store::open_in(&data_dir)?)
}

pub fn moments(cli: &Cli, args: &MomentsArgs) -> CmdResult {
    let store = open_store(cli)?;
    let query = MomentQuery {
        session_id: args.session,
        order: if args.best {
            MomentOrder::Score
        } else {
            MomentOrder::Time
        },
        limit: args.limit,
    };
    let rows = store.list_moments(&query)?;
    print!("{}", store::render_moments(&rows, args.format));
    Ok(ExitCode::SUCCESS)
}

pub fn sessions(cli: &Cli, args: &ListArgs) -> CmdResult {
    let store = open_store(cli)?;
    let rows = store.list_sessions()?;
    print!("{}", store::render_sessions(&rows, args.format));
    Ok(ExitCode::SUCCESS)
}

/// The moments of a replay as the scorer sees them: offsets from the first chat line.
pub fn scored_moments(report: &ReplayReport) -> (Vec<crate::eval::ScoredMoment>, f64) {
    let origin = report
        .stats
        .first_chat_ts
        .or(report.stats.first_ts)
        .unwrap_or(Ts(0));
    let moments = report
        .moments
        .iter()
        .map(|m| crate::eval::ScoredMoment {
            offset_s: m.at.secs_since(origin),
            score: m.score,
            clip_start_offset_s: m.clip_start.secs_since(origin),
        })
        .collect();
    let hours = report
        .stats
        .last_ts
        .map_or(0.0, |t| t.secs_since(origin) / 3600.0);
    (moments, hours)
}

pub fn eval(cli: &Cli, args: &EvalArgs) -> CmdResult {
    let cfg = load_config(cli)?;
    if args.chat.is_dir() {
        let report = crate::eval::many::eval_dirs(&args.chat, &args.labels, &cfg)?;
        match args.format {
            EvalFormat::Text => print!("{}", report.to_text()),
            EvalFormat::Json => println!("{}", serde_json::to_string(&report)?),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let labels_text = std::fs::read_to_string(&args.labels)
        .map_err(|e| format!("cannot read {}: {e}", args.labels.display()))?;
    let labels = crate::eval::parse_labels(&labels_text)
        .map_err(|e| format!("{}: {e}", args.labels.display()))?;
    let file =
        File::open(&args.chat).map_err(|e| format!("cannot open {}: {e}", args.chat.display()))?;
    let report = crate::replay::run(BufReader::with_capacity(1 << 20, file), &cfg)
        .map_err(|e| format!("cannot read {}: {e}", args.chat.display()))?;
    let (moments, hours) = scored_moments(&report);
    let result = crate::eval::score(&moments, &labels, hours);
    match args.format {
        EvalFormat::Text => print!("{}", result.to_text()),
        EvalFormat::Json => println!("{}", serde_json::to_string(&result)?),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn synth(args: &SynthArgs) -> CmdResult {
    let profile: crate::eval::Profile = args.profile.parse()?;
    let log = crate::eval::generate(profile, args.hours, args.seed);
    crate::eval::write_files(&log, &args.chat, &args.labels)?;
    eprintln!(
        "wrote {} lines and {} highlights",
        log.lines.len(),
        log.labels.spans.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// `kicktui clip`: cuts from the stored recordings and prints the clip's path.
pub fn clip(cli: &Cli, args: &crate::cli::ClipArgs) -> CmdResult {
    use crate::media::clip_cmd::{ClipWhat, clip_from_store};
    let cfg = load_config(cli)?;
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref(), &cfg);
    if args.pending {
        return crate::media::clip_pending::run(&cfg, &data_dir);
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
        println!("{}", done.display());
        return Ok(ExitCode::SUCCESS);
    }
    let tools = crate::media::Tools::from_config(&cfg.recorder);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let res = rt.block_on(clip_from_store(&tools, &data_dir, &what))?;
    if res.duration + 2.0 < res.asked {
        eprintln!(
            "warning: the clip is short ({:.1} s of {:.1} s asked): the recording does not cover all of it",
            res.duration, res.asked
        );
    }
    println!("{}", res.path.display());
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

/// `kicktui report <session>` / `--last`: the retrospective, from the database.
pub fn report(cli: &Cli, args: &crate::cli::ReportArgs) -> CmdResult {
    let cfg = load_config(cli)?;
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref(), &cfg);
    let db = store::db_path(&data_dir);
    if !db.exists() {
        return Err(format!("no database at {} (nothing recorded yet)", db.display()).into());
    }
    let store = Store::open(&db)?;
    let id = match args.session {
        Some(id) => id,
        None => store
            .last_session_id()?
            .ok_or_else(|| format!("no sessions in {}", db.display()))?,
    };
    let report = store
        .report(id, cfg.revenue.sub_price_usd)?
        .ok_or_else(|| format!("no session {id} in {} (see kicktui sessions)", db.display()))?;
    match args.format {
        crate::cli::ReportFormat::Md => print!("{}", report.to_markdown()),
        crate::cli::ReportFormat::Json => println!("{}", report.to_json()),
    }
    Ok(ExitCode::SUCCESS)
}

/// `kicktui login kick`: the chat voice's OAuth login (see `bot::login`).
pub fn login(cli: &Cli) -> CmdResult {
    let cfg = load_config(cli)?;
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref(), &cfg);
    runtime()?.block_on(crate::bot::login::run(&cfg, &data_dir))?;
    Ok(ExitCode::SUCCESS)
}
