//! The stream's address as the platform last gave it. Kick's playback URL carries a token that
//! changes during a stream: a restart with the old one gets 403 for the rest of the stream, so
//! each new part takes the latest.

use std::sync::{Arc, Mutex};

/// Shared by the engine (which hears the API) and the recorders it starts.
#[derive(Clone, Debug, Default)]
pub struct LatestUrl(Arc<Mutex<Option<String>>>);

impl PartialEq for LatestUrl {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl LatestUrl {
    pub fn set(&self, url: String) {
        if let Ok(mut u) = self.0.lock() {
            *u = Some(url);
        }
    }

    /// The latest address when it differs from `current`.
    pub fn newer_than(&self, current: &str) -> Option<String> {
        let u = self.0.lock().ok()?;
        u.as_deref().filter(|u| *u != current).map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_sees_the_latest_address() {
        let engine = LatestUrl::default();
        let recorder = engine.clone();
        assert_eq!(
            recorder.newer_than("hls://a?token=1"),
            None,
            "none given yet"
        );
        engine.set("hls://a?token=2".into());
        assert_eq!(
            recorder.newer_than("hls://a?token=1").as_deref(),
            Some("hls://a?token=2")
        );
        assert_eq!(recorder.newer_than("hls://a?token=2"), None);
    }
}
