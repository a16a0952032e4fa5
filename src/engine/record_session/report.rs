//! Turns the recorder's status and the clipper's events into front-end updates: the pane
//! (at once on a change of state or part, else every few seconds), log-worthy events, the
//! health line, and the end-of-stream clip progress.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::{ManualJobs, MediaNews, OpenJobs};
use crate::engine::update::{ClipNews, RecorderNews, RecordingInfo, Update};
use crate::media::health::stall_after;
use crate::media::{ClipEvent, PartEnd, RecState, RecordingStatus};

/// Size and rate in the pane: this often at most (the state changes go at once).
const PANE_EVERY: Duration = Duration::from_secs(2);
/// The same "cannot write" is said once in this long (the recorder keeps trying meanwhile, and
/// a part may write a little before failing again)…
const UNWRITABLE_EVERY: Duration = Duration::from_secs(600);
/// …unless the recording has been writing again for this long: then it is news again.
const RESUMED_FOR: Duration = Duration::from_secs(60);
/// A part's growth rate is judged after this long recording (not its first burst).
const RATE_SETTLES: Duration = Duration::from_secs(60);

pub(in crate::engine) struct Reporter {
    pub session: i64,
    news: mpsc::UnboundedSender<MediaNews>,
    stall_floor: Duration,
    pub manual: ManualJobs,
    open: OpenJobs,
    pub clipping: Option<(usize, usize)>,
    last: RecordingInfo,
    last_pane: Option<Instant>,
    /// The last "cannot write" said, when, and the recorded bytes then.
    unwritable_said: Option<(String, Instant, u64)>,
    /// Since when the recording has been growing again after it.
    resumed_at: Option<Instant>,
    /// The freeze (`RecordingStatus::frozen_since`) already said.
    frozen_said: Option<crate::time::Ts>,
    /// The recordings' disk filling up: said while there is time to free space.
    disk: crate::media::disk_watch::DiskWatch,
    /// Since when the recorder has been recording (the rate's minute to settle).
    recording_since: Option<Instant>,
}

/// Why the part before a new one ended, in words.
fn part_end(end: Option<&PartEnd>) -> Option<String> {
    Some(
        match end? {
            PartEnd::Exited(_) => "streamlink ended while the channel is live",
            PartEnd::NoNewVideo => "the stream sent no new video",
            PartEnd::Unreachable => "the stream's server could not be reached",
            PartEnd::PlaylistEnded => "the stream's playlist ended while the channel is live",
            PartEnd::Stalled => "the recording stalled",
            PartEnd::Deleted => "the previous file was deleted",
            PartEnd::Discontinuity => "the stream reconnected",
            PartEnd::Stopped => "it was stopped",
            PartEnd::SpawnFailed(_) | PartEnd::SpawnRetry(_) => "streamlink could not start",
            PartEnd::Crashed => "the recorder crashed and was restarted",
            PartEnd::Interrupted => "kicktui was restarted after a crash",
            PartEnd::Unwritable(why) => {
                return Some(format!("the last part could not be written: {why}"));
            }
        }
        .to_string(),
    )
}

impl Reporter {
    pub fn new(
        session: i64,
        news: mpsc::UnboundedSender<MediaNews>,
        stall_floor: Duration,
    ) -> Reporter {
        Reporter {
            session,
            news,
            stall_floor,
            manual: ManualJobs::new(),
            open: OpenJobs::new(),
            clipping: None,
            last: RecordingInfo {
                session,
                ..RecordingInfo::default()
            },
            last_pane: None,
            unwritable_said: None,
            resumed_at: None,
            frozen_said: None,
            disk: Default::default(),
            recording_since: None,
        }
    }

    /// The recording goes on after `part` (an earlier task's or run's): only later parts
    /// are new.
    pub fn after_part(&mut self, part: u32) {
        self.last.part = part;
    }

    pub fn send(&self, u: Update) {
        let _ = self.news.send(MediaNews::Send(u));
    }

