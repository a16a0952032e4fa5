use super::*;
use crate::domain::SubBurstData;

#[test]
fn a_path_in_a_suggested_command_is_one_shell_word() {
    assert_eq!(shell_word("/tmp/kt/demo"), "/tmp/kt/demo");
    assert_eq!(shell_word("/tmp/my demo"), "'/tmp/my demo'");
    assert_eq!(shell_word("/tmp/it's"), r"'/tmp/it'\''s'");
    assert_eq!(shell_word(""), "''");
}

#[test]
fn a_gift_burst_names_its_gifter() {
    let burst = |gifter: Option<&str>| {
        let data = TriggerData::SubBurst(SubBurstData {
            gifter: gifter.map(String::from),
            subs: 5,
            window_s: 60,
            span_s: 0,
        });
        trigger_words(TriggerType::SubBurst, &data)
    };
    assert_eq!(
        burst(Some("GenerousGoose")),
        "Subs: 5 in 60 s, gifted by GenerousGoose"
    );
    assert_eq!(burst(None), "Subs: 5 in 60 s");
}

#[test]
fn a_mark_says_whether_the_streamer_or_the_co_pilot_made_it() {
    let mark = |note: Option<&str>| {
        let data = TriggerData::Manual(crate::domain::ManualData {
            note: note.map(String::from),
        });
        trigger_words(TriggerType::Manual, &data)
    };
    assert_eq!(mark(None), "Marked by hand");
    assert_eq!(
        mark(Some("advisor: that play")),
        "Marked by the co-pilot: that play"
    );
}
use crate::domain::{MomentSource, Trigger, Ts};

fn moment() -> Moment {
    Moment {
        at: Ts(0),
        offset_s: 5025.0,
        trigger_type: TriggerType::ChatVelocity,
        triggers: vec![
            Trigger {
                kind: TriggerType::ChatVelocity,
                at: Ts(0),
                strength: 2.0,
                data: TriggerData::Velocity(VelocityData {
                    baseline: 1.2,
                    chatters: 40,
                    rate: 8.7,
                    window_s: 10,
                    z: 5.1,
                }),
            },
            Trigger {
                kind: TriggerType::Keyword,
                at: Ts(0),
                strength: 1.0,
                data: TriggerData::Keyword(crate::domain::KeywordData {
                    count: 5,
                    keyword: "CLIP".into(),
                }),
            },
        ],
        score: 25.0,
        source: MomentSource::Auto,
        clip_start: Ts(0),
        clip_end: Ts(0),
    }
}

#[test]
fn banner_reads_like_the_seed() {
    let b = moment_banner(&moment(), Some(12));
    assert!(
        b.contains("  CHAT SPIKE at 1h 23m 45s  (saved #12)\n"),
        "{b}"
    );
    assert!(
        b.contains("  Velocity: 8.7 msg/s | Keywords: CLIP (5x)\n"),
        "{b}"
    );
    assert!(moment_banner(&moment(), None).contains("NOT SAVED"));
}

#[test]
fn titles_and_clip_words() {
    assert_eq!(moment_title(&moment()), "CHAT SPIKE at 1h 23m 45s");
    assert_eq!(clip_status(None), "none");
    let ready = ClipState::Ready {
        path: "/c/a.mp4".into(),
        duration: 30.0,
    };
    assert_eq!(clip_status(Some(&ready)), "ready");
    assert_eq!(final_clip(&ready), Some(std::path::Path::new("/c/a.mp4")));
    assert_eq!(final_clip(&ClipState::Cutting), None);
    assert_eq!(megabytes(12_345_678), "12.3 MB");
}

#[test]
fn a_repeated_phrase_is_not_called_an_emote() {
    let emote = |name: &str| {
        TriggerData::Emote(crate::domain::EmoteData {
            chatters: 9,
            count: 10,
            emote: name.into(),
        })
    };
    let words = |d| trigger_words(TriggerType::EmoteSpam, &d);
    assert_eq!(words(emote("KEKW")), "Emote: KEKW (10x)");
    assert_eq!(
        words(emote("\"clip that mods\"")),
        "Repeated: \"clip that mods\" (10x)"
    );
}

