use super::*;

fn replay(text: &str) -> ReplayReport {
    let kind = detect(text.as_bytes()).expect("a Twitch export");
    run(kind, text.as_bytes(), &Config::default()).expect("in-memory input")
}

#[test]
fn detection_tells_exports_from_kicktuis_own_lines() {
    let td_pretty = "\u{feff}{\n  \"FileInfo\": {},\n  \"comments\": []\n}";
    assert_eq!(
        detect(td_pretty.as_bytes()),
        Some(ExportKind::TwitchDownloader)
    );
    let td_compact = r#"{"streamer":{"name":"x","id":1},"video":{},"comments":[]}"#;
    assert_eq!(
        detect(td_compact.as_bytes()),
        Some(ExportKind::TwitchDownloader)
    );
    let cd = "  [\n {\"message\": \"hi\"}]";
    assert_eq!(detect(cd.as_bytes()), Some(ExportKind::ChatDownloaderArray));
    let cdl = r#"{"message_id": "1", "message": "hi", "timestamp": 1, "author": {"name": "a"}, "message_type": "text_message"}"#;
    assert_eq!(
        detect(cdl.as_bytes()),
        Some(ExportKind::ChatDownloaderLines)
    );
    for ours in [
        r#"{"ts": 1, "user": "a", "text": "hi"}"#,
        r#"{"recv": "2026-01-01T00:00:00Z", "frame": {"event": "x", "data": "{\"message_type\":1}"}}"#,
        r#"{"event": "App\\Events\\ChatMessageEvent", "data": "{}", "channel": "c"}"#,
        "",
        "not json",
    ] {
        assert_eq!(detect(ours.as_bytes()), None, "{ours}");
    }
}

#[test]
fn a_compact_document_streams_with_video_start_and_broken_comments_counted() {
    let doc = r#"{"streamer":{"name":"chan","id":1},"video":{"created_at":"2026-11-20T18:00:00Z","start":0},
      "comments":[
        {"_id":"a1","content_offset_seconds":1.5,"commenter":{"display_name":"Ana","_id":"7","name":"ana"},
         "message":{"body":"Kappa hi","bits_spent":0,"emoticons":[{"_id":"25","begin":0,"end":4}]}},
        {"_id":"a2","content_offset_seconds":"later","commenter":{"name":"bob"},"message":{"body":"x"}},
        {"_id":"a3","content_offset_seconds":2,"commenter":{"display_name":"Bob","name":"bob"},
         "message":{"body":"Cheer100 gg","bits_spent":100}},
        {"_id":"a1","content_offset_seconds":1.5,"commenter":{"name":"ana"},"message":{"body":"dup"}}
      ],"embeddedData":null}"#;
    let r = replay(doc);
    let s = &r.stats;
    assert_eq!((s.lines, s.errors, s.chat_messages), (4, 1, 2));
    assert_eq!(s.duplicates, 1);
    assert_eq!(s.events.get("bits"), Some(&1));
    assert_eq!(s.first_ts, Ts::parse_rfc3339("2026-11-20T18:00:01.500Z"));
}

