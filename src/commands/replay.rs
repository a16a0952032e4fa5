//! `replay`, `eval` and `synth`: the detectors over chat logs, and storing a replay's moments.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::process::ExitCode;
use std::time::Instant;

use super::{CmdResult, load_config};
use crate::cli::{Cli, EvalArgs, EvalFormat, ReplayArgs, SynthArgs};
use crate::config;
use crate::domain::Ts;
use crate::replay::ReplayReport;
use crate::store::{self, NewSession, StoreWriter};

/// A silence this long in a log is probably the gap between two streams.
const LONG_GAP_S: f64 = 3600.0;

pub fn replay(cli: &Cli, args: &ReplayArgs) -> CmdResult {
    let cfg = load_config(cli)?;
    let shown = args.file.display();
    let file = File::open(&args.file).map_err(|e| format!("cannot open {shown}: {e}"))?;
    let mut input = BufReader::with_capacity(1 << 20, file);
    let start = input
        .fill_buf()
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    if start.starts_with(&[0x1f, 0x8b]) {
        return Err(
            format!("{shown} is gzip-compressed: unpack it first (gunzip -k {shown})").into(),
        );
    }
    let started = Instant::now();
    let report =
        crate::replay::run(input, &cfg).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let elapsed = started.elapsed().as_secs_f64();
    // Nothing readable is the wrong file, not a quiet stream: a script must see it fail.
    if report.stats.lines > 0 && report.stats.errors == report.stats.lines {
        return Err(format!(
            "no line of {shown} could be read: is it a chat log? (one JSON object a line: \
             {{\"ts\", \"user\", \"text\"}} or a captured Kick frame, or a Twitch chat export)"
        )
        .into());
    }
    crate::present::print_all(&crate::replay::render(&report, args.format))?;
    if report.stats.late > 0 {
        eprintln!(
            "note: {} more than a second older than the line before (an unsorted log); each \
             was counted at the newest time seen before it, so its moment may be late or merged \
             (sort the log by time for exact moments)",
            crate::present::plural(report.stats.late as usize, "line")
        );
    }
    let stats = &report.stats;
    if let (Some(live), Some(first)) = (stats.went_live, stats.first_ts)
        && live.secs_since(first) >= 5.0
    {
        eprintln!(
            "note: the stream went live at offset {} of this log; offsets here count from the \
             log's first event, while the live run's moments and clips count from the stream's \
             start (subtract {} to compare)",
            crate::time::format_hms(live.secs_since(first)),
            crate::time::format_hms(live.secs_since(first))
        );
    }
    if let (Some((gap, at)), Some(first)) = (stats.longest_gap, stats.first_ts)
        && gap >= LONG_GAP_S
    {
        eprintln!(
            "note: nothing happens for {} before {} (offset {}): if that is two streams in one \
             file (a --capture file appends each run), replay them apart: the second one's \
             moments are judged against the first one's chat",
            crate::time::format_hms(gap),
            at.to_rfc3339(),
            crate::time::format_hms(at.secs_since(first))
        );
    }
    if let (Some(a), Some(b)) = (stats.first_ts, stats.last_ts)
        && a.0 < 1_000_000_000_000
        && b.secs_since(a) > 72.0 * 3600.0
    {
        // Offsets from 0 in milliseconds read as seconds span days.
        eprintln!(
            "note: the log spans {:.0} hours: if its times are milliseconds from 0, write them \
             as unix milliseconds or seconds (a plain number ts is seconds unless above 10^11)",
            b.secs_since(a) / 3600.0
        );
    }
    if stats.lines == 0 {
        eprintln!(
            "warning: {} is empty: nothing to replay",
            args.file.display()
        );
    }
    if args.save && stats.first_ts.is_none() {
        return Err(format!(
            "nothing to save: no line of {} has a time",
            args.file.display()
        )
        .into());
    }
    if args.save {
        let data_dir = config::resolve_data_dir(cli.data_dir.as_deref(), &cfg);
        let name = args
            .file
            .file_stem()
            .map_or("replay".into(), |s| s.to_string_lossy().into_owned());
        let db = store::db_path(&data_dir);
        let before = saved_before(&db, &name, stats.first_ts);
        let session = save_replay(&db, &name, &report)?;
        eprintln!(
            "saved {} as session {session} in {}",
            crate::present::plural(report.moments.len(), "moment"),
            db.display()
        );
        if let Some(old) = before {
            eprintln!(
                "note: session {old} holds the same log, saved before (the same name and first \
                 time): `kicktui sessions` lists both"
            );
        }
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

/// A session of an earlier `--save` of the same log (its name and first time), if any.
fn saved_before(db: &std::path::Path, name: &str, first: Option<Ts>) -> Option<i64> {
    if !db.exists() {
        return None;
    }
    let first = first?;
    let sessions = store::Store::open(db).ok()?.list_sessions().ok()?;
    sessions
        .iter()
        .rev()
        .find(|s| s.platform == "replay" && s.channel == name && s.started_at == first)
        .map(|s| s.id)
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
        stream_id: None,
    })?;
    // A replay has no recording: its moments are not left pending for `clip --pending`.
    for m in &report.moments {
        let id = handle.insert_moment_blocking(session, m)?;
        handle.update_clip_blocking(id, store::ClipStatus::NoRecording, None)?;
    }
    // Subs, gifts and Kicks, so the report counts the money the log held.
    for (at, event) in &report.notable {
        if let Some(row) = store::NewEvent::from_event(session, *at, event) {
            handle.send_blocking(store::WriteOp::Event(row))?;
        }
    }
    // The chat it counted and the viewers it saw, as a live run stores them.
    for w in &report.chat_windows {
        handle.send_blocking(store::WriteOp::ChatStats(w.row(session)))?;
    }
    for &(at, viewers) in &report.viewer_samples {
        let row = store::ViewerSample {
            session_id: session,
            at,
            viewers,
        };
        handle.send_blocking(store::WriteOp::ViewerSample(row))?;
    }
    let e = &report.engagement;
    let scored = e.seconds > 0;
    handle.send_blocking(store::WriteOp::Engage(store::EngageOp::Stats(
        store::EngageStats {
            session_id: session,
            at: report.stats.last_ts.unwrap_or(started),
            unique_chatters: report.unique_chatters,
            messages: report.counted_messages,
            engagement_mean: e.mean(),
            engagement_min: scored.then_some(e.min),
            engagement_max: scored.then_some(e.max),
            scored_seconds: e.seconds,
        },
    )))?;
    handle.close_session_blocking(session, report.stats.last_ts.unwrap_or(started))?;
    drop(handle);
    writer.shutdown()?;
    Ok(session)
}

