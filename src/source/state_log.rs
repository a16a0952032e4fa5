//! Which chat state changes are worth a log line. Every reconnect attempt changes the state
//! twice (waiting, connecting); during an hour without network that was thousands of lines,
//! pushing everything else out of the TUI's log pane. The drop and the recovery are always
//! said; while chat stays down, the 1st, 2nd, 4th, 8th… failed try in a row.

use super::ChatState;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChatStateLog {
    last: Option<ChatState>,
    /// Waits before a retry since chat was last live.
    failures: u32,
}

impl ChatStateLog {
    /// The last state seen was live.
    pub fn was_live(&self) -> bool {
        matches!(self.last, Some(ChatState::Live { .. }))
    }

    /// The line for this state, if it deserves one (`None` for no change or a routine retry).
    pub fn line(&mut self, st: &ChatState) -> Option<String> {
        let last = self.last.replace(st.clone());
        if last.as_ref() == Some(st) {
            return None;
        }
        let was_live = matches!(last, Some(ChatState::Live { .. }));
        match st {
            ChatState::Live { .. } => {
                self.failures = 0;
                Some(st.to_string())
            }
            // The first try, or the first after a drop (a quick reconnect may show nothing else).
            ChatState::Connecting { .. } => (last.is_none() || was_live).then(|| st.to_string()),
            ChatState::Reconnecting { .. } => {
                self.failures = self.failures.saturating_add(1);
                retry_said(self.failures).map(|many| format!("{st}{many}"))
            }
        }
    }
}

/// Whether a failed try is worth a log line (the 1st, 2nd, 4th, 8th… in a row), and what it
/// adds to it: the count, when more than one.
pub fn retry_said(tries: u32) -> Option<String> {
    match tries {
        0 | 1 => Some(String::new()),
        n if n.is_power_of_two() => Some(format!("; {n} tries in a row failed")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Ts;

    fn waiting(reason: &str) -> ChatState {
        ChatState::Reconnecting {
            until: Ts(0),
            reason: reason.into(),
        }
    }

    #[test]
    fn an_outage_is_said_at_its_start_at_growing_intervals_and_at_its_end() {
        let mut log = ChatStateLog::default();
        let mut lines = Vec::new();
        let mut say = |log: &mut ChatStateLog, st: ChatState| lines.extend(log.line(&st));
        say(&mut log, ChatState::Connecting { attempt: 0 });
        say(&mut log, ChatState::Live { reconnects: 0 });
        say(&mut log, ChatState::Live { reconnects: 0 });
        // Down for 20 tries, switching transports on the way.
        for attempt in 0..20 {
            let reason = if attempt % 6 == 5 { "switching" } else { "dns" };
            say(&mut log, waiting(reason));
            say(&mut log, ChatState::Connecting { attempt });
        }
        say(&mut log, ChatState::Live { reconnects: 1 });
        say(&mut log, waiting("dns"));
        let lines: Vec<String> = lines
            .iter()
            .map(|l| l.replace("reconnecting in 0 s ", ""))
            .collect();
        assert_eq!(
            lines,
            [
                "connecting",
                "live",
                "(dns)",
                "(dns); 2 tries in a row failed",
                "(dns); 4 tries in a row failed",
                "(dns); 8 tries in a row failed",
                "(dns); 16 tries in a row failed",
                "live (reconnected once)",
                "(dns)",
            ]
        );
    }
}
