//! The status bar: live state and uptime, channel, viewers, chat connection, recording,
//! trouble, data dir. Pieces are kept by rank while they fit on one line.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme::Theme;
use crate::app::{App, RecState, Storage};
use crate::source::ChatState;
use crate::text_fit::{self, group_digits, shorten_left};
use crate::time::format_hms;

const SEP: &str = " │ ";
const SEP_WIDTH: usize = 3;

/// One piece of the bar, with a shorter form to fall back on when the whole does not fit.
struct Piece<'a> {
    rank: u8,
    full: Vec<Span<'a>>,
    short: Option<Vec<Span<'a>>>,
}

impl<'a> Piece<'a> {
    fn new(rank: u8, full: Vec<Span<'a>>) -> Piece<'a> {
        Piece {
            rank,
            full,
            short: None,
        }
    }
}

pub fn render(app: &App, th: &Theme, area: Rect, buf: &mut Buffer) {
    let pieces = pieces(app, th);
    // Kept by rank while they fit, shown in their usual order.
    let width_of = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    let sizes: Vec<text_fit::Piece> = pieces
        .iter()
        .map(|p| text_fit::Piece {
            rank: p.rank,
            full: width_of(&p.full),
            short: p.short.as_deref().map(width_of),
        })
        .collect();
    let shown = text_fit::keep_by_rank(&sizes, SEP_WIDTH, area.width as usize);
    let mut spans: Vec<Span> = Vec::new();
    for (piece, whole) in pieces.into_iter().zip(shown) {
        let Some(whole) = whole else { continue };
        if !spans.is_empty() {
            spans.push(Span::styled(SEP, th.dim));
        }
        match (whole, piece.short) {
            (false, Some(short)) => spans.extend(short),
            _ => spans.extend(piece.full),
        }
    }
    Line::from(spans).render(area, buf);
}

/// A piece's rank: lower stays longer as the bar narrows. Recording and chat outrank the
/// viewer count: a streamer glancing at a narrow pane needs to know the clips are safe.
const MUST: u8 = 0;
const HEALTH: u8 = 1;
const INFO: u8 = 2;
const EXTRA: u8 = 3;

fn pieces<'a>(app: &'a App, th: &Theme) -> Vec<Piece<'a>> {
    let snap = app.snapshot.as_ref();
    let mut out = Vec::new();
    let uptime = snap.and_then(|s| s.uptime_s).map(format_hms);
    let live = match (app.stream.live, app.stream.waiting_for_live) {
        (Some(true), _) => Span::styled(
            format!("● LIVE {}", uptime.unwrap_or_default())
                .trim_end()
                .to_string(),
            th.good,
        ),
        (_, true) => Span::styled("○ waiting for live", th.warn),
        (Some(false), _) => Span::styled("○ offline", th.dim),
        // Every route to the live state is failing so far.
        (None, _) if app.stream.api_trouble.is_some() => {
            Span::styled("○ live status unknown", th.warn)
        }
        (None, _) => Span::styled("○ starting", th.dim),
    };
    let mut first = vec![live];
    // Not the usual API: say what the live state rests on (` (via stream probe)`).
    if app.stream.live == Some(true)
        && let Some(s) = snap
    {
        first.push(Span::styled(s.live_source.via(), th.dim));
    }
    out.push(Piece::new(MUST, first));
    out.push(Piece::new(
        MUST,
        vec![Span::styled(app.ctx.channel.as_str(), th.title)],
    ));
    if app.stream.engine_gone {
        out.push(Piece::new(
            MUST,
            vec![Span::styled("ENGINE STOPPED", th.bad)],
        ));
    } else if let Some(s) = app.feed_stalled_s() {
        out.push(Piece::new(
            MUST,
            vec![Span::styled(format!("no data for {s} s"), th.bad)],
        ));
    }
    let viewers = snap
        .and_then(|s| s.viewers)
        .map_or("- viewers".to_string(), |v| {
            format!("{} viewers", group_digits(v as u64))
        });
    out.push(Piece::new(INFO, vec![Span::styled(viewers, th.text)]));
    let (chat, chat_short) = chat_piece(app, th);
    out.push(Piece {
        short: chat_short,
        ..Piece::new(HEALTH, chat)
    });
    let (rec, rec_short) = rec_piece(app, th);
    out.push(Piece {
        short: rec_short,
        ..Piece::new(HEALTH, rec)
    });
    if let Some(db) = db_piece(app, th) {
        out.push(Piece::new(HEALTH, db));
    }
    if let Some(t) = app.stream.api_trouble.as_ref().map(|t| &t.message) {
        // Its first clause when the whole does not fit (it was dropped at 160 columns).
        let first = t.split(';').next().unwrap_or(t);
        out.push(Piece {
            short: Some(vec![Span::styled(format!("API: {first}"), th.warn)]),
            ..Piece::new(INFO, vec![Span::styled(format!("API: {t}"), th.warn)])
        });
    }
    if let Some(why) = &app.stream.dashboard_off {
        out.push(Piece {
            short: Some(vec![Span::styled("dashboard off", th.warn)]),
            ..Piece::new(
                INFO,
                vec![Span::styled(format!("dashboard off: {why}"), th.warn)],
            )
        });
    }
    if app.stream.capturing.is_some() {
        out.push(Piece::new(
            INFO,
            vec![Span::styled("capturing chat", th.warn)],
        ));
    }
    // A preview stores nothing: naming a data dir would say otherwise.
    let data = match app.ctx.storage {
        Storage::Preview => "preview: nothing stored".to_string(),
        Storage::Database => format!("data: {}", shorten_left(&home_tilde(&app.ctx.data_dir), 40)),
    };
    out.push(Piece::new(EXTRA, vec![Span::styled(data, th.dim)]));
    out
}

