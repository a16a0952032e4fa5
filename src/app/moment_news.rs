//! The moments the engine sends, as the list takes them: new (flashed and logged), building
//! then final in the same row, and rows joined quietly (a resumed session's, a resync's).

use super::moments::MomentEntry;
use super::msg::ClipStatus;
use super::state::{App, FlashKind, Storage};
use crate::domain::{Moment, MomentSource};
use crate::engine::update::SkipOutcome;
use crate::present::{Said, moment_news, trigger_summary};
use crate::time::{format_hms, format_offset_words};

impl App {
    /// The engine's answer to `x`: the row shows the clip skipped (or wanted again), the
    /// bar says so.
    pub(super) fn clip_skipped(&mut self, id: i64, skip: bool, outcome: SkipOutcome) {
        let (text, kind) = match outcome {
            SkipOutcome::Done => {
                if let Some(e) = self.moments.entry_by_id_mut(id) {
                    e.clip = if skip {
                        ClipStatus::Skipped
                    } else {
                        ClipStatus::None
                    };
                }
                let text = if skip {
                    format!("moment #{id} will not be clipped (x again undoes it)")
                } else {
                    format!("moment #{id} will be clipped at the stream's end")
                };
                (text, FlashKind::Good)
            }
            SkipOutcome::MovedOn => (
                format!("moment #{id}: its clip is cut or on its way already"),
                FlashKind::Info,
            ),
            SkipOutcome::Failed(why) => (
                format!("moment #{id}: the skip was not saved: {why}"),
                FlashKind::Bad,
            ),
        };
        self.flash(text, kind);
    }

    /// A resumed session's moments from before the crash join the list with their clips, so
    /// `c` and the quit dialog know them; nothing is flashed or logged for them.
    pub(super) fn earlier_moments(&mut self, rows: Vec<crate::engine::view::MomentRow>) {
        self.merge_rows(rows);
    }

    /// The engine's rows, joined quietly: a row the list lacks is added; one it has (by id,
    /// or the unsaved building row a final one replaces) takes the engine's form and clip,
    /// since the updates that changed them may have been missed.
    pub(super) fn merge_rows(&mut self, rows: Vec<crate::engine::view::MomentRow>) {
        let list = self.moment_rows();
        for row in rows {
            let clip = row.clip.as_ref().map(ClipStatus::from);
            // By id; else the one unsaved building auto row (one builds at a time, and its
            // start may move), which a final row or an unsaved building one is; else, for an
            // unsaved final row, the same unsaved moment.
            let auto = row.moment.source == MomentSource::Auto;
            let same = |e: &MomentEntry| {
                (row.id.is_some() && e.id == row.id)
                    || (auto && (!row.building || row.id.is_none()) && e.builds_unsaved())
                    || (row.id.is_none()
                        && !row.building
                        && e.id.is_none()
                        && !e.building
                        && e.moment.at == row.moment.at
                        && e.moment.source == row.moment.source)
            };
            match self.moments.entries.iter_mut().find(|e| same(e)) {
                Some(e) => {
                    e.id = row.id.or(e.id);
                    e.moment = row.moment;
                    e.building = row.building;
                    if let Some(clip) = clip {
                        e.clip = clip;
                    }
                }
                None => {
                    let entry = MomentEntry {
                        id: row.id,
                        moment: row.moment,
                        clip: clip.unwrap_or(ClipStatus::None),
                        building: row.building,
                        said: None,
                    };
                    self.moments.push(entry, false, list);
                }
            }
        }
    }

    /// A change held back by the 5 s rule is said by a tick once due, as headless does: left
    /// for the final line, a long merge window kept it out of the log for minutes. Rows joined
    /// quietly (never said) stay quiet.
    pub(super) fn say_held_back_news(&mut self) {
        let now = self.now;
        for e in self.moments.entries.iter_mut().filter(|e| e.building) {
            if e.said.is_some() && Said::due(e.said.as_ref(), &e.moment, true, now) {
                e.said = Some(Said::of(&e.moment, now));
                tracing::info!("{}", moment_news(e.id, "now", &e.moment));
            }
        }
    }

