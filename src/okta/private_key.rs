//! PURE: load the m2m private key from text and sign with it (upstream-behaviour §5.1,
//! case B15).
//!
//! Accepted inputs (the key text may come from `--private-key`, an env var, `.env` or a file):
//!
//! * PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, RFC 5208/5958) holding an RSA key (RS256) or
//!   an EC P-256 key (ES256);
//! * encrypted PKCS#8 PEM (`-----BEGIN ENCRYPTED PRIVATE KEY-----`, PBES2 of RFC 8018), given
//!   a passphrase;
//! * PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`, RFC 8017) -> RS256;
//! * SEC1 PEM (`-----BEGIN EC PRIVATE KEY-----`, RFC 5915) on curve P-256 -> ES256.
//!
//! The text is normalised first: CRLF or CR line endings, the two-character sequence `\n`
//! (as CI secret stores and `.env` files write it), surrounding quotes, and header, body and
//! footer squeezed onto one line separated by spaces are all accepted. Everything else gets
//! a one-line [`KeyError`] that names what is supported. Key material never appears in an
//! error message or a `Debug` rendering.

use std::fmt;

use base64::Engine as _;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::DecodePrivateKey as _;

/// What this module accepts, quoted in error messages.
const SUPPORTED: &str = "supported: PKCS#8 PEM (BEGIN PRIVATE KEY, RSA or EC P-256), \
                         encrypted PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY) with a passphrase, \
                         PKCS#1 PEM (BEGIN RSA PRIVATE KEY), SEC1 P-256 PEM (BEGIN EC PRIVATE KEY)";

/// The JWS algorithm a key signs with (RFC 7518 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// ECDSA with P-256 and SHA-256; the signature is `r || s`, 64 bytes.
    Es256,
}

impl Algorithm {
    /// The JWS `alg` header value: `RS256` or `ES256`.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Rs256 => "RS256",
            Algorithm::Es256 => "ES256",
        }
    }
}

/// Why a private key could not be loaded or used. Messages are one line and never contain
/// key material.
#[derive(Clone, PartialEq, Eq)]
pub enum KeyError {
    /// The key is an encrypted PKCS#8 key and no passphrase was given. The caller may ask
    /// for one (`OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE`, or a prompt on a TTY) and retry.
    PassphraseRequired,
    /// Decryption with the given passphrase failed (wrong passphrase or damaged key).
    WrongPassphrase,
    /// The text is a JSON Web Key, not a PEM private key.
    Jwk,
    /// The text holds a public key or certificate only.
    PublicKey(String),
    /// A well-formed key of a kind we cannot sign with (other curve, Ed25519, DSA, ...).
    Unsupported(String),
    /// The text is not a usable PEM private key at all.
    Invalid(String),
    /// Signing failed (should not happen with a key that loaded).
    Sign(String),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::PassphraseRequired => write!(
                f,
                "the private key is encrypted (BEGIN ENCRYPTED PRIVATE KEY) and no passphrase \
                 was given; set OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE or run on a terminal to be \
                 asked for it"
            ),
            KeyError::WrongPassphrase => write!(
                f,
                "could not decrypt the encrypted private key: wrong passphrase or damaged key"
            ),
            KeyError::Jwk => write!(
                f,
                "a JWK was given; a PEM private key is expected ({SUPPORTED}); export the key \
                 as PEM from the Okta admin console or convert the JWK to PEM"
            ),
            KeyError::PublicKey(what) => write!(
                f,
                "this is a {what}; the private key is required ({SUPPORTED})"
            ),
            KeyError::Unsupported(what) => {
                write!(f, "unsupported private key: {what} ({SUPPORTED})")
            }
            KeyError::Invalid(what) => write!(f, "invalid private key: {what} ({SUPPORTED})"),
            KeyError::Sign(what) => write!(f, "signing the client assertion failed: {what}"),
        }
    }
}

impl fmt::Debug for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyError({self})")
    }
}

impl std::error::Error for KeyError {}

impl From<KeyError> for crate::error::Error {
    /// A key that cannot be loaded is a configuration error (exit 2); a signing failure is a
    /// runtime error (exit 1).
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::Sign(_) => crate::error::Error::Runtime(e.to_string()),
            _ => crate::error::Error::Config(e.to_string()),
        }
    }
}

enum Inner {
    Rsa(Box<rsa::RsaPrivateKey>),
    Ec(Box<p256::ecdsa::SigningKey>),
}

/// A loaded private key that signs JWS payloads. `Debug` shows only the algorithm.
pub struct PrivateKey {
    inner: Inner,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("alg", &self.algorithm().as_str())
            .field("key", &"<redacted>")
            .finish()
    }
}

