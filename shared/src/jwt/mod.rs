//! JSON Web Tokens: Gatehouse's own RS256 key ([`keys`]), the tokens Barong mints and checks
//! itself ([`barong`]: authz bearer, e-mail confirmation, password reset), and Auth0 ID tokens
//! ([`auth0`]).
//!
//! Signing and verification go through `ring`; the `rsa` crate only generates keys and writes
//! them out (its private-key operations are not constant-time, RUSTSEC-2023-0071).

pub mod auth0;
pub mod barong;
pub mod keys;
mod ruby;

pub use auth0::{Auth0Claims, Auth0Error, Auth0Verifier};
pub use barong::JwtError;
pub use keys::{KeyError, SigningKey};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Base64url without padding, as JWS segments and JWK members are written.
fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}
