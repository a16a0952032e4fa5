//! Words for every front end: a moment and its triggers, an event, a clip's state, as the
//! headless printer, the TUI, the metrics server and the alerts say them. One place, so the
//! four never drift apart.

use crate::detect::events::USD_PER_KICK;
use crate::domain::{
    Event, ManualData, Moment, SurgeData, TriggerData, TriggerType, Ts, VelocityData,
};
use crate::media::ClipState;
use crate::terminal_text::shown;
use crate::time::format_offset_words;

/// ` --config FILE --data-dir DIR` when this run's data is not where a plain `kicktui` looks
/// (the demo's, or a `--data-dir` / `--config` given): set once at start, so the commands the
/// words suggest for later find this run's data and tools (a config may name ffmpeg or an
/// `on_ready` hook).
static DATA_DIR_ARG: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub fn name_run_in_commands(config: Option<&std::path::Path>, dir: &std::path::Path) {
    let config = config.map_or(String::new(), |c| {
        format!(" --config {}", shell_word(&c.to_string_lossy()))
    });
    let _ = DATA_DIR_ARG.set(format!(
        "{config} --data-dir {}",
        shell_word(&dir.to_string_lossy())
    ));
}

/// Where a person finds the Kick ids that skip the channel lookup (one wording everywhere).
pub fn kick_ids_how_to(slug: &str) -> String {
    let slug = slug.strip_prefix("kick:").unwrap_or(slug);
    format!("a browser opening kick.com/api/v2/channels/{slug} shows them as id and chatroom.id")
}