impl PrivateKey {
    /// The JWS algorithm this key signs with.
    pub fn algorithm(&self) -> Algorithm {
        match self.inner {
            Inner::Rsa(_) => Algorithm::Rs256,
            Inner::Ec(_) => Algorithm::Es256,
        }
    }

    /// Sign `message` (the JWS signing input `header.payload`).
    ///
    /// RS256: RSASSA-PKCS1-v1_5 over SHA-256 (RFC 8017 §8.2), with RSA blinding drawn from
    /// `rng` (the caller passes the OS source, `rsa::rand_core::OsRng`; the signature itself
    /// is deterministic). ES256: ECDSA P-256/SHA-256 with RFC 6979 nonces (`rng` unused),
    /// returned as the 64-byte `r || s` of RFC 7518 §3.4.
    ///
    /// Errors: [`KeyError::Sign`] if the RSA operation fails (including a failing `rng`).
    pub fn sign(
        &self,
        rng: &mut impl rsa::rand_core::CryptoRngCore,
        message: &[u8],
    ) -> Result<Vec<u8>, KeyError> {
        use sha2::Digest as _;
        match &self.inner {
            Inner::Rsa(key) => {
                let digest = sha2::Sha256::digest(message);
                key.sign_with_rng(rng, rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest)
                    .map_err(|e| KeyError::Sign(e.to_string()))
            }
            Inner::Ec(key) => {
                use p256::ecdsa::signature::Signer as _;
                let sig: p256::ecdsa::Signature = key.sign(message);
                Ok(sig.to_bytes().to_vec())
            }
        }
    }
}

/// True when the text (after normalisation) holds an encrypted PKCS#8 key, so the caller
/// knows to look for a passphrase before calling [`load_private_key`].
pub fn is_encrypted(text: &str) -> bool {
    normalise(text).contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
}

/// Load a private key from PEM text (see the module docs for every accepted shape).
///
/// `passphrase` is used only for `ENCRYPTED PRIVATE KEY`; when the key is encrypted and
/// `passphrase` is `None` the result is [`KeyError::PassphraseRequired`]. When the text holds
/// several PEM blocks (e.g. a certificate and a key) the first private-key block is used.
///
/// Errors: [`KeyError`] with a one-line message naming the supported formats.
pub fn load_private_key(text: &str, passphrase: Option<&str>) -> Result<PrivateKey, KeyError> {
    let text = normalise(text);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(KeyError::Invalid("the private key value is empty".into()));
    }
    if trimmed.starts_with('{') {
        return Err(KeyError::Jwk);
    }
    let blocks = pem_blocks(trimmed)?;
    let Some(first) = blocks.first() else {
        if trimmed.starts_with("MI")
            && trimmed
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c) || c.is_whitespace())
        {
            return Err(KeyError::Invalid(
                "the value looks like a bare base64 key body; add the '-----BEGIN PRIVATE \
                 KEY-----' and '-----END PRIVATE KEY-----' lines (or the RSA PRIVATE KEY pair \
                 for PKCS#1)"
                    .into(),
            ));
        }
        return Err(KeyError::Invalid(
            "no PEM block found; expected a line '-----BEGIN PRIVATE KEY-----', the base64 \
             body, and a line '-----END PRIVATE KEY-----'"
                .into(),
        ));
    };
    let block = blocks
        .iter()
        .find(|b| is_private_label(&b.label))
        .unwrap_or(first);
    decode_block(block, passphrase)
}

/// Warning text when a private key file is readable or writable by group or others
/// (`mode` = the Unix permission bits, e.g. `0o644`); `None` for `0o600`/`0o400` and
/// stricter. Case B15: a loose mode is a warning, never an error.
pub fn key_file_mode_warning(path: &str, mode: u32) -> Option<String> {
    if mode & 0o077 == 0 {
        return None;
    }
    Some(format!(
        "WARNING: private key file {path} is accessible by other users (mode {:03o}); \
         restrict it with 'chmod 600 {path}'",
        mode & 0o777
    ))
}

