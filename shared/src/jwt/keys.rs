//! Gatehouse's RS256 signing key, the counterpart of Barong's `JWT_PRIVATE_KEY`: it signs the
//! authz bearer tokens and the e-mail confirmation and password-reset tokens.
//!
//! `ring` parses the key and does every private-key operation; the `rsa` crate only generates a
//! key and encodes it (PKCS#1 DER), because its own decryption and signing are not constant-time
//! (the Marvin attack, RUSTSEC-2023-0071).

use std::fmt;
#[cfg(any(feature = "embedded", test))]
use std::fs::{self, OpenOptions};
use std::io;
#[cfg(any(feature = "embedded", test))]
use std::io::Write as _;
#[cfg(any(feature = "embedded", test))]
use std::path::Path;
use std::path::PathBuf;
#[cfg(any(feature = "embedded", test))]
use std::time::Duration;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use ring::rand::SystemRandom;
use ring::signature::{self, RsaKeyPair, RsaPublicKeyComponents};
use serde_json::{Value, json};

use super::b64url;

/// The key file inside the data directory.
pub const KEY_FILE_NAME: &str = "jwt-signing-key.pem";

/// Barong generates 2048-bit keys (`OpenSSL::PKey::RSA.generate(2048)`).
#[cfg(any(feature = "embedded", test))]
const KEY_BITS: usize = 2048;

/// How long a reader waits for a key file another process is still writing (only on filesystems
/// without hard links, where the file is published under its final name before it is complete).
#[cfg(any(feature = "embedded", test))]
const PUBLISH_WAIT: Duration = Duration::from_secs(2);
#[cfg(any(feature = "embedded", test))]
const PUBLISH_POLL: Duration = Duration::from_millis(50);

/// Standard base64, padding optional: PEM bodies and the `JWT_PRIVATE_KEY` variable.
const BASE64_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "no PEM private key found (expected \"RSA PRIVATE KEY\" or \"PRIVATE KEY\", or base64 of one)"
    )]
    NotPem,
    #[error("encrypted private keys are not supported")]
    Encrypted,
    #[error("the RSA key was rejected: {0}")]
    Rejected(String),
    #[error("RSA key generation failed: {0}")]
    Generate(String),
    #[error("RS256 signing failed")]
    Sign,
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

