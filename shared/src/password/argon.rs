//! argon2id hashing (RustCrypto `argon2`), PHC strings at rest.
//!
//! Each hash at m=19 MiB needs a 19 MiB work area. Allocating one per call makes glibc's heap
//! grow by roughly that much per concurrent login and never give it back, so the hasher keeps a
//! small pool of work areas and admits at most `parallelism` hashes at once: memory stays bounded
//! by `parallelism * m` however many requests arrive.

use argon2::password_hash::PasswordHash;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use std::sync::{Arc, Mutex};
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

const OUTPUT_LEN: usize = 32;
const SALT_LEN: usize = 16;

/// Cost parameters for new hashes. Old hashes verify with the parameters encoded in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Params {
    pub memory_kib: u32,
    pub iterations: u32,
    pub lanes: u32,
}

impl Default for Argon2Params {
    /// OWASP's argon2id recommendation: m=19456 KiB, t=2, p=1.
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            lanes: 1,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordHashError {
    #[error("stored password hash is malformed")]
    Malformed,
    #[error("argon2 failed: {0}")]
    Argon2(String),
    #[error("hashing task failed")]
    Join,
}

#[derive(Clone)]
pub struct PasswordHasher {
    inner: Arc<Inner>,
}

struct Inner {
    params: Argon2Params,
    work_areas: Mutex<Vec<Vec<Block>>>,
    admission: Semaphore,
    /// A PHC string with the configured parameters, a random salt and random hash bytes, which
    /// no password matches: verified against when the account is unknown, so the response takes
    /// as long as for a known one. Built at start-up without hashing anything, so the first
    /// unknown-account login costs no more than any other.
    dummy: String,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("params", &self.inner.params)
            .finish()
    }
}

impl PasswordHasher {
    pub fn new(params: Argon2Params) -> Self {
        let parallelism = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            inner: Arc::new(Inner {
                params,
                work_areas: Mutex::new(Vec::new()),
                admission: Semaphore::new(parallelism),
                dummy: dummy_phc(params),
            }),
        }
    }

    /// Hashes `password` into a PHC string, off the async executor.
    pub async fn hash(&self, password: &str) -> Result<String, PasswordHashError> {
        let password = password.to_owned();
        self.run(move |inner| inner.hash_blocking(password.as_bytes()))
            .await
    }

    /// Verifies `password` against a stored PHC string, or against a dummy hash of equal cost
    /// when there is none, which never matches.
    pub async fn verify(
        &self,
        stored: Option<&str>,
        password: &str,
    ) -> Result<bool, PasswordHashError> {
        let password = password.to_owned();
        let stored = stored.map(str::to_owned);
        self.run(move |inner| match stored {
            Some(phc) => inner.verify_blocking(&phc, password.as_bytes()),
            None => {
                inner.verify_blocking(&inner.dummy, password.as_bytes())?;
                Ok(false)
            }
        })
        .await
    }

    /// Synchronous verify, for benchmarks and blocking contexts.
    pub fn verify_blocking(&self, stored: &str, password: &str) -> Result<bool, PasswordHashError> {
        self.inner.verify_blocking(stored, password.as_bytes())
    }

    /// Synchronous hash, for benchmarks and blocking contexts.
    pub fn hash_blocking(&self, password: &str) -> Result<String, PasswordHashError> {
        self.inner.hash_blocking(password.as_bytes())
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Inner) -> Result<T, PasswordHashError> + Send + 'static,
    ) -> Result<T, PasswordHashError> {
        let _permit = self
            .inner
            .admission
            .acquire()
            .await
            .map_err(|_| PasswordHashError::Join)?;
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || work(&inner))
            .await
            .map_err(|_| PasswordHashError::Join)?
    }
}

/// `$argon2id$v=19$m=..,t=..,p=..$<salt>$<hash>`, both in unpadded standard base64.
fn phc(p: Argon2Params, salt: &[u8; SALT_LEN], hash: &[u8; OUTPUT_LEN]) -> String {
    format!(
        "$argon2id$v=19$m={},t={},p={}${}${}",
        p.memory_kib,
        p.iterations,
        p.lanes,
        STANDARD_NO_PAD.encode(salt),
        STANDARD_NO_PAD.encode(hash)
    )
}

/// Verifying against it costs one argon2id run at `p`; matching it would take a 256-bit guess.
fn dummy_phc(p: Argon2Params) -> String {
    let (mut salt, mut hash) = ([0u8; SALT_LEN], [0u8; OUTPUT_LEN]);
    OsRng.fill_bytes(&mut salt);
    OsRng.fill_bytes(&mut hash);
    phc(p, &salt, &hash)
}

impl Inner {
    fn hash_blocking(&self, password: &[u8]) -> Result<String, PasswordHashError> {
        let mut salt = [0u8; SALT_LEN];
        OsRng.fill_bytes(&mut salt);
        let p = self.params;
        let params = Params::new(p.memory_kib, p.iterations, p.lanes, Some(OUTPUT_LEN))
            .map_err(|e| PasswordHashError::Argon2(e.to_string()))?;
        let mut out = [0u8; OUTPUT_LEN];
        self.compute(&params, password, &salt, &mut out)?;
        Ok(phc(p, &salt, &out))
    }

