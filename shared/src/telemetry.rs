//! Structured logs: JSON inside Lambda (CloudWatch), human-readable locally. `RUST_LOG` filters.

pub fn init() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let in_lambda = std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    // A second init (tests, benches) keeps the first subscriber.
    let _ = if in_lambda {
        builder.json().without_time().try_init()
    } else {
        builder.try_init()
    };
}