#[cfg(any(feature = "embedded", test))]
fn io_error(path: &Path) -> impl FnOnce(io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// An RSA private key for RS256, with its public half and JWK thumbprint.
pub struct SigningKey {
    pair: RsaKeyPair,
    /// PKCS#1 RSAPrivateKey, for [`SigningKey::to_pem`].
    pkcs1_der: Vec<u8>,
    n: Vec<u8>,
    e: Vec<u8>,
    kid: String,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("bits", &(self.n.len() * 8))
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A new random 2048-bit key. Only local runs generate keys (in AWS the key is configuration),
    /// so Lambda binaries do not link the key generator.
    #[cfg(any(feature = "embedded", test))]
    pub fn generate() -> Result<Self, KeyError> {
        Self::from_pem(&generate_pem()?)
    }

    /// A PEM private key, PKCS#1 ("RSA PRIVATE KEY", what Barong and OpenSSL write) or PKCS#8
    /// ("PRIVATE KEY"), or the base64 of one (Barong's `JWT_PRIVATE_KEY` holds
    /// `Base64.urlsafe_encode64(pem)`; both alphabets and missing padding are accepted).
    pub fn from_pem(input: &str) -> Result<Self, KeyError> {
        let text = input.trim();
        let decoded;
        let pem = if text.starts_with("-----BEGIN") {
            text
        } else {
            decoded = decode_base64_pem(text)?;
            decoded.trim()
        };
        let (label, der) = parse_pem(pem)?;
        let rejected = |e: ring::error::KeyRejected| KeyError::Rejected(e.to_string());
        let (pair, pkcs1_der) = match label {
            "RSA PRIVATE KEY" => (RsaKeyPair::from_der(&der).map_err(rejected)?, der),
            "PRIVATE KEY" => {
                let pair = RsaKeyPair::from_pkcs8(&der).map_err(rejected)?;
                let pkcs1 = pkcs8_private_key(&der)
                    .ok_or_else(|| KeyError::Rejected("malformed PKCS#8".to_owned()))?;
                (pair, pkcs1.to_vec())
            }
            "ENCRYPTED PRIVATE KEY" => return Err(KeyError::Encrypted),
            _ => return Err(KeyError::NotPem),
        };
        Ok(Self::from_pair(pair, pkcs1_der))
    }

    /// The private key as PKCS#1 PEM ("RSA PRIVATE KEY"), as Barong and OpenSSL write it; what
    /// [`SigningKey::from_pem`] reads back.
    pub fn to_pem(&self) -> Result<String, KeyError> {
        Ok(pem_encode("RSA PRIVATE KEY", &self.pkcs1_der))
    }

    /// The key in `data_dir/jwt-signing-key.pem`, generated (mode 0600) when there is none.
    ///
    /// Several processes may start at once on one directory: each generates into a temporary
    /// file of its own and publishes it with a hard link, which never replaces an existing file.
    /// Whoever loses deletes its key, and everyone then reads the one file that won.
    #[cfg(any(feature = "embedded", test))]
    pub fn load_or_generate(data_dir: &Path) -> Result<Self, KeyError> {
        let path = data_dir.join(KEY_FILE_NAME);
        match fs::metadata(&path) {
            Ok(_) => return read_published(&path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&path)(e)),
        }
        fs::create_dir_all(data_dir).map_err(io_error(data_dir))?;
        let pem = generate_pem()?;
        publish(&path, &pem)?;
        read_published(&path)
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK Set: `{"keys":[{"kty","use","alg","kid","n","e"}]}`.
    pub fn jwks(&self) -> Value {
        json!({
            "keys": [{
                "kty": "RSA",
                "use": "sig",
                "alg": "RS256",
                "kid": self.kid,
                "n": b64url(&self.n),
                "e": b64url(&self.e),
            }]
        })
    }

    /// The public key as SubjectPublicKeyInfo PEM ("PUBLIC KEY"), the form Barong's consumers
    /// take in `JWT_PUBLIC_KEY` (base64 of this text).
    pub fn public_key_pem(&self) -> String {
        pem_encode("PUBLIC KEY", &self.public_key_spki_der())
    }

    /// SubjectPublicKeyInfo DER of the public key.
    pub(crate) fn public_key_spki_der(&self) -> Vec<u8> {
        // rsaEncryption AlgorithmIdentifier: OID 1.2.840.113549.1.1.1 with NULL parameters.
        const RSA_ALGORITHM: &[u8] = &[
            0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05,
            0x00,
        ];
        let rsa_public_key = der_tlv(0x30, &[der_uint(&self.n), der_uint(&self.e)].concat());
        let bit_string = der_tlv(0x03, &[&[0u8][..], &rsa_public_key].concat());
        der_tlv(0x30, &[RSA_ALGORITHM, &bit_string].concat())
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 over `message`.
    pub fn sign_rs256(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let mut sig = vec![0; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut sig,
            )
            .map_err(|_| KeyError::Sign)?;
        Ok(sig)
    }

    /// Whether `sig` is this key's RS256 signature of `message`.
    pub fn verify_rs256(&self, message: &[u8], sig: &[u8]) -> bool {
        RsaPublicKeyComponents {
            n: &self.n[..],
            e: &self.e[..],
        }
        .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, sig)
        .is_ok()
    }

    fn from_pair(pair: RsaKeyPair, pkcs1_der: Vec<u8>) -> Self {
        let public: RsaPublicKeyComponents<Vec<u8>> = pair.public().into();
        let (n, e) = (public.n, public.e);
        let kid = jwk_thumbprint(&n, &e);
        Self {
            pair,
            pkcs1_der,
            n,
            e,
            kid,
        }
    }
}

/// RFC 7638: SHA-256 of the required members in lexicographic order, no whitespace.
fn jwk_thumbprint(n: &[u8], e: &[u8]) -> String {
    let canonical = format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, b64url(e), b64url(n));
    b64url(ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes()).as_ref())
}

#[cfg(any(feature = "embedded", test))]
fn generate_pem() -> Result<String, KeyError> {
    use rsa::pkcs1::EncodeRsaPrivateKey as _;
    let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, KEY_BITS)
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    let der = key
        .to_pkcs1_der()
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    Ok(pem_encode("RSA PRIVATE KEY", der.as_bytes()))
}

#[cfg(any(feature = "embedded", test))]
/// Writes `pem` to `path` unless a key is already there.
fn publish(path: &Path, pem: &str) -> Result<(), KeyError> {
    let tmp = path.with_file_name(format!(
        "{KEY_FILE_NAME}.{}-{:016x}.tmp",
        std::process::id(),
        rand::random::<u64>()
    ));
    write_new(&tmp, pem)?;
    let linked = fs::hard_link(&tmp, path);
    // Best effort: the name is unique, so a leftover only wastes space.
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        // No hard links on this filesystem: create_new on the final name is no-clobber too, but
        // readers may see the file before it is complete (read_published waits for it).
        Err(_) => match write_new(path, pem) {
            Err(KeyError::Io { source, .. }) if source.kind() == io::ErrorKind::AlreadyExists => {
                Ok(())
            }
            other => other,
        },
    }
}