#[test]
fn a_cut_off_document_keeps_what_came_before() {
    let doc = r#"{"video":{"created_at":"2026-11-20T18:00:00Z"},"comments":[
        {"_id":"a1","content_offset_seconds":1,"commenter":{"name":"ana"},"message":{"body":"hi"}},
        {"_id":"a2","content_offset_seconds":2,"commenter":{"name":"bob"},"message":{"bo"#;
    let r = replay(doc);
    assert_eq!(r.stats.chat_messages, 1);
    assert_eq!(r.stats.errors, 1);
    assert!(r.first_error.is_some_and(|e| e.contains("readable JSON")));
}

#[test]
fn chat_downloader_items_map_and_a_mass_gift_counts_once() {
    let lines = [
        r#"{"message_id":"m1","message":"LUL LUL","timestamp":1795456800000000,"author":{"id":"9","name":"ana","display_name":"Ana"},"message_type":"text_message","emotes":[{"id":"425618","name":"LUL","locations":["0-2","4-6"]}]}"#,
        r#"{"message_id":"m2","timestamp":1795456801000000,"author":{"name":"gifter"},"message_type":"mystery_subscription_gift","mass_gift_count":3}"#,
        r#"{"message_id":"m3","timestamp":1795456801000000,"author":{"name":"gifter"},"message_type":"subscription_gift"}"#,
        r#"{"message_id":"m4","timestamp":1795456801000000,"author":{"name":"gifter"},"message_type":"subscription_gift"}"#,
        r#"{"message_id":"m5","timestamp":1795456801000000,"author":{"name":"gifter"},"message_type":"subscription_gift"}"#,
        r#"{"message_id":"m6","timestamp":1795456802000000,"author":{"name":"raider"},"message_type":"raid","number_of_raiders":250}"#,
        r#"{"message_id":"m7","timestamp":1795456803000000,"author":{"name":"loyal"},"message_type":"resubscription","cumulative_months":9,"message":"hi all"}"#,
        r#"{"message_id":"m8","timestamp":1795456804000000,"author":{"name":"x"},"message_type":"brand_new_kind"}"#,
        r#"{"message_id":"m9","message":"no time","author":{"name":"x"}}"#,
    ];
    let r = replay(&lines.join("\n"));
    let s = &r.stats;
    assert_eq!((s.lines, s.errors, s.chat_messages), (9, 1, 1));
    assert_eq!(s.events.get("gifted_subs"), Some(&1));
    assert_eq!(s.events.get("raid"), Some(&1));
    assert_eq!(
        s.events.get("subscription"),
        Some(&1),
        "the resub text is not chat"
    );
}

/// A garbage mass gift (refused by the core) does not swallow the gifter's real gifts.
#[test]
fn an_implausible_mass_gift_in_an_export_swallows_nothing() {
    let gift = |id: u32, kind: &str, extra: &str| {
        format!(
            r#"{{"message_id":"m{id}","timestamp":179545680{id}000000,"author":{{"name":"gifter"}},"message_type":"{kind}"{extra}}}"#
        )
    };
    let mut lines = vec![gift(
        0,
        "mystery_subscription_gift",
        r#","mass_gift_count":50000"#,
    )];
    lines.extend((1..=3).map(|i| gift(i, "subscription_gift", "")));
    let r = replay(&lines.join("\n"));
    assert_eq!(r.stats.errors, 1, "{:?}", r.first_error);
    assert_eq!(r.stats.events.get("gifted_subs"), Some(&3));
}

#[test]
fn a_twitch_capture_replays_through_the_irc_mapping() {
    use crate::fake::twitch::lines::{self, Notice, Privmsg, User};
    let u = User::new("Ana", 7);
    let chat = |id: &str, text: &str, bits| {
        lines::privmsg(&Privmsg {
            id,
            room_id: 1,
            channel: "chan",
            user: &u,
            text,
            emotes: "",
            bits,
            sent_ms: 0,
        })
    };
    let n = |id| Notice {
        id,
        room_id: 1,
        channel: "chan",
        user: &u,
        sent_ms: 0,
    };
    let gift = |id, kind, count: u32| {
        let params = [
            ("mass-gift-count", count.to_string()),
            ("community-gift-id", "55".to_string()),
        ];
        lines::usernotice(&n(id), kind, &params, "gift", None)
    };
    let frames = [
        format!(
            "{}\r\n{}",
            chat("c1", "hello", None),
            chat("c2", "Cheer5 hi", Some(5))
        ),
        format!(
            "{}\r\n{}\r\n{}",
            gift("g0", "submysterygift", 2),
            gift("g1", "subgift", 1),
            gift("g2", "subgift", 1)
        ),
        // The overlap of a RECONNECT: the same lines on the second connection.
        format!(
            "{}\r\n{}",
            chat("c2", "Cheer5 hi", Some(5)),
            gift("g1", "subgift", 1)
        ),
        lines::PING.to_string(),
        "@only-tags".to_string(),
    ];
    let capture: Vec<String> = frames
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let frame = serde_json::Value::from(f.as_str()).to_string();
            crate::engine::capture::capture_line(Ts(1_795_456_800_000 + i as i64 * 1000), &frame)
        })
        .collect();
    let text = capture.join("\n");
    assert_eq!(detect(text.as_bytes()), Some(ExportKind::TwitchCapture));
    let r = replay(&text);
    let s = &r.stats;
    assert_eq!((s.lines, s.errors, s.chat_messages), (5, 1, 2));
    assert_eq!(s.duplicates, 2);
    assert_eq!(s.events.get("bits"), Some(&1));
    assert_eq!(
        s.events.get("gifted_subs"),
        Some(&1),
        "two gifts, announced once"
    );
}

