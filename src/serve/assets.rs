//! The dashboard page, embedded in the binary: no build step, nothing to install.

use axum::Router;
use axum::http::header;
use axum::routing::get;

const HTML: &str = include_str!("../../assets/dashboard.html");
const JS: &str = include_str!("../../assets/dashboard.js");
const CSS: &str = include_str!("../../assets/dashboard.css");

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let page = |ty: &'static str, body: &'static str| {
        get(move || async move {
            (
                [
                    (header::CONTENT_TYPE, ty),
                    (header::CACHE_CONTROL, "no-cache"),
                ],
                body,
            )
        })
    };
    Router::new()
        .route("/", page("text/html; charset=utf-8", HTML))
        .route("/dashboard.js", page("text/javascript; charset=utf-8", JS))
        .route("/dashboard.css", page("text/css; charset=utf-8", CSS))
}
