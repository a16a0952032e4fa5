//! Realistic Twitch lines (shapes from Twitch's IRC docs and twitch-irc-rs captures).

use super::*;
use crate::source::twitch::irc::parse;

fn events(mapper: &mut Mapper, line: &str) -> Vec<Event> {
    let m = parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
    let mut out = Vec::new();
    mapper.map(&m, &mut out).unwrap();
    out
}

fn one(line: &str) -> Vec<Event> {
    events(&mut Mapper::new(), line)
}

const CHEER: &str = "@badge-info=subscriber/8;badges=subscriber/6,premium/1;bits=100;color=#1E90FF;display-name=Viewer;emotes=25:0-4,12-16/1902:6-10;first-msg=0;flags=;id=b34ccfc7-4977-403a-8a94-33c6bac34fb8;mod=0;returning-chatter=0;room-id=12345;subscriber=1;tmi-sent-ts=1700000000000;turbo=0;user-id=67890;user-type= :viewer!viewer@viewer.tmi.twitch.tv PRIVMSG #channel :Kappa Keepo Kappa";

#[test]
fn a_cheer_is_one_chat_message_and_bits() {
    let ev = one(CHEER);
    assert_eq!(ev.len(), 2, "{ev:?}");
    let Event::Chat(c) = &ev[0] else {
        panic!("{ev:?}")
    };
    assert_eq!(c.username, "Viewer");
    assert_eq!(c.user_id, 67890);
    assert_eq!(
        c.id,
        Some(MsgId::parse("b34ccfc7-4977-403a-8a94-33c6bac34fb8"))
    );
    assert!(c.badges.contains(Badges::SUBSCRIBER));
    assert!(!c.badges.contains(Badges::MODERATOR));
    let names: Vec<&str> = c.emote_names().collect();
    assert_eq!(names, vec!["Kappa", "Keepo", "Kappa"]);
    assert_eq!(c.emotes[0].id, 25);
    assert_eq!(
        ev[1],
        Event::Bits {
            username: "Viewer".into(),
            amount: 100
        }
    );
    // Shared Chat: the same cheer made in a partner's channel is its chat here, not money.
    let partner = CHEER.replace("room-id=12345;", "room-id=12345;source-room-id=999;");
    let ev = one(&partner);
    assert!(matches!(ev[..], [Event::Chat(_)]), "{ev:?}");
    // Bits past any number are garbage (refused by the core), not a cheer of none.
    let huge = one(&CHEER.replace("bits=100;", "bits=99999999999999999999;"));
    assert!(
        matches!(&huge[1], e @ Event::Bits { .. } if !e.is_plausible()),
        "{huge:?}"
    );
    // Our own cheer seen in a shared session carries our room as its source.
    let own = CHEER.replace("room-id=12345;", "room-id=12345;source-room-id=12345;");
    assert_eq!(one(&own).len(), 2);
}

#[test]
fn emote_offsets_count_code_points() {
    // "é" is two bytes; Twitch's offsets count it as one character.
    let line = "@display-name=Ana;emotes=emotesv2_0123abcd:6-9;id=1;user-id=5 :ana!ana@ana.tmi.twitch.tv PRIVMSG #c :héllo LUL !";
    let ev = one(line);
    let Event::Chat(c) = &ev[0] else { panic!() };
    assert_eq!(c.emote_names().collect::<Vec<_>>(), vec!["LUL "]);
    let e = parse_emotes("1:6-8", "héllo LUL");
    assert_eq!(
        &"héllo LUL"[e[0].name_start as usize..e[0].name_end as usize],
        "LUL"
    );
    assert_eq!(e[0].id, 1);
    assert!(parse_emotes("1:5-99,x:1-0,bad", "short").is_empty());
    assert_eq!(ev.len(), 1, "no bits tag, no bits event");
}

#[test]
fn actions_replies_mods_and_localized_names() {
    let line = "@badges=moderator/1,partner/1,sub-gifter/50;display-name=ロボ;id=2;mod=1;reply-parent-msg-id=abc;user-id=9 :robo!robo@robo.tmi.twitch.tv PRIVMSG #c :\u{1}ACTION waves\u{1}";
    let Event::Chat(c) = &one(line)[0] else {
        panic!()
    };
    assert_eq!(c.text, "waves");
    assert_eq!(
        c.username, "robo",
        "a localized display name falls back to the login"
    );
    assert!(c.badges.contains(Badges::MODERATOR) && c.is_reply);
    assert!(c.badges.contains(Badges::VERIFIED) && c.badges.contains(Badges::SUB_GIFTER));
}

