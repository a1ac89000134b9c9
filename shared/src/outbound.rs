//! Outbound HTTP for the few calls Gatehouse makes itself: Auth0's JWKS and captcha verification.
//!
//! One hyper client per process, built on first use, on the stack the AWS SDK already links
//! (hyper 1, hyper-util's pooled client, rustls on `ring`), so no second TLS stack is compiled.
//! Root certificates are the system's (rustls-native-certs, which the SDK's client already
//! compiles in; `SSL_CERT_FILE` selects the bundle), read once when the client is built. Every
//! call is bounded: 5 s in all, connect to last body byte, and a 256 KiB body. Redirects are not
//! followed. Pooled connections live on the Tokio runtime that opened them: a test server shared
//! by several `#[tokio::test]`s (one runtime each) should close its connections, as these do.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Uri, header};
use http_body_util::{BodyExt as _, Full, LengthLimitError, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// Connect, request and the whole response body.
pub const TIMEOUT: Duration = Duration::from_secs(5);
/// The most a response body may hold.
pub const MAX_BODY: usize = 256 * 1024;

const USER_AGENT: &str = concat!("gatehouse/", env!("CARGO_PKG_VERSION"));

#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error("invalid URL {0:?}: only absolute http and https URLs")]
    InvalidUrl(String),
    #[error("HTTP client unavailable: {0}")]
    Client(String),
    #[error("request failed: {0}")]
    Request(String),
    #[error("no complete answer within {0:?}")]
    Timeout(Duration),
    #[error("response body over {MAX_BODY} bytes")]
    TooLarge,
    #[error("reading the response body failed: {0}")]
    Body(String),
}

type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

static CLIENT: LazyLock<Result<HttpsClient, String>> = LazyLock::new(build_client);

fn build_client() -> Result<HttpsClient, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder =
        match HttpsConnectorBuilder::new().with_provider_and_native_roots(provider.clone()) {
            Ok(builder) => builder,
            Err(error) => {
                // Without roots plain http still works (and the local tests use it); https then
                // fails at the handshake with an unknown-issuer error.
                tracing::warn!(%error, "no system root certificates: outbound https will fail");
                let config = rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|e| e.to_string())?
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth();
                HttpsConnectorBuilder::new().with_tls_config(config)
            }
        };
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(TIMEOUT));
    let connector = builder.https_or_http().enable_http1().wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .build(connector))
}

/// GET `url`: the status and body.
pub async fn get(url: &str) -> Result<(u16, Bytes), OutboundError> {
    send(Method::GET, url, None, TIMEOUT).await
}

/// POST `fields` as `application/x-www-form-urlencoded`: the status and body.
pub async fn post_form(url: &str, fields: &[(&str, &str)]) -> Result<(u16, Bytes), OutboundError> {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    send(Method::POST, url, Some(body), TIMEOUT).await
}

async fn send(
    method: Method,
    url: &str,
    form: Option<String>,
    timeout: Duration,
) -> Result<(u16, Bytes), OutboundError> {
    let uri: Uri = url
        .parse()
        .map_err(|_| OutboundError::InvalidUrl(url.to_owned()))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
        return Err(OutboundError::InvalidUrl(url.to_owned()));
    }
    let client = CLIENT
        .as_ref()
        .map_err(|e| OutboundError::Client(e.clone()))?;
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::USER_AGENT, USER_AGENT);
    if form.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    let request = request
        .body(Full::new(Bytes::from(form.unwrap_or_default())))
        .map_err(|e| OutboundError::InvalidUrl(format!("{url}: {e}")))?;

    let exchange = async {
        let response = client
            .request(request)
            .await
            .map_err(|e| OutboundError::Request(error_chain(&e)))?;
        let status = response.status().as_u16();
        let body = Limited::new(response.into_body(), MAX_BODY)
            .collect()
            .await
            .map_err(|e| {
                if e.downcast_ref::<LengthLimitError>().is_some() {
                    OutboundError::TooLarge
                } else {
                    OutboundError::Body(e.to_string())
                }
            })?
            .to_bytes();
        Ok((status, body))
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| OutboundError::Timeout(timeout))?
}