/// Turn the many ways a PEM value gets mangled in transit back into plain PEM text.
fn normalise(text: &str) -> String {
    let mut s = text.trim_start_matches('\u{feff}').trim().to_string();
    // Surrounding quotes, as copied from a .env line or JSON string.
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            s = s[1..s.len() - 1].trim().to_string();
        }
    }
    // Escaped line breaks written as two characters.
    if s.contains("\\n") || s.contains("\\r") {
        s = s
            .replace("\\r\\n", "\n")
            .replace("\\n", "\n")
            .replace("\\r", "\n");
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

struct PemBlock {
    label: String,
    der: Vec<u8>,
}

fn is_private_label(label: &str) -> bool {
    label.ends_with("PRIVATE KEY")
}

/// Find every `-----BEGIN X----- ... -----END X-----` block. The body may be wrapped at any
/// width or not at all; whitespace inside it is ignored.
fn pem_blocks(text: &str) -> Result<Vec<PemBlock>, KeyError> {
    const BEGIN: &str = "-----BEGIN ";
    const DASHES: &str = "-----";
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let Some(label_end) = after.find(DASHES) else {
            return Err(KeyError::Invalid(
                "a '-----BEGIN' line is not closed with '-----'".into(),
            ));
        };
        let label = after[..label_end].trim().to_string();
        if label.is_empty()
            || label.len() > 40
            || !label
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == ' ' || c.is_ascii_digit())
        {
            return Err(KeyError::Invalid("malformed '-----BEGIN' line".into()));
        }
        let body_and_more = &after[label_end + DASHES.len()..];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = body_and_more.find(&end_marker) else {
            return Err(KeyError::Invalid(format!(
                "the '-----BEGIN {label}-----' block has no matching '-----END {label}-----' line"
            )));
        };
        let body = &body_and_more[..end];
        if body.contains(':') {
            // RFC 1421 headers: the legacy OpenSSL encryption of PKCS#1/SEC1 keys.
            if body.contains("Proc-Type") || body.contains("DEK-Info") {
                return Err(KeyError::Unsupported(format!(
                    "'{label}' with legacy OpenSSL encryption (Proc-Type/DEK-Info); convert it \
                     with 'openssl pkcs8 -topk8 -v2 aes-256-cbc' to an encrypted PKCS#8 key"
                )));
            }
            return Err(KeyError::Invalid(format!(
                "unexpected header lines inside the '{label}' block"
            )));
        }
        let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .map_err(|_| {
                KeyError::Invalid(format!(
                    "the body of the '{label}' block is not valid base64"
                ))
            })?;
        out.push(PemBlock { label, der });
        rest = &body_and_more[end + end_marker.len()..];
    }
    Ok(out)
}

// Object identifiers (DER content bytes are compared through `ObjectIdentifier`).
const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";

fn oid_name(oid: &str) -> &'static str {
    match oid {
        "1.2.840.10045.3.1.7" => "P-256",
        "1.3.132.0.34" => "P-384",
        "1.3.132.0.35" => "P-521",
        "1.3.132.0.10" => "secp256k1",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "1.3.101.110" => "X25519",
        "1.3.101.111" => "X448",
        "1.2.840.10040.4.1" => "DSA",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.113549.1.3.1" => "Diffie-Hellman",
        _ => "unknown",
    }
}

/// Smallest RSA modulus accepted for signing client assertions, in bits (NIST SP 800-131A
/// disallows shorter keys for signatures; Okta requires at least 2048 for RS256 keys).
pub const MIN_RSA_BITS: usize = 2048;

/// Wrap an RSA key, refusing one whose modulus is shorter than [`MIN_RSA_BITS`]: a
/// 512- or 1024-bit key can be factored, so a client assertion signed with it proves
/// nothing. Every RSA shape (PKCS#1, PKCS#8, encrypted PKCS#8) passes through here.
fn rsa_key(key: rsa::RsaPrivateKey) -> Result<PrivateKey, KeyError> {
    use rsa::traits::PublicKeyParts as _;
    let bits = key.n().bits();
    if bits < MIN_RSA_BITS {
        return Err(KeyError::Unsupported(format!(
            "RSA key of {bits} bits is too weak to sign the client assertion; use at least {MIN_RSA_BITS} bits"
        )));
    }
    Ok(PrivateKey {
        inner: Inner::Rsa(Box::new(key)),
    })
}

