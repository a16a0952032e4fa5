//! Waits between parts on the stream's own playlist: after it ended while the platform
//! still says live ([`Supervisor::await_offline`]), and while it brings nothing new.
//!
//! While the stream sends no new video (the streamer's encoder stuck, the platform still
//! saying live), the recorder reads the stream's playlist itself instead of starting
//! streamlink again and again: each start copied the newest old segment into a new part, a
//! tiny duplicate file every 8–10 s (hundreds in an hour of a frozen encoder), each one a
//! part the clipper had to skip. The next part starts once the playlist lists a segment newer
//! than the newest recorded, reaching back far enough to record every new one.

use std::time::{Duration, Instant};

use super::recorder::RecState;
use super::stream_probe::StreamProbe;
use super::supervise::{Supervisor, stopped};

/// After the playlist ended, how long the platform may go on saying live before a restart…
const PLAYLIST_END_WAIT: Duration = Duration::from_secs(60);
/// …asked this often…
const PLAYLIST_END_POLL: Duration = Duration::from_secs(3);
/// …while the stream's own playlist is looked at this often (two looks tell it runs again).
const PLAYLIST_PROBE_EVERY: Duration = Duration::from_secs(5);

/// While frozen, how often the platform is asked whether the stream is still live: each ask
/// is a call to its API (or a streamlink probe when the API is down), so not at every read
/// of the playlist.
const FROZEN_LIVE_EVERY: Duration = Duration::from_secs(15);

/// Failed reads in a row after which the playlist is no longer watched.
const READ_FAILURES: u32 = 3;

/// How a wait for new video ended.
#[derive(Debug, PartialEq)]
pub(super) enum FrozenWait {
    /// New segments are listed: the next part's `--hls-live-edge`.
    NewVideo(u32),
    /// kicktui cannot read the playlist (streamlink gives no HTTP address for it, or a master
    /// playlist): streamlink is started again soon, as before.
    Unwatchable,
    /// The platform says offline.
    Offline,
    /// Asked to stop.
    Stopped,
}

/// One read of a media playlist.
#[derive(Debug, PartialEq)]
pub(super) struct Listing {
    /// Each listed segment's sequence number (as streamlink numbers them), and whether a
    /// discontinuity (a new encoder) comes right before it.
    segments: Vec<(u64, bool)>,
    /// `#EXT-X-TARGETDURATION`, seconds.
    target: f64,
    /// `#EXT-X-ENDLIST`: the stream ended.
    ended: bool,
}

/// A media playlist's segments; `None` for anything else (a master playlist, an error page).
pub(super) fn parse_listing(text: &str) -> Option<Listing> {
    if !text.trim_start().starts_with("#EXTM3U") || text.contains("#EXT-X-STREAM-INF") {
        return None;
    }
    let mut seq = 0u64;
    let mut target = 2.0;
    let mut disc = false;
    let mut segments = Vec::new();
    for line in text.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("#EXT-X-MEDIA-SEQUENCE:") {
            seq = v.trim().parse().ok()?;
        } else if let Some(v) = line.strip_prefix("#EXT-X-TARGETDURATION:") {
            target = v.trim().parse().unwrap_or(target);
        } else if line == "#EXT-X-DISCONTINUITY" {
            disc = true;
        } else if !line.is_empty() && !line.starts_with('#') {
            segments.push((seq, disc));
            seq += 1;
            disc = false;
        }
    }
    Some(Listing {
        segments,
        target,
        ended: text.contains("#EXT-X-ENDLIST"),
    })
}

impl Listing {
    fn last_seq(&self) -> Option<u64> {
        self.segments.last().map(|s| s.0)
    }

    /// The live edge that records every segment after `newest`, or `None` while there is
    /// none (nor an end). One old segment more, so a segment that comes while streamlink
    /// starts is not missed (parts may overlap), unless a new encoder's discontinuity comes
    /// first: an old segment there would start a part on the old timeline.
    fn edge_after(&self, newest: u64) -> Option<u32> {
        let all = u32::try_from(self.segments.len()).unwrap_or(u32::MAX);
        if self.renumbered(newest) {
            return Some(all.max(1));
        }
        let first_new = self.segments.iter().position(|s| s.0 > newest);
        let Some(first) = first_new else {
            // An ended playlist: streamlink finds it ended (a part says so) and the platform
            // is waited for, as when a recording part sees the end.
            return self.ended.then_some(1);
        };
        let new = all - u32::try_from(first).unwrap_or(0);
        let overlap = u32::from(first > 0 && !self.segments[first].1);
        Some(new + overlap)
    }

