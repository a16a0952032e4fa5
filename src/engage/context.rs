//! The context line: one sentence of real metrics for a person (the TUI, headless mode) or an
//! advisor (the dashboard): `Stream state: 42 viewers, chat velocity 12.5 msg/min, engagement
//! 65.3/100, revenue $25/hr. Bandit suggests: q_and_a. Current activity: talk.` Missing
//! metrics are left out rather than shown as zero.

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContextInput<'a> {
    pub viewers: Option<u32>,
    /// `None` before chat is connected.
    pub chat_per_min: Option<f64>,
    pub engagement: Option<f64>,
    pub revenue_per_hour: Option<f64>,
    pub suggestion: Option<&'a str>,
    pub activity: Option<&'a str>,
}

/// Dollars without cents when they are whole: `$25`, `$2.50`.
pub fn dollars(v: f64) -> String {
    if (v - v.round()).abs() < 0.005 {
        format!("${:.0}", v.round())
    } else {
        format!("${v:.2}")
    }
}

/// A rate such as revenue per hour: whole dollars from $10 up (it moves with every gift, and
/// `$553.19/hr` beside `$480/hr` read as noise), cents below.
pub fn dollars_per_hour(v: f64) -> String {
    if v >= 10.0 {
        format!("${:.0}/hr", v.round())
    } else {
        format!("{}/hr", dollars(v))
    }
}

pub fn context_line(c: &ContextInput) -> String {
    let mut state = Vec::new();
    if let Some(v) = c.viewers {
        state.push(format!("{v} viewers"));
    }
    if let Some(r) = c.chat_per_min {
        state.push(format!("chat velocity {r:.1} msg/min"));
    }
    if let Some(e) = c.engagement {
        state.push(format!("engagement {e:.1}/100"));
    }
    if let Some(r) = c.revenue_per_hour {
        state.push(format!("revenue {}", dollars_per_hour(r)));
    }
    let mut out = if state.is_empty() {
        "Stream state: no metrics yet.".to_string()
    } else {
        format!("Stream state: {}.", state.join(", "))
    };
    if let Some(s) = c.suggestion {
        out.push_str(&format!(" Bandit suggests: {s}."));
    }
    out.push_str(&format!(
        " Current activity: {}.",
        c.activity.unwrap_or("not set")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_the_seed_orchestrator_context() {
        let line = context_line(&ContextInput {
            viewers: Some(42),
            chat_per_min: Some(12.5),
            engagement: Some(65.3),
            revenue_per_hour: Some(25.0),
            suggestion: Some("q_and_a"),
            activity: Some("talk"),
        });
        assert_eq!(
            line,
            "Stream state: 42 viewers, chat velocity 12.5 msg/min, engagement 65.3/100, \
             revenue $25/hr. Bandit suggests: q_and_a. Current activity: talk."
        );
    }

    #[test]
    fn missing_metrics_make_a_shorter_line() {
        let line = context_line(&ContextInput {
            chat_per_min: Some(3.0),
            ..ContextInput::default()
        });
        assert_eq!(
            line,
            "Stream state: chat velocity 3.0 msg/min. Current activity: not set."
        );
        assert_eq!(dollars(2.5), "$2.50");
    }

    #[test]
    fn a_rate_of_ten_dollars_or_more_is_whole_dollars() {
        assert_eq!(dollars_per_hour(553.19), "$553/hr");
        assert_eq!(dollars_per_hour(480.0), "$480/hr");
        assert_eq!(dollars_per_hour(4.5), "$4.50/hr");
    }
}
