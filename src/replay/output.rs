//! Replay output: the JSON document external checks read, CSV for spreadsheets, text for people.

use serde_json::{Value, json};

use super::ReplayReport;
use crate::domain::Ts;
use crate::store::csv_field;
use crate::terminal_text::shown;
use crate::time::format_hms;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Json,
    Csv,
    Text,
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn offset(t: Ts, base: Ts) -> f64 {
    round3(t.secs_since(base).max(0.0))
}

/// Every trigger of a moment: `[{"type", "data"}]`.
fn triggers(m: &crate::domain::Moment) -> Value {
    m.triggers
        .iter()
        .map(|t| json!({"type": t.kind.as_str(), "data": t.data}))
        .collect()
}

pub fn to_json(r: &ReplayReport) -> Value {
    let base = r.stats.first_ts.unwrap_or_default();
    let moments: Vec<Value> = r
        .moments
        .iter()
        .map(|m| {
            json!({
                "at": m.at.to_rfc3339(),
                "offset_s": round3(m.offset_s),
                "trigger_type": m.trigger_type.as_str(),
                "triggers": triggers(m),
                "score": m.score,
                "clip": {
                    "start_offset_s": offset(m.clip_start, base),
                    "end_offset_s": offset(m.clip_end, base),
                },
            })
        })
        .collect();
    json!({
        "stats": {
            "lines": r.stats.lines,
            "chat_messages": r.stats.chat_messages,
            "events": r.stats.events,
            "errors": r.stats.errors,
            "duplicates": r.stats.duplicates,
            "first_ts": r.stats.first_ts.map(Ts::to_rfc3339),
            "last_ts": r.stats.last_ts.map(Ts::to_rfc3339),
        },
        "moments": moments,
    })
}

fn to_csv(r: &ReplayReport) -> String {
    let base = r.stats.first_ts.unwrap_or_default();
    let mut out = String::from(
        "at,offset_s,trigger_type,score,clip_start_offset_s,clip_end_offset_s,trigger_data,triggers\n",
    );
    // `trigger_data` is the main trigger's; `triggers` holds them all (JSON).
    for m in &r.moments {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            m.at.to_rfc3339(),
            round3(m.offset_s),
            m.trigger_type.as_str(),
            m.score,
            offset(m.clip_start, base),
            offset(m.clip_end, base),
            csv_field(&m.trigger_data().to_string()),
            csv_field(&triggers(m).to_string()),
        ));
    }
    out
}

fn to_text(r: &ReplayReport) -> String {
    let s = &r.stats;
    let span = match (s.first_ts, s.last_ts) {
        (Some(a), Some(b)) => format_hms(b.secs_since(a)),
        _ => "-".into(),
    };
    let mut out = format!(
        "{} lines, {} chat messages, {} unreadable, spanning {span}\n",
        s.lines, s.chat_messages, s.errors
    );
    if let Some(e) = &r.first_error {
        out.push_str(&format!("first unreadable line: {e}\n"));
    }
    if s.duplicates > 0 {
        out.push_str(&format!(
            "{} dropped (a message id seen before, as a capture across a reconnect has)\n",
            crate::present::plural(s.duplicates as usize, "duplicate")
        ));
    }
    let others: Vec<String> = s
        .events
        .iter()
        .filter(|(k, _)| **k != "chat")
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    if !others.is_empty() {
        out.push_str(&format!("events: {}\n", others.join(", ")));
    }
    out.push_str(&format!(
        "\n{}\n",
        crate::present::plural(r.moments.len(), "moment")
    ));
    if !r.moments.is_empty() {
        out.push_str(&format!(
            "{:>8}  {:<13}  {:>6}  {:>17}  details\n",
            "offset", "type", "score", "clip"
        ));
    }
    let base = s.first_ts.unwrap_or_default();
    for m in &r.moments {
        let clip = format!(
            "{}-{}",
            format_hms(m.clip_start.secs_since(base).max(0.0)),
            format_hms(m.clip_end.secs_since(base).max(0.0))
        );
        let details: Vec<String> = m
            .triggers
            .iter()
            .map(|t| format!("{} {}", t.kind.as_str(), shown(&t.data.to_string())))
            .collect();
        out.push_str(&format!(
            "{:>8}  {:<13}  {:>6.1}  {:>17}  {}\n",
            format_hms(m.offset_s),
            m.headline().to_lowercase(),
            m.score,
            clip,
            details.join("; ")
        ));
    }
    out
}

pub fn render(r: &ReplayReport, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => format!("{}\n", to_json(r)),
        OutputFormat::Csv => to_csv(r),
        OutputFormat::Text => to_text(r),
    }
}
