//! Hello-world `lambda_http` function: the baseline `scripts/bench-lambda` measures the Gatehouse
//! functions' init time, size and memory against. It does nothing a real function needs (no AWS SDK,
//! no logging setup), so the difference is what Gatehouse adds.

use lambda_http::{Body, Error, Request, Response, service_fn};

/// Answers every request 200 with a small JSON body.
async fn hello(_request: Request) -> Result<Response<Body>, Error> {
    let response = Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(Body::from(r#"{"message":"hello"}"#))?;
    Ok(response)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::run(service_fn(hello)).await
}