/// `1 clip`, `3 clips`.
pub fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// One line to stdout once the TUI has given the terminal back. The terminal may be gone (a
/// closed window, a dropped SSH link: SIGHUP): the line is lost then, never a panic that would
/// cut the shutdown short.
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// [`say`] on stderr.
pub fn say_err(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Prints a command's output; a reader that went away (`| head`) is not an error.
pub fn print_all(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

/// A kicktui command to run later, e.g. `later_command("clip --pending")`.
pub fn later_command(args: &str) -> String {
    format!(
        "kicktui{} {args}",
        DATA_DIR_ARG.get().map_or("", String::as_str)
    )
}

/// `s` as one shell word: quoted unless it is plain.
pub fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./-+:@%".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

const RULE: &str = "============================================================";

/// One short description per trigger, strongest first: `Velocity: 8.7 msg/s | Keywords: CLIP (5x)`.
pub fn trigger_summary(m: &Moment) -> String {
    let parts: Vec<String> = m
        .triggers
        .iter()
        .map(|t| trigger_words(t.kind, &t.data))
        .collect();
    parts.join(" | ")
}

/// One trigger in a few words: `Velocity: 8.7 msg/s`. Names and emotes come from chat: no
/// control character or bidi override in them reaches a terminal.
pub fn trigger_words(kind: TriggerType, data: &TriggerData) -> String {
    match data {
        TriggerData::Velocity(VelocityData { rate, .. })
        | TriggerData::Surge(SurgeData { rate, .. }) => format!("Velocity: {rate:.1} msg/s"),
        // The peak's count over its window: it has no rate of its own.
        TriggerData::Peak(d) => format!(
            "Velocity: {:.1} msg/s",
            f64::from(d.count) / d.window_s.max(1) as f64
        ),
        TriggerData::Keyword(d) => format!("Keywords: {} ({}x)", shown(&d.keyword), d.count),
        TriggerData::ClipRequests(d) => format!("Clip requests: {} viewers", d.viewers),
        TriggerData::Emote(d) if d.emote == crate::detect::emotes::HIDDEN_PHRASE => {
            format!("Repeated phrase ({}x)", d.count)
        }
        // A phrase chat repeats (quoted) is not an emote.
        TriggerData::Emote(d) if crate::detect::emotes::is_phrase(&d.emote) => {
            format!("Repeated: {} ({}x)", shown(&d.emote), d.count)
        }
        TriggerData::Emote(d) => format!("Emote: {} ({}x)", shown(&d.emote), d.count),
        TriggerData::SubBurst(d) => match &d.gifter {
            Some(g) => format!(
                "Subs: {} in {} s, gifted by {}",
                d.subs,
                d.window_s,
                shown(g)
            ),
            None => format!("Subs: {} in {} s", d.subs, d.window_s),
        },
        // Say what the money was: the report counts Kicks and bits apart from donations.
        TriggerData::Donation(d) => {
            let what = match (d.kicks, d.bits) {
                (Some(k), _) => format!("{k} Kicks"),
                (None, Some(b)) => format!("{b} bits"),
                (None, None) => "Donation".into(),
            };
            format!("{what}: ${:.2} from {}", d.amount_usd, shown(&d.username))
        }
        TriggerData::Raid(d) => format!("Raid: {} with {} viewers", shown(&d.from), d.viewers),
        TriggerData::ViewerSpike(d) => format!("Viewers: {} (was {})", d.viewers, d.baseline),
        TriggerData::Manual(d) => match d.advisor_reason() {
            Some(reason) => format!("Marked by the co-pilot: {reason}"),
            None => "Marked by hand".to_string(),
        },
        // Stored by another version: its kind is all that is sure.
        TriggerData::Other(_) => kind.headline().to_string(),
    }
}

/// What the trigger's words leave out, for the details popup; empty when nothing is.
pub fn trigger_details(data: &TriggerData) -> String {
    match data {
        TriggerData::Velocity(d) => format!(
            "{} chatters, usually {:.1} msg/s (z {:.1}) over {} s",
            d.chatters, d.baseline, d.z, d.window_s
        ),
        // The model's p as a share: `p 0.92` told a reader nothing.
        TriggerData::Peak(d) => format!(
            "{} messages from {} chatters in {} s, usually {:.1}; {:.0} % likely a moment",
            d.count,
            d.chatters,
            d.window_s,
            d.baseline,
            d.p * 100.0
        ),
        TriggerData::Surge(d) => format!(
            "{} chatters in {} s, {:.0} % the same word; before at most {:.1} msg/s",
            d.chatters,
            d.window_s,
            d.same_word_share * 100.0,
            d.highest_rate_before
        ),
        TriggerData::ClipRequests(d) => format!("{} viewers asked", d.viewers),
        TriggerData::Emote(d) => format!("{} chatters", d.chatters),
        TriggerData::Manual(ManualData { note: Some(n) }) => format!("note: {}", shown(n)),
        // All there is to show of a shape this version does not know.
        TriggerData::Other(v) => shown(&v.to_string()).into_owned(),
        _ => String::new(),
    }
}

/// Why a clip is short when the recording does not know (a hole, or the recording ended).
pub const SHORT_CLIP_WHY: &str = "part of it was not recorded";

/// A cut clip's length in the words every front end says it (the TUI's flash and details,
/// the stream's-end and quit lines): `26.5 s`, or `short: 56.2 of 60 s, <why>` when it came
/// out shorter than the `short_of` seconds asked.
pub fn clip_length_words(secs: f64, short_of: Option<f64>, why: Option<&str>) -> String {
    match short_of {
        None => format!("{secs:.1} s"),
        Some(asked) => {
            let why = why.unwrap_or(SHORT_CLIP_WHY);
            format!("short: {secs:.1} of {} s, {why}", whole_or_tenths(asked))
        }
    }
}

/// What `kicktui clip` cut: `cut 28.2 s: it starts 1.2 s before the asked start, at the
/// keyframe there` (a clip is named after its window, not after what the keyframe added).
pub fn cut_length_line(secs: f64, lead_in: f64) -> String {
    let cut = format!("cut {}", clip_length_words(secs, None, None));
    if lead_in < 0.05 {
        return cut;
    }
    format!("{cut}: it starts {lead_in:.1} s before the asked start, at the keyframe there")
}

/// `60`, `59.5`: an asked length as set, without a `.0`.
fn whole_or_tenths(s: f64) -> String {
    let t = format!("{s:.1}");
    t.strip_suffix(".0")
        .map_or_else(|| t.clone(), str::to_string)
}

/// `id`: its row (saved as `#N`, which `kicktui clip` and the report name it by), or None
/// when the database refused it.
pub fn moment_banner(m: &Moment, id: Option<i64>) -> String {
    let (saved, unsaved) = match id {
        Some(id) => (format!("  (saved #{id})"), ""),
        None => (
            String::new(),
            "\n  (NOT SAVED: the database refused it, see the log)",
        ),
    };
    format!(
        "{RULE}\n  {}{saved}\n  {}{unsaved}\n{RULE}",
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
        } => format!("New sub: {}", who(username)),
        Event::Subscription { username, months } => {
            format!("Sub: {} ({months} months)", who(username))
        }
        Event::GiftedSubs { gifter, count: 1 } => {
            format!("Gift: {} gifted 1 sub", who(gifter))
        }
        Event::GiftedSubs { gifter, count } => {
            format!("Gift: {} gifted {count} subs", who(gifter))
        }
        Event::Kicks { sender, amount, .. } => format!(
            "Kicks: {} sent {amount} Kicks (${:.2})",
            who(sender),
            f64::from(*amount) * USD_PER_KICK
        ),
        Event::Donation {
            username,
            amount_usd,
            ..
        } => format!("Donation: ${amount_usd:.2} from {}", who(username)),
        Event::Bits { username, amount } => format!("Bits: {amount} from {}", who(username)),
        Event::Raid { from, viewers } => {
            format!("Raid: {} with {viewers} viewers", who(from))
        }
        _ => return None,
    })
}

