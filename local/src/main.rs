//! `gatehouse-local`: every endpoint group on one port, on the embedded store and the mail outbox
//! unless configured otherwise. Stops cleanly on SIGTERM or Ctrl-C: in-flight requests finish,
//! and every committed write is already in the database files (synced to disk when it takes
//! access away; sessions and counters only reach the disk with the next sync).

use gatehouse::AppState;
use gatehouse::config::Settings;
use gatehouse_local::app;
use std::net::SocketAddr;

/// Requests allocate and free many small buffers across the runtime's threads, which mimalloc
/// serves faster and more steadily than glibc's malloc (see `gatehouse-load`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    gatehouse::telemetry::init();
    let settings = Settings::from_env()?;
    let listen = settings.listen;
    tracing::info!(
        listen = %listen,
        store = ?settings.store,
        mailer = ?settings.mailer,
        data_dir = %settings.data_dir.display(),
        "starting gatehouse-local"
    );
    let state = AppState::with_mail(settings).await?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(addr = %listener.local_addr()?, "listening");
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("stopped");
    Ok(())
}
