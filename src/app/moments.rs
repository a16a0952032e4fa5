//! The moments list: every moment of this run, newest or best first, with a selection that
//! stays on its moment while new ones arrive, and the scroll offset that keeps it visible.

use super::msg::ClipStatus;
use crate::domain::Moment;
use crate::present::Said;

#[derive(Clone, Debug, PartialEq)]
pub struct MomentEntry {
    /// The database row id; `None`: not stored (preview, or the store refused it).
    pub id: Option<i64>,
    pub moment: Moment,
    pub clip: ClipStatus,
    /// Still collecting triggers: shown at once, final when its merge window closes.
    pub building: bool,
    /// What the log pane last said of it, and when: a moment growing trigger by trigger says
    /// `now` at most every few seconds (three lines in a second scrolled its banner away).
    pub said: Option<Said>,
}

impl MomentEntry {
    /// The auto moment building unsaved (one builds at a time, and its start may move as
    /// triggers join): its final form takes this row.
    pub fn builds_unsaved(&self) -> bool {
        self.building
            && self.id.is_none()
            && self.moment.source == crate::domain::MomentSource::Auto
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortOrder {
    Newest,
    /// The default: a clipper reviews the likeliest keepers first (`s` switches).
    #[default]
    Best,
}

impl SortOrder {
    pub fn label(self) -> &'static str {
        match self {
            SortOrder::Newest => "newest first",
            SortOrder::Best => "best first",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct MomentList {
    /// In arrival order; indexes into it are stable.
    pub entries: Vec<MomentEntry>,
    pub order: SortOrder,
    /// The selected entry (an index into `entries`).
    pub selected: Option<usize>,
    /// The first visible row of the display order.
    pub offset: usize,
    /// The user chose this moment (opened its details, or moved off the latest arrival): a new
    /// arrival does not take the selection away from under a `c`.
    pub pinned: bool,
}

impl MomentList {
    /// Entry indexes in display order.
    pub fn display(&self) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.entries.len()).collect();
        match self.order {
            // By the moment's own time: an auto moment is stored when its window closes, so
            // a manual mark made meanwhile can arrive first.
            SortOrder::Newest => idx.sort_by(|&a, &b| {
                let (ma, mb) = (&self.entries[a].moment, &self.entries[b].moment);
                mb.at.cmp(&ma.at).then(b.cmp(&a))
            }),
            SortOrder::Best => idx.sort_by(|&a, &b| {
                let (ma, mb) = (&self.entries[a].moment, &self.entries[b].moment);
                mb.score.total_cmp(&ma.score).then(b.cmp(&a))
            }),
        }
        idx
    }

    /// Where the selection sits in display order.
    pub fn selected_row(&self) -> Option<usize> {
        let sel = self.selected?;
        self.display().iter().position(|&i| i == sel)
    }

    pub fn selected_entry(&self) -> Option<&MomentEntry> {
        self.entries.get(self.selected?)
    }

    /// Adds a moment. The selection follows it when asked (a manual mark) or when it was on
    /// the latest arrival (like following a log's tail, in either order: `c` right after a
    /// moment appears clips that one); else it stays put. By arrival, not by the moment's
    /// time: an auto moment arrives 20–30 s after its time, so after a mark made meanwhile
    /// the selection stayed on the mark and `c` clipped it instead.
    pub fn push(&mut self, entry: MomentEntry, select: bool, rows: usize) -> usize {
        let following =
            !self.pinned && (self.selected.is_none() || self.selected == self.last_arrival());
        self.entries.push(entry);
        let new = self.entries.len() - 1;
        if select || following {
            self.selected = Some(new);
            self.pinned = false;
        }
        self.keep_visible(rows);
        new
    }

    fn last_arrival(&self) -> Option<usize> {
        self.entries.len().checked_sub(1)
    }

    /// Moves the selection by `delta` rows in display order, clamped.
    pub fn move_by(&mut self, delta: isize, rows: usize) {
        let order = self.display();
        if order.is_empty() {
            return;
        }
        let cur = self.selected_row().unwrap_or(0) as isize;
        let last = order.len() as isize - 1;
        let row = (cur + delta).clamp(0, last) as usize;
        self.selected = Some(order[row]);
        // Back on the latest arrival, it follows new arrivals again.
        self.pinned = self.selected != self.last_arrival();
        self.keep_visible(rows);
    }

    pub fn set_order(&mut self, order: SortOrder, rows: usize) {
        self.order = order;
        self.keep_visible(rows);
    }

    /// Keeps the selected row inside the `rows` visible ones and the page as full as it can be.
    pub fn keep_visible(&mut self, rows: usize) {
        let rows = rows.max(1);
        let len = self.entries.len();
        let row = self.selected_row().unwrap_or(0);
        if row < self.offset {
            self.offset = row;
        } else if row >= self.offset + rows {
            self.offset = row + 1 - rows;
        }
        self.offset = self.offset.min(len.saturating_sub(rows));
    }

    /// Stored moments of this run whose clip is not cut (nor failed) yet.
    pub fn pending_clips(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| {
                e.id.is_some()
                    && matches!(
                        e.clip,
                        ClipStatus::None
                            | ClipStatus::Queued
                            | ClipStatus::Waiting
                            | ClipStatus::Cutting
                    )
            })
            .count()
    }

    pub fn entry_by_id_mut(&mut self, id: i64) -> Option<&mut MomentEntry> {
        self.entries.iter_mut().find(|e| e.id == Some(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MomentSource, TriggerType, Ts};

    fn entry(score: f64) -> MomentEntry {
        MomentEntry {
            id: None,
            building: false,
            said: None,
            moment: Moment {
                at: Ts(0),
                offset_s: 0.0,
                trigger_type: TriggerType::Keyword,
                triggers: vec![],
                score,
                source: MomentSource::Auto,
                clip_start: Ts(0),
                clip_end: Ts(0),
            },
            clip: ClipStatus::None,
        }
    }

    #[test]
    fn selection_follows_the_top_but_not_a_row_below() {
        let mut l = MomentList::default();
        l.push(entry(1.0), false, 3);
        l.push(entry(2.0), false, 3);
        assert_eq!(l.selected, Some(1), "top row follows the newest");
        l.move_by(1, 3);
        assert_eq!(l.selected, Some(0));
        l.push(entry(3.0), false, 3);
        assert_eq!(
            l.selected,
            Some(0),
            "a selection below the top stays on its moment"
        );
        assert_eq!(l.selected_row(), Some(2));
    }

    /// An auto moment arrives after a mark made meanwhile, though its time is earlier: `c`
    /// right after it appears clips it, not the mark.
    #[test]
    fn a_moment_arriving_after_a_mark_takes_the_selection() {
        for order in [SortOrder::Best, SortOrder::Newest] {
            let mut l = MomentList::default();
            l.set_order(order, 3);
            let mut mark = entry(50.0);
            mark.moment.at = Ts(20_000);
            let mut spike = entry(70.0);
            spike.moment.at = Ts(15_000);
            l.push(mark, true, 3);
            l.push(spike, false, 3);
            assert_eq!(l.selected, Some(1), "{order:?}");
        }
    }

    #[test]
    fn newest_first_goes_by_the_moment_time_not_arrival() {
        let mut l = MomentList::default();
        l.set_order(SortOrder::Newest, 3);
        let mut late_arrival = entry(1.0);
        late_arrival.moment.at = Ts(10_000);
        let mut mark = entry(1.0);
        mark.moment.at = Ts(30_000);
        l.push(mark, false, 3);
        l.push(late_arrival, false, 3);
        assert_eq!(
            l.display(),
            vec![0, 1],
            "the 30 s mark is newer than the 10 s moment"
        );
    }

    #[test]
    fn best_first_by_default_and_a_new_moment_is_selected_wherever_it_lands() {
        let mut l = MomentList::default();
        assert_eq!(l.order, SortOrder::Best);
        let mut big = entry(90.0);
        big.moment.at = Ts(10_000);
        let mut small = entry(20.0);
        small.moment.at = Ts(70_000);
        l.push(big, false, 3);
        l.push(small, false, 3);
        assert_eq!(l.display(), vec![0, 1], "the bigger score first");
        assert_eq!(
            l.selected,
            Some(1),
            "`c` now clips the moment that just came"
        );
    }

    #[test]
    fn best_first_and_scrolling() {
        let mut l = MomentList::default();
        for s in [5.0, 9.0, 1.0, 7.0, 3.0] {
            l.push(entry(s), false, 2);
        }
        l.set_order(SortOrder::Best, 2);
        assert_eq!(l.display(), vec![1, 3, 0, 4, 2]);
        l.move_by(-100, 2);
        assert_eq!((l.selected_row(), l.offset), (Some(0), 0));
        l.move_by(3, 2);
        assert_eq!((l.selected_row(), l.offset), (Some(3), 2));
        l.move_by(100, 2);
        assert_eq!((l.selected_row(), l.offset), (Some(4), 3));
    }
}