#[test]
fn money_says_what_it_was_paid_in() {
    let paid = |kicks, bits| {
        TriggerData::Donation(crate::domain::DonationData {
            amount_usd: 10.0,
            bits,
            kicks,
            username: "lunarbean".into(),
        })
    };
    let words = |d| trigger_words(TriggerType::Donation, &d);
    assert_eq!(
        words(paid(Some(1000), None)),
        "1000 Kicks: $10.00 from lunarbean"
    );
    assert_eq!(
        words(paid(None, Some(1000))),
        "1000 bits: $10.00 from lunarbean"
    );
    assert_eq!(words(paid(None, None)), "Donation: $10.00 from lunarbean");
}

/// The details popup's second line under a trigger says what its words leave out: a tip's
/// Kicks and a gift burst's gifter are in the words already (the popup said them twice).
#[test]
fn details_do_not_repeat_the_words() {
    let kicks = TriggerData::Donation(crate::domain::DonationData {
        amount_usd: 10.0,
        bits: None,
        kicks: Some(1000),
        username: "lunarbean".into(),
    });
    let gift = TriggerData::SubBurst(SubBurstData {
        gifter: Some("GenerousGoose".into()),
        subs: 5,
        window_s: 60,
        span_s: 0,
    });
    for (kind, data) in [
        (TriggerType::Donation, kicks),
        (TriggerType::SubBurst, gift),
    ] {
        let words = trigger_words(kind, &data);
        let details = trigger_details(&data);
        assert!(details.is_empty(), "{words:?} then {details:?}");
    }
}

#[test]
fn peaks_and_clip_requests_say_what_they_found() {
    let peak = TriggerData::Peak(crate::domain::PeakData {
        baseline: 4.88,
        chatters: 50,
        count: 56,
        p: 0.92,
        window_s: 20,
        new_reaction: false,
    });
    assert_eq!(
        trigger_words(TriggerType::ChatVelocity, &peak),
        "Velocity: 2.8 msg/s"
    );
    // The model's confidence in words a reader takes in (it was `p 0.92`).
    assert_eq!(
        trigger_details(&peak),
        "56 messages from 50 chatters in 20 s, usually 4.9; 92 % likely a moment"
    );
    let asked = TriggerData::ClipRequests(crate::domain::ClipRequestsData { viewers: 3 });
    assert_eq!(
        trigger_words(TriggerType::Keyword, &asked),
        "Clip requests: 3 viewers"
    );
    let odd = TriggerData::Other(serde_json::json!({"s": 1}));
    assert_eq!(trigger_words(TriggerType::Raid, &odd), "RAID");
    assert_eq!(trigger_details(&odd), r#"{"s":1}"#);
}

/// Names and emotes come from chat and platforms: a hostile one cannot drive the terminal
/// (clear the screen, set its title) or reorder a banner.
#[test]
fn names_from_chat_reach_no_terminal_raw() {
    use crate::domain::{EmoteData, RaidData};
    let raid = TriggerData::Raid(RaidData {
        from: "\u{1b}]0;pwned\u{7}\u{1b}[2Jraider".into(),
        viewers: 50,
    });
    let emote = TriggerData::Emote(EmoteData {
        emote: "\u{202E}WLEK".into(),
        count: 9,
        chatters: 9,
    });
    let hostile = |s: &str| s.contains(['\u{1b}', '\u{7}', '\u{202E}']);
    let gift = TriggerData::SubBurst(crate::domain::SubBurstData {
        gifter: Some("\u{202E}gifter".into()),
        subs: 5,
        window_s: 60,
        span_s: 0,
    });
    for (kind, data) in [
        (TriggerType::Raid, raid),
        (TriggerType::EmoteSpam, emote),
        (TriggerType::SubBurst, gift),
    ] {
        let words = trigger_words(kind, &data);
        assert!(!hostile(&words), "{words:?}");
        let details = trigger_details(&data);
        assert!(!hostile(&details), "{details:?}");
    }
    // The line each sub, gift, tip and raid prints (headless stdout, the log).
    let raid = Event::Raid {
        from: "\u{1b}]0;pwned\u{7}raider".into(),
        viewers: 50,
    };
    let line = notable_line(&raid).unwrap_or_default();
    assert!(!hostile(&line) && line.contains("raider"), "{line:?}");
}

#[test]
fn a_sub_without_a_name_still_reads() {
    let sub = Event::Subscription {
        username: " ".into(),
        months: 1,
    };
    assert_eq!(notable_line(&sub).as_deref(), Some("New sub: someone"));
}
