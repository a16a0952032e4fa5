//! Channel names as users write them (`clavicular`, `kick:clavicular`, `twitch:name`, or a
//! channel URL), validated per platform before they touch a URL or a path. Platform-neutral:
//! the engine picks its chat source and status actor from [`ChannelRef::platform`].

use std::fmt;

/// At most this many characters (Kick's and Twitch's limit).
pub const MAX_NAME_LEN: usize = 25;
/// Twitch logins are at least this long (new ones 4; older ones such as `xqc` have 3).
pub const TWITCH_MIN_LEN: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Platform {
    Kick,
    Twitch,
}

impl Platform {
    /// `kick` / `twitch`, as stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Kick => "kick",
            Platform::Twitch => "twitch",
        }
    }

    /// `Kick` / `Twitch`, as a sentence names the site.
    pub fn site(self) -> &'static str {
        match self {
            Platform::Kick => "Kick",
            Platform::Twitch => "Twitch",
        }
    }

    /// What a valid channel name on it looks like, as every invalid-name message ends.
    fn name_rule(self) -> &'static str {
        match self {
            // Kick's slugs keep `-` (and `_`); at most 25 characters, like its usernames.
            Platform::Kick => "letters, digits, _ and - (at most 25 characters)",
            // Logins: new ones 4–25 characters, older ones (`xqc`) 3.
            Platform::Twitch => "letters, digits and _ (3–25 characters)",
        }
    }

    fn allows(self, c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '_' || (c == '-' && self == Platform::Kick)
    }
}

/// A validated channel: which platform, and the lowercased name (a Kick slug or a Twitch login).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ChannelRef {
    pub platform: Platform,
    pub name: String,
}

impl ChannelRef {
    /// Parses what a user typed; see [`parse_channel`].
    pub fn parse(input: &str) -> Result<ChannelRef, ChannelNameError> {
        let (platform, name) = parse_channel(input)?;
        Ok(ChannelRef { platform, name })
    }
}

impl fmt::Display for ChannelRef {
    /// `kick:clavicular`, `twitch:somename`: parses back to the same channel.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.platform, self.name)
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChannelNameError {
    #[error("the channel name is empty; write it like `clavicular` or `twitch:name`")]
    Empty,
    /// Not a name the platform could have: what is wrong, and what a valid one looks like.
    #[error(
        "{name:?} is not a {} channel name ({problem}): use {}",
        platform.site(),
        platform.name_rule()
    )]
    Invalid {
        platform: Platform,
        name: String,
        problem: NameProblem,
    },
    #[error("unknown platform {0:?}; write `kick:NAME` or `twitch:NAME`")]
    UnknownPlatform(String),
    #[error(
        "{0:?} is not a Kick or Twitch channel; kicktui watches `https://kick.com/NAME` or `https://twitch.tv/NAME`"
    )]
    UnknownSite(String),
    #[error(
        "{link:?} is a link to a video or a page of the site, not a channel; give the channel's own page, such as `{example}`"
    )]
    NotAChannel { link: String, example: &'static str },
}

/// What is wrong with a channel name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameProblem {
    /// A character the platform's names never have.
    Char(char),
    TooLong(usize),
    TooShort(usize),
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameProblem::Char(c) => write!(f, "{c:?} is not allowed"),
            NameProblem::TooLong(n) | NameProblem::TooShort(n) => write!(f, "{n} characters"),
        }
    }
}

/// First path segments that are the site's pages, not channels.
const KICK_PAGES: [&str; 10] = [
    "popout",
    "video",
    "videos",
    "categories",
    "category",
    "browse",
    "following",
    "search",
    "dashboard",
    "settings",
];
const TWITCH_PAGES: [&str; 10] = [
    "popout",
    "moderator",
    "videos",
    "directory",
    "search",
    "settings",
    "subscriptions",
    "inventory",
    "downloads",
    "wallet",
];

/// For error messages: a bounded, printable copy of what the user typed.
/// A name as an error quotes it: whole up to 64 characters (a long typo is still readable),
/// else cut and marked so.
fn shown(s: &str) -> String {
    crate::text_fit::cut_chars(s, 64)
}

