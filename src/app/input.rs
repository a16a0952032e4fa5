//! Keys → actions (through the keymap) → model changes and commands.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::keymap::{Action, InPopup, in_popup};
use super::moments::SortOrder;
use super::msg::{ClipStatus, Cmd, RecState};
use super::state::{App, FlashKind, Popup, Storage};
use crate::domain::Ts;
use crate::engine::media::QuitClips;

/// Seconds after a mark in which `m` again is the same moment (its clip covers them); the
/// headless `m` too.
pub const MARK_AGAIN_S: f64 = 3.0;

impl App {
    pub(super) fn on_key(&mut self, ev: KeyEvent, now: Ts) -> Vec<Cmd> {
        if ev.kind == KeyEventKind::Release {
            return vec![];
        }
        let action = self.ctx.keymap.action(&ev);
        if self.popup == Some(Popup::ConfirmQuit) {
            // y: cut the pending clips, then quit; n (or quit again): leave them for
            // `kicktui clip --pending`; anything else: stay.
            let choice = match ev.code {
                KeyCode::Char('y' | 'Y') | KeyCode::Enter => Some(QuitClips::Cut),
                // With nothing to cut the question is "Quit now?": no means stay.
                KeyCode::Char('n' | 'N') if self.quit_pending > 0 => Some(QuitClips::Leave),
                _ if matches!(action, Some((Action::Quit, _))) => Some(QuitClips::Leave),
                _ => None,
            };
            self.popup = None;
            if let Some(choice) = choice {
                return vec![Cmd::AtQuit(choice), Cmd::Quit];
            }
            self.flash("still running".into(), FlashKind::Info);
            return vec![];
        }
        let Some((action, nth)) = action else {
            if ev.code == KeyCode::Char('z') && ev.modifiers.contains(KeyModifiers::CONTROL) {
                return self.update(super::Msg::StopRefused, now);
            }
            return vec![];
        };
        // Help and details are not drawn on a screen too small for the panes: a key meets
        // the screen as shown (its "q quits" closed an unseen popup instead).
        let shown = ratatui::layout::Rect::new(0, 0, self.width, self.height);
        if matches!(self.popup, Some(Popup::Help | Popup::Details))
            && crate::ui::layout::too_small(shown)
        {
            self.popup = None;
        }
        // Nor do they open there: `?` made a help nobody saw, which then covered the panes
        // once the terminal grew. The too-small screen shows this answer.
        if matches!(action, Action::Help | Action::Details) && crate::ui::layout::too_small(shown) {
            let what = if action == Action::Help {
                "help"
            } else {
                "details"
            };
            self.flash(
                format!(
                    "{what} needs {}×{}: enlarge the terminal",
                    crate::ui::layout::MIN_WIDTH,
                    crate::ui::layout::MIN_HEIGHT
                ),
                FlashKind::Info,
            );
            return vec![];
        }
        // A popup answers to its own keys first, as the keymap table says (the hint bar
        // shows the same): marking and repainting always work.
        if let Some(p) = self.popup {
            match in_popup(action, p) {
                InPopup::Closes(_) => {
                    self.popup = None;
                    return vec![];
                }
                InPopup::Moves(_) if p == Popup::Help => {
                    self.scroll_help(action);
                    return vec![];
                }
                InPopup::Ignored => return vec![],
                InPopup::Moves(_) | InPopup::Works(_) => {}
            }
        }
        let cmds = self.act(action, nth, now);
        // Browsing with the details open: the selection stays where the reader put it, even
        // back on the latest arrival (`c` must clip the one on screen).
        if self.popup == Some(Popup::Details) {
            self.moments.pinned = true;
        }
        cmds
    }

    fn act(&mut self, action: Action, nth: usize, now: Ts) -> Vec<Cmd> {
        let rows = self.moment_rows();
        let page = rows.max(2) as isize - 1;
        if action.needs_engine() && self.stream.engine_gone {
            // Nothing would take it: say so now, not a "marking..." that quietly fades.
            let what = if action == Action::Mark {
                "NOT SAVED"
            } else {
                "not done"
            };
            self.flash(
                format!("{what}: the engine has stopped (the log pane says why); restart kicktui"),
                FlashKind::Bad,
            );
            return vec![];
        }
        match action {
            Action::Mark => {
                // `m m m` in a burst of excitement is one moment, not three identical clips.
                if let Some(last) = self.last_mark.filter(|l| now.secs_since(*l) < MARK_AGAIN_S) {
                    let ago = now.secs_since(last).floor();
                    self.flash_clauses(
                        format!("already marked {ago:.0} s ago: that moment covers this one"),
                        FlashKind::Info,
                    );
                    return vec![];
                }
                self.last_mark = Some(now);
                self.mark_presses.push_back(Some(now));
                self.flash("marking a moment...".into(), FlashKind::Info);
                return vec![Cmd::MarkMoment { at: now }];
            }
            Action::Clip => return self.clip(),
            Action::SkipClip => return self.skip_clip(),
            Action::NextActivity => {
                let n = self.ctx.activities.len();
                if n > 0 {
                    let next = self.activity.map_or(0, |a| (a + 1) % n);
                    return self.set_activity(next);
                }
                self.flash("no activities configured".into(), FlashKind::Bad);
            }
            Action::PickActivity => {
                if nth < self.ctx.activities.len() {
                    return self.set_activity(nth);
                }
                let n = self.ctx.activities.len();
                self.flash(
                    format!("there is no activity {} (there are {n})", nth + 1),
                    FlashKind::Bad,
                );
            }
            Action::Up => self.moments.move_by(-1, rows),
            Action::Down => self.moments.move_by(1, rows),
            Action::PageUp => self.moments.move_by(-page, rows),
            Action::PageDown => self.moments.move_by(page, rows),
            Action::Top => self.moments.move_by(isize::MIN / 2, rows),
            Action::Bottom => self.moments.move_by(isize::MAX / 2, rows),
            Action::Details => {
                if self.moments.selected_entry().is_some() {
                    self.moments.pinned = true;
                    self.popup = Some(Popup::Details);
                } else {
                    self.flash("no moment selected yet".into(), FlashKind::Info);
                }
            }
            Action::Sort => {
                let order = match self.moments.order {
                    SortOrder::Newest => SortOrder::Best,
                    SortOrder::Best => SortOrder::Newest,
                };
                self.moments.set_order(order, rows);
                self.flash(format!("moments: {}", order.label()), FlashKind::Info);
            }
            Action::Help => {
                self.help_scroll = 0;
                self.popup = Some(Popup::Help);
            }
            Action::Back => {}
            Action::Quit => {
                if self.quit_asks() {
                    self.quit_pending = self.pending_clips();
                    self.popup = Some(Popup::ConfirmQuit);
                } else {
                    return vec![Cmd::Quit];
                }
            }
            Action::Repaint => return vec![Cmd::Repaint],
            Action::AskAdvice => return self.ask_advice(),
            Action::AcceptAdvice => return self.accept_advice(now),
            Action::DismissAdvice => return self.dismiss_advice(),
        }
        vec![]
    }