/// A name as shown in a line about money or a raid; a platform that left it out still reads.
fn who(name: &str) -> std::borrow::Cow<'_, str> {
    match shown(name) {
        n if n.trim().is_empty() => "someone".into(),
        n => n,
    }
}

/// `CHAT SPIKE at 1h 23m 45s`: the banner's headline, and an alert's first words.
pub fn moment_title(m: &Moment) -> String {
    format!("{} at {}", m.headline(), format_offset_words(m.offset_s))
}

/// A building moment is said again (`now:`) at most this often: a surge changing its name
/// trigger by trigger scrolled its banner away. The final line says the rest.
pub const NOW_LINE_EVERY_MS: i64 = 5000;

/// A moment as its last line named it, and when: what the TUI's log pane and headless share
/// to say a building moment again.
#[derive(Clone, Debug, PartialEq)]
pub struct Said {
    pub at: Ts,
    pub headline: &'static str,
    pub triggers: usize,
}

impl Said {
    pub fn of(m: &Moment, at: Ts) -> Said {
        Said {
            at,
            headline: m.headline(),
            triggers: m.triggers.len(),
        }
    }

    /// Whether `m` is worth a line now: its name or trigger count differs from what was said
    /// (a new score alone is not), and while it builds at most every [`NOW_LINE_EVERY_MS`].
    pub fn due(said: Option<&Said>, m: &Moment, building: bool, now: Ts) -> bool {
        let Some(s) = said else { return true };
        let differs = s.headline != m.headline() || s.triggers != m.triggers.len();
        differs && (!building || now.0 - s.at.0 >= NOW_LINE_EVERY_MS)
    }
}

/// `Moment #4 now: EMOTE SPAM at 12s: …` (or `final:`): what a shown moment became.
pub fn moment_news(id: Option<i64>, word: &str, m: &Moment) -> String {
    let id = id.map(|i| format!(" #{i}")).unwrap_or_default();
    format!(
        "Moment{id} {word}: {}: {} (score {:.1})",
        moment_title(m),
        trigger_summary(m),
        m.score
    )
}

/// A clip's state in one word for lists and the dashboard: `none` before it is asked for.
pub fn clip_status(state: Option<&ClipState>) -> &'static str {
    match state {
        // Left pending while its recording file is missing: not cut, as before it was asked.
        None | Some(ClipState::FileMissing(_)) => "none",
        Some(ClipState::Queued) => "queued",
        Some(ClipState::Waiting) => "waiting",
        Some(ClipState::Cutting) => "cutting",
        Some(ClipState::Ready { .. } | ClipState::AlreadyCut { short: false, .. }) => "ready",
        Some(ClipState::Short { .. } | ClipState::AlreadyCut { short: true, .. }) => "short",
        Some(ClipState::NoRecording) => "no_recording",
        Some(ClipState::Failed(_)) => "failed",
        Some(ClipState::Skipped) => "skipped",
    }
}

/// The clip file once it is final (ready, or ready but short).
pub fn final_clip(state: &ClipState) -> Option<&std::path::Path> {
    match state {
        ClipState::Ready { path, .. }
        | ClipState::Short { path, .. }
        | ClipState::AlreadyCut { path, .. } => Some(path),
        _ => None,
    }
}

/// `12.3 MB` for a clip's size in an alert.
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

#[cfg(test)]
#[path = "present_tests.rs"]
mod tests;
