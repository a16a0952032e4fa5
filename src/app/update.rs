//! `App::update`: the only place the model changes. No I/O besides log lines, no clock (time
//! comes with each message), so tests drive it with explicit times.

use super::msg::{ClipStatus, Cmd, Msg, RecState, RecordingView};
use super::state::{ApiTrouble, App, Flash, FlashKind};
use crate::domain::Ts;
use crate::engine::update::{RecorderNews, Update};
use crate::engine::view::View;
use crate::source::ChatState;

/// How long a confirmation stays in the hint bar.
pub const FLASH_MS: i64 = 5000;
/// The start-up log scrolls a recovery's news out of the log pane within seconds: it stays
/// this long on screen in the hint bar (flashes over it do not count).
const RECOVERED_FLASH_MS: i64 = 30_000;

impl App {
    pub fn update(&mut self, msg: Msg, now: Ts) -> Vec<Cmd> {
        self.now = self.now.max(now);
        match msg {
            Msg::Engine(u) => {
                // Notes and clips: their one log line (the pane and the file), as headless.
                crate::headless::log_said(&u, |text| tracing::info!("{text}"));
                match Msg::from_update(u) {
                    Msg::Engine(u) => {
                        self.on_engine(u, now);
                        // A moment that came while the quit question about clips is open is
                        // counted in it (y and n take it too); a clip finished meanwhile
                        // leaves the wording as shown, and a "Quit now?" stays one (its n
                        // means stay).
                        if self.popup == Some(super::Popup::ConfirmQuit) && self.quit_pending > 0 {
                            self.quit_pending = self.quit_pending.max(self.pending_clips());
                        }
                        vec![]
                    }
                    other => self.update(other, now),
                }
            }
            Msg::Key(ev) => self.on_key(ev, now),
            Msg::Resize { width, height } => {
                self.width = width;
                self.height = height;
                let rows = self.moment_rows();
                self.moments.keep_visible(rows);
                vec![]
            }
            Msg::Tick(t) => {
                self.now = self.now.max(t);
                if self.flash.as_ref().is_some_and(|f| f.until <= self.now) {
                    self.flash = None;
                }
                if self.notice.as_ref().is_some_and(|f| f.until <= self.now) {
                    self.notice = None;
                }
                self.expire_offer();
                self.say_held_back_news();
                vec![]
            }
            Msg::Recording(r) => {
                self.recording = r;
                vec![]
            }
            Msg::Bandit(b) => {
                self.bandit = b;
                vec![]
            }
            Msg::Clip { id, status } => {
                let text = match &status {
                    // `clip #7 ready (26.5 s): …`, `clip #7 ready (short: 56.2 of 60 s, why): …`
                    ClipStatus::Done { path, .. } => {
                        let how = status.length_words().map(|w| format!(" ({w})"));
                        let how = how.unwrap_or_default();
                        Some((format!("clip #{id} ready{how}: {path}"), true))
                    }
                    ClipStatus::Failed { why } => Some((format!("clip failed: {why}"), false)),
                    // Asked for, so the answer is said (a moment stored offline is quiet).
                    ClipStatus::NotRecorded => {
                        Some(("clip failed: no recording covers it".into(), false))
                    }
                    _ => None,
                };
                let path_at = match (&status, &text) {
                    (ClipStatus::Done { path, .. }, Some((text, _))) => {
                        text.len().checked_sub(path.len())
                    }
                    _ => None,
                };
                if let Some(e) = self.moments.entry_by_id_mut(id) {
                    e.clip = status;
                }
                if let Some((text, good)) = text {
                    let kind = if good {
                        FlashKind::Good
                    } else {
                        FlashKind::Bad
                    };
                    self.flash(text, kind);
                    if let Some(f) = &mut self.flash {
                        f.path_at = path_at;
                    }
                }
                vec![]
            }
            Msg::CmdDropped(cmd) => {
                if matches!(cmd, Cmd::MarkMoment { .. }) {
                    self.mark_presses.pop_back();
                }
                let what = match cmd {
                    Cmd::MarkMoment { .. } => "the mark",
                    Cmd::ClipMoment { .. } => "the clip request",
                    Cmd::SkipClip { .. } => "the skip",
                    Cmd::SetActivity(_) => "the activity change",
                    Cmd::Copilot(_) => "the advisor request",
                    Cmd::Quit | Cmd::AtQuit(_) | Cmd::Repaint => "the command",
                };
                self.flash_clauses(
                    format!("engine busy: {what} did not reach it; try again"),
                    FlashKind::Bad,
                );
                vec![]
            }
            Msg::EngineGone => {
                self.stream.engine_gone = true;
                vec![]
            }
            Msg::StopRefused => {
                // Why Ctrl-Z does nothing here, and the key that does stop it.
                let quit = self.ctx.keymap.first(super::Action::Quit);
                let quit = quit.map_or_else(String::new, |k| format!("; {k} quits"));
                self.flash(
                    format!(
                        "kicktui does not suspend (stopped, it would miss chat and the \
                         recording){quit}"
                    ),
                    FlashKind::Info,
                );
                vec![]
            }
            Msg::Paste(chars) => {
                self.flash_clauses(
                    format!("pasted text ignored ({chars} characters): keys here are commands"),
                    FlashKind::Info,
                );
                vec![]
            }
        }
    }

