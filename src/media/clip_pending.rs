//! `kicktui clip --pending`: cuts every moment whose clip is still pending — left when kicktui
//! quit without cutting them, or by a crash. A channel no kicktui is watching (its run lock is
//! free) is repaired first, as its next start would: sessions a `kill -9` left open are closed
//! and reported, half-done clips go back to pending. Sessions a live kicktui holds are skipped.

use std::path::Path;
use std::process::ExitCode;

use super::clip_cmd::{ClipWhat, clip_from_store};
use super::probe::Tools;
use crate::config::Config;
use crate::store::{ClipStatus, MomentOrder, MomentQuery, Store, StoreWriter, db_path};

type Error = Box<dyn std::error::Error>;

/// Moment ids to cut, and their sessions; the ones with no recording at all (marked so, never
/// retried); the sessions skipped because they are still open.
#[derive(Default)]
struct Pending {
    cut: Vec<i64>,
    cut_sessions: Vec<i64>,
    none: Vec<i64>,
    open: Vec<i64>,
}

fn pending(store: &Store) -> Result<Pending, Error> {
    let rows = store.list_moments(&MomentQuery {
        session_id: None,
        order: MomentOrder::Time,
        limit: None,
    })?;
    let mut p = Pending::default();
    for m in rows {
        if !matches!(
            m.clip_status,
            ClipStatus::Pending | ClipStatus::Queued | ClipStatus::Waiting
        ) {
            continue;
        }
        let Some(s) = store.session(m.session_id)? else {
            continue;
        };
        if s.ended_at.is_none() {
            p.open.push(m.session_id);
        } else if store.recordings(m.session_id)?.is_empty() {
            p.none.push(m.id);
        } else {
            p.cut.push(m.id);
            p.cut_sessions.push(m.session_id);
        }
    }
    p.open.dedup();
    p.cut_sessions.sort_unstable();
    p.cut_sessions.dedup();
    Ok(p)
}

/// The saved reports of the sessions whose clips were cut count them now (they were written
/// when the session ended, before these clips existed). Sessions without one get none.
fn refresh_reports(cfg: &Config, data_dir: &Path, sessions: &[i64]) {
    use crate::engine::engage_report::{report_path, write_report};
    let Ok(store) = Store::open_in(data_dir) else {
        return;
    };
    for &id in sessions {
        let Ok(Some(s)) = store.session(id) else {
            continue;
        };
        if !report_path(data_dir, &s.channel, id).exists() {
            continue;
        }
        match write_report(data_dir, id, cfg.revenue.sub_price_usd) {
            Ok((path, _)) => eprintln!("report updated: {}", path.display()),
            Err(e) => eprintln!("report of session {id} not updated: {e}"),
        }
    }
}

/// Channels with an open session or a half-done clip: repaired when no kicktui watches them.
/// Returns the sessions closed (their reports are written).
fn repair_abandoned(store: &Store, db: &Path, data_dir: &Path) -> Result<Vec<i64>, Error> {
    let mut channels: Vec<(String, String)> = Vec::new();
    for m in store.list_moments(&MomentQuery {
        session_id: None,
        order: MomentOrder::Time,
        limit: None,
    })? {
        let half_done = matches!(
            m.clip_status,
            ClipStatus::Queued | ClipStatus::Waiting | ClipStatus::Cutting
        );
        let Some(s) = store.session(m.session_id)? else {
            continue;
        };
        if (half_done || s.ended_at.is_none())
            && !channels.contains(&(s.platform.clone(), s.channel.clone()))
        {
            channels.push((s.platform, s.channel));
        }
    }
    let mut closed = Vec::new();
    for (platform, channel) in channels {
        // Held while repairing, so a run starting now waits its turn; a live run keeps its rows.
        let Ok(_lock) = crate::run_lock::acquire(data_dir, &platform, &channel) else {
            continue;
        };
        let r = crate::store::recover::recover(db, &platform, &channel)?;
        for (id, at) in &r.sessions {
            eprintln!(
                "session {id} ({platform}:{channel}) was left open by a run that did not stop \
                 cleanly; closed at its last stored time {}",
                at.to_rfc3339()
            );
            closed.push(*id);
        }
    }
    Ok(closed)
}

/// Reports for the sessions closed here (a live run's next start would have written them).
fn write_reports(cfg: &Config, data_dir: &Path, sessions: &[i64]) {
    for &id in sessions {
        match crate::engine::engage_report::write_report(data_dir, id, cfg.revenue.sub_price_usd) {
            Ok((path, _)) => eprintln!("report saved: {}", path.display()),
            Err(e) => eprintln!("report of session {id} not saved: {e}"),
        }
    }
}

pub fn run(cfg: &Config, data_dir: &Path) -> Result<ExitCode, Error> {
    let db = db_path(data_dir);
    if !db.exists() {
        return Err(format!("no database at {} (wrong --data-dir?)", db.display()).into());
    }
    let recovered = repair_abandoned(&Store::open(&db)?, &db, data_dir)?;
    let Pending {
        cut,
        cut_sessions,
        none,
        open,
    } = pending(&Store::open(&db)?)?;
    for s in &open {
        eprintln!("session {s} is still open: a kicktui is live on it; its moments are skipped");
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    if !none.is_empty() {
        let writer = StoreWriter::spawn(&db)?;
        let h = writer.handle();
        rt.block_on(async {
            for id in &none {
                h.update_clip(*id, ClipStatus::NoRecording, None).await?;
            }
            Ok::<_, Error>(())
        })?;
        drop(h);
        writer.shutdown()?;
        let have = if none.len() == 1 { "has" } else { "have" };
        eprintln!(
            "{} {have} no recording to cut from",
            crate::present::plural(none.len(), "moment")
        );
    }
    if cut.is_empty() {
        eprintln!("No pending clips.");
        write_reports(cfg, data_dir, &recovered);
        return Ok(ExitCode::SUCCESS);
    }
    let tools = Tools::from_config(&cfg.recorder);
    let (mut failed, mut short) = (0, 0);
    for id in &cut {
        match rt.block_on(clip_from_store(&tools, data_dir, &ClipWhat::Moment(*id))) {
            Ok(res) => {
                if res.duration + 2.0 < res.asked {
                    short += 1;
                    eprintln!(
                        "moment {id}: short ({:.1} s of {:.1} s): the recording does not cover all of it",
                        res.duration, res.asked
                    );
                }
                println!("{}", res.path.display());
            }
            Err(e) => {
                failed += 1;
                eprintln!("moment {id}: {e}");
            }
        }
    }
    let short = if short > 0 {
        format!(" ({short} short)")
    } else {
        String::new()
    };
    eprintln!(
        "{} of {} pending clips cut{short}",
        cut.len() - failed,
        cut.len()
    );
    let others: Vec<i64> = cut_sessions
        .into_iter()
        .filter(|id| !recovered.contains(id))
        .collect();
    refresh_reports(cfg, data_dir, &others);
    write_reports(cfg, data_dir, &recovered);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
