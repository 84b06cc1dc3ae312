//! PURE: the m2m client assertion, a JWT signed with the service app's private key
//! (RFC 7523 §2.2 / §3, Okta "private_key_jwt"; docs/decisions.md#d-m2m-assertion, case B16).
//!
//! The assertion is a compact JWS (RFC 7515 §7.1) whose header is
//! `{"alg":"RS256","kid":"<key id>"}` (`ES256` for a P-256 key) and whose claims are
//! `{"aud":<token endpoint URL>,"exp":iat+300,"iat":<now>,"iss":<client id>,"jti":<uuid>,
//! "sub":<client id>}`. The lifetime is five minutes, well under Okta's one-hour limit, so a
//! client clock that runs slightly fast is not rejected ("expiration too far into the
//! future"). The clock, the `jti` and the random source (RSA blinding, ECDSA nonces) are
//! arguments, so this module does no I/O; `m2m::new_jti` draws a fresh UUID v4 from the OS
//! for each real request and `m2m` passes the OS random source.

use base64::Engine as _;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::okta::private_key::PrivateKey;

/// Lifetime of a client assertion in seconds (`exp - iat`). Okta requires < 3600.
pub const ASSERTION_LIFETIME_SECS: u64 = 300;

/// The inputs of one client assertion.
#[derive(Debug, Clone, Copy)]
pub struct AssertionInput<'a> {
    /// `kid` header: the key id registered with the Okta service app (`--key-id`).
    pub key_id: &'a str,
    /// `iss` and `sub`: the OIDC client id of the service app.
    pub client_id: &'a str,
    /// `aud`: the exact token endpoint URL the assertion is sent to,
    /// `https://<org>/oauth2/<authz-id>/v1/token`.
    pub audience: &'a str,
    /// `iat`: the current time in Unix seconds.
    pub now: u64,
    /// `jti`: a value never used before (see `commands::m2m::new_jti`, [`uuid_v4_from_bytes`]).
    pub jti: &'a str,
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    kid: &'a str,
}

/// Claims in alphabetical order, as upstream serialises them.
#[derive(Serialize)]
struct Claims<'a> {
    aud: &'a str,
    exp: u64,
    iat: u64,
    iss: &'a str,
    jti: &'a str,
    sub: &'a str,
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Build and sign the client assertion; returns the compact JWS `header.claims.signature`
/// (each part base64url without padding). The result is a secret: never log it.
///
/// `rng` is the random source for RSA blinding and ECDSA nonces ([`PrivateKey::sign`]);
/// pass `ring::rand::SystemRandom`.
///
/// Errors: [`Error::Runtime`] if serialisation or signing fails.
pub fn client_assertion(
    key: &PrivateKey,
    input: &AssertionInput<'_>,
    rng: &dyn ring::rand::SecureRandom,
) -> Result<String> {
    let header = Header {
        alg: key.algorithm().as_str(),
        kid: input.key_id,
    };
    let claims = Claims {
        aud: input.audience,
        exp: input.now.saturating_add(ASSERTION_LIFETIME_SECS),
        iat: input.now,
        iss: input.client_id,
        jti: input.jti,
        sub: input.client_id,
    };
    let header_json = serde_json::to_vec(&header)
        .map_err(|e| Error::runtime(format!("encoding the JWT header: {e}")))?;
    let claims_json = serde_json::to_vec(&claims)
        .map_err(|e| Error::runtime(format!("encoding the JWT claims: {e}")))?;
    let signing_input = format!("{}.{}", b64url(&header_json), b64url(&claims_json));
    let signature = key.sign(rng, signing_input.as_bytes())?;
    Ok(format!("{signing_input}.{}", b64url(&signature)))
}

