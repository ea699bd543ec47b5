//! The block explorer (issue 19): plain HTML, CSS and JavaScript embedded in the binary and served at `/`
//! and `/explorer/<file>`. The pages use only the node's public API, so nothing is fetched from elsewhere and
//! the explorer works offline.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::ApiError;

/// Every asset: its name under `/explorer/`, its Content-Type and its bytes (compiled in, so a node carries
/// its explorer wherever its binary goes).
const ASSETS: &[(&str, &str, &str)] = &[
    ("index.html", "text/html; charset=utf-8", include_str!("assets/index.html")),
    ("style.css", "text/css; charset=utf-8", include_str!("assets/style.css")),
    ("util.js", "text/javascript; charset=utf-8", include_str!("assets/util.js")),
    ("home.js", "text/javascript; charset=utf-8", include_str!("assets/home.js")),
    ("pages.js", "text/javascript; charset=utf-8", include_str!("assets/pages.js")),
    ("contract.js", "text/javascript; charset=utf-8", include_str!("assets/contract.js")),
    ("app.js", "text/javascript; charset=utf-8", include_str!("assets/app.js")),
];

/// Assets change only with the binary, so a short cache keeps reloads cheap without serving a stale
/// explorer for long after an upgrade.
const CACHE_CONTROL: &str = "public, max-age=300";

/// `GET /` (the explorer's page) and `GET /explorer/{file}`.
pub(crate) fn routes() -> Router {
    Router::new().route("/", get(index)).route("/explorer/{file}", get(asset))
}

async fn index() -> Response {
    serve("index.html").unwrap_or_else(|e| e.into_response())
}

async fn asset(Path(file): Path<String>) -> Response {
    serve(&file).unwrap_or_else(|e| e.into_response())
}

fn serve(name: &str) -> Result<Response, ApiError> {
    let (_, content_type, body) = ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or_else(|| ApiError::not_found(format!("no such explorer file: {name}")))?;
    Ok((StatusCode::OK, [(header::CONTENT_TYPE, *content_type), (header::CACHE_CONTROL, CACHE_CONTROL)], *body)
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    async fn get_path(path: &str) -> (StatusCode, Option<String>, String) {
        let response = routes().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        let status = response.status();
        let content_type = response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 22).await.unwrap();
        (status, content_type, String::from_utf8(bytes.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn root_serves_the_page_and_each_asset_its_type() {
        let (status, content_type, body) = get_path("/").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
        assert!(body.contains("<title>jsvm explorer</title>"), "{body}");
        for (name, ty, _) in ASSETS {
            let (status, content_type, body) = get_path(&format!("/explorer/{name}")).await;
            assert_eq!(status, StatusCode::OK, "{name}");
            assert_eq!(content_type.as_deref(), Some(*ty), "{name}");
            assert!(!body.is_empty(), "{name}");
        }
    }

    #[tokio::test]
    async fn the_page_loads_every_script_and_nothing_from_elsewhere() {
        let (_, _, html) = get_path("/").await;
        for (name, _, _) in ASSETS.iter().filter(|(n, _, _)| *n != "index.html") {
            assert!(html.contains(&format!("/explorer/{name}")), "index.html does not load {name}");
        }
        assert!(!html.contains("http://") && !html.contains("https://"), "index.html names another host");
    }

    #[tokio::test]
    async fn an_unknown_asset_is_404() {
        let (status, _, body) = get_path("/explorer/nope.js").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("no such explorer file"), "{body}");
    }
}
