//! Reading request bodies with a size bound.

use super::MAX_BODY_BYTES;
use axum::body::{Body, Bytes};
use http_body_util::BodyExt;

/// How much of an oversized body is still read (and discarded) before answering. Closing a
/// connection with unread request bytes makes TCP reset it, and the client then never sees the
/// refusal; draining a bounded amount lets ordinary clients read it.
const DRAIN_LIMIT_BYTES: usize = 16 * MAX_BODY_BYTES;

#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    TooLarge,
    Unreadable,
}

/// The whole body if it is at most `MAX_BODY_BYTES`. Memory stays bounded by that size however
/// large the body is.
pub async fn read_bounded(body: Body) -> Result<Bytes, BodyError> {
    let mut body = body;
    let mut kept: Vec<u8> = Vec::new();
    let mut seen: usize = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Unreadable)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen <= MAX_BODY_BYTES {
            kept.extend_from_slice(&data);
        } else {
            kept = Vec::new();
            if seen > DRAIN_LIMIT_BYTES {
                break;
            }
        }
    }
    if seen > MAX_BODY_BYTES {
        Err(BodyError::TooLarge)
    } else {
        Ok(Bytes::from(kept))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bounds() {
        assert_eq!(
            read_bounded(Body::from("{}")).await.unwrap(),
            Bytes::from("{}")
        );
        assert_eq!(
            read_bounded(Body::from(vec![b'x'; MAX_BODY_BYTES]))
                .await
                .unwrap()
                .len(),
            MAX_BODY_BYTES
        );
        assert_eq!(
            read_bounded(Body::from(vec![b'x'; MAX_BODY_BYTES + 1])).await,
            Err(BodyError::TooLarge)
        );
        assert_eq!(
            read_bounded(Body::from(vec![b'x'; DRAIN_LIMIT_BYTES * 2])).await,
            Err(BodyError::TooLarge)
        );
    }
}