fn decode_block(block: &PemBlock, passphrase: Option<&str>) -> Result<PrivateKey, KeyError> {
    match block.label.as_str() {
        "RSA PRIVATE KEY" => {
            let key = rsa::RsaPrivateKey::from_pkcs1_der(&block.der).map_err(|e| {
                KeyError::Invalid(format!("the PKCS#1 RSA key could not be parsed ({e})"))
            })?;
            rsa_key(key)
        }
        "PRIVATE KEY" => decode_pkcs8(&block.der),
        "ENCRYPTED PRIVATE KEY" => {
            let Some(pass) = passphrase else {
                return Err(KeyError::PassphraseRequired);
            };
            let info =
                pkcs8::EncryptedPrivateKeyInfo::try_from(block.der.as_slice()).map_err(|e| {
                    KeyError::Invalid(format!(
                        "the encrypted PKCS#8 key could not be parsed ({e})"
                    ))
                })?;
            check_kdf_limits(&info.encryption_algorithm)?;
            let doc = info.decrypt(pass.as_bytes()).map_err(|e| match e {
                pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::DecryptFailed) => {
                    KeyError::WrongPassphrase
                }
                pkcs8::Error::EncryptedPrivateKey(
                    pkcs8::pkcs5::Error::AlgorithmParametersInvalid { .. },
                )
                | pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::UnsupportedAlgorithm {
                    ..
                }) => KeyError::Unsupported(format!(
                    "the key's encryption scheme is not supported ({e}); re-encrypt it \
                         with 'openssl pkcs8 -topk8 -v2 aes-256-cbc'"
                )),
                _ => KeyError::WrongPassphrase,
            })?;
            decode_pkcs8(doc.as_bytes()).map_err(|e| match e {
                // Garbage that happened to pass the CBC padding check.
                KeyError::Invalid(_) => KeyError::WrongPassphrase,
                other => other,
            })
        }
        "EC PRIVATE KEY" => match p256::SecretKey::from_sec1_der(&block.der) {
            Ok(secret) => Ok(PrivateKey {
                inner: Inner::Ec(Box::new(p256::ecdsa::SigningKey::from(secret))),
            }),
            Err(_) => match sec1_curve(&block.der) {
                Some(oid) if oid != OID_P256 => Err(KeyError::Unsupported(format!(
                    "EC key on curve {} ({oid}); only P-256 (ES256) can be used",
                    oid_name(&oid)
                ))),
                _ => Err(KeyError::Invalid(
                    "the SEC1 EC key could not be parsed".into(),
                )),
            },
        },
        "PUBLIC KEY" | "RSA PUBLIC KEY" | "EC PUBLIC KEY" => {
            Err(KeyError::PublicKey("public key".into()))
        }
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => Err(KeyError::PublicKey(
            "certificate (it holds only the public key)".into(),
        )),
        "OPENSSH PRIVATE KEY" => Err(KeyError::Unsupported(
            "OpenSSH key format; convert it with 'ssh-keygen -p -m PKCS8 -f <file>'".into(),
        )),
        "DSA PRIVATE KEY" => Err(KeyError::Unsupported("DSA key".into())),
        other => Err(KeyError::Invalid(format!("unexpected PEM type '{other}'"))),
    }
}

/// Most PBKDF2 iterations an encrypted PKCS#8 key may ask for: 10,000,000 (OpenSSL writes
/// 2,048 by default, OWASP suggests 600,000 for PBKDF2-HMAC-SHA256; ten million take
/// seconds, 2^31 would take hours).
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// Largest scrypt cost `N`: 2^20 (RFC 7914 §2 recommends 2^20 for file encryption;
/// OpenSSL writes 2^14).
pub const MAX_SCRYPT_N: u64 = 1 << 20;
/// Most memory scrypt may use, `128·r·(N + p + 2)` bytes: 1025 MiB, OpenSSL 3's scrypt
/// KDF default `maxmem_bytes`.
pub const MAX_SCRYPT_MEMORY: u64 = 1025 * 1024 * 1024;
/// Most scrypt work, `128·r·N·p` bytes mixed: 16 GiB (N = 2^20, r = 8, p = 16).
pub const MAX_SCRYPT_WORK: u64 = 1 << 34;

/// Refuse an encrypted key whose key-derivation parameters would make decryption run for
/// hours or exhaust memory, before any work is done (issue 15): PBKDF2 iterations above
/// [`MAX_PBKDF2_ITERATIONS`]; scrypt with `N` not a power of two above 1 or above
/// [`MAX_SCRYPT_N`], `r` or `p` zero, `r·p` of 2^30 or more (RFC 7914 §2), memory above
/// [`MAX_SCRYPT_MEMORY`] or work above [`MAX_SCRYPT_WORK`]. Other schemes are left to the
/// decryption, which names them unsupported.
///
/// Errors: [`KeyError::Unsupported`], one line naming the parameter, its value and the limit.
fn check_kdf_limits(scheme: &pkcs8::pkcs5::EncryptionScheme<'_>) -> Result<(), KeyError> {
    use pkcs8::pkcs5::{EncryptionScheme, pbes2::Kdf};
    let too_costly = |what: String| {
        Err(KeyError::Unsupported(format!(
            "the encrypted key's {what}; re-encrypt it with 'openssl pkcs8 -topk8 -v2 aes-256-cbc'"
        )))
    };
    let EncryptionScheme::Pbes2(params) = scheme else {
        return Ok(());
    };
    match &params.kdf {
        Kdf::Pbkdf2(p) if p.iteration_count > MAX_PBKDF2_ITERATIONS => too_costly(format!(
            "PBKDF2 iteration count {} is above the limit of {MAX_PBKDF2_ITERATIONS}",
            p.iteration_count
        )),
        Kdf::Pbkdf2(_) => Ok(()),
        Kdf::Scrypt(p) => {
            let (n, r, par) = (
                p.cost_parameter,
                u64::from(p.block_size),
                u64::from(p.parallelization),
            );
            if n < 2 || !n.is_power_of_two() || n > MAX_SCRYPT_N {
                return too_costly(format!(
                    "scrypt cost N {n} is not a power of two from 2 to {MAX_SCRYPT_N}"
                ));
            }
            if r == 0 || par == 0 || r * par >= 1 << 30 {
                return too_costly(format!(
                    "scrypt block size r {r} and parallelization p {par} are out of range (r·p < 2^30, both at least 1)"
                ));
            }
            // r, p < 2^16 and N <= 2^20: no overflow below.
            let memory = 128 * r * (n + par + 2);
            if memory > MAX_SCRYPT_MEMORY {
                return too_costly(format!(
                    "scrypt parameters (N {n}, r {r}, p {par}) need {memory} bytes of memory, above the limit of {MAX_SCRYPT_MEMORY}"
                ));
            }
            let work = 128 * r * n * par;
            if work > MAX_SCRYPT_WORK {
                return too_costly(format!(
                    "scrypt parameters (N {n}, r {r}, p {par}) are above the work limit of N·r·p = 2^27"
                ));
            }
            Ok(())
        }
        // A KDF added to the library later: the decryption names it unsupported.
        _ => Ok(()),
    }
}

