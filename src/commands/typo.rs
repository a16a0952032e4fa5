//! A mistyped subcommand (`kicktui sesions`) parses as a channel name: caught before
//! kicktui goes to the network and makes a database for a channel nobody meant.

use clap::CommandFactory;

/// The subcommand `input` is probably a typo of, if it is close to one and has no platform
/// prefix (`kick:sesions` watches a channel of that name).
pub fn command_like(input: &str) -> Option<String> {
    if input.contains(':') || input.contains('/') {
        return None;
    }
    let word = input.trim().to_ascii_lowercase();
    crate::cli::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        // A short one (`clip`, `demo`) is one slip from too many real names (`clips`, `demon`);
        // two slips only in a long one (`record` is a name, two edits from `report`).
        .filter(|name| name != "help" && name.len() > 5)
        .find(|name| {
            let allowed = if name.len() >= 8 { 2 } else { 1 };
            word != *name && distance(&word, name) <= allowed
        })
}

/// Levenshtein distance (insertions, deletions, substitutions), on chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diag + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_of_subcommands_are_caught_and_channels_are_not() {
        assert_eq!(command_like("sesions").as_deref(), Some("sessions"));
        assert_eq!(command_like("replays").as_deref(), Some("replay"));
        assert_eq!(command_like("Docter").as_deref(), Some("doctor"));
        assert_eq!(command_like("sesion").as_deref(), Some("sessions"));
        assert_eq!(command_like("tui-peview").as_deref(), Some("tui-preview"));
        for channel in [
            "clavicular",
            "xqc",
            "trainwreckstv",
            "kick:sesions",
            "demon",
            "clips",
            "logan",
            "record",
        ] {
            assert_eq!(command_like(channel), None, "{channel}");
        }
    }
}