#[test]
fn sub_and_resub_are_subscriptions_and_resub_text_is_not_chat() {
    let sub = r"@badge-info=subscriber/0;badges=subscriber/0;display-name=NewSub;id=s1;login=newsub;msg-id=sub;msg-param-cumulative-months=1;msg-param-sub-plan=1000;msg-param-sub-plan-name=Channel\sSubscription;room-id=1;system-msg=NewSub\ssubscribed\sat\sTier\s1.;tmi-sent-ts=1700000000001;user-id=11 :tmi.twitch.tv USERNOTICE #channel";
    assert_eq!(
        one(sub),
        vec![Event::Subscription {
            username: "NewSub".into(),
            months: 1
        }]
    );
    let resub = r"@badge-info=subscriber/14;badges=subscriber/12;display-name=Loyal;id=s2;login=loyal;msg-id=resub;msg-param-cumulative-months=14;msg-param-streak-months=3;msg-param-should-share-streak=1;msg-param-sub-plan=Prime;room-id=1;system-msg=Loyal\ssubscribed\swith\sPrime.;tmi-sent-ts=1700000000002;user-id=12 :tmi.twitch.tv USERNOTICE #channel :CLIP THAT 14 months LUL";
    assert_eq!(
        one(resub),
        vec![Event::Subscription {
            username: "Loyal".into(),
            months: 14
        }]
    );
}

fn gift_line(kind: &str, gifter: &str, extra: &str, n: u32) -> String {
    format!(
        "@badges=;display-name={gifter};id=g{n};login={};msg-id={kind};msg-param-community-gift-id=987654321;{extra}room-id=1;tmi-sent-ts=170000000000{n};user-id=42 :tmi.twitch.tv USERNOTICE #channel",
        gifter.to_lowercase()
    )
}

#[test]
fn a_mass_gift_counts_once_not_again_per_recipient() {
    let mut m = Mapper::new();
    let mystery = gift_line(
        "submysterygift",
        "BigGifter",
        "msg-param-mass-gift-count=3;msg-param-sender-count=50;msg-param-sub-plan=1000;",
        0,
    );
    assert_eq!(
        events(&mut m, &mystery),
        vec![Event::GiftedSubs {
            gifter: "BigGifter".into(),
            count: 3
        }]
    );
    for n in 1..=3 {
        let one = gift_line(
            "subgift",
            "BigGifter",
            &format!(
                "msg-param-recipient-user-name=r{n};msg-param-recipient-id={n};msg-param-gift-months=1;"
            ),
            n,
        );
        assert!(events(&mut m, &one).is_empty(), "part {n} counted again");
    }
    // A later single gift (no community id) counts.
    let single = "@display-name=BigGifter;id=g9;login=biggifter;msg-id=subgift;msg-param-recipient-user-name=lucky;msg-param-gift-months=1;user-id=42 :tmi.twitch.tv USERNOTICE #channel";
    assert_eq!(
        events(&mut m, single),
        vec![Event::GiftedSubs {
            gifter: "BigGifter".into(),
            count: 1
        }]
    );
    let anon = "@display-name=AnAnonymousGifter;id=g10;login=ananonymousgifter;msg-id=anonsubgift;msg-param-recipient-user-name=x;user-id=274598607 :tmi.twitch.tv USERNOTICE #channel";
    assert_eq!(
        events(&mut m, anon),
        vec![Event::GiftedSubs {
            gifter: ANONYMOUS_GIFTER.into(),
            count: 1
        }]
    );
    // The same gift as a plain `subgift` from Twitch's anonymous account.
    let plain = "@display-name=AnAnonymousGifter;id=g11;login=ananonymousgifter;msg-id=subgift;msg-param-recipient-user-name=y;user-id=274598607 :tmi.twitch.tv USERNOTICE #channel";
    assert_eq!(
        events(&mut m, plain),
        vec![Event::GiftedSubs {
            gifter: "an anonymous gifter".into(),
            count: 1
        }]
    );
}

/// A garbage mass gift (the core refuses it) does not hide the gifter's real gifts after it.
#[test]
fn an_implausible_mass_gift_does_not_swallow_later_gifts() {
    let mut m = Mapper::new();
    let garbage = gift_line(
        "submysterygift",
        "BigGifter",
        "msg-param-mass-gift-count=50000;msg-param-sub-plan=1000;",
        0,
    );
    let out = events(&mut m, &garbage);
    assert!(!out[0].is_plausible(), "{out:?}");
    let none = garbage.replace("count=50000", "count=0");
    let out = events(&mut Mapper::new(), &none);
    assert!(
        !out[0].is_plausible(),
        "a gift of 0 is no gift of 1: {out:?}"
    );
    let unreadable = garbage.replace("count=50000", "count=99999999999999999999");
    let out = events(&mut Mapper::new(), &unreadable);
    assert!(!out[0].is_plausible(), "{out:?}");
    for n in 1..=5 {
        let one = gift_line(
            "subgift",
            "BigGifter",
            &format!("msg-param-recipient-user-name=r{n};msg-param-recipient-id={n};"),
            n,
        );
        assert_eq!(events(&mut m, &one).len(), 1, "gift {n} was swallowed");
    }
}