fn decode_pkcs8(der: &[u8]) -> Result<PrivateKey, KeyError> {
    let info = pkcs8::PrivateKeyInfo::try_from(der)
        .map_err(|e| KeyError::Invalid(format!("the PKCS#8 key could not be parsed ({e})")))?;
    let alg = info.algorithm.oid.to_string();
    match alg.as_str() {
        OID_RSA => {
            let key = rsa::RsaPrivateKey::from_pkcs8_der(der).map_err(|e| {
                KeyError::Invalid(format!("the PKCS#8 RSA key could not be parsed ({e})"))
            })?;
            rsa_key(key)
        }
        OID_EC_PUBLIC_KEY => {
            let curve = info
                .algorithm
                .parameters_oid()
                .map(|o| o.to_string())
                .unwrap_or_default();
            if curve != OID_P256 {
                return Err(KeyError::Unsupported(format!(
                    "EC key on curve {} ({curve}); only P-256 (ES256) can be used",
                    oid_name(&curve)
                )));
            }
            let secret = p256::SecretKey::from_pkcs8_der(der).map_err(|e| {
                KeyError::Invalid(format!("the PKCS#8 EC key could not be parsed ({e})"))
            })?;
            Ok(PrivateKey {
                inner: Inner::Ec(Box::new(p256::ecdsa::SigningKey::from(secret))),
            })
        }
        other => Err(KeyError::Unsupported(format!(
            "PKCS#8 key of type {} ({other})",
            oid_name(other)
        ))),
    }
}

/// The named curve of a SEC1 `ECPrivateKey` (RFC 5915 §3): the OID inside the `[0]`
/// parameters field, found by walking the outer SEQUENCE.
fn sec1_curve(der: &[u8]) -> Option<String> {
    // SEQUENCE header
    let (tag, body, _) = tlv(der)?;
    if tag != 0x30 {
        return None;
    }
    let mut rest = body;
    while !rest.is_empty() {
        let (tag, value, next) = tlv(rest)?;
        if tag == 0xa0 {
            let (inner_tag, oid_bytes, _) = tlv(value)?;
            if inner_tag != 0x06 {
                return None;
            }
            return pkcs8::ObjectIdentifier::from_bytes(oid_bytes)
                .ok()
                .map(|o| o.to_string());
        }
        rest = next;
    }
    None
}

