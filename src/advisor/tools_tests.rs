use super::*;

fn arms() -> Vec<String> {
    vec!["talk".into(), "gameplay".into()]
}

#[test]
fn a_valid_suggestion_parses() {
    let call = validate(
        "suggest_activity",
        &json!({"arm": "gameplay", "reason": "chat  is\nslowing"}),
        &arms(),
        false,
    );
    assert_eq!(
        call,
        Ok(ToolCall::SuggestActivity {
            arm: "gameplay".into(),
            reason: "chat is slowing".into()
        })
    );
}

#[test]
fn unknown_arms_tools_missing_and_long_fields_are_refused() {
    let a = arms();
    let v = |n: &str, i: Value| validate(n, &i, &a, false);
    assert_eq!(
        v("suggest_activity", json!({"arm": "cooking", "reason": "x"})),
        Err(Invalid::UnknownArm {
            arm: "cooking".into(),
            arms: "talk, gameplay".into()
        })
    );
    assert_eq!(
        v("suggest_activity", json!({"arm": "talk"})),
        Err(Invalid::Missing("reason"))
    );
    assert_eq!(v("ban_user", json!({})), Err(Invalid::UnknownTool));
    assert_eq!(
        v("talking_point", json!({"text": "x".repeat(201)})),
        Err(Invalid::TooLong {
            field: "text",
            chars: 201,
            max: 200
        })
    );
    assert_eq!(
        v("talking_point", json!({"text": "  \n "})),
        Err(Invalid::Empty("text"))
    );
    assert_eq!(
        v("talking_point", json!({"text": 3})),
        Err(Invalid::NotAString("text"))
    );
    assert_eq!(
        v("mark_moment", json!({"reason": "a", "run": "rm -rf"})),
        Err(Invalid::UnexpectedField("run".into()))
    );
    assert_eq!(
        v("mark_moment", json!("a string")),
        Err(Invalid::NotAnObject)
    );
}

#[test]
fn chat_message_only_with_the_chat_voice_on() {
    let a = arms();
    let input = json!({"text": "gg chat"});
    assert_eq!(
        validate("chat_message", &input, &a, false),
        Err(Invalid::NotOffered)
    );
    assert!(validate("chat_message", &input, &a, true).is_ok());
    for link in [
        "buy followers at http://scam.example",
        "see HTTPS://x.example",
        "www.example.com now",
        "join the discord at discord.gg/abc123",
        "or bit.ly/xyz",
        "my site is example.com.",
        "(twitch.tv/someone)",
        "merch at example.de",
        "promo.co.uk",
    ] {
        let input = serde_json::json!({"text": link});
        assert!(matches!(
            validate("chat_message", &input, &a, true),
            Err(Invalid::Link)
        ));
    }
    // Dots in ordinary chat are not links.
    for plain in [
        "gg wp... nice",
        "3.5 kills a min",
        "e.g. that play",
        "wait.. what",
        "gg.ez",
        "lol.no way",
    ] {
        let input = serde_json::json!({"text": plain});
        assert!(
            validate("chat_message", &input, &a, true).is_ok(),
            "{plain}"
        );
    }
    let names = |on| -> Vec<&str> { tool_specs(&a, on).iter().map(|t| t.name).collect() };
    assert!(!names(false).contains(&"chat_message"));
    assert!(names(true).contains(&"chat_message"));
}

/// The log line says what the model sent, as one short line: never its raw escapes.
#[test]
fn an_unknown_activity_or_field_is_named_cleaned_and_cut() {
    let a = arms();
    let why = |n: &str, i: Value| validate(n, &i, &a, false).err().map(|e| e.to_string());
    assert_eq!(
        why("suggest_activity", json!({"arm": "dance", "reason": "x"})).as_deref(),
        Some(r#"unknown activity "dance" (not one of the arms: talk, gameplay)"#)
    );
    assert_eq!(
        why("mark_moment", json!({"reason": "a", "extra": 1})).as_deref(),
        Some(r#"unexpected field "extra""#)
    );
    // A terminal escape and a newline in the arm, an endless field name.
    let arm = why(
        "suggest_activity",
        json!({"arm": "\x1b[2J\x1b]0;pwned\x07da\nnce", "reason": "x"}),
    )
    .unwrap_or_default();
    assert!(arm.starts_with(r#"unknown activity "da nce" "#), "{arm}");
    assert!(!arm.contains('\x1b') && !arm.contains('\n'), "{arm:?}");
    let key = format!("e\u{202E}{}", "x".repeat(5000));
    let field = why("mark_moment", json!({"reason": "a", key: 1})).unwrap_or_default();
    assert_eq!(field, format!("unexpected field \"e {}…\"", "x".repeat(38)));
}

#[test]
fn the_offered_schema_lists_the_arms_and_limits() {
    let specs = tool_specs(&arms(), false);
    let s = &specs[0].schema;
    assert_eq!(s["properties"]["arm"]["enum"], json!(["talk", "gameplay"]));
    assert_eq!(s["properties"]["reason"]["maxLength"], json!(200));
    assert_eq!(s["required"], json!(["arm", "reason"]));
}

#[test]
fn free_text_is_cleaned_and_cut() {
    assert_eq!(free_text("\x1b[2J hi\tthere "), Some("hi there".into()));
    assert_eq!(free_text("  "), None);
    let long = free_text(&"é".repeat(600)).unwrap_or_default();
    assert_eq!(long.chars().count(), MAX_FREE_TEXT_CHARS + 1);
}
