//! Measuring helpers shared by `--bench` flags and the bench binaries.

/// Peak resident memory of this process in KiB (Linux `VmHWM`).
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// A real-shaped Kick `ChatMessageEvent` Pusher frame: full sender identity, two badges and a
/// `badges_v2` level badge, about 800 bytes as received (kick-protocol.md §2.1).
pub fn kick_chat_frame(i: u64, unix_s: i64) -> String {
    const WORDS: [&str; 12] = [
        "KEKW",
        "no way",
        "LMAO",
        "W",
        "that was insane",
        "gg",
        "?",
        "chat is this real",
        "CLIP THAT",
        "lol",
        "[emote:37226:KEKW]",
        "monkaS",
    ];
    let user = i.wrapping_mul(2_654_435_761) % 5000;
    let text = format!(
        "{} {}",
        WORDS[(i % 12) as usize],
        WORDS[(i / 12 % 12) as usize]
    );
    let created = crate::time::Ts(unix_s * 1000).to_rfc3339();
    let created = created.trim_end_matches('Z');
    let id = format!("{:08x}-3a4b-4c5d-9e6f-{:012x}", i as u32, i);
    let payload = format!(
        concat!(
            r#"{{"id":"{id}","chatroom_id":4567890,"content":"{text}","type":"message","created_at":"{created}+00:00","#,
            r##""sender":{{"id":{uid},"username":"viewer_{user}","slug":"viewer_{user}","identity":{{"color":"#E9113C","##,
            r#""badges":[{{"type":"subscriber","text":"Subscriber","count":14,"sort_order":9}},{{"type":"og","text":"OG","sort_order":4}}],"#,
            r#""badges_v2":[{{"name":"level","badge_type":"global","image_url":"https://files.kick.com/images/badges/global/level/23/5f1c9a2e-7b3d-4e8a-9c61-0d2b4f7a8e93.png","#,
            r#""metadata":{{"level":23}},"selected":true,"sort_order":1}}]}}}},"metadata":{{"message_ref":"{mref}"}}}}"#
        ),
        id = id,
        text = text,
        created = created,
        uid = 1_000_000 + user,
        user = user,
        mref = 1_790_525_515_401u64 + i,
    );
    // Kick's own key order: event, data, channel.
    let data = serde_json::Value::String(payload).to_string();
    format!(
        r#"{{"event":"App\\Events\\ChatMessageEvent","data":{data},"channel":"chatrooms.4567890.v2"}}"#
    )
}