/// The moments of a replay as the scorer sees them: offsets from the log's first line, as
/// `replay` prints them (labels written from its output line up).
pub fn scored_moments(report: &ReplayReport) -> (Vec<crate::eval::ScoredMoment>, f64) {
    let origin = report.stats.first_ts.unwrap_or(Ts(0));
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
    if !args.chat.exists() {
        return Err(format!(
            "cannot open {}: no such file or directory",
            args.chat.display()
        )
        .into());
    }
    if args.chat.is_dir() {
        let report = crate::eval::many::eval_dirs(&args.chat, &args.labels, &cfg)?;
        match args.format {
            EvalFormat::Text => crate::present::print_all(&report.to_text())?,
            EvalFormat::Json => {
                crate::present::print_all(&format!("{}\n", serde_json::to_string(&report)?))?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.labels.is_dir() {
        return Err(format!(
            "--labels is a directory, so --chat must be one too (logs matched to labels by \
             file name): {}",
            args.chat.display()
        )
        .into());
    }
    let labels_text = std::fs::read_to_string(&args.labels)
        .map_err(|e| format!("cannot read {}: {e}", args.labels.display()))?;
    let labels = crate::eval::parse_labels(&labels_text)
        .map_err(|e| format!("{}: {e}", args.labels.display()))?;
    let report = crate::eval::many::read_log(&args.chat, &cfg)?;
    let (moments, hours) = scored_moments(&report);
    if let Some(warning) = labels.outside(hours * 3600.0) {
        eprintln!("{}: {warning}", args.labels.display());
    }
    let result = crate::eval::score(&moments, &labels, hours);
    match args.format {
        EvalFormat::Text => crate::present::print_all(&result.to_text())?,
        EvalFormat::Json => {
            crate::present::print_all(&format!("{}\n", serde_json::to_string(&result)?))?;
        }
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
