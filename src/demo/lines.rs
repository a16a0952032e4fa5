//! What the demo's chat says: a cast of regulars and the lines they type. Emotes are written
//! as Kick sends them (`[emote:id:name]`), so the emote detector sees them as on the real site.

#[rustfmt::skip]
pub const CAST: &[&str] = &[
    "cozy_otter", "saltywaffle", "mikethetaco", "xXgooseXx", "lil_pickle", "dani_frost",
    "TurboPanda", "ivanthemonk", "sneakyraccoon", "kenji_fps", "lunarbean", "zoe_plays",
    "BrokeGamer42", "frostyviper", "maxtheyeti", "soggy_toast", "noahttv", "pablo_goblin",
    "chillmoose", "ellawizard", "finn_sniper", "goofylobster", "marco_nugget", "HumbleFalcon",
    "kai_dragon", "luca_ghost", "based_cactus", "ryan_otter", "sam_knight", "mia_penguin",
    "jakethewalrus", "omar_shadow", "tyler_bean", "sven_tiger", "andre_frog", "itsleox",
    "big_noodle", "tired_ninja", "megawolf77", "cursed_banana", "lazy_pirate", "hyper_cat",
];

/// Before the stream starts.
#[rustfmt::skip]
pub const WAITING: &[&str] = &[
    "is he live yet?", "waiting room", "starting soon?", "hi chat", "who else is early",
    "stream time [emote:39283:peepoHappy]", "any minute now", "he said 7pm right", "hello hello",
];

/// Everyday chat while live.
#[rustfmt::skip]
pub const EVERYDAY: &[&str] = &[
    "what rank is he now", "this song goes hard", "hi chat", "first time catching the stream live",
    "that was clean", "bro is cooking today", "gg", "how long has he been live",
    "the aim is crazy today", "play the other map next", "what headset is that",
    "hydrate check", "he's so locked in", "chat is sleepy today", "so true",
    "just got off work, what did i miss", "that's actually smart", "bro what was that rotation",
    "[emote:37226:KEKW]", "W stream", "good luck on ranked", "who is he playing with",
    "[emote:39283:peepoHappy]", "this lobby is stacked", "nice", "one more game",
    "what's the crosshair code", "he always does this [emote:37226:KEKW]", "real", "fr",
    "can we get a W in chat", "that guy is cheating for sure", "watching from brazil",
    "the comms are so funny", "[emote:39265:Sadge] unlucky", "easy", "the timing on that",
    "is this the new patch", "he needs 2 more wins for top 500", "hype",
];

/// A reaction that names itself: keywords (CLIP, NO WAY…).
#[rustfmt::skip]
pub const NO_WAY: &[&str] = &[
    "NO WAY", "NO WAY NO WAY", "CLIP IT", "CLIP THAT", "no way bro", "NO WAYYY", "HOLY",
    "clip that mods", "WHAT A SHOT", "no way he hit that", "CLIP", "[emote:37230:PogU] NO WAY",
];

/// A reaction in emotes: the same emote from many chatters.
#[rustfmt::skip]
pub const LAUGH: &[&str] = &[
    "[emote:37226:KEKW]", "[emote:37226:KEKW][emote:37226:KEKW]", "LMAO [emote:37226:KEKW]",
    "[emote:37226:KEKW] [emote:37226:KEKW] [emote:37226:KEKW]", "im dead [emote:37226:KEKW]",
    "[emote:37226:KEKW] he fell", "bro [emote:37226:KEKW]",
];

/// Plain hype: a burst of chat volume (a chat-velocity spike once there is a baseline).
#[rustfmt::skip]
pub const HYPE: &[&str] = &[
    "W", "LETS GO", "[emote:37230:PogU]", "GG", "LETS GOOO", "what a game", "W W W", "HUGE",
    "top 500 incoming", "[emote:37230:PogU] [emote:37230:PogU]", "he's him", "insane game",
];

/// What a raid's visitors say.
#[rustfmt::skip]
pub const RAID: &[&str] = &[
    "RAID [emote:37230:PogU]", "hi from the raid", "raid hype", "hello new streamer",
    "we're here", "bigstreamer sent us", "RAIDERS",
];
