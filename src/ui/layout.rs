//! Where each pane goes at a given size. Pure arithmetic, shared by the view and the model
//! (which needs the moments list's page height for PgUp/PgDn).

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the TUI shows the "terminal too small" screen.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub status: Rect,
    pub velocity: Rect,
    pub keywords: Rect,
    pub emotes: Rect,
    /// Recording and bandit share a row that short terminals drop.
    pub recording: Option<Rect>,
    pub bandit: Option<Rect>,
    pub moments: Rect,
    pub log: Option<Rect>,
    pub hint: Rect,
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// The panes for `area`, or `None` when it is too small.
pub fn areas(area: Rect) -> Option<Areas> {
    if too_small(area) {
        return None;
    }
    let body = area.height - 2;
    let (top, mid, log) = match body {
        // Room for five arms under the co-pilot's two lines.
        40.. => (10, 9, 8),
        32..=39 => (10, 7, 8),
        // The activity pane needs a row per arm (five by default) wherever it shows.
        28..=31 => (8, 7, 4),
        24..=27 => (6, 7, 3),
        20..=23 => (5, 7, 3),
        18..=19 => (5, 4, 0),
        _ => (5, 0, 0),
    };
    let [status, top_row, mid_row, moments, log_row, hint] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(top),
        Constraint::Length(mid),
        Constraint::Min(3),
        Constraint::Length(log),
        Constraint::Length(1),
    ])
    .areas(area);
    let top_split = if area.width >= 110 {
        [
            Constraint::Percentage(50),
            Constraint::Percentage(25),
            Constraint::Percentage(25),
        ]
    } else {
        [
            Constraint::Min(24),
            Constraint::Length(18),
            Constraint::Length(18),
        ]
    };
    let [velocity, keywords, emotes] = Layout::horizontal(top_split).areas(top_row);
    let [recording, bandit] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(mid_row);
    let some = |r: Rect| (r.height > 0).then_some(r);
    Some(Areas {
        status,
        velocity,
        keywords,
        emotes,
        recording: some(recording),
        bandit: some(bandit),
        moments,
        log: some(log_row),
        hint,
    })
}

/// Moment rows visible at this terminal size (the list's borders and header take 3).
pub fn moment_rows(width: u16, height: u16) -> usize {
    areas(Rect::new(0, 0, width, height))
        .map_or(1, |a| a.moments.height.saturating_sub(3).max(1) as usize)
}

/// Text lines inside the bordered help popup on a terminal `height` rows tall.
pub fn help_inner_height(height: u16, lines: usize) -> usize {
    (lines + 2).min(height as usize).saturating_sub(2)
}

/// A popup of at most `w`×`h`, centred and always inside `area`.
pub fn popup(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_from_the_minimum_up_fits() {
        for w in MIN_WIDTH..200 {
            for h in MIN_HEIGHT..70 {
                let area = Rect::new(0, 0, w, h);
                let a = areas(area).unwrap();
                assert!(a.moments.height >= 3, "{w}x{h}");
                assert!(a.velocity.width >= 24, "{w}x{h}");
                assert_eq!(a.hint.y, h - 1);
                for r in [
                    a.status, a.velocity, a.keywords, a.emotes, a.moments, a.hint,
                ] {
                    assert!(area.contains(r.as_position()) || r.area() == 0, "{w}x{h}");
                    assert!(r.right() <= w && r.bottom() <= h, "{w}x{h}");
                }
            }
        }
        assert!(areas(Rect::new(0, 0, 59, 40)).is_none());
        assert!(areas(Rect::new(0, 0, 1, 1)).is_none());
    }

    /// Five activities (the default) fit their pane wherever it shows (it hid two at 100×30),
    /// and on a tall terminal beside the co-pilot's two lines too (it hid two at 170×50).
    #[test]
    fn the_activity_pane_holds_five_arms_where_it_shows() {
        for h in MIN_HEIGHT..70 {
            let a = areas(Rect::new(0, 0, 100, h)).unwrap();
            if let Some(b) = a.bandit.filter(|_| h >= 22) {
                assert!(b.height >= 7, "100x{h}: {}", b.height);
            }
            if h >= 42 {
                assert!(a.bandit.is_some_and(|b| b.height >= 9), "100x{h}");
            }
        }
    }

    #[test]
    fn popups_stay_inside() {
        let area = Rect::new(0, 0, 10, 3);
        assert_eq!(popup(area, 60, 20), area);
        assert_eq!(
            popup(Rect::new(0, 0, 80, 24), 40, 10),
            Rect::new(20, 7, 40, 10)
        );
    }
}
