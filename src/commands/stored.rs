//! The commands that read the database: `moments`, `sessions`, `report`.

use std::path::Path;
use std::process::ExitCode;

use super::{CmdResult, load_config};
use crate::cli::{Cli, ListArgs, MomentsArgs};
use crate::config;
use crate::store::{self, MomentOrder, MomentQuery, Store};

/// The data dir's database, which must exist: listing a mistyped `--data-dir` says so
/// instead of creating an empty database there.
fn existing_db(data_dir: &Path) -> Result<std::path::PathBuf, String> {
    let db = store::db_path(data_dir);
    // Not "nothing recorded" when the directory (or one above it) cannot be read.
    let unreadable =
        |e: std::io::Error| format!("cannot read the data dir {}: {e}", data_dir.display());
    match std::fs::metadata(data_dir) {
        Ok(m) if !m.is_dir() => {
            return Err(format!(
                "the data dir {} is a file, not a directory (a wrong --data-dir or \
                 $KICKTUI_DATA?)",
                data_dir.display()
            ));
        }
        Ok(_) => match db.try_exists() {
            Ok(true) => return Ok(db),
            Ok(false) => {}
            Err(e) => return Err(unreadable(e)),
        },
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(unreadable(e)),
        Err(_) => {}
    }
    // The demo keeps its data in `demo/` under the data dir.
    let demo = data_dir.join("demo");
    if store::db_path(&demo).exists() {
        return Err(format!(
            "no database at {}; the demo's is in {}: add --data-dir {}",
            db.display(),
            demo.display(),
            crate::present::shell_word(&demo.to_string_lossy())
        ));
    }
    Err(format!(
        "no database at {} (nothing recorded there yet: a wrong --data-dir?)",
        db.display()
    ))
}

fn open_store(cli: &Cli) -> Result<Store, Box<dyn std::error::Error>> {
    let cfg = load_config(cli)?;
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref(), &cfg);
    readable(&existing_db(&data_dir)?)
}

/// The store for a command that lists, saying when a read-only copy may be short.
fn readable(db: &Path) -> Result<Store, Box<dyn std::error::Error>> {
    let store = Store::open_for_reading(db)?;
    if store.unread_wal() {
        eprintln!(
            "note: {} is read as a read-only copy; its -wal file cannot be read, so the newest \
             rows may be missing",
            db.display()
        );
    }
    Ok(store)
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
        limit: args.limit.map(|n| n as usize),
    };
    let rows = store.list_moments(&query)?;
    if let Some(id) = args.session
        && rows.is_empty()
        && store.session(id)?.is_none()
    {
        return Err(format!("no session {id} (see kicktui sessions)").into());
    }
    crate::present::print_all(&store::render_moments(&rows, args.format))?;
    Ok(ExitCode::SUCCESS)
}

pub fn sessions(cli: &Cli, args: &ListArgs) -> CmdResult {
    let store = open_store(cli)?;
    let rows = store.list_sessions()?;
    use std::io::IsTerminal;
    let width = std::io::stdout()
        .is_terminal()
        .then(|| crossterm::terminal::size().ok().map(|(w, _)| w))
        .flatten();
    crate::present::print_all(&store::render_sessions(&rows, args.format, width))?;
    Ok(ExitCode::SUCCESS)
}

/// `kicktui report <session>` / `--last`: the retrospective, from the database.
pub fn report(cli: &Cli, args: &crate::cli::ReportArgs) -> CmdResult {
    let cfg = load_config(cli)?;
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref(), &cfg);
    let db = existing_db(&data_dir)?;
    let store = readable(&db)?;
    let id = match args.session {
        Some(id) => id,
        None => store
            .last_reported_session()?
            .ok_or_else(|| format!("no sessions in {}", db.display()))?,
    };
    let report = store
        .report(id, cfg.revenue.sub_price_usd)?
        .ok_or_else(|| format!("no session {id} in {} (see kicktui sessions)", db.display()))?;
    match args.format {
        crate::cli::ReportFormat::Md => crate::present::print_all(&report.to_markdown())?,
        crate::cli::ReportFormat::Json => {
            crate::present::print_all(&format!("{}\n", report.to_json()))?
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_dir_holding_only_the_demo_points_at_it() {
        let dir = tempfile::tempdir().unwrap();
        let why = existing_db(dir.path()).unwrap_err();
        assert!(why.contains("a wrong --data-dir?"), "{why}");
        let demo = dir.path().join("demo");
        std::fs::create_dir_all(&demo).unwrap();
        std::fs::write(store::db_path(&demo), b"").unwrap();
        let why = existing_db(dir.path()).unwrap_err();
        assert!(
            why.contains("the demo's is in") && why.contains("/demo"),
            "{why}"
        );
    }
}
