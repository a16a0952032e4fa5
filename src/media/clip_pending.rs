//! `kicktui clip --pending`: cuts every moment whose clip is still pending — left when kicktui
//! quit without cutting them, or by a crash. Each channel is locked first (the lock a live run
//! holds): one a kicktui is watching is left to it; the others are repaired as their next start
//! would (sessions a `kill -9` left open closed and reported, half-done clips back to pending),
//! then cut, the lock held until the end.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

use super::clip_cmd::{ClipWhat, clip_from_store};
use super::error::MediaError;
use super::probe::Tools;
use crate::config::Config;
use crate::run_lock::{LockError, Role, RunLock};
use crate::store::{
    ClipStatus, MomentOrder, MomentQuery, MomentRow, SessionRow, Store, StoreError, StoreHandle,
    StoreWriter, db_path,
};

type Error = Box<dyn std::error::Error>;

/// Moment ids to cut, and their sessions; the ones with no recording at all (marked so, never
/// retried).
#[derive(Default)]
struct Pending {
    cut: Vec<i64>,
    cut_sessions: Vec<i64>,
    none: Vec<i64>,
}

type Channel = (String, String);

/// Every moment with its session, read in two queries (not one per moment).
fn moments_with_sessions(store: &Store) -> Result<Vec<(MomentRow, SessionRow)>, Error> {
    let sessions: HashMap<i64, SessionRow> = store
        .list_sessions()?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let moments = store.list_moments(&MomentQuery {
        session_id: None,
        order: MomentOrder::Time,
        limit: None,
    })?;
    Ok(moments
        .into_iter()
        .filter_map(|m| {
            let s = sessions.get(&m.session_id)?.clone();
            Some((m, s))
        })
        .collect())
}

/// A clip `--pending` cuts: not cut yet; with `--failed`, failed ones too (a full disk fails
/// every clip left). Not by default: a failure that lasts would fail every cron run.
fn to_cut(status: ClipStatus, failed_too: bool) -> bool {
    match status {
        ClipStatus::Pending | ClipStatus::Queued | ClipStatus::Waiting => true,
        ClipStatus::Failed => failed_too,
        _ => false,
    }
}

/// The pending moments of `mine` (channels this run holds the lock of).
fn pending(store: &Store, mine: &[Channel], failed_too: bool) -> Result<Pending, Error> {
    let mut p = Pending::default();
    for (m, s) in moments_with_sessions(store)? {
        if !to_cut(m.clip_status, failed_too) {
            continue;
        }
        if s.ended_at.is_none() || !mine.contains(&(s.platform, s.channel)) {
            continue;
        }
        if store.recordings_of_stream(m.session_id)?.is_empty() {
            p.none.push(m.id);
        } else {
            p.cut.push(m.id);
            p.cut_sessions.push(m.session_id);
        }
    }
    p.cut_sessions.sort_unstable();
    p.cut_sessions.dedup();
    Ok(p)
}

/// The channels this run holds (their locks kept until it ends), and how many another
/// kicktui is busy with.
#[derive(Default)]
struct Locked {
    mine: Vec<Channel>,
    locks: Vec<RunLock>,
    busy: usize,
}