/// hyper's errors say little at the top ("client error (Connect)"); the causes say why.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::{Read as _, Write as _};
    use std::net::{TcpListener, TcpStream};
    use std::sync::mpsc;

    /// Reads one HTTP/1.1 request (head and Content-Length body) from `stream`.
    pub(crate) fn read_request(stream: &mut TcpStream) -> String {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = stream.read(&mut chunk).unwrap_or(0);
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&buf);
            if let Some(head_end) = text.find("\r\n\r\n") {
                let length = text[..head_end]
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                if buf.len() >= head_end + 4 + length {
                    break;
                }
            }
        }
        String::from_utf8_lossy(&buf).into_owned()
    }

    /// A local server on a thread of its own: answers every connection with whatever `response`
    /// holds at the time. Returns the base URL and the requests received, in order.
    pub(crate) fn serve_with(
        response: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    ) -> (String, mpsc::Receiver<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let request = read_request(&mut stream);
                let answer = response.lock().unwrap().clone();
                if tx.send(request).is_err() {
                    return;
                }
                let _ = stream.write_all(&answer);
                let _ = stream.shutdown(std::net::Shutdown::Both);
            }
        });
        (url, rx)
    }

    pub(crate) fn serve(response: Vec<u8>) -> (String, mpsc::Receiver<String>) {
        serve_with(std::sync::Arc::new(std::sync::Mutex::new(response)))
    }

    pub(crate) fn http_response(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        out.extend_from_slice(body);
        out
    }

    fn received(requests: &mpsc::Receiver<String>) -> String {
        requests.recv_timeout(Duration::from_secs(5)).unwrap()
    }

    #[tokio::test]
    async fn get_returns_status_and_body() {
        let (url, requests) = serve(http_response(
            "200 OK",
            "application/json",
            b"{\"ok\":true}",
        ));
        let (status, body) = get(&format!("{url}/.well-known/jwks.json")).await.unwrap();
        assert_eq!(status, 200);
        assert_eq!(&body[..], b"{\"ok\":true}");
        let request = received(&requests);
        assert!(
            request.starts_with("GET /.well-known/jwks.json HTTP/1.1\r\n"),
            "{request}"
        );
        assert!(
            request
                .to_ascii_lowercase()
                .contains("user-agent: gatehouse/")
        );
    }

    #[tokio::test]
    async fn non_2xx_is_returned_not_an_error() {
        let (url, _requests) = serve(http_response(
            "503 Service Unavailable",
            "text/plain",
            b"down",
        ));
        let (status, body) = get(&url).await.unwrap();
        assert_eq!((status, &body[..]), (503, &b"down"[..]));
    }

    #[tokio::test]
    async fn post_form_encodes_fields() {
        let (url, requests) = serve(http_response("200 OK", "application/json", b"{}"));
        let (status, _) = post_form(
            &format!("{url}/siteverify"),
            &[
                ("secret", "s3 cr&t"),
                ("response", "tok=en"),
                ("remoteip", "1.2.3.4"),
            ],
        )
        .await
        .unwrap();
        assert_eq!(status, 200);
        let request = received(&requests);
        assert!(request.starts_with("POST /siteverify HTTP/1.1\r\n"));
        assert!(
            request
                .to_ascii_lowercase()
                .contains("content-type: application/x-www-form-urlencoded")
        );
        assert!(
            request.ends_with("\r\n\r\nsecret=s3+cr%26t&response=tok%3Den&remoteip=1.2.3.4"),
            "{request}"
        );
    }

    #[tokio::test]
    async fn oversized_body_is_refused() {
        let big = vec![b'x'; MAX_BODY + 1];
        let (url, _requests) = serve(http_response("200 OK", "text/plain", &big));
        assert!(matches!(get(&url).await, Err(OutboundError::TooLarge)));
        let exact = vec![b'x'; MAX_BODY];
        let (url, _requests) = serve(http_response("200 OK", "text/plain", &exact));
        assert_eq!(get(&url).await.unwrap().1.len(), MAX_BODY);
    }

    #[tokio::test]
    async fn silence_times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            // Accepts and never answers.
            let _held: Vec<_> = listener.incoming().collect();
        });
        let started = tokio::time::Instant::now();
        let result = send(Method::GET, &url, None, Duration::from_millis(200)).await;
        assert!(
            matches!(result, Err(OutboundError::Timeout(_))),
            "{result:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn refused_connection_and_bad_urls_are_errors() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        assert!(matches!(get(&url).await, Err(OutboundError::Request(_))));
        for bad in ["ftp://example.com/x", "/relative", "not a url", ""] {
            assert!(
                matches!(get(bad).await, Err(OutboundError::InvalidUrl(_))),
                "{bad}"
            );
        }
    }
}
