//! A JSON decoding error as a log line, without the values it quotes: serde names the
//! offending value (`invalid type: string "…"`), and in a chat frame that is a viewer's text,
//! which is never logged unless capture is on.

/// `e` with every quoted value replaced by `"…"`; the line, column and expectation stay.
pub fn without_values(e: &serde_json::Error) -> String {
    redact_quoted(&e.to_string())
}

fn redact_quoted(msg: &str) -> String {
    crate::redact::quoted_values(msg, "\"…\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Hosted {
        #[allow(dead_code)]
        message: Inner,
    }
    #[derive(Debug, serde::Deserialize)]
    struct Inner {}

    #[test]
    fn a_viewers_words_in_a_bad_field_never_reach_the_line() {
        let raw = r#"{"message": "my secret \"quoted\" words here"}"#;
        let e = serde_json::from_str::<Hosted>(raw)
            .err()
            .unwrap_or_else(|| panic!("decodes"));
        assert!(e.to_string().contains("secret"), "serde quotes it: {e}");
        let line = without_values(&e);
        assert!(
            !line.contains("secret") && !line.contains("words"),
            "{line}"
        );
        assert!(line.contains("invalid type: string \"…\""), "{line}");
        assert!(line.contains("line 1 column"), "{line}");
    }

    #[test]
    fn syntax_errors_keep_their_place() {
        let e = serde_json::from_str::<Hosted>("{\"message\": ").err();
        let line = e.map(|e| without_values(&e)).unwrap_or_default();
        assert!(line.starts_with("EOF while parsing"), "{line}");
    }
}

#[cfg(test)]
mod call_sites {
    #[test]
    fn a_kick_frame_with_a_viewers_text_in_a_bad_field_is_reported_without_it() {
        let data = serde_json::json!({"message": "my private chat words"}).to_string();
        let frame = serde_json::json!({
            "event": "App\\Events\\StreamHostedEvent",
            "channel": "channel.1",
            "data": data,
        })
        .to_string();
        let e = crate::source::kick::decode_frame(&frame)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("bad data"), "malformed: {e}");
        assert!(!e.contains("private"), "{e}");
    }

    #[test]
    fn a_centrifugo_reply_with_text_in_a_bad_field_is_reported_without_it() {
        let line = r#"{"push": "my private chat words"}"#;
        let e = crate::source::centrifugo::proto::parse_line(line)
            .err()
            .unwrap_or_default();
        assert!(e.contains("not a Centrifugo reply"), "{e}");
        assert!(!e.contains("private"), "{e}");
    }
}
