//! Range checks that types alone cannot express. Errors are `(key, what is expected)`.

use super::Config;

pub(super) type Check = Result<(), (String, String)>;

fn positive(key: &str, v: f64) -> Check {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err((key.into(), format!("a number above 0, got {v}")))
    }
}

fn range(key: &str, v: u32, lo: u32, hi: u32) -> Check {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err((
            key.into(),
            format!("a whole number from {lo} to {hi}, got {v}"),
        ))
    }
}

/// A program to run: a name on PATH or a path.
fn program(key: &str, v: &str) -> Check {
    if v.trim().is_empty() {
        Err((key.into(), "a program name or path, got \"\"".into()))
    } else {
        Ok(())
    }
}

/// A command line as a list: empty (none), or a program first.
pub(super) fn command(key: &str, argv: &[String]) -> Check {
    match argv.first() {
        Some(p) if p.trim().is_empty() => Err((
            key.into(),
            // Single quotes (TOML's literal strings): a secret key's error hides what is in
            // double quotes, and this example would read "[(not shown), (not shown)]".
            "a list whose first item is the program, such as ['notify-send', 'clip'] (or [] \
             for none), got an empty program"
                .into(),
        )),
        _ => Ok(()),
    }
}

/// A clip window of `pre` + `post` seconds has a length.
fn clip_window(key: &str, pre: u32, post: u32) -> Check {
    if pre + post > 0 {
        Ok(())
    } else {
        Err((
            key.into(),
            "above 0 when the pre-roll is 0 too: a clip needs a length".into(),
        ))
    }
}

pub(super) fn url(key: &str, v: &str, schemes: &[&str]) -> Check {
    if schemes.iter().any(|s| v.starts_with(s)) {
        Ok(())
    } else {
        Err((
            key.into(),
            format!("a URL starting with {}, got {v:?}", schemes.join(" or ")),
        ))
    }
}