#[test]
fn raid_has_its_viewer_count_and_unknown_notices_are_ignored() {
    let raid = r"@display-name=Raider;id=r1;login=raider;msg-id=raid;msg-param-displayName=Raider;msg-param-login=raider;msg-param-viewerCount=1234;system-msg=1234\sraiders\sfrom\sRaider\shave\sjoined!;user-id=77 :tmi.twitch.tv USERNOTICE #channel";
    assert_eq!(
        one(raid),
        vec![Event::Raid {
            from: "Raider".into(),
            viewers: 1234
        }]
    );
    for kind in [
        "giftpaidupgrade",
        "ritual",
        "announcement",
        "bitsbadgetier",
        "brandnew2030",
    ] {
        let line = format!(
            "@display-name=X;id=u;login=x;msg-id={kind} :tmi.twitch.tv USERNOTICE #channel :hi"
        );
        assert!(one(&line).is_empty(), "{kind}");
    }
}

#[test]
fn moderation_maps_to_deleted_and_ban() {
    let del = "@login=spammer;room-id=1;target-msg-id=8f0c1d2e-3a4b-4c5d-9e6f-7a8b9c0d1e2f;tmi-sent-ts=1700000000100 :tmi.twitch.tv CLEARMSG #channel :buy followers";
    assert_eq!(
        one(del),
        vec![Event::MessageDeleted {
            message_id: MsgId::parse("8f0c1d2e-3a4b-4c5d-9e6f-7a8b9c0d1e2f")
        }]
    );
    let timeout = "@ban-duration=600;room-id=1;target-user-id=5;tmi-sent-ts=1700000000200 :tmi.twitch.tv CLEARCHAT #channel :rude";
    assert_eq!(
        one(timeout),
        vec![Event::Ban {
            username: "rude".into(),
            permanent: false,
            duration_min: Some(10)
        }]
    );
    let ban = "@room-id=1;target-user-id=6;tmi-sent-ts=1700000000300 :tmi.twitch.tv CLEARCHAT #channel :gone";
    assert!(matches!(
        &one(ban)[0],
        Event::Ban {
            permanent: true,
            duration_min: None,
            ..
        }
    ));
    let clear = "@room-id=1;tmi-sent-ts=1700000000400 :tmi.twitch.tv CLEARCHAT #channel";
    assert!(one(clear).is_empty());
    let a = dedup_key(&parse(timeout).unwrap());
    assert!(a.is_some() && a != dedup_key(&parse(ban).unwrap()));
}

#[test]
fn a_mode_change_is_reported_but_a_repeated_roomstate_is_not() {
    let mut m = Mapper::new();
    let full = "@emote-only=0;followers-only=-1;r9k=0;room-id=1;slow=0;subs-only=0 :tmi.twitch.tv ROOMSTATE #channel";
    assert!(events(&mut m, full).is_empty());
    assert!(events(&mut m, full).is_empty(), "rejoin after reconnect");
    let slow = "@room-id=1;slow=30 :tmi.twitch.tv ROOMSTATE #channel";
    assert_eq!(events(&mut m, slow), vec![Event::ChatModeChanged]);
    assert!(events(&mut m, slow).is_empty());
}

#[test]
fn protocol_lines_map_to_nothing_and_bad_chat_is_an_error() {
    for line in [
        "PING :tmi.twitch.tv",
        ":tmi.twitch.tv CAP * ACK :twitch.tv/tags twitch.tv/commands",
        ":tmi.twitch.tv 001 justinfan123 :Welcome, GLHF!",
        ":justinfan123!justinfan123@justinfan123.tmi.twitch.tv JOIN #channel",
        "@msg-id=host_on :tmi.twitch.tv NOTICE #channel :Now hosting",
    ] {
        assert!(one(line).is_empty(), "{line}");
    }
    let bad = parse("@id=1 :a!a@a PRIVMSG #channel").unwrap();
    assert!(Mapper::new().map(&bad, &mut Vec::new()).is_err());
}

/// Parts of a mass gift that come before its announcement (a race Twitch seldom shows) are
/// counted as they come, and the announcement then counts the rest: 5 subs, not 7.
#[test]
fn a_mass_gift_whose_parts_come_first_counts_once() {
    let mut m = Mapper::new();
    let part = |n: u32| {
        gift_line(
            "subgift",
            "EarlyBomber",
            &format!("msg-param-recipient-user-name=r{n};msg-param-gift-months=1;"),
            n,
        )
    };
    let mut subs = 0;
    let mut count = |evs: Vec<Event>| {
        for e in evs {
            if let Event::GiftedSubs { count, .. } = e {
                subs += count;
            }
        }
    };
    count(events(&mut m, &part(1)));
    count(events(&mut m, &part(2)));
    let mystery = gift_line(
        "submysterygift",
        "EarlyBomber",
        "msg-param-mass-gift-count=5;msg-param-sub-plan=1000;",
        3,
    );
    count(events(&mut m, &mystery));
    for n in 4..=6 {
        count(events(&mut m, &part(n)));
    }
    assert_eq!(subs, 5);
}
