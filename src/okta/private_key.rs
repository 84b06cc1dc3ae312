//! PURE: load the m2m private key from text and sign with it (docs/decisions.md#d-m2m-assertion,
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
//!
//! Signing uses `ring`, the crypto provider rustls already brings in. ring signs only with
//! keys it has checked: RSA keys of 2048 to 8192 bits whose size is a multiple of 1024 bits,
//! with a public exponent of at least 65537 (FIPS 186-4 appendix B.3.1 asks for more than
//! 2^16); EC keys that store their public point beside the private scalar (the optional
//! `publicKey` field of RFC 5915 §3). Other keys get an error that says so. PEM parsing stays
//! here; PKCS#8 parsing and decryption stay with the `pkcs8` crate.
//!
//! The one exception to PURE: loading an EC key draws a few bytes from the OS random source.
//! ring keeps them as a per-key secret that it hashes into every ECDSA nonce, beside fresh
//! random bytes and the message digest, to guard against a faulty random source.

use std::fmt;

use base64::Engine as _;
use ring::signature::{self as ring_sig, KeyPair as _};

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
    Rsa(ring_sig::RsaKeyPair),
    Ec(ring_sig::EcdsaKeyPair),
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

    /// The public half: for RS256 the DER `RSAPublicKey` of RFC 8017 §A.1.1, for ES256 the
    /// 65-byte uncompressed point of SEC 1 §2.3.3 (`0x04 || x || y`).
    pub fn public_key(&self) -> &[u8] {
        match &self.inner {
            Inner::Rsa(key) => key.public_key().as_ref(),
            Inner::Ec(key) => key.public_key().as_ref(),
        }
    }

    /// Sign `message` (the JWS signing input `header.payload`).
    ///
    /// RS256: RSASSA-PKCS1-v1_5 over SHA-256 (RFC 8017 §8.2), as many bytes as the modulus.
    /// The signature is deterministic; `rng` only feeds ring's RSA blinding. ES256: ECDSA
    /// P-256/SHA-256 returned as the 64-byte `r || s` of RFC 7518 §3.4; the nonce mixes bytes
    /// from `rng` with the key and the message, so two signatures of one message differ. The
    /// caller passes the OS source, `ring::rand::SystemRandom`.
    ///
    /// Errors: [`KeyError::Sign`] if the operation fails (in practice: a failing `rng`).
    pub fn sign(
        &self,
        rng: &dyn ring::rand::SecureRandom,
        message: &[u8],
    ) -> Result<Vec<u8>, KeyError> {
        match &self.inner {
            Inner::Rsa(key) => {
                let mut signature = vec![0; key.public().modulus_len()];
                key.sign(&ring_sig::RSA_PKCS1_SHA256, rng, message, &mut signature)
                    .map_err(|_| KeyError::Sign("the RSA operation failed".into()))?;
                Ok(signature)
            }
            Inner::Ec(key) => key
                .sign(rng, message)
                .map(|sig| sig.as_ref().to_vec())
                .map_err(|_| {
                    KeyError::Sign("the ECDSA operation failed (OS random source?)".into())
                }),
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

/// Largest RSA modulus accepted for signing, in bits (ring's limit for private keys).
pub const MAX_RSA_BITS: usize = 8192;

/// Load an RSA key from its PKCS#1 `RSAPrivateKey` DER (RFC 8017 §A.1.2); `form` names the
/// shape it came in (`PKCS#1`, `PKCS#8`) for error messages. A modulus shorter than
/// [`MIN_RSA_BITS`] is refused first: a 512- or 1024-bit key can be factored, so a client
/// assertion signed with it proves nothing. Every RSA shape (PKCS#1, PKCS#8, encrypted
/// PKCS#8) passes through here.
fn rsa_key(pkcs1: &[u8], form: &str) -> Result<PrivateKey, KeyError> {
    let Some(bits) = rsa_modulus_bits(pkcs1) else {
        return Err(KeyError::Invalid(format!(
            "the {form} RSA key could not be parsed (malformed DER)"
        )));
    };
    if bits < MIN_RSA_BITS {
        return Err(KeyError::Unsupported(format!(
            "RSA key of {bits} bits is too weak to sign the client assertion; use at least {MIN_RSA_BITS} bits"
        )));
    }
    let key = ring_sig::RsaKeyPair::from_der(pkcs1).map_err(|rejected| {
        let sizes = "use a key of 2048, 3072 or 4096 bits with public exponent 65537";
        match rejected.to_string().as_str() {
            "PrivateModulusLenNotMultipleOf512Bits" => KeyError::Unsupported(format!(
                "RSA key of {bits} bits; only sizes that are a multiple of 1024 bits can sign; {sizes}"
            )),
            "TooLarge" if bits > MAX_RSA_BITS => KeyError::Unsupported(format!(
                "RSA key of {bits} bits is above the limit of {MAX_RSA_BITS} bits; {sizes}"
            )),
            "TooLarge" => KeyError::Unsupported(format!(
                "RSA key with a public exponent above 2^33 - 1; {sizes}"
            )),
            "TooSmall" => KeyError::Unsupported(format!(
                "RSA key with a public exponent below 65537; {sizes}"
            )),
            "VersionNotSupported" => KeyError::Unsupported(format!(
                "multi-prime RSA key (more than two primes); {sizes}"
            )),
            other => KeyError::Invalid(format!(
                "the {form} RSA key could not be parsed ({})",
                rejection_reason(other)
            )),
        }
    })?;
    Ok(PrivateKey {
        inner: Inner::Rsa(key),
    })
}

/// Plain words for ring's key-rejection codes (`ring::error::KeyRejected`), which are
/// fixed identifiers and never hold key material.
fn rejection_reason(code: &str) -> &str {
    match code {
        "InvalidEncoding" => "malformed DER",
        "InconsistentComponents" => "its numbers do not belong together",
        "InvalidComponent" => "a number is out of range",
        "PublicKeyIsMissing" => "the public key is missing",
        "WrongAlgorithm" => "the key is for another algorithm or curve",
        other => other,
    }
}

/// Bit length of the modulus `n` of a PKCS#1 `RSAPrivateKey` (RFC 8017 §A.1.2): the second
/// INTEGER of the outer SEQUENCE, without its sign byte. `None` when the DER is malformed.
fn rsa_modulus_bits(pkcs1: &[u8]) -> Option<usize> {
    let (tag, body, _) = tlv(pkcs1)?;
    let (version_tag, _, rest) = tlv(body)?;
    let (n_tag, n, _) = tlv(rest)?;
    if tag != 0x30 || version_tag != 0x02 || n_tag != 0x02 {
        return None;
    }
    let start = n.iter().position(|&b| b != 0)?;
    let significant = &n[start..];
    Some(significant.len() * 8 - significant[0].leading_zeros() as usize)
}

/// Load an EC P-256 key from its SEC1 `ECPrivateKey` DER (RFC 5915 §3), the body of an
/// `EC PRIVATE KEY` block or the inside of a PKCS#8 EC key; `form` names the shape for error
/// messages. ring reads EC keys only as PKCS#8 v1, so the SEC1 key is wrapped in a
/// `PrivateKeyInfo` (RFC 5208 §5) naming `id-ecPublicKey` on P-256 (RFC 5480 §2.1.1).
fn ec_key(sec1: &[u8], form: &str) -> Result<PrivateKey, KeyError> {
    let Some(fields) = sec1_fields(sec1) else {
        return Err(KeyError::Invalid(format!(
            "the {form} EC key could not be parsed (malformed DER)"
        )));
    };
    if let Some(oid) = fields.curve.filter(|oid| oid != OID_P256) {
        return Err(KeyError::Unsupported(format!(
            "EC key on curve {} ({oid}); only P-256 (ES256) can be used",
            oid_name(&oid)
        )));
    }
    if !fields.has_public_key {
        return Err(KeyError::Unsupported(
            "EC key without its public key (the optional publicKey field of RFC 5915); \
             add it with 'openssl ec -in key.pem -out key-with-public.pem'"
                .into(),
        ));
    }
    let pkcs8 = sec1_to_pkcs8(sec1).ok_or_else(|| {
        KeyError::Invalid(format!(
            "the {form} EC key could not be parsed (malformed DER)"
        ))
    })?;
    let key = ring_sig::EcdsaKeyPair::from_pkcs8(
        &ring_sig::ECDSA_P256_SHA256_FIXED_SIGNING,
        &pkcs8,
        &ring::rand::SystemRandom::new(),
    )
    .map_err(|rejected| match rejected.to_string().as_str() {
        "RNG failed" => KeyError::Sign("reading the OS random source failed".into()),
        other => KeyError::Invalid(format!(
            "the {form} EC key could not be parsed ({})",
            rejection_reason(other)
        )),
    })?;
    Ok(PrivateKey {
        inner: Inner::Ec(key),
    })
}

/// Wrap a SEC1 `ECPrivateKey` in a PKCS#8 v1 `PrivateKeyInfo` for P-256 (RFC 5208 §5, RFC
/// 5915 §3, RFC 5480 §2.1.1): version 0, the algorithm `id-ecPublicKey` with the curve OID as
/// its parameters, and the SEC1 DER unchanged as the private key octets. `None` only if the
/// encoder fails (it does not for a key under 64 KiB).
fn sec1_to_pkcs8(sec1: &[u8]) -> Option<Vec<u8>> {
    use pkcs8::der::Encode as _;
    let curve = pkcs8::ObjectIdentifier::new_unwrap(OID_P256);
    let info = pkcs8::PrivateKeyInfo {
        algorithm: pkcs8::AlgorithmIdentifierRef {
            oid: pkcs8::ObjectIdentifier::new_unwrap(OID_EC_PUBLIC_KEY),
            parameters: Some(pkcs8::der::asn1::AnyRef::from(&curve)),
        },
        private_key: sec1,
        public_key: None,
    };
    info.to_der().ok()
}

fn decode_block(block: &PemBlock, passphrase: Option<&str>) -> Result<PrivateKey, KeyError> {
    match block.label.as_str() {
        "RSA PRIVATE KEY" => rsa_key(&block.der, "PKCS#1"),
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
        "EC PRIVATE KEY" => ec_key(&block.der, "SEC1"),
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
        OID_RSA => rsa_key(info.private_key, "PKCS#8"),
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
            ec_key(info.private_key, "PKCS#8")
        }
        other => Err(KeyError::Unsupported(format!(
            "PKCS#8 key of type {} ({other})",
            oid_name(other)
        ))),
    }
}

/// What [`sec1_fields`] reads from a SEC1 `ECPrivateKey`.
struct Sec1Fields {
    /// The named curve in the `[0]` parameters, when present (dotted OID).
    curve: Option<String>,
    /// Whether the `[1]` publicKey field is present.
    has_public_key: bool,
}

/// The optional fields of a SEC1 `ECPrivateKey` (RFC 5915 §3), found by walking the outer
/// SEQUENCE: the curve OID inside `[0]` and whether `[1]` is there. `None` when the DER is
/// not a SEQUENCE of well-formed fields.
fn sec1_fields(der: &[u8]) -> Option<Sec1Fields> {
    let (tag, body, _) = tlv(der)?;
    if tag != 0x30 {
        return None;
    }
    let mut fields = Sec1Fields {
        curve: None,
        has_public_key: false,
    };
    let mut rest = body;
    while !rest.is_empty() {
        let (tag, value, next) = tlv(rest)?;
        match tag {
            0xa0 => {
                let (inner_tag, oid_bytes, _) = tlv(value)?;
                if inner_tag != 0x06 {
                    return None;
                }
                let oid = pkcs8::ObjectIdentifier::from_bytes(oid_bytes).ok()?;
                fields.curve = Some(oid.to_string());
            }
            0xa1 => fields.has_public_key = true,
            _ => {}
        }
        rest = next;
    }
    Some(fields)
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

    fn rng() -> ring::rand::SystemRandom {
        ring::rand::SystemRandom::new()
    }

    /// The DER of the first PEM block in `text`.
    fn pem_der(text: &str) -> Vec<u8> {
        let blocks = pem_blocks(&normalise(text)).expect("PEM");
        blocks.into_iter().next().expect("one block").der
    }

    /// PEM text for `der` under `label`, wrapped at 64 columns.
    fn to_pem(label: &str, der: &[u8]) -> String {
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).expect("ascii"))
            .collect();
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            lines.join("\n")
        )
    }

    /// The subjectPublicKey bits of a `PUBLIC KEY` PEM (RFC 5280 §4.1.2.7): a DER
    /// `RSAPublicKey` for RSA, the uncompressed point for EC.
    fn spki_key(pem: &str) -> Vec<u8> {
        let der = pem_der(pem);
        let spki = pkcs8::spki::SubjectPublicKeyInfoRef::try_from(der.as_slice()).expect("SPKI");
        spki.subject_public_key
            .as_bytes()
            .expect("whole bytes")
            .to_vec()
    }

    /// Verify an RS256 signature with the public key file of case B15 (not the signing key).
    fn verify_with_public(sig: &[u8], msg: &[u8]) -> bool {
        let public = spki_key(&case("B15-key-public.pem"));
        ring_sig::UnparsedPublicKey::new(&ring_sig::RSA_PKCS1_2048_8192_SHA256, public)
            .verify(msg, sig)
            .is_ok()
    }

    /// Verify an ES256 `r || s` signature with the public key OpenSSL derived from the B15
    /// EC key (`tests/fixtures/b15-ec-public.pem`).
    fn verify_es256(sig: &[u8], msg: &[u8]) -> bool {
        let public = spki_key(&fixture("b15-ec-public.pem"));
        ring_sig::UnparsedPublicKey::new(&ring_sig::ECDSA_P256_SHA256_FIXED, public)
            .verify(msg, sig)
            .is_ok()
    }

    /// RFC 7515 appendix A.2: the RS256 example. The key (its JWK turned into PKCS#1 PEM,
    /// `tests/fixtures/rfc7515-a2-rsa-pkcs1.pem`), the signing input and the signature are
    /// the RFC's; RSASSA-PKCS1-v1_5 is deterministic, so ours must match byte for byte.
    #[test]
    fn rs256_matches_rfc7515_appendix_a2() {
        const N: &str = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-\
            4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_\
            7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uD\
            Zlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW\
            9gb54h4FRWyuXpoQ";
        const SIGNING_INPUT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4\
            MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
        const SIGNATURE: &str = "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZm\
            h7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgr\
            nbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-e\
            OkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmt\
            VrBp0igcN_IoypGlUPQGe77Rw";
        let b64url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let key = load_private_key(&fixture("rfc7515-a2-rsa-pkcs1.pem"), None).expect("A.2 key");
        assert_eq!(key.algorithm(), Algorithm::Rs256);
        // The fixture is the RFC's key: its public modulus is the JWK's `n`.
        let (_, public, _) = tlv(key.public_key()).expect("RSAPublicKey");
        let (_, n, _) = tlv(public).expect("modulus");
        let n = n.strip_prefix(&[0]).unwrap_or(n);
        assert_eq!(n, b64url.decode(N).expect("n").as_slice());
        for _ in 0..3 {
            let sig = key.sign(&rng(), SIGNING_INPUT.as_bytes()).expect("sign");
            assert_eq!(b64url.encode(&sig), SIGNATURE);
        }
        let other = key.sign(&rng(), b"eyJhbGciOiJSUzI1NiJ9.e30").expect("sign");
        assert_ne!(b64url.encode(other), SIGNATURE);
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
            let sig = key.sign(&rng(), msg).expect("sign");
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
        let sig = key.sign(&rng(), b"m").expect("sign");
        assert!(verify_with_public(&sig, b"m"));
        let msg = KeyError::PassphraseRequired.to_string();
        assert!(msg.contains("OKTA_AWSCLI_PRIVATE_KEY_PASSPHRASE"), "{msg}");
    }

    #[test]
    fn ec_sec1_and_pkcs8_sign_es256() {
        let point = spki_key(&fixture("b15-ec-public.pem"));
        // SEC1 (case B15), and the same key as OpenSSL writes it in PKCS#8, plain and with
        // escaped line breaks.
        let pkcs8 = fixture("b15-ec-pkcs8.pem");
        for (name, text) in [
            ("sec1", case("B15-key-ec-sec1.pem")),
            ("pkcs8", pkcs8.clone()),
            ("pkcs8 escaped", pkcs8.trim().replace('\n', "\\n")),
        ] {
            let key = load_private_key(&text, None).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(key.algorithm(), Algorithm::Es256, "{name}");
            assert_eq!(key.public_key(), point.as_slice(), "{name}");
            let sig = key.sign(&rng(), b"abc").expect("sign");
            assert_eq!(sig.len(), 64, "{name}");
            assert!(verify_es256(&sig, b"abc"), "{name} does not verify");
            assert!(!verify_es256(&sig, b"abd"), "{name}");
        }
    }

    #[test]
    fn sec1_to_pkcs8_wraps_the_key_unchanged() {
        let sec1 = pem_der(&case("B15-key-ec-sec1.pem"));
        let der = sec1_to_pkcs8(&sec1).expect("wraps");
        let info = pkcs8::PrivateKeyInfo::try_from(der.as_slice()).expect("PKCS#8");
        assert_eq!(info.algorithm.oid.to_string(), OID_EC_PUBLIC_KEY);
        assert_eq!(
            info.algorithm.parameters_oid().expect("curve").to_string(),
            OID_P256
        );
        assert_eq!(info.private_key, sec1.as_slice());
        assert!(info.public_key.is_none(), "PKCS#8 v1 (RFC 5208)");
        // Byte for byte (RFC 5208 §5, RFC 5480 §2.1.1): SEQUENCE { INTEGER 0, SEQUENCE {
        // id-ecPublicKey, prime256v1 }, OCTET STRING { the SEC1 key } }.
        let len = u8::try_from(sec1.len()).expect("a P-256 SEC1 key is short");
        let mut want = vec![0x30, 0x81, 3 + 21 + 2 + len, 0x02, 0x01, 0x00];
        want.extend([
            0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
        ]);
        want.extend([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);
        want.extend([0x04, len]);
        want.extend(&sec1);
        assert_eq!(der, want);
    }

    /// The B15 SEC1 key rebuilt with only some of its fields (RFC 5915 §3): `keep` picks
    /// them by tag.
    fn sec1_with(keep: &[u8], patch: impl Fn(u8, &mut Vec<u8>)) -> Vec<u8> {
        let der = pem_der(&case("B15-key-ec-sec1.pem"));
        let (_, body, _) = tlv(&der).expect("SEQUENCE");
        let mut rest = body;
        let mut out_body = Vec::new();
        while !rest.is_empty() {
            let (tag, _, next) = tlv(rest).expect("field");
            let mut field = rest[..rest.len() - next.len()].to_vec();
            if keep.contains(&tag) {
                patch(tag, &mut field);
                out_body.extend(field);
            }
            rest = next;
        }
        let mut out = vec![0x30, u8::try_from(out_body.len()).expect("short")];
        out.extend(out_body);
        out
    }

    #[test]
    fn ec_key_without_public_key_or_with_a_wrong_one_is_refused() {
        // Without the optional publicKey: ring cannot sign, the error says how to add it.
        let no_public = sec1_with(&[0x02, 0x04, 0xa0], |_, _| {});
        for (name, text) in [
            ("sec1", to_pem("EC PRIVATE KEY", &no_public)),
            (
                "pkcs8",
                to_pem("PRIVATE KEY", &sec1_to_pkcs8(&no_public).expect("wrap")),
            ),
        ] {
            let e = load_private_key(&text, None).unwrap_err();
            assert!(matches!(e, KeyError::Unsupported(_)), "{name}: {e}");
            let m = e.to_string();
            assert!(
                m.contains("EC key without its public key") && m.contains("openssl ec -in"),
                "{name}: {m}"
            );
        }
        // Without the curve parameters the key is still read as P-256 (they are optional).
        let no_params = sec1_with(&[0x02, 0x04, 0xa1], |_, _| {});
        let key = load_private_key(&to_pem("EC PRIVATE KEY", &no_params), None).expect("loads");
        assert!(verify_es256(&key.sign(&rng(), b"m").expect("sign"), b"m"));
        // A public key that is not the private key's is refused, not used.
        let wrong = sec1_with(&[0x02, 0x04, 0xa0, 0xa1], |tag, field| {
            if tag == 0xa1 {
                let last = field.len() - 1;
                field[last] ^= 1;
            }
        });
        let e = load_private_key(&to_pem("EC PRIVATE KEY", &wrong), None).unwrap_err();
        assert!(matches!(e, KeyError::Invalid(_)), "{e}");
        assert!(
            e.to_string()
                .contains("the SEC1 EC key could not be parsed"),
            "{e}"
        );
        // Not a SEQUENCE at all.
        let e = load_private_key(&to_pem("EC PRIVATE KEY", &[0x04, 0x01, 0x00]), None).unwrap_err();
        assert!(
            e.to_string()
                .contains("the SEC1 EC key could not be parsed (malformed DER)"),
            "{e}"
        );
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

        // Keys refused after parsing (by size, exponent, curve, type or a wrong public key)
        // name the problem, never a piece of the key.
        let mut refused: Vec<String> = [
            "test-key-rsa512-pkcs1.pem",
            "test-key-rsa1024-pkcs8.pem",
            "test-key-rsa2560-pkcs8.pem",
            "test-key-rsa2048-e3-pkcs1.pem",
            "test-key-p384-sec1.pem",
            "test-key-ed25519-pkcs8.pem",
        ]
        .iter()
        .map(|name| fixture(name))
        .collect();
        refused.push(to_pem(
            "EC PRIVATE KEY",
            &sec1_with(&[0x02, 0x04, 0xa0], |_, _| {}),
        ));
        refused.push(to_pem(
            "EC PRIVATE KEY",
            &sec1_with(&[0x02, 0x04, 0xa1], |tag, field| {
                if tag == 0xa1 {
                    field[10] ^= 1;
                }
            }),
        ));
        for pem in &refused {
            let e = load_private_key(pem, None).unwrap_err();
            let shown = format!("{e} {e:?}");
            for line in pem.lines().filter(|l| !l.starts_with("-----")) {
                for chunk in line.as_bytes().chunks(12).filter(|c| c.len() == 12) {
                    let chunk = std::str::from_utf8(chunk).expect("ascii");
                    assert!(!shown.contains(chunk), "{shown}");
                }
            }
            // No hex either: the private scalar or modulus bytes as digits.
            let der = pem_der(pem);
            for window in der.windows(6).step_by(6) {
                let hex: String = window.iter().map(|b| format!("{b:02x}")).collect();
                assert!(!shown.to_lowercase().contains(&hex), "{shown}");
            }
        }
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
        for (bits, name, passphrase) in [
            (512, "test-key-rsa512-pkcs1.pem", None),
            (512, "test-key-rsa512-pkcs8.pem", None),
            (1024, "test-key-rsa1024-pkcs1.pem", None),
            (1024, "test-key-rsa1024-pkcs8.pem", None),
            (
                1024,
                "test-key-rsa1024-pkcs8-encrypted.pem",
                Some("fake-test-passphrase"),
            ),
        ] {
            let e =
                load_private_key(&fixture(name), passphrase).expect_err("weak key must be refused");
            let m = e.to_string();
            assert!(
                m.contains(&format!("RSA key of {bits} bits is too weak"))
                    && m.contains("at least 2048"),
                "{name}: {m}"
            );
            let err: crate::error::Error = e.into();
            assert_eq!(err.exit_code(), 2, "a configuration error");
        }
        // The case keys (2048 bits) still load, as RS256 keys that sign.
        let key = load_private_key(&case("B15-key-pkcs8.pem"), None).expect("2048-bit key");
        assert_eq!(key.algorithm(), Algorithm::Rs256);
        let sig = key.sign(&rng(), b"m").expect("sign");
        assert!(verify_with_public(&sig, b"m"));
    }

    #[test]
    fn rsa_keys_ring_cannot_sign_with_are_named() {
        for (name, want) in [
            (
                "test-key-rsa2560-pkcs8.pem",
                "RSA key of 2560 bits; only sizes that are a multiple of 1024 bits can sign",
            ),
            (
                "test-key-rsa2048-e3-pkcs1.pem",
                "RSA key with a public exponent below 65537",
            ),
        ] {
            let e = load_private_key(&fixture(name), None).unwrap_err();
            assert!(matches!(e, KeyError::Unsupported(_)), "{name}: {e}");
            let m = e.to_string();
            assert!(
                m.contains(want) && m.contains("exponent 65537"),
                "{name}: {m}"
            );
            assert!(!m.contains('\n'), "{m}");
        }
    }

    #[test]
    fn rsa_modulus_bits_reads_pkcs1() {
        let der = pem_der(&case("B15-key-pkcs1.pem"));
        assert_eq!(rsa_modulus_bits(&der), Some(2048));
        let der = pem_der(&fixture("test-key-rsa512-pkcs1.pem"));
        assert_eq!(rsa_modulus_bits(&der), Some(512));
        // Not an RSAPrivateKey: no modulus, and a malformed key is named as such.
        assert_eq!(rsa_modulus_bits(&[0x30, 0x03, 0x02, 0x01, 0x00]), None);
        assert_eq!(rsa_modulus_bits(&[0x02, 0x01, 0x00]), None);
        assert_eq!(rsa_modulus_bits(&[]), None);
        let e = load_private_key(&to_pem("RSA PRIVATE KEY", &[0x30, 0x00]), None).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "invalid private key: the PKCS#1 RSA key could not be parsed (malformed DER) ({SUPPORTED})"
            )
        );
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
        let sig = key.sign(&rng(), b"quoted").expect("sign");
        assert!(verify_with_public(&sig, b"quoted"));
    }
}