#[cfg(any(feature = "embedded", test))]
/// Creates `path` (never replacing a file), readable by the owner only, and flushes it to disk.
fn write_new(path: &Path, contents: &str) -> Result<(), KeyError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(io_error(path))?;
    file.write_all(contents.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io_error(path))
}

#[cfg(any(feature = "embedded", test))]
/// Reads the key file, waiting a little if it does not parse yet (see [`publish`]).
fn read_published(path: &Path) -> Result<SigningKey, KeyError> {
    let mut waited = Duration::ZERO;
    loop {
        let text = fs::read_to_string(path).map_err(io_error(path))?;
        match SigningKey::from_pem(&text) {
            Ok(key) => return Ok(key),
            Err(e @ (KeyError::NotPem | KeyError::Rejected(_))) => {
                if waited >= PUBLISH_WAIT {
                    return Err(e);
                }
            }
            Err(e) => return Err(e),
        }
        std::thread::sleep(PUBLISH_POLL);
        waited += PUBLISH_POLL;
    }
}

fn decode_base64_pem(text: &str) -> Result<String, KeyError> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let bytes = BASE64_LENIENT
        .decode(cleaned)
        .map_err(|_| KeyError::NotPem)?;
    let pem = String::from_utf8(bytes).map_err(|_| KeyError::NotPem)?;
    if pem.trim_start().starts_with("-----BEGIN") {
        Ok(pem)
    } else {
        Err(KeyError::NotPem)
    }
}

/// The label and DER body of the first PEM block.
fn parse_pem(pem: &str) -> Result<(&str, Vec<u8>), KeyError> {
    let mut lines = pem.lines().map(str::trim);
    let label = lines
        .by_ref()
        .find_map(|l| l.strip_prefix("-----BEGIN ")?.strip_suffix("-----"))
        .ok_or(KeyError::NotPem)?;
    let end = format!("-----END {label}-----");
    let mut body = String::new();
    for line in lines {
        if line == end {
            let der = BASE64_LENIENT.decode(body).map_err(|_| KeyError::NotPem)?;
            return Ok((label, der));
        }
        // RFC 1421 headers ("Proc-Type: 4,ENCRYPTED", "DEK-Info: ...") mark an encrypted key.
        if line.contains(':') {
            return Err(KeyError::Encrypted);
        }
        body.push_str(line);
    }
    Err(KeyError::NotPem)
}

/// The PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo (`SEQUENCE { version, algorithm,
/// OCTET STRING privateKey, ... }`).
fn pkcs8_private_key(der: &[u8]) -> Option<&[u8]> {
    let (0x30, info, _) = der_element(der)? else {
        return None;
    };
    let (0x02, _, rest) = der_element(info)? else {
        return None;
    };
    let (0x30, _, rest) = der_element(rest)? else {
        return None;
    };
    let (0x04, private_key, _) = der_element(rest)? else {
        return None;
    };
    Some(private_key)
}

/// One DER element: (tag, contents, rest). Definite lengths only, as DER requires.
pub(super) fn der_element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let len = rest[..count]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[count..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

fn pem_encode(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(chunk));
        pem.push('\n');
    }
    pem.push_str(&format!("-----END {label}-----\n"));
    pem
}

fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A DER INTEGER from big-endian magnitude bytes without leading zeros.
fn der_uint(magnitude: &[u8]) -> Vec<u8> {
    if magnitude.first().is_some_and(|&b| b & 0x80 != 0) {
        der_tlv(0x02, &[&[0u8][..], magnitude].concat())
    } else {
        der_tlv(0x02, magnitude)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::LazyLock;

    /// Key generation is the slow part of these tests: two keys serve them all.
    pub(crate) static KEY: LazyLock<SigningKey> =
        LazyLock::new(|| SigningKey::generate().expect("generate"));
    pub(crate) static OTHER_KEY: LazyLock<SigningKey> =
        LazyLock::new(|| SigningKey::generate().expect("generate"));

    /// A PKCS#1 key for the parsing tests, made once.
    static PEM: LazyLock<String> = LazyLock::new(|| generate_pem().expect("generate"));

    #[test]
    fn sign_and_verify() {
        let sig = KEY.sign_rs256(b"message").unwrap();
        assert_eq!(sig.len(), 256);
        assert!(KEY.verify_rs256(b"message", &sig));
        assert!(!KEY.verify_rs256(b"messagf", &sig));
        assert!(!OTHER_KEY.verify_rs256(b"message", &sig));
    }

    #[test]
    fn pkcs1_pkcs8_and_base64_pem_load_the_same_key() {
        use rsa::pkcs1::DecodeRsaPrivateKey as _;
        use rsa::pkcs8::EncodePrivateKey as _;
        let pkcs1 = SigningKey::from_pem(&PEM).unwrap();
        assert!(PEM.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));

        let der = parse_pem(&PEM).unwrap().1;
        let pkcs8_der = rsa::RsaPrivateKey::from_pkcs1_der(&der)
            .unwrap()
            .to_pkcs8_der()
            .unwrap();
        let pkcs8 = SigningKey::from_pem(&pem_encode("PRIVATE KEY", pkcs8_der.as_bytes())).unwrap();
        assert_eq!(pkcs8.kid(), pkcs1.kid());
        // Written back as PKCS#1 whatever was read.
        assert_eq!(pkcs1.to_pem().unwrap(), *PEM);
        assert_eq!(pkcs8.to_pem().unwrap(), *PEM);

        let url_safe = base64::engine::general_purpose::URL_SAFE.encode(PEM.as_bytes());
        assert_eq!(SigningKey::from_pem(&url_safe).unwrap().kid(), pkcs1.kid());
        let standard_no_pad =
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(PEM.as_bytes());
        assert_eq!(
            SigningKey::from_pem(&format!("{standard_no_pad}\n"))
                .unwrap()
                .kid(),
            pkcs1.kid()
        );
        let crlf = PEM.replace('\n', "\r\n");
        assert_eq!(SigningKey::from_pem(&crlf).unwrap().kid(), pkcs1.kid());
    }

    #[test]
    fn bad_pem_is_an_error() {
        assert!(matches!(SigningKey::from_pem(""), Err(KeyError::NotPem)));
        assert!(matches!(
            SigningKey::from_pem("not a key"),
            Err(KeyError::NotPem)
        ));
        let truncated = &PEM[..PEM.len() / 2];
        assert!(matches!(
            SigningKey::from_pem(truncated),
            Err(KeyError::NotPem)
        ));
        let encrypted = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(matches!(
            SigningKey::from_pem(encrypted),
            Err(KeyError::Encrypted)
        ));
        let garbage = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(matches!(
            SigningKey::from_pem(garbage),
            Err(KeyError::Rejected(_))
        ));
        assert!(format!("{:?}", *KEY).starts_with("SigningKey { kid: "));
    }

    #[test]
    fn jwks_and_kid() {
        let jwks = KEY.jwks();
        let jwk = &jwks["keys"][0];
        let members: Vec<&str> = jwk
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(members, ["kty", "use", "alg", "kid", "n", "e"]);
        assert_eq!(jwk["e"], "AQAB");
        assert_eq!(jwk["kid"], KEY.kid());
        assert_eq!(jwk["n"].as_str().unwrap().len(), 342); // 256 bytes, no padding
        assert_eq!(KEY.kid().len(), 43);
        assert_ne!(KEY.kid(), OTHER_KEY.kid());
    }

    #[test]
    fn rfc7638_thumbprint_example() {
        // RFC 7638 section 3.1.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        let n = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(n)
            .unwrap();
        assert_eq!(
            jwk_thumbprint(&n, &[1, 0, 1]),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn public_key_pem_is_spki() {
        use rsa::pkcs8::DecodePublicKey as _;
        use rsa::traits::PublicKeyParts as _;
        let pem = KEY.public_key_pem();
        let (label, der) = parse_pem(&pem).unwrap();
        assert_eq!(label, "PUBLIC KEY");
        let public = rsa::RsaPublicKey::from_public_key_der(&der).unwrap();
        assert_eq!(public.n().to_bytes_be(), KEY.n);
        assert_eq!(public.e().to_bytes_be(), KEY.e);
    }

    #[test]
    fn load_or_generate_creates_once_and_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = SigningKey::load_or_generate(&data).unwrap();
        let again = SigningKey::load_or_generate(&data).unwrap();
        assert_eq!(first.kid(), again.kid());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(data.join(KEY_FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Only the key file remains: the temporary files are gone.
        let names: Vec<_> = fs::read_dir(&data)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [KEY_FILE_NAME]);
    }

    #[test]
    fn concurrent_starts_agree_on_one_key() {
        let dir = tempfile::tempdir().unwrap();
        let kids: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..3)
                .map(|_| {
                    s.spawn(|| {
                        SigningKey::load_or_generate(dir.path())
                            .unwrap()
                            .kid()
                            .to_owned()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(kids.iter().all(|k| k == &kids[0]), "{kids:?}");
        let on_disk =
            SigningKey::from_pem(&fs::read_to_string(dir.path().join(KEY_FILE_NAME)).unwrap())
                .unwrap();
        assert_eq!(on_disk.kid(), kids[0]);
    }

    #[test]
    fn an_existing_file_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(KEY_FILE_NAME), PEM.as_str()).unwrap();
        let loaded = SigningKey::load_or_generate(dir.path()).unwrap();
        assert_eq!(loaded.kid(), SigningKey::from_pem(&PEM).unwrap().kid());
    }
}
