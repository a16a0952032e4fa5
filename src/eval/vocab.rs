//! Word lists for synthetic chat: usernames, emotes, everyday chat, reactions, bots.

use std::collections::HashSet;

use super::rng::Rng;

const ADJ: &[&str] = &[
    "dark", "lazy", "silent", "crispy", "salty", "sleepy", "toxic", "smol", "big", "lil", "mega",
    "frosty", "spicy", "cozy", "angry", "happy", "sneaky", "based", "goofy", "chill", "turbo",
    "hyper", "real", "cursed", "feral", "humble", "tired", "lucky", "broke", "soggy", "mighty",
];
const NOUN: &[&str] = &[
    "wolf", "panda", "taco", "ninja", "gamer", "potato", "noodle", "ghost", "viper", "tiger",
    "pickle", "goose", "banana", "knight", "wizard", "dragon", "shadow", "falcon", "bean",
    "burrito", "waffle", "raccoon", "otter", "cat", "frog", "goblin", "pirate", "monk", "sniper",
    "moose", "toast", "nugget", "cactus", "penguin", "lobster", "yeti", "walrus", "gremlin",
];
const FIRST: &[&str] = &[
    "josh", "kev", "mike", "alex", "sam", "chris", "nick", "dani", "lucas", "emma", "mia", "leo",
    "max", "ben", "jay", "tom", "matt", "ryan", "jake", "tyler", "nate", "zoe", "lily", "omar",
    "ivan", "marco", "sven", "kenji", "pablo", "andre", "luca", "noah", "ella", "finn", "kai",
];

pub fn cap(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// One plausible username; many shapes, as real chat has.
fn username(r: &mut Rng) -> String {
    let (a, n, f) = (r.pick(ADJ), r.pick(NOUN), r.pick(FIRST));
    let d2 = r.int(1, 99);
    match r.weighted(&[5.0, 4.0, 4.0, 4.0, 1.0, 2.0, 2.0, 1.5, 1.5, 2.0, 1.0, 1.0]) {
        0 => format!("{a}{n}{d2}"),
        1 => format!("{a}_{n}"),
        2 => format!("{}{}", cap(a), cap(n)),
        3 => format!("{f}{}", r.int(1, 2009)),
        4 => format!("xX{n}Xx"),
        5 => format!("{n}{f}"),
        6 => format!("{f}_{n}"),
        7 => format!("{f}ttv"),
        8 => format!("its{f}{}", if r.chance(0.5) { "" } else { "x" }),
        9 => format!("{n}_{}", r.int(100, 9999)),
        10 => format!("{}{}{}", cap(f), cap(n), d2),
        _ => (0..r.int(6, 10))
            .map(|_| r.pick(&['k', 'j', 'x', 'z', 'q', 'v', 'a', 'o', '3', '7', '9']))
            .collect(),
    }
}

/// A channel name: shorter and tidier than most chatters' names.
pub fn channel_name(r: &mut Rng, taken: &mut HashSet<String>) -> String {
    let (a, n, f) = (r.pick(ADJ), r.pick(NOUN), r.pick(FIRST));
    let mut name = match r.below(4) {
        0 => format!("{}{}", cap(a), cap(n)),
        1 => format!("{}{}", cap(f), cap(n)),
        2 => format!("{f}{}", r.pick(&["tv", "live", "gg", ""])),
        _ => format!("{a}{f}"),
    };
    while taken.contains(&name) {
        name.push('_');
    }
    taken.insert(name.clone());
    name
}

/// `n` distinct usernames, none equal to a name in `taken` (which they are added to).
pub fn usernames(r: &mut Rng, n: usize, taken: &mut HashSet<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let mut name = username(r);
        while taken.contains(&name) {
            name.push(char::from(b'0' + r.below(10) as u8));
        }
        taken.insert(name.clone());
        out.push(name);
    }
    out
}

#[rustfmt::skip]
pub const EMOTES: &[&str] = &[
    "KEKW", "LUL", "OMEGALUL", "PogChamp", "Pog", "PogU", "monkaS", "Sadge", "Kappa", "LULW",
    "4Head", "EZ", "Clap", "catJAM", "pepeD", "Copium", "Aware", "ICANT", "Susge", "modCheck",
    "BatChest", "Kreygasm", "ResidentSleeper", "NotLikeThis", "PauseChamp", "GIGACHAD", "o7",
    "peepoHappy", "monkaW", "PepeHands", "FeelsStrongMan", "Okayge", "Stare", "HUH",
];

#[rustfmt::skip]
pub const GREETINGS: &[&str] = &[
    "hi", "hello chat", "yo", "hey", "hii", "hi chat", "good morning", "gm", "peepoHey", "HeyGuys",
    "hello", "yooo", "sup chat", "hey everyone", "evening chat", "hi {s}", "hey {s} peepoHey",
    "o/", "hello from germany", "hi from brazil", "what did i miss",
];

#[rustfmt::skip]
pub const BANTER: &[&str] = &[
    "lol", "lmao", "true", "fr", "based", "real", "no shot", "bro", "?", "ratio", "gg", "nice",
    "ez", "true true", "facts", "nah", "yep", "ok", "LOL", "same", "me too", "so true", "cringe",
    "bruh", "huh", "wait what", "this guy", "classic", "unlucky", "actually", "hmm", "yeah", "no",
    "this is fine", "we're so back", "it's over", "skill issue",
];