    pub(super) fn on_moment(&mut self, id: Option<i64>, moment: Moment, building: bool) {
        // A moment shown while building, grown or final: same row, no second flash. By id;
        // else the one unsaved building auto row (one builds at a time, and its start may move
        // as triggers join), which this one is when it is unsaved or final (maybe saved on a
        // second try).
        let auto = moment.source == MomentSource::Auto;
        let by_id = id.and_then(|id| self.moments.entries.iter().position(|e| e.id == Some(id)));
        let same = by_id.or_else(|| {
            (auto && (!building || id.is_none()))
                .then(|| {
                    self.moments
                        .entries
                        .iter()
                        .rposition(|e| e.builds_unsaved())
                })
                .flatten()
        });
        if let Some(i) = same {
            let now = self.now;
            let entry = &mut self.moments.entries[i];
            let grew = entry.moment.headline() != moment.headline()
                || entry.moment.triggers.len() != moment.triggers.len();
            let second_try = entry.id.is_none() && id.is_some();
            // The log said what it was seen as: say what it became, if that changed; while it
            // builds, at most every few seconds (the final line says the rest).
            if Said::due(entry.said.as_ref(), &moment, building, now) {
                entry.said = Some(Said::of(&moment, now));
                let word = if building { "now" } else { "final" };
                tracing::info!("{}", moment_news(id, word, &moment));
            }
            entry.id = id.or(entry.id);
            entry.moment = moment;
            entry.building = building;
            // The flash announcing it, if still up, says the new name too (it said `SUB
            // BURST` while the row and the log said what it became).
            if grew && let Some(f) = self.flash.as_mut().filter(|f| f.moment == Some(i)) {
                let saved = saved_word(entry.id, self.ctx.storage);
                f.text = announcement(&entry.moment, &saved);
            }
            // Its new score may move it: the selection stays in view.
            let rows = self.moment_rows();
            self.moments.keep_visible(rows);
            if second_try && let Some(id) = id {
                self.flash(
                    format!("moment saved #{id} on a second try"),
                    FlashKind::Good,
                );
            }
            return;
        }
        let manual = moment.source == MomentSource::Manual && self.pending_marks() > 0;
        // Marks come back in the order they were asked for.
        let pressed = if manual {
            self.mark_presses.pop_front().flatten()
        } else {
            None
        };
        let saved = saved_word(id, self.ctx.storage);
        let line = format!(
            "{} at {}: {} ({saved})",
            moment.headline(),
            format_offset_words(moment.offset_s),
            trigger_summary(&moment)
        );
        if id.is_none() && self.ctx.storage == Storage::Database {
            tracing::error!("{line}");
        } else {
            tracing::info!("{line}");
        }
        let text = if manual {
            // The mark is placed at what the stream showed (the recording lags live): say so,
            // or the time looks wrong.
            let behind = pressed
                .map(|pressed| pressed.secs_since(moment.at).round())
                .filter(|s| (2.0..=600.0).contains(s));
            match behind {
                // "saved #N" first: a narrow hint bar cuts the end.
                Some(s) => format!(
                    "marked at {} ({saved}): as shown {s} s before the key",
                    format_hms(moment.offset_s)
                ),
                None => format!("marked at {} ({saved})", format_hms(moment.offset_s)),
            }
        } else {
            announcement(&moment, &saved)
        };
        let kind = match (id, self.ctx.storage) {
            (None, Storage::Database) => FlashKind::Bad,
            _ if manual => FlashKind::Good,
            _ => FlashKind::Info,
        };
        let rows = self.moment_rows();
        let said = Some(Said::of(&moment, self.now));
        let entry = MomentEntry {
            id,
            moment,
            clip: ClipStatus::None,
            building,
            said,
        };
        let index = self.moments.push(entry, manual, rows);
        // `marked at … (saved #7)` whole on a narrow bar, not `…: as shown 5 s…`.
        self.flash_clauses(text, kind);
        if let Some(f) = self.flash.as_mut().filter(|_| !manual) {
            f.moment = Some(index);
        }
    }
}

/// Whether a new moment was stored, as its flash and log line say.
fn saved_word(id: Option<i64>, storage: Storage) -> String {
    match (id, storage) {
        (Some(id), _) => format!("saved #{id}"),
        (None, Storage::Preview) => "preview: not saved".into(),
        (None, Storage::Database) => "NOT SAVED, see the log".into(),
    }
}

/// The flash for a detected moment: `CHAT SPIKE at 1:23:45 (saved #12)`.
fn announcement(moment: &Moment, saved: &str) -> String {
    format!(
        "{} at {} ({saved})",
        moment.headline(),
        format_hms(moment.offset_s)
    )
}