    /// Shown at once (it answers a key, or is news): a notice under it waits, and gets the
    /// time it is covered back, so its time on screen is all there.
    pub(super) fn flash(&mut self, text: String, kind: FlashKind) {
        let until = self.now.plus_ms(FLASH_MS);
        let now = self.now;
        self.notice = self.notice.take().filter(|n| n.until > now);
        if let Some(n) = &mut self.notice {
            let covered_until = self.flash.as_ref().map_or(now, |f| f.until.max(now));
            n.until = n.until.plus_ms((until.0 - covered_until.0).max(0));
        }
        self.flash = Some(Flash {
            text,
            kind,
            until,
            path_at: None,
            clauses: false,
            moment: None,
        });
    }

    /// A flash whose reason, after a `: ` or `; `, goes whole when the bar is narrow.
    pub(super) fn flash_clauses(&mut self, text: String, kind: FlashKind) {
        self.flash(text, kind);
        if let Some(f) = &mut self.flash {
            f.clauses = true;
        }
    }

    fn on_engine(&mut self, u: Update, now: Ts) {
        match u {
            Update::Snapshot(s) => {
                self.history.push(s.at, &s.velocity);
                let top = s.top_emote.as_ref().map(|(n, c)| (n.as_str(), *c));
                self.emotes.observe(s.at, top);
                // A snapshot's "not live" is only the engine's default until a status (API,
                // Helix, socket, stream probe) has said so: it must not read "offline" while
                // every route to the live state fails.
                if s.live || self.stream.live.is_some() {
                    self.stream.live = Some(s.live);
                }
                self.on_engage(&s.engage);
                if s.live {
                    self.stream.waiting_for_live = false;
                }
                self.snapshot = Some(s);
                self.snapshot_seen = Some(now);
            }
            Update::ChatState(st) => {
                // A wait before a retry has its own warning from the source already (the drop
                // always, a long outage at growing intervals).
                let said = self.stream.chat_log.line(&st);
                if let Some(line) = said.filter(|_| !matches!(st, ChatState::Reconnecting { .. })) {
                    tracing::info!("chat {line}");
                }
                self.stream.chat = Some(st);
            }
            Update::Moment { id, moment } => self.on_moment(id, moment, false),
            Update::MomentBuilding { id, moment } => self.on_moment(id, moment, true),
            Update::WentLive {
                title,
                session,
                source,
                ..
            } => {
                match title.as_deref().filter(|t| !t.is_empty()) {
                    Some(t) => tracing::info!("Stream is LIVE! \"{t}\"{}", source.via()),
                    None => tracing::info!("Stream is LIVE!{}", source.via()),
                }
                self.stream.live = Some(true);
                self.stream.waiting_for_live = false;
                self.stream.title = title;
                self.stream.session = session;
            }
            Update::WentOffline { .. } => {
                tracing::info!("Stream went offline.");
                self.stream.live = Some(false);
            }
            Update::ClipSkip {
                moment_id,
                skip,
                outcome,
            } => self.clip_skipped(moment_id, skip, outcome),
            // Quietly: not a clip asked for, so not one that failed; quit does not offer it.
            Update::NotRecorded { moment_id } => {
                if let Some(e) = self.moments.entry_by_id_mut(moment_id) {
                    e.clip = ClipStatus::NotRecorded;
                }
            }
            // A notice, not a flash: the flashes soon after it (clips, the stream's end)
            // replaced it within a second.
            Update::Recovered(text) => {
                self.flash = None;
                self.notice = Some(Flash {
                    text,
                    kind: FlashKind::Info,
                    until: self.now.plus_ms(RECOVERED_FLASH_MS),
                    path_at: None,
                    clauses: false,
                    moment: None,
                });
            }
            // The TUI shows no money totals to reset.
            Update::OfflineSession { .. } => {}
            Update::WaitingForLive => {
                tracing::info!("Waiting for {} to go live...", self.ctx.channel);
                self.stream.waiting_for_live = true;
            }
            // The engine logged it (the log pane and the file have it once).
            Update::ApiTrouble {
                message,
                waits_for_ids,
                ..
            } => {
                self.stream.api_trouble = Some(ApiTrouble {
                    message,
                    waits_for_ids,
                });
            }
            Update::ApiOk => self.stream.api_trouble = None,
            Update::StartKnown { at, was } => {
                for e in &mut self.moments.entries {
                    crate::engine::update::shift_offset(&mut e.moment, at, was);
                }
            }
            Update::DashboardOff(why) => self.stream.dashboard_off = why,
            Update::Capturing { path } => {
                tracing::info!("capturing every chat frame to {path}");
                self.stream.capturing = Some(path);
            }
            Update::Recorder(news) => self.on_recorder(news),
            // Only a clip without a moment lands here (`from_update` takes the rest).
            Update::Recording(_) | Update::Clip(_) => {}
            // A report's text (it starts on a new line) has a file of its own.
            // A report's text is for the pane only (`log_said` logged the other notes).
            Update::Note(text) if text.starts_with('\n') => {
                tracing::info!(target: crate::logging::SCREEN_ONLY, "{text}");
            }
            Update::Note(_) => {}
            Update::Notable { event, .. } => {
                if let Some(line) = crate::present::notable_line(&event) {
                    tracing::info!("{line}");
                }
            }
            Update::Finished(summary) => tracing::info!("{summary}"),
            Update::Revenue(_) => {}
            Update::Resync(view) => self.resync(*view, now),
            Update::EarlierMoments(rows) => self.earlier_moments(rows),
            Update::Advice(a) => self.on_advice(*a),
            Update::Advisor(s) => self.on_advisor_status(s),
        }
    }

