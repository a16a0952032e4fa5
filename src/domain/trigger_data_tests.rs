use super::*;
use crate::domain::{Trigger, Ts};

/// One of each, with the JSON the detectors wrote by hand before the data was typed.
fn every_kind() -> Vec<(TriggerType, TriggerData, &'static str)> {
    use TriggerData as D;
    vec![
        (
            TriggerType::ChatVelocity,
            D::Velocity(VelocityData {
                baseline: 1.25,
                chatters: 31,
                rate: 8.7,
                window_s: 10,
                z: 4.0,
            }),
            r#"{"baseline":1.25,"chatters":31,"rate":8.7,"window_s":10,"z":4.0}"#,
        ),
        (
            TriggerType::ChatVelocity,
            D::Peak(PeakData {
                baseline: 4.88,
                chatters: 56,
                count: 56,
                p: 0.92,
                window_s: 20,
                new_reaction: false,
            }),
            r#"{"baseline":4.88,"chatters":56,"count":56,"detector":"peak","p":0.92,"window_s":20}"#,
        ),
        (
            TriggerType::ChatVelocity,
            D::Surge(SurgeData {
                chatters: 50,
                highest_before: 17,
                highest_rate_before: 0.85,
                rate: 10.6,
                same_word_share: 0.94,
                window_s: 5,
                new_reaction: false,
            }),
            r#"{"chatters":50,"detector":"surge","highest_before":17,"highest_rate_before":0.85,"rate":10.6,"same_word_share":0.94,"window_s":5}"#,
        ),
        (
            TriggerType::Keyword,
            D::Keyword(KeywordData {
                count: 39,
                keyword: "CLIP THAT".into(),
            }),
            r#"{"count":39,"keyword":"CLIP THAT"}"#,
        ),
        (
            TriggerType::Keyword,
            D::ClipRequests(ClipRequestsData { viewers: 2 }),
            r#"{"clip_command":true,"keyword":"!clip","viewers":2}"#,
        ),
        (
            TriggerType::EmoteSpam,
            D::Emote(EmoteData {
                chatters: 19,
                count: 19,
                emote: "KEKW".into(),
            }),
            r#"{"chatters":19,"count":19,"emote":"KEKW"}"#,
        ),
        (
            TriggerType::SubBurst,
            D::SubBurst(SubBurstData {
                gifter: Some("BigGifter".into()),
                subs: 7,
                window_s: 60,
                span_s: 0,
            }),
            r#"{"gifter":"BigGifter","subs":7,"window_s":60}"#,
        ),
        (
            TriggerType::SubBurst,
            D::SubBurst(SubBurstData {
                gifter: None,
                subs: 5,
                window_s: 60,
                span_s: 0,
            }),
            r#"{"subs":5,"window_s":60}"#,
        ),
        (
            TriggerType::Donation,
            D::Donation(DonationData {
                amount_usd: 5.0,
                bits: None,
                kicks: Some(500),
                username: "Donor".into(),
            }),
            r#"{"amount_usd":5.0,"kicks":500,"username":"Donor"}"#,
        ),
        (
            TriggerType::Donation,
            D::Donation(DonationData {
                amount_usd: 1.0,
                bits: Some(100),
                kicks: None,
                username: "cheerer".into(),
            }),
            r#"{"amount_usd":1.0,"bits":100,"username":"cheerer"}"#,
        ),
        (
            TriggerType::Donation,
            D::Donation(DonationData {
                amount_usd: 25.46,
                bits: None,
                kicks: None,
                username: "c".into(),
            }),
            r#"{"amount_usd":25.46,"username":"c"}"#,
        ),
        (
            TriggerType::Raid,
            D::Raid(RaidData {
                from: "Raider".into(),
                viewers: 250,
            }),
            r#"{"from":"Raider","viewers":250}"#,
        ),
        (
            TriggerType::ViewerSpike,
            D::ViewerSpike(ViewerSpikeData {
                baseline: 400,
                viewers: 2000,
            }),
            r#"{"baseline":400,"viewers":2000}"#,
        ),
        (
            TriggerType::Manual,
            D::Manual(ManualData {
                note: Some("that play".into()),
            }),
            r#"{"note":"that play"}"#,
        ),
        (TriggerType::Manual, D::Manual(ManualData::default()), "{}"),
    ]
}

#[test]
fn every_kind_writes_the_json_it_always_wrote_and_reads_it_back() {
    for (kind, data, json) in every_kind() {
        assert_eq!(data.to_string(), json, "Display");
        assert_eq!(serde_json::to_string(&data).unwrap(), json, "Serialize");
        let stored: Value = serde_json::from_str(json).unwrap();
        assert_eq!(TriggerData::from_json(kind, stored), data, "{json}");
    }
}

#[test]
fn shapes_it_does_not_know_are_kept_as_they_are() {
    let odd = [
        // Another detector's fields, an extra key, an integer where a float was written, a
        // float where an integer was, not an object at all.
        (TriggerType::ChatVelocity, r#"{"s":1.5}"#),
        (TriggerType::Raid, r#"{"from":"a","viewers":3,"extra":1}"#),
        (TriggerType::Donation, r#"{"amount_usd":5,"username":"d"}"#),
        (TriggerType::SubBurst, r#"{"subs":5.0,"window_s":60}"#),
        (
            TriggerType::Keyword,
            r#"{"clip_command":true,"keyword":"!clap","viewers":2}"#,
        ),
        (TriggerType::Manual, "null"),
        (TriggerType::EmoteSpam, r#"[1,2]"#),
    ];
    for (kind, json) in odd {
        let v: Value = serde_json::from_str(json).unwrap();
        let d = TriggerData::from_json(kind, v.clone());
        assert_eq!(d, TriggerData::Other(v.clone()), "{json}");
        let again: Value = serde_json::from_str(&d.to_string()).unwrap();
        assert_eq!(again, v, "written back unchanged");
    }
}

#[test]
fn a_stored_trigger_reads_back_typed() {
    let stored = r#"{"at":"2026-09-27T16:25:18Z","data":{"from":"Raider","viewers":250},
                     "strength":5.6,"type":"raid"}"#;
    let t: Trigger = serde_json::from_str(stored).unwrap();
    assert_eq!(t.kind, TriggerType::Raid);
    // Its strength and time as stored: a resumed session's details said x0.0 for every one.
    assert_eq!(t.strength, 5.6);
    assert_eq!(Some(t.at), Ts::parse_rfc3339("2026-09-27T16:25:18Z"));
    assert_eq!(
        t.data,
        TriggerData::Raid(RaidData {
            from: "Raider".into(),
            viewers: 250
        })
    );
    let old: Trigger = serde_json::from_str(r#"{"type":"manual"}"#).unwrap();
    assert_eq!(old.data, TriggerData::Other(Value::Null));
    assert_eq!(
        (old.strength, old.at),
        (0.0, Ts::default()),
        "missing: the defaults"
    );
    // A strength or time of the wrong kind reads as missing, not as an unreadable row.
    let odd = r#"{"type":"manual","at":5,"strength":"high"}"#;
    let odd: Trigger = serde_json::from_str(odd).unwrap();
    assert_eq!((odd.strength, odd.at), (0.0, Ts::default()));
    assert_eq!(
        serde_json::to_string(&t).unwrap(),
        r#"{"type":"raid","data":{"from":"Raider","viewers":250}}"#
    );
}