    pub fn on_status(&mut self, st: &RecordingStatus) {
        // Writing for a minute again: the next "cannot write" is news again.
        if st.state == RecState::Recording
            && self
                .unwritable_said
                .as_ref()
                .is_some_and(|(_, _, bytes)| st.bytes > *bytes)
            && self.resumed_at.get_or_insert_with(Instant::now).elapsed() >= RESUMED_FOR
        {
            self.unwritable_said = None;
            self.resumed_at = None;
        }
        if st.part > self.last.part
            && let Some(p) = st.parts.iter().find(|p| p.part == st.part)
        {
            let before = st.parts.iter().rev().find(|q| q.part < st.part);
            self.send(Update::Recorder(RecorderNews::PartStarted {
                part: st.part,
                path: p.path.clone(),
                reason: before.and_then(|q| part_end(q.end.as_ref())),
            }));
        }
        if st.state != self.last.state {
            match &st.state {
                RecState::Stalled => {
                    let target = st.parts.last().map_or(2.0, |p| p.target_duration);
                    let after_s = stall_after(self.stall_floor, target).as_secs();
                    self.send(Update::Recorder(RecorderNews::Stalled { after_s }));
                }
                RecState::Unwritable(why) => {
                    self.resumed_at = None;
                    let said = self
                        .unwritable_said
                        .as_ref()
                        .is_some_and(|(w, at, _)| w == why && at.elapsed() < UNWRITABLE_EVERY);
                    if !said {
                        self.unwritable_said = Some((why.clone(), Instant::now(), st.bytes));
                        self.send(Update::Recorder(RecorderNews::Unwritable {
                            why: why.clone(),
                        }));
                    }
                }
                RecState::Crashed(why) => {
                    self.send(Update::Recorder(RecorderNews::Crashed { why: why.clone() }));
                }
                RecState::Stopped(_) => {
                    self.send(Update::Recorder(RecorderNews::Stopped {
                        session: self.session,
                        why: st.state.label(),
                    }));
                }
                _ => {}
            }
        }
        // Said as soon as a restart shows it, not at the next health tick.
        self.frozen(st);
        let changed = st.state != self.last.state || st.part != self.last.part;
        self.last.state = st.state.clone();
        self.last.part = st.part;
        self.last.path = st.path.clone();
        self.last.bytes = st.bytes;
        self.last.mb_per_min = st.mb_per_min;
        self.last.low = st.low;
        self.last.disk_free = st.disk_free;
        // The rate is judged once a part has recorded for a minute (a start catches up on the
        // playlist's segments in a burst, twice the real rate).
        if st.state == RecState::Recording {
            self.recording_since.get_or_insert_with(Instant::now);
        } else {
            self.recording_since = None;
        }
        let settled = self
            .recording_since
            .is_some_and(|t| t.elapsed() >= RATE_SETTLES);
        if let Some(free_bytes) = st.disk_free.filter(|_| settled)
            && let Some(minutes_left) = self.disk.check(free_bytes, st.mb_per_min)
        {
            self.send(Update::Recorder(RecorderNews::DiskLow {
                free_bytes,
                minutes_left,
                mb_per_min: st.mb_per_min,
            }));
        }
        self.pane(changed);
    }

    fn pane(&mut self, force: bool) {
        let due = self.last_pane.is_none_or(|t| t.elapsed() >= PANE_EVERY);
        if !force && !due {
            return;
        }
        self.last_pane = Some(Instant::now());
        self.last.clipping = self.clipping;
        let u = Update::Recording(self.last.clone());
        let news = if force {
            MediaNews::Send(u)
        } else {
            MediaNews::Snapshot(u)
        };
        let _ = self.news.send(news);
    }

    /// The periodic `Recording health:` line, while streamlink runs; and the freeze news.
    pub fn health(&mut self, st: &RecordingStatus) {
        self.frozen(st);
        if matches!(st.state, RecState::Recording | RecState::Stalled) {
            self.send(Update::Recorder(RecorderNews::Health {
                line: st.health_line(),
                low: st.low,
            }));
        }
    }

    /// Once per freeze, that the stream has sent no new video for a while (three stall
    /// spans: a stream that just ended is offline by then).
    fn frozen(&mut self, st: &RecordingStatus) {
        // Frozen only while restarts reach the playlist and find old segments there: not
        // once stopped, nor while a restart waits for a playlist that is gone (a stream that
        // ended while the platform still says live).
        let stale = match st.parts.last() {
            Some(p) if p.is_growing() => p.bytes > 0,
            Some(p) => p.end == Some(PartEnd::NoNewVideo),
            None => false,
        };
        let running = !matches!(st.state, RecState::Stopped(_) | RecState::Idle);
        if let Some(since) = st.frozen_since
            && running
            && stale
            && self.frozen_said != Some(since)
        {
            let target = st.parts.last().map_or(2.0, |p| p.target_duration);
            let limit = 3 * stall_after(self.stall_floor, target).as_secs();
            let for_s = crate::time::wall_now().secs_since(since).max(0.0) as u64;
            if for_s >= limit {
                self.frozen_said = Some(since);
                self.send(Update::Recorder(RecorderNews::NoNewVideo { for_s }));
            }
        }
        // The freeze that was said is over: new video came.
        if let Some((since, back)) = st.video_back
            && self.frozen_said == Some(since)
        {
            self.frozen_said = None;
            let after_s = back.secs_since(since).max(0.0) as u64;
            self.send(Update::Recorder(RecorderNews::VideoBack { after_s }));
        }
    }

    pub fn on_clip(&mut self, ev: ClipEvent) {
        let mut progress = None;
        if ev.state.is_final() {
            self.open.remove(&ev.job);
            if let Some((done, total)) = &mut self.clipping
                && !self.manual.contains(&ev.job)
            {
                *done += 1;
                progress = Some((*done, *total));
            }
        } else {
            self.open.insert(ev.job, ev.moment_id);
        }
        self.send(Update::Clip(ClipNews {
            session: self.session,
            moment_id: ev.moment_id,
            state: ev.state,
            progress,
        }));
        if progress.is_some() {
            self.pane(true);
        }
    }

    pub fn clipping_all(&mut self, count: usize) {
        self.clipping = Some((0, count));
        self.send(Update::Recorder(RecorderNews::ClippingAll {
            session: self.session,
            count,
        }));
        self.pane(true);
    }

    /// Moments whose clip was asked for and is not final.
    pub fn pending_moments(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.open.values().filter_map(|m| *m).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