    /// Numbers that went back further than a stale copy of the playlist would: a new encoder
    /// numbering from 0 (all of it is new, and the newest recorded number means nothing now).
    fn renumbered(&self, newest: u64) -> bool {
        let all = self.segments.len() as u64;
        self.last_seq().is_some_and(|last| last + all < newest)
    }

    /// Often, so new video is seen soon after it is listed: streamlink takes a second or
    /// more to start, and a segment that comes meanwhile pushes a new encoder's first one
    /// out of the live edge (2 s lost at 2 s polls, seen in the test).
    fn poll_every(&self) -> Duration {
        Duration::from_secs_f64((self.target / 4.0).clamp(0.5, 2.0))
    }
}

/// The playlist at `url`, if it answers with a media playlist.
async fn read(http: &reqwest::Client, url: &str) -> Option<Listing> {
    let resp = http.get(url).send().await.ok()?;
    if !resp.status().is_success() {
        return None;
    }
    parse_listing(&resp.text().await.ok()?)
}

impl Supervisor {
    /// The stream's playlist ended while the platform still says live (its "offline" lags):
    /// restarting now would copy the ended playlist again and again. Waits up to
    /// [`PLAYLIST_END_WAIT`] for the platform to agree, asking every few seconds, or for the
    /// stream's own playlist to run again (a reconnect: an encoder restarted lost a minute);
    /// the usual live check follows. False when asked to stop.
    pub(super) async fn await_offline(&mut self) -> bool {
        let mut stop = self.stop_rx.clone();
        self.take_latest_url();
        let mut probe = StreamProbe::new(&self.cfg.streamlink, &self.cfg.url, &self.cfg.extra_args);
        let deadline = Instant::now() + PLAYLIST_END_WAIT;
        let mut next_probe = Instant::now();
        while Instant::now() < deadline {
            let live = tokio::select! {
                v = (self.is_live)() => v,
                _ = stopped(&mut stop) => return false,
            };
            if !live {
                return true;
            }
            // A streamer's reconnect: the platform rightly stays live, the playlist runs again.
            // Less often than the platform is asked (streamlink may solve a challenge each
            // time), and never past the deadline.
            if Instant::now() >= next_probe {
                next_probe = Instant::now() + PLAYLIST_PROBE_EVERY;
                let probed = tokio::time::timeout_at(deadline.into(), probe.playlist_running());
                let back = tokio::select! {
                    v = probed => v.unwrap_or(false),
                    _ = stopped(&mut stop) => return false,
                };
                if back {
                    tracing::info!("recording: the stream's playlist runs again");
                    return true;
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(PLAYLIST_END_POLL) => {}
                _ = stopped(&mut stop) => return false,
            }
        }
        true
    }

    /// After a part ended for want of new segments: waits, reading the stream's playlist
    /// every quarter segment, until it lists new video, the platform says offline, or a stop.
    pub(super) async fn await_new_video(&mut self) -> FrozenWait {
        let mut stop = self.stop_rx.clone();
        self.take_latest_url();
        let probe = StreamProbe::new(&self.cfg.streamlink, &self.cfg.url, &self.cfg.extra_args);
        let url = tokio::select! {
            u = probe.media_playlist_url() => u,
            _ = stopped(&mut stop) => return FrozenWait::Stopped,
        };
        let Some(url) = url else {
            return FrozenWait::Unwatchable;
        };
        // Said as such: nothing restarts meanwhile ("restarting" for minutes misled).
        self.set_state(RecState::Frozen);
        // Set once the playlist was read.
        let mut newest = None;
        let mut failures = 0;
        let mut every = Duration::from_secs(2);
        let mut ask_live_at = Instant::now() + FROZEN_LIVE_EVERY;
        loop {
            let listing = tokio::select! {
                l = read(probe.http(), &url) => l,
                _ = stopped(&mut stop) => return FrozenWait::Stopped,
            };
            match listing {
                Some(l) => {
                    failures = 0;
                    every = l.poll_every();
                    // A recorder that restarted after a crash knows no segment yet: what is
                    // listed now is what the frozen stream shows.
                    if let Some(from) = newest.or(self.newest_segment).or_else(|| l.last_seq()) {
                        newest = Some(from);
                        if let Some(edge) = l.edge_after(from) {
                            if l.renumbered(from) {
                                // Its segments are new video however they are numbered: kept
                                // at the old encoder's highest, the freeze never ended (a
                                // false "no new video" alert while recording) and each later
                                // freeze took the old numbers for new ones (a part every 8 s).
                                self.newest_segment = None;
                            }
                            return FrozenWait::NewVideo(edge);
                        }
                    }
                }
                None => {
                    failures += 1;
                    if failures >= READ_FAILURES && newest.is_none() {
                        // Never read (not a playlist kicktui can read without streamlink).
                        return FrozenWait::Unwatchable;
                    }
                    if failures >= READ_FAILURES {
                        // What came meanwhile is unknown: streamlink goes back as far as the
                        // playlist allows (an overlap is harmless, a gap is not).
                        return FrozenWait::NewVideo(self.cfg.restart_live_edge.max(1));
                    }
                }
            }
            if Instant::now() >= ask_live_at {
                ask_live_at = Instant::now() + FROZEN_LIVE_EVERY;
                let live = tokio::select! {
                    v = (self.is_live)() => v,
                    _ = stopped(&mut stop) => return FrozenWait::Stopped,
                };
                if !live {
                    return FrozenWait::Offline;
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stopped(&mut stop) => return FrozenWait::Stopped,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn playlist(first: u64, n: u64, disc_before: Option<u64>, ended: bool) -> String {
        let mut s = format!(
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:{first}\n"
        );
        for seq in first..first + n {
            if disc_before == Some(seq) {
                s.push_str("#EXT-X-DISCONTINUITY\n");
            }
            s.push_str(&format!(
                "#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:00.000Z\n#EXTINF:2.000000,\nseg_{seq:06}.ts\n"
            ));
        }
        if ended {
            s.push_str("#EXT-X-ENDLIST\n");
        }
        s
    }

    #[test]
    fn a_frozen_playlist_has_nothing_new() {
        let l = parse_listing(&playlist(10, 6, None, false)).unwrap();
        assert_eq!(l.last_seq(), Some(15));
        assert_eq!(l.edge_after(15), None);
        assert_eq!(l.poll_every(), Duration::from_millis(500));
    }

    /// The same encoder goes on: every new segment and one old one (a segment that comes as
    /// streamlink starts is not lost).
    #[test]
    fn new_segments_are_all_recorded_with_one_old_one() {
        let l = parse_listing(&playlist(12, 6, None, false)).unwrap();
        assert_eq!(l.edge_after(15), Some(3), "16 and 17, and 15 again");
    }

    /// A reconnect: the next part starts at the new encoder's first segment, not on the old
    /// timeline (that part would end at once at the discontinuity, a tiny part again).
    #[test]
    fn after_a_discontinuity_only_the_new_encoders_segments() {
        let l = parse_listing(&playlist(11, 6, Some(16), false)).unwrap();
        assert_eq!(l.edge_after(15), Some(1));
        assert!(l.segments[5].1);
    }

    #[test]
    fn an_end_or_numbers_that_went_back_start_streamlink() {
        let ended = parse_listing(&playlist(10, 6, None, true)).unwrap();
        assert_eq!(ended.edge_after(15), Some(1));
        let renumbered = parse_listing(&playlist(0, 4, None, false)).unwrap();
        assert_eq!(renumbered.edge_after(15), Some(4));
        assert!(renumbered.renumbered(15));
        // A cache's copy a segment or two old is still the frozen stream.
        let stale = parse_listing(&playlist(8, 6, None, false)).unwrap();
        assert_eq!(stale.edge_after(15), None);
        assert!(!stale.renumbered(15));
    }

    #[test]
    fn only_media_playlists_are_read() {
        let master = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlive.m3u8\n";
        assert_eq!(parse_listing(master), None);
        assert_eq!(parse_listing("<html>502</html>"), None);
        let none = parse_listing("#EXTM3U\n#EXT-X-TARGETDURATION:6\n").unwrap();
        assert_eq!(none.edge_after(3), None);
        assert_eq!(none.poll_every(), Duration::from_millis(1500));
    }
}