/// Sentences of everyday chat; `{x}` slots are filled from `FILL`, `{s}` is the streamer.
#[rustfmt::skip]
pub const SENTENCES: &[&str] = &[
    "what rank is he", "how long has he been streaming", "what game is this", "is this ranked",
    "what's the song", "when is the next tournament", "what are his settings",
    "he should have rotated earlier", "that was a bad trade", "nice {x}",
    "why is {s} so good at this", "i'm eating rn", "first time catching the stream",
    "chat is so slow today", "{s} looks tired today", "how is the {x} so bad", "bro has no {x}",
    "this {x} is busted", "they need to nerf the {x}", "can we get a {x} check",
    "he always does this", "just got home from work", "anyone else watching from work",
    "this map is so weird", "i would have pushed there", "the {x} is definitely broken",
    "can't believe he missed that", "how is he so calm", "my internet is lagging",
    "this game is hard to watch", "he needs to upgrade his {x}", "i miss the old {x}",
    "who else is here since the start", "this is the best stream on the platform",
    "chat what did i miss", "play the other {x}", "he's cooking", "bro is locked in",
    "they are so lucky", "i think he's winning this one", "is the {x} any good",
    "he said that last time too", "what time is it there", "why is nobody talking about the {x}",
    "he should buy the {x}", "my {x} is better", "this {x} goes hard", "turn up the music",
    "game audio is too loud", "mic is quiet",
];

#[rustfmt::skip]
pub const FILL: &[&str] = &[
    "aim", "timing", "build", "crosshair", "sens", "team", "loadout", "strat", "map", "music",
    "keyboard", "chair", "camera", "ult", "meta", "patch", "game sense", "weapon", "setup",
];

/// Game talk that reads like a live commentary crowd (esports chats are full of it).
#[rustfmt::skip]
pub const ESPORTS_TALK: &[&str] = &[
    "eco round", "they're stacking B", "{t} are so washed", "{t} diff", "{t} in 3",
    "this is {t}'s map", "awp diff", "who is the igl", "that util was clean", "force buy?",
    "GG {t}", "{t} fans where are you", "caster is so hyped", "replay?", "this series is close",
    "{t} choking again", "1v3 incoming", "save round", "who's winning", "the crowd is loud",
];

pub const TEAMS: &[&str] = &[
    "NAVI", "FaZe", "G2", "Vitality", "Liquid", "FNC", "MOUZ", "Spirit",
];

/// Words that read like reactions but appear in everyday chat at a low rate.
#[rustfmt::skip]
pub const KEYWORDS: &[&str] = &[
    "LMAO", "OMG", "WTF", "NO WAY", "CLIP", "clip that", "W", "L", "lmaooo", "omg", "wtf",
    "no way", "W stream", "L take", "CLIP IT", "?????", "HOLY", "LETS GO",
];

#[rustfmt::skip]
pub const COMMANDS: &[&str] = &[
    "!discord", "!uptime", "!socials", "!rank", "!sens", "!specs", "!youtube", "!schedule",
    "!followage", "!watchtime", "!points", "!song", "!rules", "!commands",
];

#[rustfmt::skip]
pub const BOTS: &[&str] = &[
    "Nightbot", "StreamElements", "Fossabot", "Streamlabs", "Moobot", "Sery_Bot", "BotRix",
    "KickBot",
];

#[rustfmt::skip]
pub const BOT_TIMERS: &[&str] = &[
   
    "Join the Discord to get notified when the stream goes live and hang out with the community: discord.gg/{s}",
    "Follow on X/Twitter @{s} for clips, schedule changes and the occasional bad take!",
    "This stream is sponsored by HyperGG. Use code {s} for 10% off your first order. Type !sponsor for details.",
    "Reminder: be kind in chat. No spoilers, no backseating, no self promo. Breaking the rules means a timeout. !rules",
    "If you are enjoying the stream consider following, it is free and it helps a lot <3",
    "New video is out on YouTube! Go check it out and leave a like: youtube.com/@{s}",
    "You earn channel points just by watching. Spend them on predictions and song requests with !points",
];

#[rustfmt::skip]
pub const COPYPASTAS: &[&str] = &[
   
    "I have been watching this stream for seven years and not once has he hit a shot like that. Today is the day chat. I can feel it. 🙏",
    "Chat please stop backseating, he knows what he is doing, he has played this game for 4000 hours and you have played it for 12 minutes Okayge",
    "This is the part of the stream where chat pretends to understand the game. We are all professionals here. Clap Clap Clap",
    "Hello, I am the game sense police. You are under arrest for having no game sense. Please put your mouse down and step away from the desk 🚨",
    "My therapist said I should spend less time in chat so I am now typing from the waiting room of my therapist KEKW",
    "Every time he says just one more game a small village loses its electricity. Think of the villagers. Aware",
    "He is not throwing, he is playing 4D chess and none of you are smart enough to understand it yet. Copium",
];
