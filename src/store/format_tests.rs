//! Output shapes: the JSON keys scripts rely on, CSV quoting, and a table that fits 80 columns.

use serde_json::{Value, json};

use super::format::{MOMENT_KEYS, csv_field};
use super::*;
use crate::domain::{MomentSource, TriggerType, Ts};
use unicode_width::UnicodeWidthStr;

fn row(id: i64, data: Value, clip_path: Option<&str>) -> MomentRow {
    MomentRow {
        id,
        session_id: 7,
        at: Ts(1_790_000_000_500),
        offset_s: 5025.5,
        trigger_type: TriggerType::ChatVelocity,
        trigger_data: data,
        triggers: json!([]),
        score: 3.125,
        source: MomentSource::Manual,
        clip_start_offset_s: 4995.5,
        clip_end_offset_s: 5055.5,
        clip_status: ClipStatus::NoRecording,
        clip_path: clip_path.map(String::from),
        created_at: Ts(1_790_000_001_000),
    }
}

/// A small RFC 4180 reader, enough to check what we write.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let (mut row, mut field) = (vec![], String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn moments_json_is_an_array_with_exactly_the_documented_keys() {
    let rows = [
        row(1, json!({"keyword": "CLIP THAT", "count": 5}), None),
        row(2, json!({}), Some("/clips/2.mp4")),
    ];
    let out = render_moments(&rows, OutputFormat::Json);
    let parsed: Value = serde_json::from_str(&out).unwrap();
    let items = parsed.as_array().unwrap();
    assert_eq!(items.len(), 2);
    for item in items {
        let obj = item.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        let mut want = MOMENT_KEYS.to_vec();
        keys.sort();
        want.sort();
        assert_eq!(keys, want);
        assert!(obj["trigger_data"].is_object());
        assert!(Ts::parse_rfc3339(obj["at"].as_str().unwrap()).is_some());
    }
    assert_eq!(items[0]["trigger_data"]["keyword"], "CLIP THAT");
    assert_eq!(items[0]["clip_path"], Value::Null);
    assert_eq!(items[1]["clip_path"], "/clips/2.mp4");
    assert_eq!(items[0]["at"], "2026-09-21T14:13:20.500Z");
    assert_eq!(items[0]["source"], "manual");
    assert_eq!(items[0]["clip_status"], "no_recording");
    assert_eq!(items[0]["clip_end_offset_s"], 5055.5);
    assert_eq!(render_moments(&[], OutputFormat::Json).trim(), "[]");
}

/// A moment of several triggers keeps them all in JSON and CSV (`trigger_data` is only the
/// main one's: an emote flood beside a chat spike was lost).
#[test]
fn every_trigger_of_a_moment_is_exported() {
    let mut m = row(1, json!({"rate": 8.7}), None);
    m.triggers = json!([
        {"type": "chat_velocity", "data": {"rate": 8.7}},
        {"type": "emote_spam", "data": {"emote": "PauseChamp", "count": 12}},
    ]);
    let parsed: Value =
        serde_json::from_str(&render_moments(&[m.clone()], OutputFormat::Json)).unwrap();
    assert_eq!(parsed[0]["triggers"][1]["data"]["emote"], "PauseChamp");
    let table = parse_csv(&render_moments(&[m], OutputFormat::Csv));
    let last: Value = serde_json::from_str(table[1].last().unwrap()).unwrap();
    assert_eq!(last[1]["type"], "emote_spam");
}

#[test]
fn csv_quotes_commas_quotes_and_line_breaks() {
    assert_eq!(csv_field("plain"), "plain");
    assert_eq!(csv_field("a,b"), "\"a,b\"");
    assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");

    let data = json!({"keyword": "NO WAY, \"really\""});
    let rows = [row(1, data.clone(), Some("/clips/a,\"b\".mp4"))];
    let out = render_moments(&rows, OutputFormat::Csv);
    let table = parse_csv(&out);
    assert_eq!(table.len(), 2);
    assert_eq!(table[0], MOMENT_KEYS);
    let cell = |k: &str| &table[1][MOMENT_KEYS.iter().position(|x| *x == k).unwrap()];
    assert_eq!(cell("clip_path"), "/clips/a,\"b\".mp4");
    let back: Value = serde_json::from_str(cell("trigger_data")).unwrap();
    assert_eq!(back, data);
    assert!(!cell("trigger_data").contains(": "), "compact JSON");
    assert_eq!(cell("offset_s"), "5025.5");

    let none = render_moments(&[row(1, json!({}), None)], OutputFormat::Csv);
    assert_eq!(parse_csv(&none)[1][8], "");
}