    fn verify_blocking(&self, stored: &str, password: &[u8]) -> Result<bool, PasswordHashError> {
        let phc = PasswordHash::new(stored).map_err(|_| PasswordHashError::Malformed)?;
        if phc.algorithm.as_str() != "argon2id" || phc.version.is_some_and(|v| v != 19) {
            return Err(PasswordHashError::Malformed);
        }
        let params = Params::try_from(&phc).map_err(|_| PasswordHashError::Malformed)?;
        let expected = phc.hash.ok_or(PasswordHashError::Malformed)?;
        let salt = phc.salt.ok_or(PasswordHashError::Malformed)?;
        let mut salt_buf = [0u8; 64];
        let salt = salt
            .decode_b64(&mut salt_buf)
            .map_err(|_| PasswordHashError::Malformed)?;
        let mut out = vec![0u8; expected.len()];
        let params = Params::new(
            params.m_cost(),
            params.t_cost(),
            params.p_cost(),
            Some(expected.len()),
        )
        .map_err(|_| PasswordHashError::Malformed)?;
        self.compute(&params, password, salt, &mut out)?;
        Ok(bool::from(out.as_slice().ct_eq(expected.as_bytes())))
    }

    fn compute(
        &self,
        params: &Params,
        password: &[u8],
        salt: &[u8],
        out: &mut [u8],
    ) -> Result<(), PasswordHashError> {
        let blocks = params.block_count();
        let mut area = self.take_work_area(blocks);
        let result = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
            .hash_password_into_with_memory(password, salt, out, &mut area[..blocks]);
        self.return_work_area(area);
        result.map_err(|e| PasswordHashError::Argon2(e.to_string()))
    }

    fn take_work_area(&self, blocks: usize) -> Vec<Block> {
        let pooled = self
            .work_areas
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop();
        match pooled {
            Some(area) if area.len() >= blocks => area,
            _ => vec![Block::default(); blocks],
        }
    }

    fn return_work_area(&self, area: Vec<Block>) {
        // Only areas sized for the configured parameters are kept; odd old hashes don't pin memory.
        let standard = Params::new(
            self.params.memory_kib,
            self.params.iterations,
            self.params.lanes,
            None,
        )
        .map(|p| p.block_count())
        .unwrap_or(0);
        if area.len() == standard {
            self.work_areas
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(area);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::SaltString;

    #[test]
    fn the_dummy_hash_exists_from_the_start_with_the_configured_cost() {
        let params = Argon2Params::default();
        let h = PasswordHasher::new(params);
        let dummy = PasswordHash::new(&h.inner.dummy).unwrap();
        let cost = Params::try_from(&dummy).unwrap();
        assert_eq!(
            (cost.m_cost(), cost.t_cost(), cost.p_cost()),
            (params.memory_kib, params.iterations, params.lanes)
        );
        assert_eq!(dummy.hash.unwrap().len(), OUTPUT_LEN);
        // Random per process: nobody can precompute a password for it.
        assert_ne!(h.inner.dummy, PasswordHasher::new(params).inner.dummy);
    }

    fn fast() -> PasswordHasher {
        PasswordHasher::new(Argon2Params {
            memory_kib: 64,
            iterations: 1,
            lanes: 1,
        })
    }

    #[test]
    fn hash_then_verify() {
        let h = fast();
        let phc = h.hash_blocking("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{phc}");
        assert!(h.verify_blocking(&phc, "correct horse").unwrap());
        assert!(!h.verify_blocking(&phc, "correct horsE").unwrap());
    }

    #[test]
    fn verifies_hashes_made_with_other_parameters() {
        let old = PasswordHasher::new(Argon2Params {
            memory_kib: 128,
            iterations: 2,
            lanes: 2,
        });
        let phc = old.hash_blocking("pw").unwrap();
        assert!(fast().verify_blocking(&phc, "pw").unwrap());
    }

    #[test]
    fn verifies_a_reference_phc_string_from_the_argon2_crate() {
        use argon2::password_hash::PasswordHasher as _;
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let argon = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(64, 1, 1, None).unwrap(),
        );
        let phc = argon.hash_password(b"hunter3", &salt).unwrap().to_string();
        assert!(fast().verify_blocking(&phc, "hunter3").unwrap());
        assert!(!fast().verify_blocking(&phc, "hunter2").unwrap());
    }

    #[test]
    fn malformed_hash_is_an_error_not_a_panic() {
        for bad in [
            "",
            "$argon2id$",
            "$pbkdf2-sha256$1$a$b",
            "$argon2id$v=19$m=64,t=1,p=1$!!$!!",
        ] {
            assert!(fast().verify_blocking(bad, "x").is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn unknown_account_never_matches() {
        assert!(!fast().verify(None, "anything").await.unwrap());
    }
}
