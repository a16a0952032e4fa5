//! Output of `kicktui moments` and `kicktui sessions`: an aligned table for people (fits 80
//! columns), JSON and CSV for scripts. The JSON keys are an interface: scripts rely on them.

use serde_json::{Map, Value, json};

use super::query::{MomentRow, SessionRow};
use crate::domain::Ts;
use crate::time::format_hms;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
    Csv,
}

/// The keys of one moment in JSON, in CSV column order. `trigger_data` is the main
/// trigger's; `triggers` (last, so older CSV readers keep their columns) holds every trigger.
pub const MOMENT_KEYS: [&str; 13] = [
    "id",
    "session_id",
    "at",
    "offset_s",
    "trigger_type",
    "trigger_data",
    "score",
    "source",
    "clip_path",
    "clip_status",
    "clip_start_offset_s",
    "clip_end_offset_s",
    "triggers",
];

pub const SESSION_KEYS: [&str; 9] = [
    "id",
    "channel",
    "platform",
    "started_at",
    "ended_at",
    "title",
    "recording_path",
    "stream_started_at",
    "moments",
];

/// Seconds to the millisecond: `22.263`, not `22.262999999999998`.
fn ms(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}

fn moment_json(m: &MomentRow) -> Value {
    let values = [
        json!(m.id),
        json!(m.session_id),
        json!(m.at.to_rfc3339()),
        json!(ms(m.offset_s)),
        json!(m.trigger_type.as_str()),
        m.trigger_data.clone(),
        json!(m.score),
        json!(m.source.as_str()),
        json!(m.clip_path),
        json!(m.clip_status.as_str()),
        json!(ms(m.clip_start_offset_s)),
        json!(ms(m.clip_end_offset_s)),
        m.triggers.clone(),
    ];
    let map: Map<String, Value> = MOMENT_KEYS
        .iter()
        .map(|k| k.to_string())
        .zip(values)
        .collect();
    Value::Object(map)
}

fn session_json(s: &SessionRow) -> Value {
    let values = [
        json!(s.id),
        json!(s.channel),
        json!(s.platform),
        json!(s.started_at.to_rfc3339()),
        json!(s.ended_at.map(Ts::to_rfc3339)),
        json!(s.title),
        json!(s.recording_path),
        json!(s.stream_started_at.map(Ts::to_rfc3339)),
        json!(s.moments),
    ];
    let map: Map<String, Value> = SESSION_KEYS
        .iter()
        .map(|k| k.to_string())
        .zip(values)
        .collect();
    Value::Object(map)
}

pub fn render_moments(rows: &[MomentRow], format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => render_json(rows.iter().map(moment_json)),
        OutputFormat::Csv => render_csv(&MOMENT_KEYS, rows.iter().map(moment_json)),
        OutputFormat::Table => moments_table(rows),
    }
}

/// `width`: the terminal's columns, if printing to one (the title fills the rest of the
/// line); else the title is whole.
pub fn render_sessions(rows: &[SessionRow], format: OutputFormat, width: Option<u16>) -> String {
    match format {
        OutputFormat::Json => render_json(rows.iter().map(session_json)),
        OutputFormat::Csv => render_csv(&SESSION_KEYS, rows.iter().map(session_json)),
        OutputFormat::Table => {
            let title = width.map_or(usize::MAX, |w| {
                usize::from(w).saturating_sub(SESSION_COLUMNS + 1).max(13)
            });
            sessions_table(rows, title)
        }
    }
}

/// The width of a sessions line before its title.
const SESSION_COLUMNS: usize = 66;

fn render_json(items: impl Iterator<Item = Value>) -> String {
    let array = Value::Array(items.collect());
    // Serializing a Value cannot fail; the fallback only keeps this total.
    let mut out = serde_json::to_string_pretty(&array).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

/// RFC 4180: quote a field holding a comma, a quote or a line break; double inner quotes.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => csv_field(s),
        // Objects and arrays as compact JSON text.
        other => csv_field(&other.to_string()),
    }
}

fn render_csv(keys: &[&str], items: impl Iterator<Item = Value>) -> String {
    let mut out = keys.join(",");
    out.push('\n');
    for item in items {
        let cells: Vec<String> = keys
            .iter()
            .map(|k| csv_cell(item.get(k).unwrap_or(&Value::Null)))
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// For table cells: control characters blanked (a stream title must not drive the terminal),
/// at most `width` terminal columns (emoji and CJK take two), `…` when cut.
fn cell(s: &str, width: usize) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    crate::text_fit::shorten(&clean, width)
}

/// `cell`, padded with spaces to `width` columns.
fn padded_cell(s: &str, width: usize) -> String {
    crate::text_fit::fit(&cell(s, width), width)
}

fn moments_table(rows: &[MomentRow]) -> String {
    if rows.is_empty() {
        return "No moments.\n".into();
    }
    let mut out = format!(
        "{:>6}  {:>4}  {:<8}  {:>8}  {:<13}  {:>6}  {}\n",
        "ID", "SESS", "TIME UTC", "OFFSET", "TYPE", "SCORE", "CLIP"
    );
    for m in rows {
        out.push_str(&format!(
            "{:>6}  {:>4}  {:<8}  {:>8}  {:<13}  {:>6.1}  {}\n",
            m.id,
            m.session_id,
            m.at.to_datetime().format("%H:%M:%S"),
            format_hms(m.offset_s),
            crate::domain::kind_phrase(m.kind_word()),
            m.score,
            // In words like the type (`no recording`); JSON and CSV keep the stored name.
            m.clip_status.as_str().replace('_', " "),
        ));
    }
    out
}

fn channel_label(s: &SessionRow) -> String {
    if s.platform == "kick" {
        s.channel.clone()
    } else {
        format!("{}:{}", s.platform, s.channel)
    }
}

/// Its title; a session that never saw the stream live (chat while offline, or quit before
/// the stream came) says so.
fn session_title(s: &SessionRow) -> String {
    match (&s.title, s.stream_started_at) {
        (Some(t), _) if !t.is_empty() => t.clone(),
        (_, None) => "(offline: no stream)".into(),
        _ => String::new(),
    }
}

fn sessions_table(rows: &[SessionRow], title_width: usize) -> String {
    if rows.is_empty() {
        return "No sessions.\n".into();
    }
    let mut out = format!(
        "{:>5}  {:<20}  {:<16}  {:>8}  {:>7}  {}\n",
        "ID", "CHANNEL", "STARTED UTC", "DURATION", "MOMENTS", "TITLE"
    );
    for s in rows {
        let duration = match s.ended_at {
            Some(end) => format_hms(end.secs_since(s.started_at)),
            None => "open".into(),
        };
        let line = format!(
            "{:>5}  {}  {:<16}  {:>8}  {:>7}  {}",
            s.id,
            padded_cell(&channel_label(s), 20),
            s.started_at.to_datetime().format("%Y-%m-%d %H:%M"),
            duration,
            s.moments,
            cell(&session_title(s), title_width),
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