/// The chat's state, and without the reason when that is too long for the bar.
fn chat_piece<'a>(app: &App, th: &Theme) -> (Vec<Span<'a>>, Option<Vec<Span<'a>>>) {
    let (text, style) = match &app.stream.chat {
        // Chat has not started because the channel lookup fails (Cloudflare, a bad name):
        // it needs the ids the lookup gives.
        None if app
            .stream
            .api_trouble
            .as_ref()
            .is_some_and(|t| t.waits_for_ids) =>
        {
            ("chat: waits for ids".to_string(), th.warn)
        }
        None => ("chat: -".to_string(), th.dim),
        Some(ChatState::Live { reconnects: 0 }) => ("chat: live".to_string(), th.good),
        // Shown for the rest of the run: a flaky connection is worth knowing about, in short
        // at 60 columns (whole, it cost the bar the chat state).
        Some(ChatState::Live { reconnects }) => {
            return (
                vec![Span::styled(
                    format!("chat: live (reconnected {reconnects}×)"),
                    th.good,
                )],
                Some(vec![Span::styled(
                    format!("chat: live ({reconnects}×)"),
                    th.good,
                )]),
            );
        }
        Some(ChatState::Connecting { attempt: 0 }) => ("chat: connecting".to_string(), th.warn),
        Some(ChatState::Connecting { attempt }) => {
            (format!("chat: connecting (try {})", attempt + 1), th.warn)
        }
        Some(ChatState::Reconnecting { until, reason }) => {
            let s = ((until.0 - app.now.0).max(0) + 999) / 1000;
            let short = format!("chat: retry in {s} s");
            return (
                vec![Span::styled(format!("{short} ({reason})"), th.warn)],
                Some(vec![Span::styled(short, th.warn)]),
            );
        }
    };
    (vec![Span::styled(text, style)], None)
}

/// Only when the database is in trouble: retrying now, or writes already lost.
fn db_piece<'a>(app: &App, th: &Theme) -> Option<Vec<Span<'a>>> {
    let s = app.snapshot.as_ref()?;
    let piece = if s.db_failing {
        Span::styled("db: writes failing, retrying", th.warn)
    } else if s.db_lost > 0 {
        Span::styled(format!("db: {} writes lost", s.db_lost), th.bad)
    } else {
        return None;
    };
    Some(vec![piece])
}

fn rec_piece<'a>(app: &App, th: &Theme) -> (Vec<Span<'a>>, Option<Vec<Span<'a>>>) {
    let r = &app.recording;
    let style = match &r.state {
        RecState::Recording if r.slow => th.warn,
        RecState::Recording => th.bad,
        s if s.is_trouble() => th.bad,
        _ => th.dim,
    };
    let text = match &r.state {
        RecState::Recording => "● REC".to_string(),
        other => format!("rec: {}", other.label()),
    };
    // A long why (an OS error, a missing program) must not cost the bar the state itself;
    // nor the wait, a restart or no recording at all its place to the viewers at 60 columns.
    let short = match &r.state {
        RecState::Waiting => Some("rec: waiting"),
        RecState::Restarting => Some("rec: restart"),
        RecState::Unavailable => Some("rec: off"),
        RecState::Failed(_) => Some("rec: failed"),
        RecState::Unwritable(_) => Some("rec: CANNOT WRITE"),
        RecState::Frozen => Some("rec: FROZEN"),
        RecState::Unreachable(_) => Some("rec: no stream"),
        _ => None,
    };
    (
        vec![Span::styled(text, style)],
        short.map(|s| vec![Span::styled(s, style)]),
    )
}

/// `/home/me/.local/share/kicktui` → `~/.local/share/kicktui`.
fn home_tilde(path: &str) -> String {
    match std::env::var("HOME") {
        Ok(home) if !home.is_empty() && path.starts_with(&home) => {
            format!("~{}", &path[home.len()..])
        }
        _ => path.to_string(),
    }
}
