use super::*;

fn ok(s: &str) -> (Platform, String) {
    parse_channel(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

#[test]
fn accepts_the_documented_forms() {
    assert_eq!(ok("clavicular"), (Platform::Kick, "clavicular".into()));
    assert_eq!(ok("kick:Clavicular"), (Platform::Kick, "clavicular".into()));
    assert_eq!(ok("KICK:xqc"), (Platform::Kick, "xqc".into()));
    assert_eq!(
        ok("twitch:Some_Name"),
        (Platform::Twitch, "some_name".into())
    );
    assert_eq!(
        ok("  my-channel_2  "),
        (Platform::Kick, "my-channel_2".into())
    );
    assert_eq!(ok(&"a".repeat(25)).1.len(), 25);
    assert_eq!(ok("x").1, "x");
}

#[test]
fn another_site_is_named_as_such() {
    let e = parse_channel("https://youtube.com/@x")
        .unwrap_err()
        .to_string();
    assert!(e.contains("is not a Kick or Twitch channel"), "{e}");
}

#[test]
fn video_and_site_pages_are_not_channels_and_hosts_take_any_case() {
    for link in [
        "https://kick.com/video/3f2a-11",
        "kick.com/browse",
        "https://www.twitch.tv/videos/123456",
        "twitch.tv/directory/category/x",
    ] {
        let e = parse_channel(link).unwrap_err().to_string();
        assert!(e.contains("not a channel"), "{link}: {e}");
        // The example is of the link's own site.
        let site = if link.contains("kick") {
            "kick.com"
        } else {
            "twitch.tv"
        };
        assert!(e.contains(&format!("`https://{site}/NAME`")), "{link}: {e}");
    }
    let e = parse_channel("twitch:my.chan").unwrap_err().to_string();
    assert!(
        e.ends_with("use letters, digits and _ (3–25 characters)"),
        "{e}"
    );
    assert_eq!(ok("HTTPS://KICK.COM/X1"), (Platform::Kick, "x1".into()));
    for (link, platform) in [
        (
            "https://www.twitch.tv/popout/Name/chat?popout=",
            Platform::Twitch,
        ),
        ("twitch.tv/moderator/name", Platform::Twitch),
        ("https://kick.com/popout/name/chat", Platform::Kick),
    ] {
        assert_eq!(ok(link), (platform, "name".into()), "{link}");
    }
    assert!(parse_channel("twitch.tv/popout").is_err());
    assert!(parse_channel("WWW.youtube.com/x").is_err());
    assert_eq!(ok("Www.Twitch.TV/Name"), (Platform::Twitch, "name".into()));
}

#[test]
fn accepts_channel_urls() {
    assert_eq!(
        ok("https://kick.com/Clavicular"),
        (Platform::Kick, "clavicular".into())
    );
    assert_eq!(ok("kick.com/xqc/videos"), (Platform::Kick, "xqc".into()));
    assert_eq!(
        ok("https://www.twitch.tv/name?tt=1"),
        (Platform::Twitch, "name".into())
    );
    assert_eq!(
        ok("https://m.twitch.tv/name"),
        (Platform::Twitch, "name".into())
    );
}

#[test]
fn rejects_path_traversal_and_url_characters() {
    for bad in [
        "../etc",
        "a/b",
        "..",
        "a\\b",
        "name?x=1",
        "a#b",
        "a%2e",
        "a b",
        "a.b",
        "a&b=c",
        "kick:../x",
        "café",
        "a\0b",
        "a\nb",
        "@user",
    ] {
        assert!(
            matches!(
                parse_channel(bad),
                Err(ChannelNameError::Invalid {
                    problem: NameProblem::Char(_),
                    ..
                })
            ),
            "{bad:?} was accepted: {:?}",
            parse_channel(bad)
        );
    }
    assert!(matches!(
        parse_channel("https://kick.com/../x"),
        Err(ChannelNameError::Empty | ChannelNameError::Invalid { .. })
    ));
}

#[test]
fn rejects_empty_long_and_unknown() {
    for empty in ["", "   ", "kick:", "twitch:  ", "https://kick.com/"] {
        assert_eq!(
            parse_channel(empty),
            Err(ChannelNameError::Empty),
            "{empty:?}"
        );
    }
    let long = "a".repeat(26);
    assert!(matches!(
        parse_channel(&long),
        Err(ChannelNameError::Invalid {
            problem: NameProblem::TooLong(26),
            ..
        })
    ));
    // The error quotes a long name whole (41 characters were cut to 40), a huge one cut.
    let typo = "thisnameiswaytoolongforatwitchchannelname";
    let e = parse_channel(typo).unwrap_err().to_string();
    assert!(e.contains(&format!("\"{typo}\"")), "{e}");
    let e = parse_channel(&"b".repeat(500)).unwrap_err().to_string();
    assert!(e.contains("…") && e.len() < 200, "{e}");
    assert_eq!(
        parse_channel("youtube:x"),
        Err(ChannelNameError::UnknownPlatform("youtube".into()))
    );
    assert!(matches!(
        parse_channel("twitch:a-b"),
        Err(ChannelNameError::Invalid {
            problem: NameProblem::Char('-'),
            ..
        })
    ));
}

#[test]
fn twitch_names_follow_twitch_rules() {
    let c = ChannelRef::parse("twitch:Some_Name").unwrap();
    assert_eq!(c.platform, Platform::Twitch);
    assert_eq!(c.to_string(), "twitch:some_name");
    assert_eq!(ChannelRef::parse(&c.to_string()), Ok(c));
    assert_eq!(
        ok("https://twitch.tv/Shroud"),
        (Platform::Twitch, "shroud".into())
    );
    assert_eq!(ok("twitch.tv/abcd/videos").1, "abcd");
    assert_eq!(ok(&format!("twitch:{}", "a".repeat(25))).1.len(), 25);
    // Kick keeps its own rules: short names and dashes are fine there.
    assert_eq!(ok("kick:ab-c"), (Platform::Kick, "ab-c".into()));
    assert_eq!(ok("twitch:xqc"), (Platform::Twitch, "xqc".into()));
    // The IRC habit.
    assert_eq!(ok("twitch:#xqc"), (Platform::Twitch, "xqc".into()));
    for short in ["twitch:ab", "https://www.twitch.tv/x"] {
        assert!(
            matches!(
                parse_channel(short),
                Err(ChannelNameError::Invalid {
                    problem: NameProblem::TooShort(_),
                    ..
                })
            ),
            "{short:?}"
        );
    }
    assert!(matches!(
        parse_channel(&format!("twitch:{}", "a".repeat(26))),
        Err(ChannelNameError::Invalid {
            problem: NameProblem::TooLong(26),
            ..
        })
    ));
    assert!(matches!(
        parse_channel("twitch:bad.name"),
        Err(ChannelNameError::Invalid {
            problem: NameProblem::Char('.'),
            ..
        })
    ));
}

#[test]
fn errors_read_well_and_stay_short() {
    let e = parse_channel(&format!("{}/", "x".repeat(500))).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("('/' is not allowed)") && text.len() < 200,
        "{text}"
    );
    assert!(ChannelNameError::Empty.to_string().contains("empty"));
}

/// Every invalid name says the same shape of thing on either platform: the name, which
/// platform's name it is not, what is wrong, and what a valid one looks like.
#[test]
fn invalid_names_say_what_is_wrong_and_what_a_valid_one_looks_like() {
    let said = |s: &str| parse_channel(s).unwrap_err().to_string();
    let twitch = "use letters, digits and _ (3–25 characters)";
    let kick = "use letters, digits, _ and - (at most 25 characters)";
    let long = "a".repeat(26);
    for (input, want) in [
        (
            "twitch:foo.bar".to_string(),
            format!("\"foo.bar\" is not a Twitch channel name ('.' is not allowed): {twitch}"),
        ),
        (
            "twitch:foo-bar".into(),
            format!("\"foo-bar\" is not a Twitch channel name ('-' is not allowed): {twitch}"),
        ),
        (
            "twitch:ab".into(),
            format!("\"ab\" is not a Twitch channel name (2 characters): {twitch}"),
        ),
        (
            format!("twitch:{long}"),
            format!("\"{long}\" is not a Twitch channel name (26 characters): {twitch}"),
        ),
        (
            "foo.bar".into(),
            format!("\"foo.bar\" is not a Kick channel name ('.' is not allowed): {kick}"),
        ),
        (
            long.clone(),
            format!("\"{long}\" is not a Kick channel name (26 characters): {kick}"),
        ),
        (
            "https://twitch.tv/a b".into(),
            format!("\"a b\" is not a Twitch channel name (' ' is not allowed): {twitch}"),
        ),
    ] {
        assert_eq!(said(&input), want, "{input}");
    }
}