/// Every channel with an open session, a clip not final or a report owed, locked for the
/// whole run (a live run started meanwhile is refused and says who holds it); one a kicktui
/// is watching is left to it.
fn lock_channels(store: &Store, data_dir: &Path, failed_too: bool) -> Result<Locked, Error> {
    let mut channels: Vec<Channel> = Vec::new();
    let mut add = |c: Channel| {
        if !channels.contains(&c) {
            channels.push(c);
        }
    };
    for s in store.list_sessions()? {
        if s.ended_at.is_none() {
            add((s.platform, s.channel));
        }
    }
    for (m, s) in moments_with_sessions(store)? {
        if !m.clip_status.is_final() || to_cut(m.clip_status, failed_too) {
            add((s.platform, s.channel));
        }
    }
    for c in store.channels_owed_a_report()? {
        add(c);
    }
    let mut locked = Locked::default();
    for (platform, channel) in channels {
        match crate::run_lock::acquire(data_dir, &platform, &channel, Role::CuttingClips) {
            Ok(lock) => {
                locked.locks.push(lock);
                locked.mine.push((platform, channel));
            }
            Err(LockError::Busy { role, pid, .. }) => {
                locked.busy += 1;
                eprintln!(
                    "{platform}:{channel}: another kicktui{pid} is {role} it; the channel is left \
                     to it"
                );
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(locked)
}

/// Repairs what a crash left of `mine`, as each channel's next start would. Returns the
/// sessions whose report is owed (the ones closed here among them).
fn repair(db: &Path, mine: &[Channel]) -> Result<Vec<i64>, Error> {
    let mut owed = Vec::new();
    for (platform, channel) in mine {
        let r = crate::store::recover::recover(db, platform, channel)?;
        owed.extend(&r.reports_owed);
        for (id, at) in &r.sessions {
            eprintln!(
                "session {id} ({platform}:{channel}) was left open by a run that did not stop \
                 cleanly; closed at its last stored time {}",
                at.to_rfc3339()
            );
        }
    }
    Ok(owed)
}

/// After `kicktui clip --moment ID`: the saved report of the moment's session, if it has one,
/// counts the new clip (it said `failed` or `pending` for it).
pub fn refresh_report_of_moment(
    rt: &tokio::runtime::Runtime,
    cfg: &Config,
    data_dir: &Path,
    moment: i64,
) {
    let session = Store::open_in(data_dir)
        .ok()
        .and_then(|s| s.moment(moment).ok().flatten())
        .map(|m| m.session_id);
    if let Some(id) = session {
        write_reports(rt, cfg, data_dir, &[id], &[]);
    }
}

/// Writes the sessions' reports: `owed` never had theirs written (closed here, or a full disk
/// or a kill kept it from being written; a live run's next start would write them); the
/// others were cut for, and their saved report, if they have one, counts the new clips (it
/// was written before these clips existed).
fn write_reports(
    rt: &tokio::runtime::Runtime,
    cfg: &Config,
    data_dir: &Path,
    cut_for: &[i64],
    owed: &[i64],
) {
    use crate::engine::engage_report::{report_path, write_report};
    let Ok(store) = Store::open_in(data_dir) else {
        return;
    };
    let refreshed = cut_for
        .iter()
        .filter(|id| !owed.contains(id))
        .filter(|&&id| {
            store
                .session(id)
                .ok()
                .flatten()
                .is_some_and(|s| report_path(data_dir, &s.channel, id).exists())
        });
    let written = refreshed.map(|id| (id, "updated"));
    let mut paid = Vec::new();
    for (&id, done) in written.chain(owed.iter().map(|id| (id, "saved"))) {
        match write_report(data_dir, id, cfg.revenue.sub_price_usd) {
            Ok((path, _)) => {
                eprintln!("report {done}: {}", path.display());
                paid.extend(owed.contains(&id).then_some(id));
            }
            Err(e) => eprintln!("report of session {id} not {done}: {e}"),
        }
    }
    if paid.is_empty() {
        return;
    }
    let cleared = with_writer(rt, &db_path(data_dir), |h| async move {
        for id in paid {
            h.report_owed(id, false).await?;
        }
        Ok(())
    });
    if let Err(e) = cleared {
        eprintln!("reports not marked saved: {e}");
    }
}

/// Runs `writes` on a store writer of its own, committed when it returns.
fn with_writer<F, Fut>(rt: &tokio::runtime::Runtime, db: &Path, writes: F) -> Result<(), Error>
where
    F: FnOnce(StoreHandle) -> Fut,
    Fut: std::future::Future<Output = Result<(), StoreError>>,
{
    let writer = StoreWriter::spawn(db)?;
    rt.block_on(writes(writer.handle()))?;
    writer.shutdown()?;
    Ok(())
}

/// Marks `ids` `no_recording`: final, never cut again by `--pending`.
fn mark_unrecorded(rt: &tokio::runtime::Runtime, db: &Path, ids: &[i64]) -> Result<(), Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let ids = ids.to_vec();
    with_writer(rt, db, |h| async move {
        for id in ids {
            h.update_clip(id, ClipStatus::NoRecording, None).await?;
        }
        Ok(())
    })
}

/// `failed_too`: `--failed`, failed clips are cut again as well.
pub fn run(cfg: &Config, data_dir: &Path, failed_too: bool) -> Result<ExitCode, Error> {
    let db = db_path(data_dir);
    if !db.exists() {
        return Err(format!("no database at {} (wrong --data-dir?)", db.display()).into());
    }
    // Held until every clip is cut: a live run and this never cut the same moment.
    let locked = lock_channels(&Store::open(&db)?, data_dir, failed_too)?;
    let mine = &locked.mine;
    let removed = super::clear_kill_leftovers(data_dir);
    if removed > 0 {
        eprintln!(
            "removed {} a killed cut left in clips/",
            crate::present::plural(removed, "unfinished .part file")
        );
    }
    super::children::note_children_in(&data_dir.join("clips"));
    let owed = repair(&db, mine)?;
    let Pending {
        cut,
        cut_sessions,
        none,
    } = pending(&Store::open(&db)?, mine, failed_too)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.spawn(super::children::kill_children_on_stop());
    if !none.is_empty() {
        mark_unrecorded(&rt, &db, &none)?;
        let have = if none.len() == 1 { "has" } else { "have" };
        eprintln!(
            "{} {have} no recording to cut from",
            crate::present::plural(none.len(), "moment")
        );
    }
    if cut.is_empty() {
        // A live run's channels were named above: their clips are its own.
        let other = if locked.busy > 0 { " other" } else { "" };
        eprintln!("No{other} pending clips.");
        write_reports(&rt, cfg, data_dir, &[], &owed);
        return Ok(ExitCode::SUCCESS);
    }
    let tools = Tools::from_config(&cfg.recorder);
    let (mut failed, mut short, mut unrecorded) = (0, 0, Vec::new());
    let mut clips = Vec::new();
    for id in &cut {
        match rt.block_on(clip_from_store(&tools, data_dir, &ClipWhat::Moment(*id))) {
            Ok(res) => {
                if res.is_short(super::clip_cmd::SHORT_BY_S) {
                    short += 1;
                    eprintln!(
                        "moment {id}: short ({:.1} s of {:.1} s): the recording does not cover all of it",
                        res.duration, res.asked
                    );
                }
                crate::present::print_all(&format!("{}\n", res.path.display()))?;
                clips.push(res.path);
            }
            // The session has ended: a window no recording covers (a gap while the disk was
            // full, a deleted file) never will be, so it is not retried on every run.
            Err(e) if matches!(e.downcast_ref(), Some(MediaError::NoRecording(_))) => {
                eprintln!("moment {id}: {e}; marked no_recording");
                unrecorded.push(*id);
            }
            Err(e) => {
                failed += 1;
                eprintln!("moment {id}: {e}");
            }
        }
    }
    mark_unrecorded(&rt, &db, &unrecorded)?;
    let short = if short > 0 {
        format!(" ({short} short)")
    } else {
        String::new()
    };
    let cuttable = cut.len() - unrecorded.len();
    let unrecorded = match unrecorded.len() {
        0 => String::new(),
        n => format!("; {n} not recorded"),
    };
    eprintln!(
        "{} of {} pending clips cut{short}{unrecorded}",
        cuttable - failed,
        cut.len()
    );
    write_reports(&rt, cfg, data_dir, &cut_sessions, &owed);
    // Uploads may take minutes: the channels are free for a live run meanwhile.
    drop(locked);
    for path in &clips {
        super::hook::run_on_ready_now(&rt, &cfg.clips.on_ready, path);
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