#[test]
fn tables_fit_an_80_column_terminal() {
    let rows = [row(123_456, json!({}), None)];
    let out = render_moments(&rows, OutputFormat::Table);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[1].contains("14:13:20"), "{out}");
    assert!(lines[1].contains("1:23:45"), "{out}");
    assert!(lines[1].contains("3.1 "), "{out}");
    assert!(lines[1].contains("chat spike"), "{out}");
    assert!(lines[1].ends_with("no recording"), "{out}");
    let session = SessionRow {
        id: 5,
        channel: "a_very_long_channel_name_x".into(),
        platform: "twitch".into(),
        started_at: Ts(1_790_000_000_000),
        ended_at: Some(Ts(1_790_005_025_000)),
        title: Some("A very long stream title\x1b[2J with an escape".into()),
        recording_path: None,
        stream_started_at: None,
        moments: 12,
        stream_id: None,
    };
    let s_out = render_sessions(
        std::slice::from_ref(&session),
        OutputFormat::Table,
        Some(80),
    );
    assert!(s_out.contains("1:23:45"), "{s_out}");
    assert!(
        !s_out.contains('\x1b'),
        "control characters reach the terminal"
    );
    for line in out.lines().chain(s_out.lines()) {
        assert!(line.chars().count() < 80, "{line:?}");
    }
    // Wider, the title fills the line; piped, it is whole.
    let wide = render_sessions(
        std::slice::from_ref(&session),
        OutputFormat::Table,
        Some(120),
    );
    assert!(wide.contains("title [2J with an escape"), "{wide}");
    assert!(
        render_sessions(std::slice::from_ref(&session), OutputFormat::Table, None)
            .contains("with an escape")
    );
    // Kick titles are full of emoji and CJK, two columns each: the line still fits.
    let wide_chars = SessionRow {
        channel: "配信者の部屋🎮🎮🎮🎮🎮🎮🎮🎮".into(),
        title: Some(
            "🔥🔥 RANKED GRIND 🔥🔥 絶対にダイヤへ行く配信 !discord !socials 🎉🎉🎉".into(),
        ),
        ..session
    };
    let emoji = render_sessions(&[wide_chars], OutputFormat::Table, Some(80));
    let line = emoji.lines().nth(1).unwrap_or_default();
    assert!(line.width() <= 80, "{} columns: {line}", line.width());
    assert!(
        line.contains("🔥🔥 RANKED") && line.ends_with('…'),
        "{line}"
    );
    assert!(line.contains("twitch:配信者"), "{line}");
    assert_eq!(render_moments(&[], OutputFormat::Table), "No moments.\n");
}

#[test]
fn sessions_json_and_csv_have_one_item_per_session() {
    let s = SessionRow {
        id: 1,
        channel: "clavicular".into(),
        platform: "kick".into(),
        started_at: Ts(0),
        ended_at: None,
        title: None,
        recording_path: Some("/r/1.ts".into()),
        stream_started_at: None,
        moments: 0,
        stream_id: None,
    };
    let json: Value = serde_json::from_str(&render_sessions(
        std::slice::from_ref(&s),
        OutputFormat::Json,
        None,
    ))
    .unwrap();
    assert_eq!(json[0]["started_at"], "1970-01-01T00:00:00Z");
    assert_eq!(json[0]["ended_at"], Value::Null);
    let csv = render_sessions(&[s], OutputFormat::Csv, None);
    assert_eq!(csv.lines().count(), 2);
}
