//! Per-key request limits counted in the store, so they hold across Lambda instances.
//! A sliding-window counter (as go-chi/httprate): the previous minute's count, weighted by how
//! much of it still overlaps the window, plus the current minute's.

use crate::Error;
use crate::state::AppState;
use crate::store::SlidingWindow;

const WINDOW_SECONDS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateDecision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Epoch seconds when the current window ends.
    pub reset: i64,
}

/// Counts one request under `key` against `limit` per minute.
pub async fn hit(state: &AppState, key: &str, limit: u32) -> Result<RateDecision, Error> {
    let now = state.clock.now();
    let epoch = now.timestamp();
    let window = epoch.div_euclid(WINDOW_SECONDS);
    let elapsed =
        epoch.rem_euclid(WINDOW_SECONDS) as f64 + f64::from(now.timestamp_subsec_millis()) / 1000.0;
    let reset = (window + 1) * WINDOW_SECONDS;
    let sliding = SlidingWindow {
        previous: format!("{key}#{}", window - 1),
        current: format!("{key}#{window}"),
        expires_at: chrono::DateTime::from_timestamp(reset + WINDOW_SECONDS, 0).unwrap_or(now),
        limit: u64::from(limit),
        previous_weight: 1.0 - elapsed / WINDOW_SECONDS as f64,
    };
    let (ceiling, counted) = state.store.increment_in_window(&sliding, now).await?;
    Ok(match counted {
        Some(count) => RateDecision {
            allowed: true,
            limit,
            remaining: u32::try_from(ceiling.saturating_sub(count)).unwrap_or(0),
            reset,
        },
        None => RateDecision {
            allowed: false,
            limit,
            remaining: 0,
            reset,
        },
    })
}