    /// After falling behind: take the engine's whole state; moments missed join the list.
    fn resync(&mut self, view: View, now: Ts) {
        tracing::warn!("the screen fell behind the engine and caught up");
        if let Some(chat) = view.chat {
            self.stream.chat = Some(chat);
        }
        self.stream.session = view.session.or(self.stream.session);
        self.stream.title = view.title.or(self.stream.title.take());
        self.merge_rows(view.moments.into_iter().collect());
        if let Some(s) = view.advisor {
            self.on_advisor_status(s);
        }
        if let Some(a) = view.advice {
            self.on_advice(a);
        }
        if let Some(info) = view.recording {
            self.update(Msg::Recording(RecordingView::from(&info)), now);
        }
        self.on_engine(Update::Snapshot(view.snapshot), now);
    }

    fn on_recorder(&mut self, news: RecorderNews) {
        crate::headless::media::log_recorder_line(&news);
        match news {
            RecorderNews::Armed if self.recording.state == RecState::Unavailable => {
                self.recording.state = RecState::Waiting;
            }
            RecorderNews::Disabled => self.recording.state = RecState::Unavailable,
            RecorderNews::Off(why) => {
                self.flash(format!("recording is OFF: {why}"), FlashKind::Bad);
                self.recording.state = RecState::Failed(why);
            }
            RecorderNews::Stalled { after_s } => self.flash(
                format!("recording stalled ({after_s} s without growth): restarting"),
                FlashKind::Bad,
            ),
            RecorderNews::DiskLow { minutes_left, .. } => self.flash(
                format!("recording: the disk is full in about {minutes_left:.0} min; free space"),
                FlashKind::Bad,
            ),
            RecorderNews::NoNewVideo { for_s } => self.flash(
                format!("recording stalled: no new video from the stream for {for_s} s"),
                FlashKind::Bad,
            ),
            RecorderNews::VideoBack { after_s } => self.flash(
                format!("recording: new video again (frozen for {after_s} s)"),
                FlashKind::Good,
            ),
            RecorderNews::Crashed { why } => {
                self.flash(format!("recording task {why}"), FlashKind::Bad);
            }
            RecorderNews::Unwritable { why } => self.flash(
                format!("recording CANNOT WRITE: {why}; chat and moments go on"),
                FlashKind::Bad,
            ),
            RecorderNews::ClippingAll { count, .. } if count > 0 => self.flash(
                format!(
                    "recording ended: clipping {}, best first",
                    crate::present::plural(count, "moment")
                ),
                FlashKind::Info,
            ),
            _ => {}
        }
    }
}
