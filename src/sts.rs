//! PURE: AWS STS Query-API requests (AssumeRoleWithSAML, AssumeRoleWithWebIdentity),
//! endpoint resolution (DESIGN §2.12) and parsing of XML replies into [`Credentials`].

/// Temporary AWS credentials as issued by STS.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `AccessKeyId`, e.g. `ASIA...`.
    pub access_key_id: String,
    /// `SecretAccessKey` (secret).
    pub secret_access_key: String,
    /// `SessionToken` (secret).
    pub session_token: String,
    /// STS `Expiration`, normalised to RFC 3339 UTC with whole seconds: `2024-05-01T13:00:00Z`.
    pub expiration: String,
}

impl std::fmt::Debug for Credentials {
    /// Never prints the secret access key or the session token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &"<redacted>")
            .field("expiration", &self.expiration)
            .finish()
    }
}