/// One DER tag-length-value: (tag, value, remaining bytes).
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *input.first()?;
    let first = *input.get(1)? as usize;
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 3 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *input.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let value = input.get(header..header + len)?;
    Some((tag, value, &input[header + len..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs8::DecodePublicKey as _;

    const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cases/");

    fn case(name: &str) -> String {
        std::fs::read_to_string(format!("{CASES}{name}")).expect("case file")
    }

    /// An `ENCRYPTED PRIVATE KEY` PEM with these PBES2 parameters and junk ciphertext.
    fn encrypted_pem(kdf: pkcs8::pkcs5::pbes2::Kdf<'_>) -> String {
        use base64::Engine as _;
        use pkcs8::der::Encode as _;
        let iv = [7u8; 16];
        let info = pkcs8::EncryptedPrivateKeyInfo {
            encryption_algorithm: pkcs8::pkcs5::EncryptionScheme::Pbes2(
                pkcs8::pkcs5::pbes2::Parameters {
                    kdf,
                    encryption: pkcs8::pkcs5::pbes2::EncryptionScheme::Aes256Cbc { iv: &iv },
                },
            ),
            encrypted_data: &[0u8; 64],
        };
        let der = info.to_der().expect("encode");
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        format!(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\n{b64}\n-----END ENCRYPTED PRIVATE KEY-----\n"
        )
    }

    fn scrypt(n: u64, r: u16, p: u16) -> pkcs8::pkcs5::pbes2::Kdf<'static> {
        pkcs8::pkcs5::pbes2::Kdf::Scrypt(pkcs8::pkcs5::pbes2::ScryptParams {
            salt: b"saltsalt",
            cost_parameter: n,
            block_size: r,
            parallelization: p,
            key_length: None,
        })
    }

    fn pbkdf2(iterations: u32) -> pkcs8::pkcs5::pbes2::Kdf<'static> {
        // A struct literal: the library's constructor refuses counts above 10^8, a decoded
        // key does not.
        pkcs8::pkcs5::pbes2::Kdf::Pbkdf2(pkcs8::pkcs5::pbes2::Pbkdf2Params {
            salt: b"saltsalt",
            iteration_count: iterations,
            key_length: None,
            prf: pkcs8::pkcs5::pbes2::Pbkdf2Prf::HmacWithSha256,
        })
    }

    #[test]
    fn costly_kdf_parameters_are_refused_before_decrypting() {
        // Each of these would run for hours or abort on allocation if decrypted.
        for (kdf, want) in [
            (
                pbkdf2(1 << 31),
                "PBKDF2 iteration count 2147483648 is above the limit of 10000000",
            ),
            (
                pbkdf2(MAX_PBKDF2_ITERATIONS + 1),
                "PBKDF2 iteration count 10000001",
            ),
            (
                scrypt(1 << 40, 8, 1),
                "scrypt cost N 1099511627776 is not a power of two",
            ),
            (scrypt(1 << 21, 1, 1), "scrypt cost N 2097152"),
            (scrypt(3, 8, 1), "scrypt cost N 3 is not a power of two"),
            (scrypt(1 << 14, 0, 1), "scrypt block size r 0"),
            (scrypt(1 << 14, 8, 0), "parallelization p 0"),
            (scrypt(1 << 14, 65535, 65535), "r·p < 2^30"),
            (
                scrypt(1 << 20, 9, 1),
                "need 1207963008 bytes of memory, above the limit",
            ),
            (scrypt(1 << 20, 8, 17), "above the work limit"),
        ] {
            let e = load_private_key(&encrypted_pem(kdf), Some("pass")).unwrap_err();
            let m = e.to_string();
            assert!(matches!(e, KeyError::Unsupported(_)), "{m}");
            assert!(m.contains(want), "{m}");
            assert!(!m.contains('\n'), "{m}");
        }
        // At the limits the parameters pass (decryption then fails on the junk ciphertext).
        for kdf in [
            pbkdf2(MAX_PBKDF2_ITERATIONS),
            scrypt(MAX_SCRYPT_N, 8, 1),
            scrypt(MAX_SCRYPT_N, 8, 16),
            scrypt(2, 1, 1),
        ] {
            let pem = encrypted_pem(kdf.clone());
            assert!(
                check_kdf_limits(&pkcs8::pkcs5::EncryptionScheme::Pbes2(
                    pkcs8::pkcs5::pbes2::Parameters {
                        kdf,
                        encryption: pkcs8::pkcs5::pbes2::EncryptionScheme::Aes256Cbc {
                            iv: &[0; 16]
                        },
                    }
                ))
                .is_ok()
            );
            assert!(!pem.is_empty());
        }
        // Cheap parameters go on to decryption: junk ciphertext is a wrong passphrase.
        let e = load_private_key(&encrypted_pem(scrypt(1 << 10, 8, 1)), Some("pass")).unwrap_err();
        assert_eq!(e, KeyError::WrongPassphrase);
    }

    fn fixture(name: &str) -> String {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
        std::fs::read_to_string(format!("{path}{name}")).expect("fixture file")
    }

    /// The B15 `.env` line: the value between the quotes, `\n` still escaped.
    fn escaped_value() -> String {
        let line = case("B15-key-env-escaped.txt");
        let (_, value) = line.trim().split_once('=').expect("NAME=value");
        value.to_string()
    }

    fn verify_with_public(sig: &[u8], msg: &[u8]) -> bool {
        use sha2::Digest as _;
        let public = rsa::RsaPublicKey::from_public_key_pem(&case("B15-key-public.pem"))
            .expect("public key");
        let digest = sha2::Sha256::digest(msg);
        public
            .verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest, sig)
            .is_ok()
    }

    #[test]
    fn same_key_in_every_rsa_shape_verifies_with_the_public_key() {
        let msg = b"header.payload";
        let mut signatures = Vec::new();
        for (name, text) in [
            ("pkcs1", case("B15-key-pkcs1.pem")),
            ("pkcs8", case("B15-key-pkcs8.pem")),
            ("crlf", case("B15-key-pkcs8-crlf.pem")),
            ("escaped", escaped_value()),
            ("one-line", case("B15-key-one-line.txt")),
        ] {
            let key = load_private_key(&text, None).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(key.algorithm(), Algorithm::Rs256, "{name}");
            let sig = key.sign(&mut rsa::rand_core::OsRng, msg).expect("sign");
            assert_eq!(sig.len(), 256, "{name}");
            assert!(verify_with_public(&sig, msg), "{name} does not verify");
            assert!(!verify_with_public(&sig, b"other"), "{name}");
            signatures.push(sig);
        }
        // PKCS#1 v1.5 is deterministic: the same key gives the same signature.
        assert!(signatures.windows(2).all(|w| w[0] == w[1]));
    }

    #[test]
    fn encrypted_pkcs8_needs_the_passphrase() {
        let text = case("B15-key-pkcs8-encrypted.pem");
        assert!(is_encrypted(&text));
        assert!(!is_encrypted(&case("B15-key-pkcs8.pem")));
        assert_eq!(
            load_private_key(&text, None).unwrap_err(),
            KeyError::PassphraseRequired
        );
        assert_eq!(
            load_private_key(&text, Some("not-the-passphrase")).unwrap_err(),
            KeyError::WrongPassphrase
        );
        let key = load_private_key(&text, Some("fake-test-passphrase")).expect("decrypts");
        assert_eq!(key.algorithm(), Algorithm::Rs256);
        let sig = key.sign(&mut rsa::rand_core::OsRng, b"m").expect("sign");
        assert!(verify_with_public(&sig, b"m"));
        let msg = KeyError::PassphraseRequired.to_string();
        assert!(msg.contains("OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE"), "{msg}");
    }

    #[test]
    fn ec_sec1_and_pkcs8_sign_es256() {
        use p256::ecdsa::signature::Verifier as _;
        use p256::pkcs8::EncodePrivateKey as _;
        let sec1 = case("B15-key-ec-sec1.pem");
        let key = load_private_key(&sec1, None).expect("sec1 loads");
        assert_eq!(key.algorithm(), Algorithm::Es256);
        let sig = key.sign(&mut rsa::rand_core::OsRng, b"abc").expect("sign");
        assert_eq!(sig.len(), 64);
        let secret = p256::SecretKey::from_sec1_pem(&sec1).expect("sec1");
        let verifying = p256::ecdsa::VerifyingKey::from(secret.public_key());
        let parsed = p256::ecdsa::Signature::from_slice(&sig).expect("r||s");
        assert!(verifying.verify(b"abc", &parsed).is_ok());
        assert!(verifying.verify(b"abd", &parsed).is_err());

        // The same key as PKCS#8 loads too.
        let pkcs8 = secret
            .to_pkcs8_pem(pkcs8::LineEnding::LF)
            .expect("pkcs8 pem");
        let key8 = load_private_key(&pkcs8, None).expect("pkcs8 ec loads");
        assert_eq!(key8.algorithm(), Algorithm::Es256);
        let sig8 = key8.sign(&mut rsa::rand_core::OsRng, b"abc").expect("sign");
        let parsed8 = p256::ecdsa::Signature::from_slice(&sig8).expect("r||s");
        assert!(verifying.verify(b"abc", &parsed8).is_ok());
    }

    #[test]
    fn jwk_public_key_and_garbage_get_clear_errors() {
        let jwk = load_private_key(&case("B15-key-jwk.json"), None).unwrap_err();
        assert_eq!(jwk, KeyError::Jwk);
        assert!(
            jwk.to_string()
                .starts_with("a JWK was given; a PEM private key is expected")
        );

        let public = load_private_key(&case("B15-key-public.pem"), None).unwrap_err();
        assert!(matches!(public, KeyError::PublicKey(_)), "{public}");
        assert!(public.to_string().contains("public key"));

        for garbage in [
            "",
            "   ",
            "hello world",
            "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSk",
        ] {
            let e = load_private_key(garbage, None).unwrap_err();
            assert!(matches!(e, KeyError::Invalid(_)), "{garbage:?}: {e}");
            assert!(e.to_string().contains("supported: PKCS#8"), "{e}");
        }
        let bad_b64 = "-----BEGIN PRIVATE KEY-----\n%%%%\n-----END PRIVATE KEY-----\n";
        let e = load_private_key(bad_b64, None).unwrap_err();
        assert!(e.to_string().contains("not valid base64"), "{e}");
        let unterminated = "-----BEGIN PRIVATE KEY-----\nMIIE\n";
        let e = load_private_key(unterminated, None).unwrap_err();
        assert!(
            e.to_string()
                .contains("no matching '-----END PRIVATE KEY-----'"),
            "{e}"
        );
        let truncated = "-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBgkq\n-----END PRIVATE KEY-----";
        let e = load_private_key(truncated, None).unwrap_err();
        assert!(e.to_string().contains("could not be parsed"), "{e}");
        let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----";
        let e = load_private_key(legacy, None).unwrap_err();
        assert!(matches!(e, KeyError::Unsupported(_)), "{e}");
    }

    #[test]
    fn other_curves_and_key_types_are_named() {
        let p384 = fixture("test-key-p384-sec1.pem");
        let e = load_private_key(&p384, None).unwrap_err();
        assert!(matches!(e, KeyError::Unsupported(_)), "{e}");
        assert!(e.to_string().contains("P-384"), "{e}");

        let ed = fixture("test-key-ed25519-pkcs8.pem");
        let e = load_private_key(&ed, None).unwrap_err();
        assert!(e.to_string().contains("Ed25519"), "{e}");
    }

    #[test]
    fn key_material_never_shows() {
        let text = case("B15-key-pkcs8.pem");
        let key = load_private_key(&text, None).expect("loads");
        let debug = format!("{key:?}");
        assert!(
            debug.contains("RS256") && debug.contains("redacted"),
            "{debug}"
        );
        assert!(!debug.contains("MII"));
        // An error on a damaged key does not echo the body.
        let body_line = text.lines().nth(3).expect("body line");
        let damaged = text.replace(body_line, &body_line[..20]);
        let e = load_private_key(&damaged, None).unwrap_err();
        assert!(!e.to_string().contains(&body_line[..20]), "{e}");
        assert!(!format!("{e:?}").contains(&body_line[..20]));
    }

    #[test]
    fn first_private_block_is_used_after_a_certificate() {
        let text = format!(
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n{}",
            case("B15-key-pkcs1.pem")
        );
        let key = load_private_key(&text, None).expect("key after cert");
        assert_eq!(key.algorithm(), Algorithm::Rs256);
        let cert_only = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(matches!(
            load_private_key(cert_only, None).unwrap_err(),
            KeyError::PublicKey(_)
        ));
    }

    #[test]
    fn weak_rsa_keys_are_refused_in_every_shape() {
        use rsa::pkcs1::EncodeRsaPrivateKey as _;
        use rsa::pkcs8::EncodePrivateKey as _;
        let mut rng = rsa::rand_core::OsRng;
        for bits in [512usize, 1024] {
            let key = rsa::RsaPrivateKey::new(&mut rng, bits).expect("key");
            let pkcs8 = key.to_pkcs8_pem(rsa::pkcs8::LineEnding::LF).unwrap();
            let pkcs1 = key.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).unwrap();
            for pem in [pkcs8.as_str(), pkcs1.as_str()] {
                let e = load_private_key(pem, None).expect_err("weak key must be refused");
                let m = e.to_string();
                assert!(
                    m.contains(&format!("RSA key of {bits} bits")) && m.contains("2048"),
                    "{m}"
                );
                let err: crate::error::Error = e.into();
                assert_eq!(err.exit_code(), 2, "a configuration error");
            }
        }
        // The case keys (2048 bits) still load, as RS256 keys that sign.
        let key = load_private_key(&case("B15-key-pkcs8.pem"), None).expect("2048-bit key");
        assert_eq!(key.algorithm(), Algorithm::Rs256);
        let sig = key.sign(&mut rng, b"m").expect("sign");
        assert!(verify_with_public(&sig, b"m"));
    }

    #[test]
    fn loose_key_file_mode_warns() {
        assert_eq!(key_file_mode_warning("k.pem", 0o600), None);
        assert_eq!(key_file_mode_warning("k.pem", 0o100400), None);
        let w = key_file_mode_warning("k.pem", 0o100644).expect("warning");
        assert!(
            w.starts_with("WARNING: ") && w.contains("mode 644") && w.contains("chmod 600 k.pem"),
            "{w}"
        );
    }

    #[test]
    fn quoted_value_loads() {
        let quoted = format!("'{}'", case("B15-key-pkcs8.pem").trim());
        let key = load_private_key(&quoted, None).expect("quoted key loads");
        assert_eq!(key.algorithm(), Algorithm::Rs256);
        let sig = key
            .sign(&mut rsa::rand_core::OsRng, b"quoted")
            .expect("sign");
        assert!(verify_with_public(&sig, b"quoted"));
    }
}
