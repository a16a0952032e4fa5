//! Words for every front end: a moment and its triggers, an event, a clip's state, as the
//! headless printer, the TUI, the metrics server and the alerts say them. One place, so the
//! four never drift apart.

use crate::detect::events::USD_PER_KICK;
use crate::domain::{Event, Moment, TriggerType};
use crate::media::ClipState;
use crate::time::format_offset_words;

const RULE: &str = "============================================================";

/// One short description per trigger, strongest first: `Velocity: 8.7 msg/s | Keywords: CLIP (5x)`.
pub fn trigger_summary(m: &Moment) -> String {
    let parts: Vec<String> = m
        .triggers
        .iter()
        .map(|t| {
            let d = &t.data;
            let num = |k: &str| d[k].as_f64().unwrap_or(0.0);
            let text = |k: &str| d[k].as_str().unwrap_or("?").to_string();
            match t.kind {
                TriggerType::ChatVelocity => format!("Velocity: {:.1} msg/s", num("rate")),
                TriggerType::Keyword => {
                    format!("Keywords: {} ({}x)", text("keyword"), num("count"))
                }
                TriggerType::EmoteSpam => format!("Emote: {} ({}x)", text("emote"), num("count")),
                TriggerType::SubBurst => format!("Subs: {} in {} s", num("subs"), num("window_s")),
                TriggerType::Donation => format!(
                    "Donation: ${:.2} from {}",
                    num("amount_usd"),
                    text("username")
                ),
                TriggerType::Raid => {
                    format!("Raid: {} with {} viewers", text("from"), num("viewers"))
                }
                TriggerType::ViewerSpike => {
                    format!("Viewers: {} (was {})", num("viewers"), num("baseline"))
                }
                TriggerType::Manual => "Marked by hand".to_string(),
            }
        })
        .collect();
    parts.join(" | ")
}

pub fn moment_banner(m: &Moment, saved: bool) -> String {
    let unsaved = if saved {
        ""
    } else {
        "\n  (NOT SAVED: the database refused it, see the log)"
    };
    format!(
        "{RULE}\n  {}\n  {}{unsaved}\n{RULE}",
        moment_title(m),
        trigger_summary(m)
    )
}

/// One line for a sub, gift, Kicks, donation or raid (never the message sent with it).
pub fn notable_line(e: &Event) -> Option<String> {
    Some(match e {
        Event::Subscription {
            username,
            months: 0 | 1,
        } => format!("New sub: {username}"),
        Event::Subscription { username, months } => {
            format!("Sub: {username} ({months} months)")
        }
        Event::GiftedSubs { gifter, count } => format!("Gift: {gifter} gifted {count} subs"),
        Event::Kicks { sender, amount, .. } => format!(
            "Kicks: {sender} sent {amount} Kicks (${:.2})",
            f64::from(*amount) * USD_PER_KICK
        ),
        Event::Donation {
            username,
            amount_usd,
            ..
        } => format!("Donation: ${amount_usd:.2} from {username}"),
        Event::Bits { username, amount } => format!("Bits: {amount} from {username}"),
        Event::Raid { from, viewers } => format!("Raid: {from} with {viewers} viewers"),
        _ => return None,
    })
}

/// `CHAT SPIKE at 1h 23m 45s`: the banner's headline, and an alert's first words.
pub fn moment_title(m: &Moment) -> String {
    format!(
        "{} at {}",
        m.trigger_type.headline(),
        format_offset_words(m.offset_s)
    )
}

/// A clip's state in one word for lists and the dashboard: `none` before it is asked for.
pub fn clip_status(state: Option<&ClipState>) -> &'static str {
    match state {
        None => "none",
        Some(ClipState::Queued) => "queued",
        Some(ClipState::Waiting) => "waiting",
        Some(ClipState::Cutting) => "cutting",
        Some(ClipState::Ready { .. }) => "ready",
        Some(ClipState::Short { .. }) => "short",
        Some(ClipState::NoRecording | ClipState::Failed(_)) => "failed",
    }
}

/// The clip file once it is final (ready, or ready but short).
pub fn final_clip(state: &ClipState) -> Option<&std::path::Path> {
    match state {
        ClipState::Ready { path, .. } | ClipState::Short { path, .. } => Some(path),
        _ => None,
    }
}

/// `12.3 MB` for a clip's size in an alert.
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MomentSource, Trigger, Ts};
    use serde_json::json;

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
                    data: json!({"rate": 8.7}),
                },
                Trigger {
                    kind: TriggerType::Keyword,
                    at: Ts(0),
                    strength: 1.0,
                    data: json!({"keyword": "CLIP", "count": 5}),
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
        let b = moment_banner(&moment(), true);
        assert!(b.contains("  CHAT SPIKE at 1h 23m 45s\n"), "{b}");
        assert!(
            b.contains("  Velocity: 8.7 msg/s | Keywords: CLIP (5x)\n"),
            "{b}"
        );
        assert!(moment_banner(&moment(), false).contains("NOT SAVED"));
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
}
