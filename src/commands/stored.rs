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
    if let Some(add) = demo_hint(data_dir) {
        return Err(format!("no database at {}; {add}", db.display()));
    }
    Err(format!(
        "no database at {} (nothing recorded there yet: a wrong --data-dir?)",
        db.display()
    ))
}

/// The demo keeps its data in `demo/` under the data dir: where to look, when it has some.
fn demo_hint(data_dir: &Path) -> Option<String> {
    let demo = data_dir.join("demo");
    store::db_path(&demo).exists().then(|| {
        format!(
            "the demo's is in {}: add --data-dir {}",
            demo.display(),
            crate::present::shell_word(&demo.to_string_lossy())
        )
    })
}

fn open_store(cli: &Cli) -> Result<Store, Box<dyn std::error::Error>> {
    let cfg = load_config(cli)?;
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref(), &cfg);
    let store = readable(&existing_db(&data_dir)?)?;
    // A database with nothing in it yet (a channel tried once offline) beside the demo's: the
    // demo's data is what a first hour has.
    if store.list_sessions().is_ok_and(|s| s.is_empty())
        && let Some(add) = demo_hint(&data_dir)
    {
        eprintln!("note: nothing is stored here yet; {add}");
    }
    Ok(store)
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

/// `--channel NAME` as the store names it: (platform, name). A saved replay's `replay:NAME`
/// (as `kicktui sessions` shows it) is taken as written; names compare without case.
fn channel_filter(arg: Option<&str>) -> Result<Option<(String, String)>, String> {
    use crate::source::channel_ref::{ChannelNameError, parse_channel};
    arg.map(|a| match parse_channel(a) {
        Ok((platform, name)) => Ok((platform.as_str().to_string(), name)),
        Err(ChannelNameError::UnknownPlatform(_)) => {
            let (platform, name) = a.trim().split_once(':').unwrap_or(("kick", a));
            Ok((platform.to_lowercase(), name.trim().to_string()))
        }
        Err(e) => Err(format!("--channel {a:?}: {e}")),
    })
    .transpose()
}

/// The ids of a channel's sessions. None is said on stderr with the channels there are (a
/// typo'd `--channel` is not "no moments"); the list stays empty and the exit 0, for scripts.
fn sessions_of(all: &[crate::store::SessionRow], platform: &str, name: &str) -> Vec<i64> {
    let ids: Vec<i64> = all
        .iter()
        .filter(|s| s.platform == platform && s.channel.eq_ignore_ascii_case(name))
        .map(|s| s.id)
        .collect();
    if ids.is_empty() {
        eprintln!(
            "no sessions of {platform}:{name} (the channels stored: {})",
            channels_stored(all)
        );
    }
    ids
}

/// `kick:a, twitch:b`, or "none yet": what a `--channel` that matched nothing could have been.
fn channels_stored(all: &[crate::store::SessionRow]) -> String {
    let mut there: Vec<String> = all
        .iter()
        .map(|s| format!("{}:{}", s.platform, s.channel))
        .collect();
    there.sort();
    there.dedup();
    if there.is_empty() {
        "none yet".to_string()
    } else {
        there.join(", ")
    }
}

pub fn moments(cli: &Cli, args: &MomentsArgs) -> CmdResult {
    let channel = channel_filter(args.channel.as_deref())?;
    let store = open_store(cli)?;
    let limit = args.limit.map(|n| n as usize);
    let query = MomentQuery {
        session_id: args.session,
        order: if args.best {
            MomentOrder::Score
        } else {
            MomentOrder::Time
        },
        // A channel's: filtered here, so the limit counts its moments only.
        limit: limit.filter(|_| channel.is_none()),
    };
    let mut rows = store.list_moments(&query)?;
    if let Some((platform, name)) = &channel {
        let ids = sessions_of(&store.list_sessions()?, platform, name);
        rows.retain(|m| ids.contains(&m.session_id));
        rows.truncate(limit.unwrap_or(usize::MAX));
    }
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
    let channel = channel_filter(args.channel.as_deref())?;
    let store = open_store(cli)?;
    let mut rows = store.list_sessions()?;
    if let Some((platform, name)) = &channel {
        let ids = sessions_of(&rows, platform, name);
        rows.retain(|s| ids.contains(&s.id));
    }
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
    let channel = channel_filter(args.channel.as_deref())?;
    let store = readable(&db)?;
    let id = match args.session {
        Some(id) => id,
        None => {
            let of = channel.as_ref().map(|(p, n)| (p.as_str(), n.as_str()));
            store
                .last_reported_session_of(of)?
                .ok_or_else(|| match &channel {
                    Some((p, n)) => format!(
                        "no sessions of {p}:{n} in {} (the channels stored: {})",
                        db.display(),
                        store
                            .list_sessions()
                            .map_or_else(|e| e.to_string(), |all| channels_stored(&all))
                    ),
                    None => match demo_hint(&data_dir) {
                        Some(add) => format!("no sessions in {}; {add}", db.display()),
                        None => format!("no sessions in {}", db.display()),
                    },
                })?
        }
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
