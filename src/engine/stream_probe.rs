//! The stream probe's answer as a live status, for when the platform's API cannot tell.

use crate::kickapi::{LiveSource, LiveStatus};
pub use crate::media::stream_probe::{Probe, StreamProbe};

impl Probe {
    /// The status the channel API would have given, or `None` when the probe cannot tell.
    pub fn status(&self) -> Option<LiveStatus> {
        let is_live = match self {
            Probe::Live { .. } => true,
            Probe::Offline { .. } => false,
            Probe::Unknown { .. } => return None,
        };
        Some(LiveStatus {
            is_live,
            title: match self {
                Probe::Live { title } => title.clone(),
                _ => None,
            },
            // The stream's own start is not in what streamlink tells: offsets count from here.
            started_at: None,
            source: LiveSource::StreamProbe,
            ..LiveStatus::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_probe_result_is_a_status_from_the_probe() {
        let s = Probe::Live { title: None }.status().unwrap();
        assert!(s.is_live && s.source == LiveSource::StreamProbe);
        let s = Probe::Offline { why: "x".into() }.status().unwrap();
        assert!(!s.is_live);
        assert_eq!(Probe::Unknown { why: "x".into() }.status(), None);
    }
}
