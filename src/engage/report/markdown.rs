//! The retrospective as Markdown: the report a streamer reads after the stream.

use std::fmt::Write;

use super::{MomentLine, Report};
use crate::domain::kind_phrase;
use crate::engage::context::dollars;
use crate::time::format_hms;

impl Report {
    pub fn to_markdown(&self) -> String {
        let mut o = String::new();
        let _ = self.write_markdown(&mut o);
        o
    }

    /// As the channel is named on the command line: `twitch:name`, or Kick's bare name. A
    /// saved replay is named after its file, which may hold anything: cleaned for a terminal.
    fn channel_name(&self) -> String {
        let name = crate::terminal_text::shown(&self.channel);
        match self.platform.as_str() {
            "" | "kick" => name.into_owned(),
            p => format!("{p}:{name}"),
        }
    }

    fn write_markdown(&self, o: &mut String) -> std::fmt::Result {
        writeln!(
            o,
            "# Stream report: {} (session {})",
            self.channel_name(),
            self.session
        )?;
        writeln!(o)?;
        if let Some(t) = self.title.as_deref().filter(|t| !t.is_empty()) {
            // Stored before titles were cleaned on the way in, perhaps.
            writeln!(o, "*{}*", crate::terminal_text::shown(t))?;
            writeln!(o)?;
        }
        let end = self.ended_at.as_deref().unwrap_or("still open");
        writeln!(o, "- Started: {}", self.started_at)?;
        writeln!(
            o,
            "- Ended: {end}{}",
            if self.recovered {
                " (closed after a crash, at the last thing recorded)"
            } else {
                ""
            }
        )?;
        writeln!(o, "- Duration: {}", format_hms(self.duration_s))?;
        if let Some(late) = self.joined_after_s {
            writeln!(
                o,
                "- Joined the stream {} after it started: what came before is not in this \
                 report (moment times count from the stream's start)",
                format_hms(late)
            )?;
        }
        match self.down.as_slice() {
            [] => {}
            [d] => writeln!(
                o,
                "- kicktui was down for {} ({} to {}, {}): chat and recording of that gap are \
                 missing",
                format_hms(d.seconds),
                d.from,
                d.to,
                d.cause()
            )?,
            gaps => {
                let all: f64 = gaps.iter().map(|d| d.seconds).sum();
                let each: Vec<String> = gaps
                    .iter()
                    .map(|d| format!("{} to {}, {}", d.from, d.to, d.cause()))
                    .collect();
                writeln!(
                    o,
                    "- kicktui was down {} times for {} in all ({}): chat and recording of \
                     those gaps are missing",
                    gaps.len(),
                    format_hms(all),
                    each.join("; ")
                )?;
            }
        }
        match (self.peak_viewers, self.mean_viewers) {
            (Some(p), Some(m)) => writeln!(o, "- Viewers: peak {p}, mean {m:.0}")?,
            _ => writeln!(o, "- Viewers: no samples")?,
        }
        // Averaged over a stored window, so it can read lower than the live rolling rate.
        let peak = if self.peak_velocity > 0.0 {
            format!(
                ", peak {:.1} msg/s over {:.0} s",
                self.peak_velocity, self.peak_window_s
            )
        } else {
            String::new()
        };
        let chatters = self.unique_chatters.map_or(String::new(), |u| {
            let n = usize::try_from(u).unwrap_or(usize::MAX);
            format!(", {}", crate::present::plural(n, "unique chatter"))
        });
        // Counted chat: bots, `!commands` and a chatter's floods left out, so it can be below
        // the "Received N chat messages" a run ends with.
        writeln!(
            o,
            "- Chat: {} counted (no bots or !commands){peak}{chatters}",
            crate::present::plural(
                usize::try_from(self.messages).unwrap_or(usize::MAX),
                "message"
            )
        )?;
        match (
            self.engagement.mean,
            self.engagement.min,
            self.engagement.max,
        ) {
            (Some(m), Some(lo), Some(hi)) => writeln!(
                o,
                "- Engagement: mean {m:.1}/100 (from {lo:.1} to {hi:.1}; 50 = this stream's usual)"
            )?,
            _ => writeln!(o, "- Engagement: not scored")?,
        }
        let total: u64 = self.moments.iter().map(|c| c.count).sum();
        let kinds: Vec<String> = self
            .moments
            .iter()
            .map(|c| counted_kind(c.count, &c.kind))
            .collect();
        if kinds.is_empty() {
            writeln!(o, "- Moments: 0")?;
        } else {
            writeln!(o, "- Moments: {total} ({})", kinds.join(", "))?;
        }
        writeln!(o, "- Clips: {}", self.clips)?;
        let m = &self.money;
        // Kicks are Kick's and bits Twitch's: the other platform's zero is left out (a
        // replayed log may be either: a zero is shown only when neither came).
        let mut tips = Vec::new();
        let bits_only = self.platform == "twitch" || (self.platform == "replay" && m.bits > 0);
        if m.kicks > 0 || !bits_only {
            tips.push(format!("{} Kicks", m.kicks));
        }
        if m.bits > 0 || self.platform == "twitch" {
            tips.push(format!("{} bits", m.bits));
        }
        let gifted = if m.gifted_subs > 0 {
            format!(" incl. {} gifted", m.gifted_subs)
        } else {
            String::new()
        };
        writeln!(
            o,
            "- Revenue: {} ({}{gifted} at {} each, {}, {} donations)",
            dollars(m.revenue_usd),
            crate::present::plural(m.subs as usize, "sub"),
            dollars(m.sub_price_usd),
            tips.join(", "),
            dollars(m.donations_usd)
        )?;
        if let Some(line) = &self.advisor {
            let line = line.strip_prefix("advisor: ").unwrap_or(line);
            writeln!(o, "- Advisor: {line}")?;
        }
        if !self.moment_list.is_empty() {
            writeln!(o)?;
            writeln!(o, "## Moments")?;
            writeln!(o)?;
            writeln!(o, "| # | at | kind | score | clip |")?;
            writeln!(o, "|---:|---:|---|---:|---|")?;
            for m in &self.moment_list {
                writeln!(
                    o,
                    "| {} | {} | {} | {:.1} | {} |",
                    m.id,
                    format_hms(m.offset_s),
                    m.kind_cell(),
                    m.score,
                    // A `|` in a path would end the cell.
                    m.clip_cell().replace('|', "\\|")
                )?;
            }
        }
        writeln!(o)?;
        writeln!(o, "## Activities")?;
        writeln!(o)?;
        if self.activities.is_empty() && self.platform == "replay" {
            writeln!(o, "A replayed log has no activities.")?;
        } else if self.activities.is_empty() && self.offline {
            writeln!(
                o,
                "No stream was live in this session (chat or money while offline): activities \
                 are kept only while live."
            )?;
        } else if self.activities.is_empty() {
            writeln!(
                o,
                "No activity segment was kept: none was set (press `a` or 1-9 in the TUI, type its \
                 name or number and Enter headless, or start with --activity NAME), or each was \
                 shorter than 10 s (a quick run through the activity keys)."
            )?;
        } else {
            writeln!(o, "| activity | segments | time | engagement | reward |")?;
            writeln!(o, "|---|---:|---:|---:|---:|")?;
            for a in &self.activities {
                writeln!(
                    o,
                    "| {} | {} | {} | {} | {} |",
                    a.name,
                    a.segments,
                    format_hms(a.seconds),
                    a.engagement.map_or("-".into(), |e| format!("{e:.1}")),
                    a.reward
                        .map_or("-".into(), |r| format!("{r:.3} ({}×)", a.rewarded)),
                )?;
            }
            writeln!(o)?;
            writeln!(
                o,
                "Engagement is its segments' mean engagement weighted by their length; reward \
                 the mean per rewarded segment (what the bandit learnt)."
            )?;
            if self.quick_switch_s > 0.0 {
                writeln!(
                    o,
                    "Quick switches (segments under 10 s, {} in all) are left out.",
                    format_hms(self.quick_switch_s)
                )?;
            }
            writeln!(o)?;
            let s = &self.suggestions;
            writeln!(o, "Suggestions followed: {} of {}.", s.followed, s.made)?;
            writeln!(o)?;
            writeln!(o, "### Segments")?;
            writeln!(o)?;
            writeln!(
                o,
                "| start | activity | time | engagement | reward | suggested | note |"
            )?;
            writeln!(o, "|---|---|---:|---:|---:|---|---|")?;
            for s in &self.segments {
                writeln!(
                    o,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    s.started_at,
                    s.name,
                    format_hms(s.seconds),
                    s.engagement.map_or("-".into(), |e| format!("{e:.1}")),
                    s.reward.map_or("-".into(), |r| format!("{r:.3}")),
                    s.suggested.as_deref().unwrap_or("-"),
                    s.note.as_deref().unwrap_or(""),
                )?;
            }
        }
        Ok(())
    }
}

impl MomentLine {
    /// The kind in the banner's words, lower case (`chat spike`).
    fn kind_cell(&self) -> String {
        kind_phrase(&self.kind)
    }

    /// The clip as the report's table shows it: where it is, or why there is none.
    fn clip_cell(&self) -> String {
        match (self.clip_status.as_str(), &self.clip_path) {
            ("done", Some(p)) => p.clone(),
            ("short", Some(p)) => format!("{p} (short)"),
            ("no_recording", _) => "no recording".into(),
            ("skipped", _) => "skipped (x)".into(),
            ("pending" | "queued" | "waiting" | "cutting", _) => {
                "not cut yet (`kicktui clip --pending`)".into()
            }
            (other, _) => other.replace('_', " "),
        }
    }
}

/// `1 raid`, `2 chat spikes`, `3 emote spam` (a mass noun).
fn counted_kind(n: u64, kind: &str) -> String {
    let words = kind_phrase(kind);
    if n == 1 || words.ends_with("spam") {
        format!("{n} {words}")
    } else {
        format!("{n} {words}s")
    }
}