/// Splits off the platform, validates and lowercases the name.
pub fn parse_channel(input: &str) -> Result<(Platform, String), ChannelNameError> {
    let s = input.trim();
    let (platform, name) = if let Some((platform, name)) = from_url(s) {
        let pages: &[&str] = match platform {
            Platform::Kick => &KICK_PAGES,
            Platform::Twitch => &TWITCH_PAGES,
        };
        if pages.iter().any(|p| p.eq_ignore_ascii_case(name)) {
            let example = match platform {
                Platform::Kick => "https://kick.com/NAME",
                Platform::Twitch => "https://twitch.tv/NAME",
            };
            let link = shown(s);
            return Err(ChannelNameError::NotAChannel { link, example });
        }
        (platform, name)
    } else if s.contains("://") || s.to_ascii_lowercase().starts_with("www.") {
        return Err(ChannelNameError::UnknownSite(shown(s)));
    } else if let Some((prefix, rest)) = s.split_once(':') {
        let platform = match prefix.to_ascii_lowercase().as_str() {
            "kick" => Platform::Kick,
            "twitch" => Platform::Twitch,
            _ => return Err(ChannelNameError::UnknownPlatform(shown(prefix))),
        };
        let rest = rest.trim();
        // `twitch:#name`: IRC names a channel with `#`.
        let rest = match platform {
            Platform::Twitch => rest.strip_prefix('#').unwrap_or(rest),
            Platform::Kick => rest,
        };
        (platform, rest)
    } else {
        (Platform::Kick, s)
    };
    Ok((platform, validate_name(platform, name)?))
}

/// Validates a bare name for `platform`; returns it lowercased.
pub fn validate_name(platform: Platform, name: &str) -> Result<String, ChannelNameError> {
    if name.is_empty() {
        return Err(ChannelNameError::Empty);
    }
    let invalid = |problem| ChannelNameError::Invalid {
        platform,
        name: shown(name),
        problem,
    };
    if let Some(ch) = name.chars().find(|c| !platform.allows(*c)) {
        return Err(invalid(NameProblem::Char(ch)));
    }
    // Only ASCII is left, so bytes are characters.
    if name.len() > MAX_NAME_LEN {
        return Err(invalid(NameProblem::TooLong(name.len())));
    }
    if platform == Platform::Twitch && name.len() < TWITCH_MIN_LEN {
        return Err(invalid(NameProblem::TooShort(name.len())));
    }
    Ok(name.to_ascii_lowercase())
}

/// `https://kick.com/name`, `kick.com/name/videos`, `www.twitch.tv/name?x=1`…
fn from_url(s: &str) -> Option<(Platform, &str)> {
    // Scheme and host in any case (`HTTPS://Kick.com/x`); lowercasing ASCII keeps offsets.
    let lower = s.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    // Shared from a phone: `m.twitch.tv/name`.
    let rest = rest
        .strip_prefix("www.")
        .or_else(|| rest.strip_prefix("m."))
        .unwrap_or(rest);
    let (platform, host) = if rest.starts_with("kick.com/") {
        (Platform::Kick, "kick.com/")
    } else if rest.starts_with("twitch.tv/") {
        (Platform::Twitch, "twitch.tv/")
    } else {
        return None;
    };
    let path = &s[lower.len() - rest.len() + host.len()..];
    let end = path.find(['/', '?', '#']).unwrap_or(path.len());
    let (first, after) = path.split_at(end);
    // The chat pop-out and the moderator view name the channel next:
    // `twitch.tv/popout/NAME/chat`, `twitch.tv/moderator/NAME`, `kick.com/popout/NAME/chat`.
    if ["popout", "moderator"]
        .iter()
        .any(|p| p.eq_ignore_ascii_case(first))
        && let Some(next) = after.strip_prefix('/')
    {
        let end = next.find(['/', '?', '#']).unwrap_or(next.len());
        return Some((platform, &next[..end]));
    }
    Some((platform, first))
}

#[cfg(test)]
#[path = "channel_ref_tests.rs"]
mod tests;
