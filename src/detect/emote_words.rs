//! Which words of plain-text chat are emotes, and which short messages are just greetings or
//! filler. Plain-text chat (Twitch logs, replays) has no emote tags, so well-known global
//! emote names (Twitch, BTTV, FFZ, 7TV) stand in for them.

use std::sync::LazyLock;

use rustc_hash::FxHashSet;

/// Well-known global emotes, matched whole-word as spelled: emote names are case-sensitive on
/// every platform, and "lul" or "ez" typed in lower case is a word, not an emote. Emote names
/// that are ordinary English words (Clap, Stare, Aware…) are left out: they would count plain
/// talk.
const GLOBAL_EMOTES: [&str; 74] = [
    "KEKW",
    "KEKL",
    "LUL",
    "LULW",
    "OMEGALUL",
    "PogChamp",
    "Pog",
    "POGGERS",
    "PogU",
    "PogO",
    "Kappa",
    "KappaPride",
    "monkaS",
    "monkaW",
    "monkaHmm",
    "PepeHands",
    "PepeLaugh",
    "Sadge",
    "FeelsBadMan",
    "FeelsGoodMan",
    "FeelsStrongMan",
    "4Head",
    "5Head",
    "BibleThump",
    "Kreygasm",
    "WutFace",
    "ResidentSleeper",
    "SeemsGood",
    "NotLikeThis",
    "TriHard",
    "cmonBruh",
    "HeyGuys",
    "VoHiYo",
    "DansGame",
    "SwiftRage",
    "PJSalt",
    "BabyRage",
    "MingLee",
    "CoolStoryBob",
    "Jebaited",
    "gachiGASM",
    "gachiBASS",
    "peepoHappy",
    "peepoClap",
    "widepeepoHappy",
    "HYPERS",
    "PauseChamp",
    "WeirdChamp",
    "LOLW",
    "Pepega",
    "Pepege",
    "FailFish",
    "SMOrc",
    "BloodTrail",
    "CoolCat",
    "OSFrog",
    "SourPls",
    "pepeD",
    "PepePls",
    "catJAM",
    "ratJAM",
    "COPIUM",
    "Copege",
    "ICANT",
    "Prayge",
    "Bedge",
    "Madge",
    "Susge",
    "Okayge",
    "EZ",
    "Clueless",
    "xdd",
    "BOOBA",
    "NOPERS",
];

/// Greetings, filler and chat-addressing words: a message made only of these is not a
/// reaction anyone would want to see in the pane.
const NOT_A_REACTION: [&str; 52] = [
    "hi", "hii", "hiii", "hey", "heya", "hello", "yo", "sup", "hola", "hallo", "bonjour", "gm",
    "gn", "bye", "cya", "welcome", "chat", "guys", "all", "everyone", "a", "an", "the", "is", "it",
    "its", "this", "that", "to", "i", "you", "he", "she", "we", "and", "or", "of", "in", "on",
    "so", "my", "me", "be", "for", "ok", "okay", "yes", "no", "yeah", "u", "im", "what",
];

/// Case-folded (ASCII) FNV-1a hash of a word, without allocating. Words equal ignoring
/// ASCII case hash equal, so a set of these hashes is a cheap first test for the lists.
pub fn fold_hash(word: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in word.bytes() {
        h ^= b.to_ascii_lowercase() as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The lists as folded hashes: one set lookup per word instead of comparing it with every
/// entry (this runs for each word of every short chat message).
static GLOBAL_EMOTE_HASHES: LazyLock<FxHashSet<u64>> =
    LazyLock::new(|| GLOBAL_EMOTES.iter().map(|e| fold_hash(e)).collect());
static NOT_A_REACTION_HASHES: LazyLock<FxHashSet<u64>> =
    LazyLock::new(|| NOT_A_REACTION.iter().map(|e| fold_hash(e)).collect());

/// Whether `word` (punctuation already trimmed) is a well-known global emote.
pub fn is_global_emote(word: &str) -> bool {
    is_global_emote_folded(word, fold_hash(word))
}

/// `is_global_emote` given `fold_hash(word)` (the caller needs the hash anyway).
pub fn is_global_emote_folded(word: &str, folded: u64) -> bool {
    // The hash only rules words out; a hit is confirmed against the list.
    GLOBAL_EMOTE_HASHES.contains(&folded) && GLOBAL_EMOTES.contains(&word)
}

/// Whether `word` is a greeting, filler or "chat".
pub fn is_not_a_reaction(word: &str) -> bool {
    is_not_a_reaction_folded(word, fold_hash(word))
}

/// `is_not_a_reaction` given `fold_hash(word)`.
pub fn is_not_a_reaction_folded(word: &str, folded: u64) -> bool {
    word.len() <= 9
        && NOT_A_REACTION_HASHES.contains(&folded)
        && NOT_A_REACTION.iter().any(|f| f.eq_ignore_ascii_case(word))
}

/// The word without punctuation around it (a `?` stays: "?" is a reaction).
pub fn trim_word(word: &str) -> &str {
    word.trim_matches(|c: char| c.is_ascii_punctuation() && c != '?')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emotes_greetings_and_talk_are_told_apart() {
        assert!(is_global_emote("KEKW"));
        assert!(
            !is_global_emote("kekw"),
            "spelled as the emote is, or a word"
        );
        assert!(is_global_emote("PogChamp"));
        assert!(!is_global_emote("hello"));
        assert!(
            !is_global_emote("clap"),
            "an English word, not counted as an emote"
        );
        assert!(is_not_a_reaction("Hi"));
        assert!(is_not_a_reaction("chat"));
        assert!(!is_not_a_reaction("W"));
        assert_eq!(trim_word("KEKW!!"), "KEKW");
        assert_eq!(trim_word("??"), "??");
    }
}
