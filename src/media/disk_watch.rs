//! The recordings' disk running out: a streamer recording for hours hears about it while
//! there is time to free space, not when streamlink stops writing. Pure: the free space and
//! the growth rate come in as arguments.

/// Said when less than this much recording is left (minutes), then again at each smaller one.
const WARN_AT_MIN: [u32; 4] = [60, 30, 10, 5];

/// Decimal, as file managers count.
const GB: f64 = 1e9;

/// Space freed since the last warning that makes the next shortage news again (or a tenth).
const FREED: u64 = 1_000_000_000;

/// Minutes of recording the free space holds at `mb_per_min` (none while not growing).
pub fn minutes_left(free_bytes: u64, mb_per_min: f64) -> Option<f64> {
    (mb_per_min > 0.1).then(|| free_bytes as f64 / 1e6 / mb_per_min)
}

/// The thresholds said so far, so each is said once while the disk fills.
#[derive(Debug, Default)]
pub struct DiskWatch {
    /// The smallest threshold (minutes) said, and the free space then; cleared once space is
    /// freed (not when the rate falls: a stall would make every threshold news again).
    said: Option<(u32, u64)>,
}

impl DiskWatch {
    /// The minutes of recording left, when a warning is due for this look at the disk.
    pub fn check(&mut self, free_bytes: u64, mb_per_min: f64) -> Option<f64> {
        if let Some((_, then)) = self.said
            && free_bytes > then.saturating_add(FREED.max(then / 10))
        {
            // Space was freed: the next shortage is news again.
            self.said = None;
        }
        let left = minutes_left(free_bytes, mb_per_min)?;
        let due = WARN_AT_MIN
            .iter()
            .copied()
            .filter(|&m| left <= f64::from(m))
            .min()?;
        if self.said.is_some_and(|(s, _)| s <= due) {
            return None;
        }
        self.said = Some((due, free_bytes));
        Some(left)
    }
}

/// The warning's words: `the disk has 2.1 GB free, about 28m 00s at 75.0 MB/min`.
pub fn disk_low_words(free_bytes: u64, minutes_left: f64, mb_per_min: f64) -> String {
    // Under a GB in MB: "0.0 GB free" with 29 MB left read as none.
    let free = if (free_bytes as f64) < GB {
        format!("{:.0} MB", free_bytes as f64 / 1e6)
    } else {
        format!("{:.1} GB", free_bytes as f64 / GB)
    };
    format!(
        "the disk has {free} free, about {} at {mb_per_min:.1} MB/min",
        crate::time::format_offset_words(minutes_left * 60.0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filling_disk_is_said_at_an_hour_half_an_hour_ten_and_five_minutes_left() {
        let mut w = DiskWatch::default();
        // 75 MB/min (1080p60): 4.5 GB is an hour.
        let rate = 75.0;
        let said: Vec<u64> = (0..=100)
            .rev()
            .map(|tenths| tenths * 100_000_000)
            .filter(|&free| w.check(free, rate).is_some())
            .collect();
        // 4.5 GB (60 min), 2.2 GB (29 min), 0.7 GB (9 min), 0.3 GB (4 min).
        assert_eq!(
            said,
            [4_500_000_000, 2_200_000_000, 700_000_000, 300_000_000]
        );
        let left = DiskWatch::default()
            .check(2_100_000_000, rate)
            .expect("said");
        assert_eq!(
            disk_low_words(2_100_000_000, left, rate),
            "the disk has 2.1 GB free, about 28m 00s at 75.0 MB/min"
        );
        assert!(disk_low_words(29_000_000, 0.4, rate).starts_with("the disk has 29 MB free"));
        // Not growing: nothing to estimate.
        assert_eq!(DiskWatch::default().check(1000, 0.0), None);
        // A stall (the rate falls, then comes back) makes nothing news again.
        let mut w2 = DiskWatch::default();
        assert!(w2.check(2_000_000_000, rate).is_some());
        assert!(w2.check(2_000_000_000, 5.0).is_none());
        assert!(w2.check(1_990_000_000, rate).is_none());
        // Freed: said again when it runs short again.
        assert!(w.check(10_000_000_000, rate).is_none());
        assert!(w.check(4_000_000_000, rate).is_some());
    }
}