/// A capture rewritten by another tool (spaces after the colons as Python writes JSON, keys
/// sorted) is still a capture, and a line over the 1 MB cap is counted and skipped, not read whole.
#[test]
fn a_spaced_capture_is_a_capture_and_an_overlong_line_is_skipped() {
    let line = |i: i64, text: &str| {
        let irc = format!(
            "@display-name=U{i};id=m{i};user-id={i};tmi-sent-ts=1 :u{i}!u{i}@u{i}.tmi.twitch.tv \
             PRIVMSG #chan :{text}"
        );
        serde_json::json!({"recv": Ts(1_795_456_800_000 + i * 1000).to_rfc3339(), "frame": irc})
            .to_string()
            .replace("\":", "\": ")
            .replace(",\"", ", \"")
    };
    let huge = format!(
        r#"{{"recv": "2026-11-24T12:00:09Z", "frame": "{}"}}"#,
        "x".repeat(3 << 20)
    );
    let text = [line(1, "hi"), huge, line(2, "KEKW")].join("\n");
    // Spaced, and with its keys in another order than kicktui writes them.
    assert!(text.starts_with(r#"{"frame": "@"#), "{}", &text[..40]);
    assert_eq!(detect(text.as_bytes()), Some(ExportKind::TwitchCapture));
    let r = replay(&text);
    assert_eq!(
        (r.stats.lines, r.stats.errors, r.stats.chat_messages),
        (3, 1, 2)
    );
    assert!(
        r.first_error
            .as_deref()
            .is_some_and(|e| e.contains("over 1 MB")),
        "{:?}",
        r.first_error
    );
}

/// Through a pipe the peek may end inside a long first line: a capture is still known by its
/// text, and a cut Kick capture (its frame an object) is not taken for one.
#[test]
fn a_first_line_cut_short_is_judged_by_its_text() {
    let twitch = r#"{"recv": "2026-11-24T12:00:00Z", "frame": "@badge-info=;badges=;color=#FF0000;display-name=Ana;emotes=;id=a1 :ana!ana@ana.tmi.twitch.tv PRIVMSG #chan :hel"#;
    assert_eq!(detect(twitch.as_bytes()), Some(ExportKind::TwitchCapture));
    let kick = r#"{"recv":"2026-11-24T12:00:00Z","frame":{"event":"App\Events\ChatMessageEvent","data":"{"id":"x","content":"hel"#;
    assert_eq!(detect(kick.as_bytes()), None);
    // Whole but broken, it is not a capture of either kind.
    assert_eq!(detect(format!("{twitch}\n").as_bytes()), None);
}

/// kicktui's own plain lines wrapped in a JSON array are taken for a chat-downloader export;
/// the error says what to write instead, not "no timestamp".
#[test]
fn plain_lines_in_an_array_are_told_to_go_one_per_line() {
    let r = replay(r#"[{"ts": 1600000006.0, "user": "u1", "text": "hi"}]"#);
    assert_eq!(r.stats.errors, 1);
    assert!(
        r.first_error
            .as_deref()
            .is_some_and(|e| e.contains("one object per line")),
        "{:?}",
        r.first_error
    );
}

/// RechatTool and the old rechat downloads: an array of Twitch API v5 comments, sometimes led
/// by the video. Offsets count from the video's `recorded_at`, else each comment has its time.
#[test]
fn an_array_of_v5_comments_replays_with_or_without_its_video() {
    let comment = |id: &str, offset: f64, at: &str, body: &str| {
        format!(
            r#"{{"_id":"{id}","created_at":"{at}","content_type":"video","content_offset_seconds":{offset},
              "commenter":{{"display_name":"Ana","_id":"7","name":"ana"}},"source":"chat","state":"published",
              "message":{{"body":"{body}","fragments":[{{"text":"{body}"}}],"user_badges":[{{"_id":"turbo","version":"1"}}]}}}}"#
        )
    };
    let video = r#"{"title":"NLSS","broadcast_type":"archive","recorded_at":"2016-11-25T01:36:23Z",
        "created_at":"2016-11-25T09:24:23Z","length":1878,"_id":"v1"}"#;
    let a = comment("c1", 0.5, "2016-11-25T01:36:38Z", "hi chat");
    let b = comment("c2", 2.0, "2016-11-25T01:36:40Z", "LUL");
    let r = replay(&format!("[{video},{a},{b}]"));
    let s = &r.stats;
    assert_eq!((s.lines, s.errors, s.chat_messages), (2, 0, 2));
    assert_eq!(s.first_ts, Ts::parse_rfc3339("2016-11-25T01:36:23.500Z"));

    let r = replay(&format!("[{a},{b}]"));
    assert_eq!((r.stats.errors, r.stats.chat_messages), (0, 2));
    assert_eq!(r.stats.first_ts, Ts::parse_rfc3339("2016-11-25T01:36:38Z"));
}