/// Format 16 random bytes as an RFC 9562 version-4 UUID (lowercase, hyphenated).
pub fn uuid_v4_from_bytes(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::okta::private_key::load_private_key;
    use ring::signature as ring_sig;
    use serde_json::Value;

    const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cases/");

    fn case(name: &str) -> String {
        std::fs::read_to_string(format!("{CASES}{name}")).expect("case file")
    }

    fn decode_part(part: &str) -> Value {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .expect("base64url without padding");
        serde_json::from_slice(&bytes).expect("json")
    }

    /// The subjectPublicKey bits of a `PUBLIC KEY` PEM (RFC 5280 §4.1.2.7).
    fn spki_key(pem: &str) -> Vec<u8> {
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .expect("base64");
        let spki = pkcs8::spki::SubjectPublicKeyInfoRef::try_from(der.as_slice()).expect("SPKI");
        spki.subject_public_key
            .as_bytes()
            .expect("whole bytes")
            .to_vec()
    }

    fn expected() -> Value {
        serde_json::from_str(&case("B16-client-assertion.expected.json")).expect("B16 json")
    }

    #[test]
    fn b16_assertion_matches_expected_claims_and_verifies() {
        let exp = expected();
        let claims = &exp["jwt"]["claims"];
        let iat = claims["iat"].as_u64().expect("iat");
        let client_id = claims["iss"].as_str().expect("iss");
        let aud = claims["aud"].as_str().expect("aud");
        let kid = exp["jwt"]["header"]["kid"].as_str().expect("kid");
        let key = load_private_key(&case("B15-key-pkcs8.pem"), None).expect("key");
        let jti = uuid_v4_from_bytes([7; 16]);
        let jwt = client_assertion(
            &key,
            &AssertionInput {
                key_id: kid,
                client_id,
                audience: aud,
                now: iat,
                jti: &jti,
            },
            &ring::rand::SystemRandom::new(),
        )
        .expect("jwt");

        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert!(!jwt.contains('='), "no padding");
        let header = decode_part(parts[0]);
        assert_eq!(header, serde_json::json!({"alg": "RS256", "kid": kid}));
        let got = decode_part(parts[1]);
        assert_eq!(got["iss"], claims["iss"]);
        assert_eq!(got["sub"], claims["sub"]);
        assert_eq!(got["aud"], claims["aud"]);
        assert_eq!(got["iat"], claims["iat"]);
        let exp_claim = got["exp"].as_u64().expect("exp");
        assert!(exp_claim > iat && exp_claim < iat + 3600, "{exp_claim}");
        assert_eq!(exp_claim, 1_714_565_100, "recommended 5 minutes");
        assert_eq!(got["jti"], Value::String(jti.clone()));
        // Claims are serialised in alphabetical order, like upstream.
        let raw = String::from_utf8(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(parts[1])
                .expect("b64"),
        )
        .expect("utf8");
        let order: Vec<usize> = [
            "\"aud\"", "\"exp\"", "\"iat\"", "\"iss\"", "\"jti\"", "\"sub\"",
        ]
        .iter()
        .map(|k| raw.find(k).expect("claim present"))
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{raw}");

        // The signature verifies with the public key file over header.payload, and the
        // same signature does not verify another input.
        let public = ring_sig::UnparsedPublicKey::new(
            &ring_sig::RSA_PKCS1_2048_8192_SHA256,
            spki_key(&case("B15-key-public.pem")),
        );
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[2])
            .expect("sig");
        let signing_input = format!("{}.{}", parts[0], parts[1]);
        assert!(public.verify(signing_input.as_bytes(), &sig).is_ok());
        let tampered = format!("{}.{}", parts[0], parts[0]);
        assert!(public.verify(tampered.as_bytes(), &sig).is_err());
    }

    #[test]
    fn es256_assertion_has_es256_header_and_raw_signature() {
        let pem = case("B15-key-ec-sec1.pem");
        let key = load_private_key(&pem, None).expect("ec key");
        let jwt = client_assertion(
            &key,
            &AssertionInput {
                key_id: "k",
                client_id: "c",
                audience: "https://example.okta.com/oauth2/default/v1/token",
                now: 1_714_564_800,
                jti: "j",
            },
            &ring::rand::SystemRandom::new(),
        )
        .expect("jwt");
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(decode_part(parts[0])["alg"], "ES256");
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[2])
            .expect("sig");
        assert_eq!(sig.len(), 64);
        // The public key as OpenSSL derived it from the B15 EC key.
        let fixture = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/b15-ec-public.pem"
        );
        let public = ring_sig::UnparsedPublicKey::new(
            &ring_sig::ECDSA_P256_SHA256_FIXED,
            spki_key(&std::fs::read_to_string(fixture).expect("fixture")),
        );
        let signing_input = format!("{}.{}", parts[0], parts[1]);
        assert!(public.verify(signing_input.as_bytes(), &sig).is_ok());
        assert!(public.verify(b"other", &sig).is_err());
    }

    #[test]
    fn uuid_v4_layout() {
        let u = uuid_v4_from_bytes([0xff; 16]);
        assert_eq!(u, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let z = uuid_v4_from_bytes([0; 16]);
        assert_eq!(z, "00000000-0000-4000-8000-000000000000");
    }
}