    /// Quitting would stop a recording or leave clips to cut: ask first.
    fn quit_asks(&self) -> bool {
        let live = self.stream.live == Some(true) && self.recording.state.can_clip();
        self.recording.state.is_active() || live || self.pending_clips() > 0
    }

    /// Clips the engine would cut at quit if asked to (shown in the question).
    pub fn pending_clips(&self) -> usize {
        if self.recording.state.can_clip() {
            self.moments.pending_clips()
        } else {
            0
        }
    }

    pub(super) fn set_activity(&mut self, i: usize) -> Vec<Cmd> {
        self.activity = Some(i);
        let name = self.ctx.activities[i].clone();
        self.flash(format!("activity: {name}"), FlashKind::Good);
        vec![Cmd::SetActivity(name)]
    }

    fn clip(&mut self) -> Vec<Cmd> {
        let Some(entry) = self.moments.selected_entry() else {
            self.flash("no moment selected to clip".into(), FlashKind::Info);
            return vec![];
        };
        // Cut already: the engine says where (or cuts it again if its file is gone), whatever
        // the recording does now.
        let cut = matches!(entry.clip, ClipStatus::Done { .. });
        let problem = if cut {
            None
        } else if self.ctx.storage == Storage::Preview {
            Some("preview: recording not available, nothing to clip".to_string())
        } else if entry.id.is_none() {
            Some("this moment was not saved, so it cannot be clipped".to_string())
        } else if self.recording.state == RecState::Unavailable {
            Some("recording is off in this run: there is nothing to clip from".to_string())
        } else if matches!(self.recording.state, RecState::Failed(_)) {
            // Off for a reason (streamlink missing): that, not "offline", is why.
            Some(format!(
                "cannot clip: the recording {}",
                self.recording.state.label()
            ))
        } else if entry.clip == ClipStatus::NotRecorded {
            Some(
                "not recorded: no recording covers it (the channel was offline, or the \
                 recording missed it), so there is nothing to clip"
                    .into(),
            )
        } else if !self.recording.state.can_clip() {
            Some(format!(
                "cannot clip: the recording {}",
                self.recording.state.label()
            ))
        } else if matches!(
            entry.clip,
            ClipStatus::Queued | ClipStatus::Waiting | ClipStatus::Cutting
        ) {
            Some("this clip is already on its way".to_string())
        } else {
            None
        };
        if let Some(p) = problem {
            self.flash(p, FlashKind::Bad);
            return vec![];
        }
        let Some(id) = entry.id else {
            return vec![];
        };
        // A clip cut already keeps its row as it is until the engine answers.
        if !cut
            && let Some(sel) = self.moments.selected
            && let Some(e) = self.moments.entries.get_mut(sel)
        {
            e.clip = ClipStatus::Queued;
        }
        self.flash(format!("clip of moment #{id} asked for"), FlashKind::Good);
        vec![Cmd::ClipMoment { id }]
    }

    /// `x`: the selected moment's clip is skipped, so the stream's end does not cut it (a
    /// false alarm is not worth a file), or wanted again. The engine's answer says how it
    /// went; a clip cut or on its way is not skipped.
    fn skip_clip(&mut self) -> Vec<Cmd> {
        let Some(entry) = self.moments.selected_entry() else {
            self.flash("no moment selected".into(), FlashKind::Info);
            return vec![];
        };
        let asked = match (&entry.clip, entry.id) {
            _ if self.ctx.storage == Storage::Preview => {
                Err("preview: nothing is clipped, so there is nothing to skip")
            }
            (_, None) => Err("this moment was not saved, so it has no clip to skip"),
            (ClipStatus::Done { .. }, _) => Err("this clip is cut already"),
            (ClipStatus::Queued | ClipStatus::Waiting | ClipStatus::Cutting, _) => {
                Err("this clip is already on its way")
            }
            (ClipStatus::NotRecorded, _) => Err("not recorded: there is no clip to skip"),
            (
                clip @ (ClipStatus::None | ClipStatus::Failed { .. } | ClipStatus::Skipped),
                Some(id),
            ) => Ok(Cmd::SkipClip {
                id,
                skip: *clip != ClipStatus::Skipped,
            }),
        };
        match asked {
            Ok(cmd) => vec![cmd],
            Err(why) => {
                self.flash(why.into(), FlashKind::Info);
                vec![]
            }
        }
    }
}
