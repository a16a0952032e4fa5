//! One log line for a trouble that repeats: the same failure every 30 s for an hour would
//! fill the log pane with one message. It is said the first time, then at the 2nd, 4th, 8th…
//! time in a row with the count, and again at once when it changes.

#[derive(Debug, Default)]
pub struct RepeatLog {
    last: Option<String>,
    times: u32,
}

impl RepeatLog {
    /// The line to log for `said` this time, or `None` when it is a repeat not worth one.
    pub fn line(&mut self, said: &str) -> Option<String> {
        if self.last.as_deref() == Some(said) {
            self.times = self.times.saturating_add(1);
        } else {
            self.last = Some(said.to_string());
            self.times = 1;
        }
        match self.times {
            1 => Some(said.to_string()),
            n if n.is_power_of_two() => Some(format!("{said} (the same {n} times in a row)")),
            _ => None,
        }
    }

    /// The trouble is over: the next one is new.
    pub fn clear(&mut self) {
        *self = RepeatLog::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_trouble_is_said_at_growing_intervals_and_a_new_one_at_once() {
        let mut log = RepeatLog::default();
        let said: Vec<Option<String>> = (0..9).map(|_| log.line("down")).collect();
        let lines: Vec<&str> = said.iter().flatten().map(String::as_str).collect();
        assert_eq!(
            lines,
            [
                "down",
                "down (the same 2 times in a row)",
                "down (the same 4 times in a row)",
                "down (the same 8 times in a row)"
            ]
        );
        assert_eq!(log.line("403").as_deref(), Some("403"));
        assert_eq!(log.line("down").as_deref(), Some("down"));
        log.clear();
        assert_eq!(log.line("down").as_deref(), Some("down"));
    }
}