pub fn validate(c: &Config) -> Check {
    range("chat.window_seconds", c.chat.window_seconds, 1, 600)?;
    range(
        "chat.raid_damping_seconds",
        c.chat.raid_damping_seconds,
        0,
        3600,
    )?;
    range("chat.warmup_seconds", c.chat.warmup_seconds, 0, 3600)?;
    range("chat.clip_min_viewers", c.chat.clip_min_viewers, 1, 10_000)?;
    range("peaks.window_seconds", c.peaks.window_seconds, 5, 120)?;
    range("peaks.lookback_seconds", c.peaks.lookback_seconds, 0, 600)?;
    range("peaks.confirm_seconds", c.peaks.confirm_seconds, 1, 120)?;
    range("peaks.baseline_seconds", c.peaks.baseline_seconds, 60, 7200)?;
    range("peaks.lead_seconds", c.peaks.lead_seconds, 0, 120)?;
    positive("peaks.surge_ratio", c.peaks.surge_ratio)?;
    if !(0.0..=1.0).contains(&c.peaks.min_probability) {
        return Err((
            "peaks.min_probability".into(),
            format!("a number from 0 to 1, got {}", c.peaks.min_probability),
        ));
    }
    positive("velocity.threshold", c.velocity.threshold)?;
    range(
        "velocity.baseline_seconds",
        c.velocity.baseline_seconds,
        30,
        7200,
    )?;
    positive("velocity.z_threshold", c.velocity.z_threshold)?;
    positive("velocity.min_ratio", c.velocity.min_ratio)?;
    if !(c.velocity.floor.is_finite() && c.velocity.floor >= 0.0) {
        return Err((
            "velocity.floor".into(),
            format!("a number of at least 0, got {}", c.velocity.floor),
        ));
    }
    if c.keywords.phrases.iter().any(|p| p.trim().is_empty()) {
        return Err((
            "keywords.phrases".into(),
            "a list of non-empty phrases".into(),
        ));
    }
    range("keywords.threshold", c.keywords.threshold, 1, 100_000)?;
    range("emotes.threshold", c.emotes.threshold, 1, 100_000)?;
    range("emotes.window_seconds", c.emotes.window_seconds, 1, 600)?;
    range(
        "events.sub_burst_count",
        c.events.sub_burst_count,
        1,
        100_000,
    )?;
    range(
        "events.sub_burst_seconds",
        c.events.sub_burst_seconds,
        1,
        3600,
    )?;
    positive("events.donation_min_usd", c.events.donation_min_usd)?;
    // A raid's strength is its size over this: 0 made it infinite.
    range(
        "events.raid_min_viewers",
        c.events.raid_min_viewers,
        1,
        crate::domain::MAX_VIEWERS,
    )?;
    if !(c.moments.strong_single.is_finite() && c.moments.strong_single >= 0.0) {
        return Err((
            "moments.strong_single".into(),
            format!("a number of at least 0, got {}", c.moments.strong_single),
        ));
    }
    positive("viewers.spike_ratio", c.viewers.spike_ratio)?;
    range(
        "viewers.baseline_samples",
        c.viewers.baseline_samples,
        1,
        1000,
    )?;
    range("moments.merge_seconds", c.moments.merge_seconds, 1, 600)?;
    range(
        "moments.cooldown_seconds",
        c.moments.cooldown_seconds,
        0,
        3600,
    )?;
    range(
        "moments.pre_roll_seconds",
        c.moments.pre_roll_seconds,
        0,
        600,
    )?;
    range(
        "moments.post_roll_seconds",
        c.moments.post_roll_seconds,
        0,
        600,
    )?;
    range(
        "moments.event_pre_roll_seconds",
        c.moments.event_pre_roll_seconds,
        0,
        600,
    )?;
    range(
        "moments.event_post_roll_seconds",
        c.moments.event_post_roll_seconds,
        0,
        600,
    )?;
    clip_window(
        "moments.post_roll_seconds",
        c.moments.pre_roll_seconds,
        c.moments.post_roll_seconds,
    )?;
    clip_window(
        "moments.event_post_roll_seconds",
        c.moments.event_pre_roll_seconds,
        c.moments.event_post_roll_seconds,
    )?;
    range(
        "clips.reaction_delay_seconds",
        c.clips.reaction_delay_seconds,
        0,
        120,
    )?;
    command("clips.on_ready", &c.clips.on_ready)?;
    program("recorder.streamlink", &c.recorder.streamlink)?;
    program("recorder.ffmpeg", &c.recorder.ffmpeg)?;
    program("recorder.ffprobe", &c.recorder.ffprobe)?;
    range(
        "recorder.poll_interval_seconds",
        c.recorder.poll_interval_seconds,
        5,
        3600,
    )?;
    range(
        "recorder.health_interval_seconds",
        c.recorder.health_interval_seconds,
        1,
        3600,
    )?;
    range(
        "recorder.stop_timeout_seconds",
        c.recorder.stop_timeout_seconds,
        1,
        300,
    )?;
    // 0 would restart a failing streamlink in a tight loop.
    range(
        "recorder.max_backoff_seconds",
        c.recorder.max_backoff_seconds,
        1,
        3600,
    )?;
    positive(
        "recorder.min_growth_mb_per_min",
        c.recorder.min_growth_mb_per_min,
    )?;
    if !c.recorder.stream_url.contains("{channel}") && !c.recorder.stream_url.contains("://") {
        return Err((
            "recorder.stream_url".into(),
            "a URL template such as https://kick.com/{channel}".into(),
        ));
    }
    url("kick.api_base", &c.kick.api_base, &["http://", "https://"])?;
    url(
        "kick.official_api_base",
        &c.kick.official_api_base,
        &["http://", "https://"],
    )?;
    url(
        "kick.oauth_base",
        &c.kick.oauth_base,
        &["http://", "https://"],
    )?;
    url("kick.pusher_url", &c.kick.pusher_url, &["ws://", "wss://"])?;
    url(
        "kick.centrifugo_url",
        &c.kick.centrifugo_url,
        &["ws://", "wss://"],
    )?;
    url(
        "kick.centrifugo_token_url",
        &c.kick.centrifugo_token_url,
        &["http://", "https://"],
    )?;
    let d = &c.general.data_dir;
    if !d.is_empty() && (d.trim().is_empty() || d.contains('$')) {
        return Err((
            "general.data_dir".into(),
            "a path (~ is your home; $VARIABLES are not expanded), or \"\" for the default".into(),
        ));
    }
    // One without the other turned the official API off without a word.
    if c.kick.client_id.trim().is_empty() != c.kick.client_secret.trim().is_empty() {
        let which = if c.kick.client_id.trim().is_empty() {
            "kick.client_id"
        } else {
            "kick.client_secret"
        };
        return Err((
            which.into(),
            "set together with the other official API credential (or leave both empty)".into(),
        ));
    }
    if !["error", "warn", "info", "debug", "trace"].contains(&c.general.log_level.as_str()) {
        return Err((
            "general.log_level".into(),
            "one of error, warn, info, debug, trace".into(),
        ));
    }
    super::keys::check(&c.keys)?;
    super::fronts::check(&c.server, &c.alerts)?;
    super::engage::validate(&c.engagement, &c.revenue, &c.bandit)?;
    super::twitch::validate(&c.twitch)?;
    super::advisor::validate(&c.advisor, &c.bot)?;
    Ok(())
}
