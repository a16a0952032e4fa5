//! The store against real SQLite files: schema, writer, queries, output.

mod failures;
mod reading;
mod writer;

use std::path::{Path, PathBuf};

use kicktui::domain::{KeywordData, Moment, MomentSource, Trigger, TriggerData, TriggerType, Ts};
use kicktui::store::*;

const T0: Ts = Ts(1_790_000_000_000);

fn db(dir: &tempfile::TempDir) -> PathBuf {
    db_path(dir.path())
}

fn session(channel: &str) -> NewSession {
    NewSession {
        channel: channel.into(),
        platform: "kick".into(),
        started_at: T0,
        title: Some("Just chatting".into()),
        stream_started_at: Some(T0),
        stream_id: None,
    }
}

/// A keyword moment whose keyword was seen `count` times.
fn moment(offset_s: f64, count: usize) -> Moment {
    let at = T0.plus_secs(offset_s);
    Moment {
        at,
        offset_s,
        trigger_type: TriggerType::Keyword,
        triggers: vec![Trigger {
            kind: TriggerType::Keyword,
            at,
            strength: 1.5,
            data: TriggerData::Keyword(KeywordData {
                count,
                keyword: "CLIP".into(),
            }),
        }],
        score: 2.25,
        source: MomentSource::Auto,
        clip_start: at.plus_secs(-30.0),
        clip_end: at.plus_secs(30.0),
    }
}

fn count(path: &Path, table: &str) -> i64 {
    let store = Store::open(path).unwrap();
    store
        .connection()
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}
