//! An HTTP answer's body read with a cap: a server (or anything pretending to be one) cannot
//! make kicktui hold more than the answers it expects need.

/// Why a capped body could not be read.
#[derive(Debug)]
pub enum BodyError {
    /// Over the cap (the cap in MiB).
    TooBig(usize),
    Network(reqwest::Error),
}

/// The body of `resp`, at most `max` bytes.
pub async fn read_capped(mut resp: reqwest::Response, max: usize) -> Result<Vec<u8>, BodyError> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Network)? {
        if body.len() + chunk.len() > max {
            return Err(BodyError::TooBig(max >> 20));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// An error with its causes ("error sending request: … : Connection refused"), each said
/// once even when an outer message already ends with it.
pub fn with_causes(e: &dyn std::error::Error) -> String {
    let mut why = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !why.ends_with(&text) {
            why.push_str(": ");
            why.push_str(&text);
        }
        cause = c.source();
    }
    why
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(bytes: usize) -> reqwest::Response {
        reqwest::Response::from(axum::http::Response::new(vec![b'x'; bytes]))
    }

    #[tokio::test]
    async fn a_body_up_to_the_cap_is_read_and_one_past_it_is_refused() {
        let body = read_capped(answer(3 << 20), 3 << 20).await;
        assert_eq!(body.map(|b| b.len()).ok(), Some(3 << 20));
        let over = read_capped(answer((3 << 20) + 1), 3 << 20).await;
        assert!(matches!(over, Err(BodyError::TooBig(3))), "{over:?}");
    }
}
