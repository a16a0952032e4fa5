//! `kicktui clip --pending`: cuts every moment whose clip is still pending — left when kicktui
//! quit without cutting them, or by a crash (the next start puts half-done clips back to
//! pending). Sessions still open are skipped: a kicktui may be live on them.

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

pub fn run(cfg: &Config, data_dir: &Path) -> Result<ExitCode, Error> {
    let db = db_path(data_dir);
    if !db.exists() {
        return Err(format!("no database at {} (wrong --data-dir?)", db.display()).into());
    }
    let Pending {
        cut,
        cut_sessions,
        none,
        open,
    } = pending(&Store::open(&db)?)?;
    for s in &open {
        eprintln!(
            "session {s} is still open (kicktui is live on it, or was killed: starting it again \
             on that channel closes it); its moments are skipped"
        );
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
        eprintln!("{} moments have no recording to cut from", none.len());
    }
    if cut.is_empty() {
        eprintln!("No pending clips.");
        return Ok(ExitCode::SUCCESS);
    }
    let tools = Tools::from_config(&cfg.recorder);
    let mut failed = 0;
    for id in &cut {
        match rt.block_on(clip_from_store(&tools, data_dir, &ClipWhat::Moment(*id))) {
            Ok(res) => println!("{}", res.path.display()),
            Err(e) => {
                failed += 1;
                eprintln!("moment {id}: {e}");
            }
        }
    }
    eprintln!("{} of {} pending clips cut", cut.len() - failed, cut.len());
    refresh_reports(cfg, data_dir, &cut_sessions);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
