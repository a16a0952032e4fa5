use super::*;

fn seg(name: &str, secs: f64, e: Option<f64>, r: Option<f64>, sug: Option<&str>) -> SegmentRow {
    SegmentRow {
        name: name.into(),
        seconds: secs,
        engagement: e,
        reward: r,
        suggested: sug.map(String::from),
        ..SegmentRow::default()
    }
}

#[test]
fn activities_and_suggestions_are_summed_from_the_segments() {
    let mut r = Report {
        segments: vec![
            seg("talk", 100.0, Some(40.0), None, None),
            seg("react", 300.0, Some(80.0), Some(0.8), Some("react")),
            seg("talk", 300.0, Some(60.0), Some(0.6), Some("react")),
        ],
        ..Report::default()
    };
    r.summarize_segments();
    let talk = &r.activities[0];
    assert_eq!((talk.segments, talk.rewarded), (2, 1));
    assert_eq!(talk.engagement, Some(55.0));
    assert_eq!(talk.reward, Some(0.6));
    assert_eq!(
        r.suggestions,
        Suggestions {
            made: 2,
            followed: 1
        }
    );
    let md = r.to_markdown();
    assert!(
        md.contains("| react | 1 | 0:05:00 | 80.0 | 0.800 (1×) |"),
        "{md}"
    );
    assert!(md.contains("Suggestions followed: 1 of 2."));
    assert!(!md.contains("Advisor"), "no advisor, no line");
    r.advisor = Some("advisor: 2 calls, 1 suggestion, 1 followed (100 %)".into());
    assert!(
        r.to_markdown()
            .contains("- Advisor: 2 calls, 1 suggestion, 1 followed (100 %)\n")
    );
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["suggestions"]["followed"], 1);
}

#[test]
fn the_chat_peak_names_its_window_and_is_left_out_without_windows() {
    let mut r = Report {
        messages: 4976,
        ..Report::default()
    };
    assert!(
        r.to_markdown()
            .contains("- Chat: 4976 messages counted (no bots or !commands)\n"),
        "unknown: left out"
    );
    (r.peak_velocity, r.peak_window_s) = (15.4, 10.0);
    assert!(r.to_markdown().contains(
        "- Chat: 4976 messages counted (no bots or !commands), peak 15.4 msg/s over 10 s\n"
    ));
}

#[test]
fn a_channel_named_with_escape_sequences_is_cleaned_in_the_title() {
    let r = Report {
        platform: "replay".into(),
        channel: "evil\x1b]0;PWNED\x07\x1b[31mred".into(),
        ..Report::default()
    };
    let md = r.to_markdown();
    let title = md.lines().next().unwrap_or_default();
    // The sequences go whole, their parameters too.
    assert!(
        title.starts_with("# Stream report: replay:evil red ("),
        "{title:?}"
    );
}

#[test]
fn revenue_names_only_this_platforms_tips() {
    let mut r = Report {
        platform: "kick".into(),
        ..Report::default()
    };
    let line = |r: &Report| {
        let md = r.to_markdown();
        md.lines()
            .find(|l| l.starts_with("- Revenue:"))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line(&r).contains("0 Kicks") && !line(&r).contains("bits"),
        "{}",
        line(&r)
    );
    r.platform = "twitch".into();
    // The title names the platform as the command line does.
    assert!(r.to_markdown().starts_with("# Stream report: twitch:"));
    assert!(
        line(&r).contains("0 bits") && !line(&r).contains("Kicks"),
        "{}",
        line(&r)
    );
}

#[test]
fn every_moment_is_listed_with_its_clip_or_why_there_is_none() {
    let line = |id, status: &str, path: Option<&str>| MomentLine {
        id,
        offset_s: 60.0 * id as f64,
        kind: "chat_velocity".into(),
        score: 83.0,
        clip_status: status.into(),
        clip_path: path.map(String::from),
    };
    let r = Report {
        moment_list: vec![
            line(1, "done", Some("/clips/a_m1.mp4")),
            line(2, "short", Some("/clips/a_m2.mp4")),
            line(3, "pending", None),
            line(4, "no_recording", None),
        ],
        ..Report::default()
    };
    let md = r.to_markdown();
    for want in [
        "## Moments",
        "| 1 | 0:01:00 | chat spike | 83.0 | /clips/a_m1.mp4 |",
        "| 2 | 0:02:00 | chat spike | 83.0 | /clips/a_m2.mp4 (short) |",
        "| 3 | 0:03:00 | chat spike | 83.0 | not cut yet (`kicktui clip --pending`) |",
        "| 4 | 0:04:00 | chat spike | 83.0 | no recording |",
    ] {
        assert!(md.contains(want), "{want} in {md}");
    }
    assert!(!Report::default().to_markdown().contains("## Moments"));
}

/// The summary line names kinds as the Moments table does ("chat spike", not the column
/// value "chat_velocity").
#[test]
fn the_moments_line_uses_the_tables_words() {
    let r = Report {
        moments: vec![
            Count {
                kind: "chat_velocity".into(),
                count: 2,
            },
            Count {
                kind: "sub_burst".into(),
                count: 1,
            },
        ],
        ..Report::default()
    };
    let md = r.to_markdown();
    assert!(
        md.contains("- Moments: 3 (2 chat spikes, 1 sub burst)"),
        "{md}"
    );
}

#[test]
fn an_offline_session_and_a_replayed_twitch_log_are_told_as_what_they_are() {
    let offline = Report {
        platform: "kick".into(),
        offline: true,
        ..Report::default()
    };
    let md = offline.to_markdown();
    assert!(md.contains("No stream was live in this session"), "{md}");
    assert!(!md.contains("none was set"), "{md}");
    let mut replayed = Report {
        platform: "replay".into(),
        ..Report::default()
    };
    replayed.money.bits = 350;
    let md = replayed.to_markdown();
    assert!(md.contains("350 bits") && !md.contains("0 Kicks"), "{md}");
    replayed.money.bits = 0;
    assert!(replayed.to_markdown().contains("0 Kicks"), "neither came");
}
