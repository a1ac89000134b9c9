//! Structured logs: JSON inside Lambda (CloudWatch), human-readable locally.
//!
//! In Lambda the level comes from the function's `LoggingConfig` (`AWS_LAMBDA_LOG_LEVEL`), else
//! `RUST_LOG`; every line is one JSON object with `level` (which Lambda's log-level filtering
//! reads), the event's fields and the invocation's span, whose `requestId` ties the line to its
//! request. Locally `RUST_LOG` filters [`info`].

pub fn init() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let in_lambda = std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some();
    let directive = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .ok()
        .filter(|_| in_lambda)
        .map(|level| level.to_ascii_lowercase())
        .or_else(|| std::env::var("RUST_LOG").ok())
        .unwrap_or_else(|| "info".to_owned());
    let filter: Targets = directive
        .parse()
        .unwrap_or_else(|_| Targets::new().with_default(LevelFilter::INFO));
    let registry = tracing_subscriber::registry().with(filter);
    // A second init (tests, benches) keeps the first subscriber.
    let _ = if in_lambda {
        registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_target(false)
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init()
    } else {
        registry
            .with(tracing_subscriber::fmt::layer().with_target(false))
            .try_init()
    };
}
