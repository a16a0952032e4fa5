//! Wall time as milliseconds since the Unix epoch (UTC), with fast RFC 3339 parsing.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ts(pub i64);

/// Times read from logs and servers lie from 1970 up to 1e14 ms (the year 5138), as a plain
/// log's numeric `ts` does: one line dated further out would carry a replay's clock with it.
const PLAUSIBLE_MS: std::ops::Range<i64> = 0..100_000_000_000_000;

impl Ts {
    /// `ms` as a time read from outside, if it is a plausible one.
    pub fn plausible(ms: i64) -> Option<Ts> {
        PLAUSIBLE_MS.contains(&ms).then_some(Ts(ms))
    }

    pub fn from_secs_f64(s: f64) -> Ts {
        Ts((s * 1000.0).round() as i64)
    }

    pub fn secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    // Saturating: times come from logs and servers, and an absurd one must not overflow.
    pub fn plus_ms(self, ms: i64) -> Ts {
        Ts(self.0.saturating_add(ms))
    }

    pub fn plus_secs(self, s: f64) -> Ts {
        Ts(self.0.saturating_add((s * 1000.0).round() as i64))
    }

    /// Seconds from `earlier` to `self`.
    pub fn secs_since(self, earlier: Ts) -> f64 {
        self.0.saturating_sub(earlier.0) as f64 / 1000.0
    }

    pub fn to_datetime(self) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.0)
            .single()
            .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
    }

    pub fn from_datetime<Tz: TimeZone>(dt: &DateTime<Tz>) -> Ts {
        Ts(dt.timestamp_millis())
    }

    /// `2026-09-27T16:11:55Z`, or with milliseconds when there are any.
    pub fn to_rfc3339(self) -> String {
        self.to_datetime()
            .to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }

    /// Parses RFC 3339 / ISO 8601 with an offset (`Z`, `+00:00`, fractions of any length).
    /// The common shapes take a fast path; anything else goes through chrono. A date outside
    /// the plausible range (before 1970, after the year 5138) is `None`.
    pub fn parse_rfc3339(s: &str) -> Option<Ts> {
        let t = parse_fast(s.as_bytes()).or_else(|| {
            DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|d| Ts::from_datetime(&d))
        })?;
        Ts::plausible(t.0)
    }
}

fn digits(b: &[u8]) -> Option<i64> {
    let mut v = 0i64;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as i64;
    }
    Some(v)
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn parse_fast(b: &[u8]) -> Option<Ts> {
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let (h, mi, s) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if !(1..=12).contains(&mo) || !(1..=days_in_month(y, mo)).contains(&d) {
        return None;
    }
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut i = 19;
    let mut ms = 0i64;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        let frac = &b[start..i.min(start + 3)];
        ms = digits(frac)? * [100, 10, 1][frac.len() - 1];
    }
    let offset_min = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (oh, om) = (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?);
            if oh > 23 || om > 59 {
                return None;
            }
            let v = oh * 60 + om;
            if *sign == b'-' { -v } else { v }
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + s - offset_min * 60;
    Some(Ts(secs * 1000 + ms))
}

/// The wall clock. Only actors at the edges call this; the core gets time as an argument.
pub fn wall_now() -> Ts {
    Ts(chrono::Utc::now().timestamp_millis())
}

/// `1h 23m 45s`, as in the seed's banner.
pub fn format_offset_words(secs: f64) -> String {
    let t = secs.max(0.0) as u64;
    let (h, m, s) = (t / 3600, t / 60 % 60, t % 60);
    if h > 0 {
        format!("{h}h {m:02}m {s:02}s")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

/// `1:23:45`.
pub fn format_hms(secs: f64) -> String {
    let t = secs.max(0.0) as u64;
    format!("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
}

/// Longer than any stream (a month-long subathon is 720 h): beyond it an offset is a typo.
const MAX_HMS_S: f64 = 10_000.0 * 3600.0;

/// Parses `1:23:45`, `23:45`, `45` or `83.5` into seconds. Minutes and seconds after a colon
/// are below 60 (`1:75` is a typo, not 2:15); at most hours, minutes and seconds, and at most
/// 10 000 hours.
pub fn parse_hms(s: &str) -> Option<f64> {
    let parts: Vec<&str> = s.trim().split(':').collect();
    if parts.len() > 3 {
        return None;
    }
    let mut total = 0.0;
    for (i, part) in parts.iter().enumerate() {
        let v: f64 = part.parse().ok()?;
        if v < 0.0 || !v.is_finite() || (i > 0 && v >= 60.0) {
            return None;
        }
        total = total * 60.0 + v;
    }
    (total <= MAX_HMS_S).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_agrees_with_chrono() {
        for s in [
            "2026-09-27T16:11:55+00:00",
            "2026-09-27T16:12:16.212275837Z",
            "2026-02-27T10:30:00Z",
            "2024-02-29T23:59:59.5-05:30",
            "1970-01-01T00:00:00Z",
        ] {
            let want = DateTime::parse_from_rfc3339(s)
                .map(|d| d.timestamp_millis())
                .unwrap();
            assert_eq!(parse_fast(s.as_bytes()), Some(Ts(want)), "{s}");
        }
    }

    #[test]
    fn arithmetic_on_absurd_times_saturates() {
        assert_eq!(Ts(i64::MAX).plus_ms(5), Ts(i64::MAX));
        assert_eq!(Ts(i64::MAX).plus_secs(1e30), Ts(i64::MAX));
        assert_eq!(Ts(0).plus_secs(-1e30), Ts(i64::MIN));
        assert!(Ts(i64::MAX).secs_since(Ts(i64::MIN)) > 0.0);
    }

    #[test]
    fn bad_times_are_none() {
        for s in [
            "",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-09-27T16:11:55",
            // Impossible days and offsets (chrono refuses them too; the fast path rolled over).
            "2026-02-31T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-09-21T14:13:20+99:99",
            // Outside what a log or server plausibly says: it would drag a replay's clock.
            "9999-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "0000-01-01T00:00:00Z",
        ] {
            assert_eq!(Ts::parse_rfc3339(s), None, "{s}");
        }
    }

    #[test]
    fn offsets_format_like_the_banner() {
        assert_eq!(format_offset_words(5025.0), "1h 23m 45s");
        assert_eq!(format_hms(5025.0), "1:23:45");
        assert_eq!(parse_hms("1:23:45"), Some(5025.0));
        assert_eq!(parse_hms("x"), None);
        assert_eq!(
            parse_hms("90"),
            Some(90.0),
            "plain seconds may pass a minute"
        );
        assert_eq!(parse_hms("1:75"), None);
        assert_eq!(parse_hms("99:99:99"), None);
        assert_eq!(parse_hms("1:2:3:4"), None);
        assert_eq!(parse_hms("99999999999999999999"), None);
        assert_eq!(parse_hms("9999:59:59"), Some(35_999_999.0));
    }
}
