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
}

/// Why the part before a new one ended, in words.
fn part_end(end: Option<&PartEnd>) -> Option<String> {
    Some(
        match end? {
            PartEnd::Exited(_) => "streamlink ended while the channel is live",
            PartEnd::NoNewVideo => "the stream sent no new video",
            PartEnd::PlaylistEnded => "the stream's playlist ended while the channel is live",
            PartEnd::Stalled => "the recording stalled",
            PartEnd::Discontinuity => "the stream reconnected",
            PartEnd::Stopped => "it was stopped",
            PartEnd::SpawnFailed(_) => "streamlink could not start",
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
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::media::{ClipState, PartInfo};
    use crate::time::Ts;

    fn drain(rx: &mut mpsc::UnboundedReceiver<MediaNews>) -> Vec<Update> {
        let mut out = Vec::new();
        while let Ok(n) = rx.try_recv() {
            match n {
                MediaNews::Send(u) | MediaNews::Snapshot(u) => out.push(u),
                MediaNews::Done(_) | MediaNews::Crashed { .. } | MediaNews::CutBeside { .. } => {}
            }
        }
        out
    }

    fn part(n: u32, end: Option<PartEnd>) -> PartInfo {
        let mut p = PartInfo::new(n, PathBuf::from(format!("/r/x_p{n}.ts")), Ts(0), 3);
        p.end = end;
        p
    }

    /// A stream that sends no new video is said once per freeze, after three stall spans
    /// (a stream that just ended is offline by then), never on every restart.
    #[test]
    fn a_frozen_stream_is_said_once_after_three_stall_spans() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut r = Reporter::new(5, tx, Duration::from_secs(20));
        let now = crate::time::wall_now();
        let mut copying = part(2, None);
        copying.bytes = 400_000;
        let frozen = |secs: f64| RecordingStatus {
            state: RecState::Recording,
            part: 2,
            parts: vec![part(1, Some(PartEnd::NoNewVideo)), copying.clone()],
            frozen_since: Some(now.plus_secs(-secs)),
            ..RecordingStatus::default()
        };
        let said = |got: Vec<Update>| {
            got.iter()
                .filter(|u| matches!(u, Update::Recorder(RecorderNews::NoNewVideo { .. })))
                .count()
        };
        r.health(&frozen(30.0));
        assert_eq!(
            said(drain(&mut rx)),
            0,
            "20 s stall floor: 60 s before it is said"
        );
        let st = frozen(61.0);
        r.health(&st);
        r.health(&st);
        assert_eq!(said(drain(&mut rx)), 1);
        // Another freeze later is said again.
        r.health(&frozen(90.0));
        assert_eq!(said(drain(&mut rx)), 1);
        // A restart still waiting for a playlist (none: the stream ended, the platform says
        // live a while longer) is not a frozen stream; nor is a stopped recorder.
        let mut waiting = frozen(200.0);
        waiting.state = RecState::Starting;
        waiting.parts[1].end = Some(PartEnd::NoNewVideo);
        waiting.parts.push(part(3, None));
        waiting.part = 3;
        r.health(&waiting);
        let mut stopped = frozen(300.0);
        stopped.state = RecState::Stopped(crate::media::StopReason::Offline);
        stopped.parts[1].end = Some(PartEnd::NoNewVideo);
        r.health(&stopped);
        assert_eq!(said(drain(&mut rx)), 0);
    }

    /// The end of a freeze that was said is said too, once, with how long it lasted; a
    /// freeze never said (too short) ends quietly.
    #[test]
    fn new_video_after_a_said_freeze_is_said_once() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut r = Reporter::new(5, tx, Duration::from_secs(20));
        let now = crate::time::wall_now();
        let since = now.plus_secs(-70.0);
        let mut copying = part(2, None);
        copying.bytes = 400_000;
        let mut st = RecordingStatus {
            state: RecState::Recording,
            part: 2,
            parts: vec![part(1, Some(PartEnd::NoNewVideo)), copying],
            frozen_since: Some(since),
            ..RecordingStatus::default()
        };
        // Said on a status change (a restart), not only at a health tick.
        r.on_status(&st);
        let backs = |got: &[Update]| {
            got.iter()
                .filter_map(|u| match u {
                    Update::Recorder(RecorderNews::VideoBack { after_s }) => Some(*after_s),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        let got = drain(&mut rx);
        assert!(
            got.iter()
                .any(|u| matches!(u, Update::Recorder(RecorderNews::NoNewVideo { .. })))
        );
        st.frozen_since = None;
        st.video_back = Some((since, since.plus_secs(95.0)));
        r.on_status(&st);
        r.health(&st);
        assert_eq!(backs(&drain(&mut rx)), vec![95]);
        // A short freeze, never said: its end is not news.
        st.video_back = Some((now.plus_secs(-5.0), now));
        r.health(&st);
        assert!(backs(&drain(&mut rx)).is_empty());
    }

    #[test]
    fn a_new_part_says_why_the_last_one_ended_and_progress_counts_the_end_clips() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut r = Reporter::new(5, tx, Duration::from_secs(20));
        let mut st = RecordingStatus {
            state: RecState::Recording,
            part: 1,
            parts: vec![part(1, None)],
            ..RecordingStatus::default()
        };
        r.on_status(&st);
        let got = drain(&mut rx);
        assert!(matches!(
            &got[0],
            Update::Recorder(RecorderNews::PartStarted {
                part: 1,
                reason: None,
                ..
            })
        ));
        assert!(matches!(&got[1], Update::Recording(i) if i.session == 5 && i.part == 1));

        st.parts = vec![part(1, Some(PartEnd::Stalled)), part(2, None)];
        st.part = 2;
        r.on_status(&st);
        let got = drain(&mut rx);
        let Update::Recorder(RecorderNews::PartStarted { part, reason, .. }) = &got[0] else {
            panic!("{got:?}");
        };
        assert_eq!(
            (*part, reason.as_deref()),
            (2, Some("the recording stalled"))
        );

        // A key-press clip is not part of the end-of-stream count.
        r.manual.insert(1);
        r.on_clip(ClipEvent {
            job: 1,
            moment_id: Some(9),
            state: ClipState::Waiting,
        });
        r.clipping_all(2);
        for (job, moment) in [(2, 3), (3, 4)] {
            r.on_clip(ClipEvent {
                job,
                moment_id: Some(moment),
                state: ClipState::Queued,
            });
        }
        assert_eq!(r.pending_moments(), vec![3, 4, 9]);
        r.on_clip(ClipEvent {
            job: 2,
            moment_id: Some(3),
            state: ClipState::NoRecording,
        });
        let news: Vec<ClipNews> = drain(&mut rx)
            .into_iter()
            .filter_map(|u| match u {
                Update::Clip(n) => Some(n),
                _ => None,
            })
            .collect();
        assert_eq!(news.last().map(|n| n.progress), Some(Some((1, 2))));
        assert_eq!(r.pending_moments(), vec![4, 9]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_second_disk_full_after_writing_resumed_is_said_again() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut r = Reporter::new(5, tx, Duration::from_secs(20));
        let full = "[Errno 28] No space left on device".to_string();
        let mut st = RecordingStatus {
            state: RecState::Recording,
            part: 1,
            parts: vec![part(1, None)],
            bytes: 1000,
            ..RecordingStatus::default()
        };
        let mut said = |r: &mut Reporter, state: RecState, bytes: u64| {
            st.state = state;
            st.bytes = bytes;
            r.on_status(&st);
            drain(&mut rx)
                .iter()
                .filter(|u| matches!(u, Update::Recorder(RecorderNews::Unwritable { .. })))
                .count()
        };
        assert_eq!(said(&mut r, RecState::Recording, 1000), 0);
        assert_eq!(said(&mut r, RecState::Unwritable(full.clone()), 1000), 1);
        // The recorder retries and fails again, having written nothing or a little: not said.
        assert_eq!(said(&mut r, RecState::Recording, 1000), 0);
        assert_eq!(said(&mut r, RecState::Unwritable(full.clone()), 1000), 0);
        assert_eq!(said(&mut r, RecState::Recording, 2000), 0);
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(said(&mut r, RecState::Recording, 3000), 0);
        assert_eq!(said(&mut r, RecState::Unwritable(full.clone()), 3000), 0);
        // Space was freed, it wrote for minutes, and the disk filled up again: said.
        assert_eq!(said(&mut r, RecState::Recording, 5000), 0);
        tokio::time::advance(Duration::from_secs(61)).await;
        assert_eq!(said(&mut r, RecState::Recording, 9000), 0);
        assert_eq!(said(&mut r, RecState::Unwritable(full), 9000), 1);
    }
}
