use super::*;

const AWS_SECRETS: &[&str] = &[
    "PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA/",
    "2O76UMFxFkM/R5Kjp1vRt+1fjORS/6ilI8ihN5KX",
    "Sc7Tvo/hBKqFYY/kv5ZJr3J1TWDtkwtDDb+xHKas",
];
const BASE64URL_32_BYTES: &str = "4NQ7KzlIoTTw54todVXUj9UIQrC1VJ-LJcEbjwd2bKs";
const HEX_64: &str = "98bbbb613ebb45102b3dd8f66d9e8fde1d0a58a94c2dba7f1e4db27ed92f73be";
const SESSION_TOKEN: &str = "nZr7LzUxy6viXX7TVDnc9+YSs47UScwKNQ5oTiG0S8gTZ/EDVA8aP5OCyW11Sr2DFmCfIHGVaEKftgZeMvdSwte5G5Il+ecuswVQeco7FW3UOgeir/IHFr48AslwQVZOwR/ICUK6Sw28u4DkM6LfH6ImKqEizZytJKMf46p6lOzaajitI7kSRM0DtjyrZkqtGk6ycJ0u5CpZNUZ1mrCP+zGse4UIZHAebZr9mQVsz1+zpZxkahwjh5EIjQPTDYku1E5797u9+8oxQ8QWc/DlgNSIVpASv69VtZNHcaXfFd+DvdjBfkhzQL4nxPGbFKROhfW7DeEdu5tJly4+58me+hQ+KaMt4T6XJoOZZAvvbO1JUL1UwCkh+kkGBYBJK4wsSepXF/DoEX46gFmL";
const JWT: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImZha2Uta2lkIn0.eyJzdWIiOiIwMHUxIiwiYXVkIjoiYXBpIn0.c2lnbmF0dXJlLW5vdC1yZWFsbHktcmFuZG9tLWJ1dC1sb25n";
const PEM: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nVJTUt9Us8cKj\n-----END PRIVATE KEY-----\n";

/// Messages as the usage and configuration errors write them, which must come out
/// unchanged.
const KEPT: &[&str] = &[
    "unknown flag: --org-domian (did you mean --org-domain?)",
    "unexpected argument \"list-profile\" (did you mean the list-profiles command?)",
    "invalid value \"maybe\" for --write-aws-credentials: use true, false, 1, 0, yes, no, on, off",
    "--aws-iam-role \"arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_3f5c8e9a1b2d4c6e\" is not a role ARN",
    "arn:aws:iam::123456789012:saml-provider/OktaIdentityProviderForProductionAccounts2024",
    "role=arn:aws-us-gov:iam::123456789012:role/Department1/TeamAlpha2/ProjectBeta3/Admin4",
    "--org-domain \"https://dev-12345678.okta.com/oauth2/aus4ax1xyzABC2def3h7/v1/token\" must be a host name",
    "https://my-company-name-production.okta-emea.com/home/amazon_aws/0oa1b2c3d4e5f6g7h8i9/272",
    "cannot read /Users/Alice2/Documents/Project1/keys/okta-service-app-private-key.pem: not found",
    "cannot read /var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T/okta-aws-cli/config.yaml",
    "cannot read C:/Users/JohnDoe/AppData/Local/Temp/okta-aws-cli/credentials",
    "cannot read ~/.okta/okta.yaml or ./relative/AVeryLongDirectoryNameForTesting/file.txt",
    "private key file /tmp/.tmpXb6k2Q/keys/B15-key-pkcs8-encrypted.pem: it is encrypted",
    "private key file /tmp/tmpab12cd34/keys/B15-key-pkcs8-encrypted: it is encrypted",
    "private key file tmpXb6k2Q/keys/B15-key-pkcs8-encrypted.pem: it is encrypted",
    "cannot run /usr/local/bin/okta-aws-cli or /home/alice/Projects2024/AWSConfigs/OktaKeys1",
    "cannot write /var/lib/docker/overlay2/98bbbb613ebb45102b3dd8f66d9e8fde1d0a58a94c2dba7f1e4db27ed92f73be/merged/root/.aws/credentials",
    "cannot run /nix/store/0c8dn7k0b9pf7h4pp9f8xnrlz1kfw8vy-okta-aws-cli-2.6.0/bin/okta-aws-cli",
    "cannot read /run/systemd-private-3f0a9c8e7b6d4e2f9a8b7c6d5e4f3a2b-chronyd.service-AbCdEf/x",
    "aws_access_key_id AKIAIOSFODNN7EXAMPLE and ASIAXYZ1234567890ABC are ids, not secrets",
    "external id 123e4567-e89b-12d3-a456-426614174000 and account 123456789012345678901234567890123",
    "OKTA_AWSCLI_AWS_IAM_ROLE_FOR_PRODUCTION_ACCOUNT_2 ThisIsAVeryLongCamelCaseIdentifierWithSomeWords",
    "profile my-company-prod-okta-aws-cli-test-environment-2024-v2 supercalifragilisticexpialidocious",
    "AWSReservedSSO_PowerUserAccess_0123456789abcdef i-0123456789abcdef0-and-sg-0123456789abcdef",
    "invalid private key: the value looks like a bare base64 key body; add the '-----BEGIN PRIVATE KEY-----' and '-----END PRIVATE KEY-----' lines",
    "no PEM block found; expected a line '-----BEGIN PRIVATE KEY-----', the base64 body, and a line '-----END PRIVATE KEY-----'",
    "user alice.smith+okta@example-company.com, host okta-aws-cli.internal.example.com",
    "session duration \"129600s\" is out of range 900..43200; format \"process-credentials\"",
    "Über-Größe: ünïcödé wörds stay, and so does 日本語のテキスト",
];

#[test]
fn ordinary_messages_are_unchanged() {
    for text in KEPT {
        assert_eq!(secret_looking(text), *text);
    }
    assert_eq!(secret_looking(""), "");
}

#[test]
fn secret_runs_are_replaced_with_their_length() {
    for secret in AWS_SECRETS
        .iter()
        .chain(&[BASE64URL_32_BYTES, HEX_64, SESSION_TOKEN])
    {
        let text = format!("unexpected argument {secret:?}");
        assert_eq!(
            secret_looking(&text),
            format!("unexpected argument \"<redacted {} bytes>\"", secret.len()),
            "{secret}"
        );
        // As a flag's value, and in a name=value pair.
        let text = format!("invalid value {secret:?} for --format");
        assert!(!secret_looking(&text).contains(secret), "{secret}");
        let text = format!("aws_secret_access_key={secret}");
        assert_eq!(
            secret_looking(&text),
            format!("aws_secret_access_key=<redacted {} bytes>", secret.len())
        );
    }
}

#[test]
fn jwts_are_replaced_whole() {
    let text = format!("unexpected argument \"{JWT}\"");
    assert_eq!(
        secret_looking(&text),
        format!("unexpected argument \"<redacted {} bytes>\"", JWT.len())
    );
    // As a cluster of short flags: the word starts with a dash.
    let text = format!("unknown shorthand flag: 'e' in -{JWT}");
    assert_eq!(
        secret_looking(&text),
        format!(
            "unknown shorthand flag: 'e' in <redacted {} bytes>",
            JWT.len() + 1
        )
    );
    // A short JWT (JWE compact form has five parts).
    let short = "eyJhbGciOiJub25lIn0.eyJhIjoxfQ.";
    assert_eq!(secret_looking(short), "<redacted 31 bytes>");
    // Host names with three labels are not JWTs.
    assert_eq!(secret_looking("eyJ.example.com"), "eyJ.example.com");
}

#[test]
fn pem_blocks_are_replaced_whole() {
    // With real line breaks (the short-flag error echoes the token as it is).
    let text = format!("unknown shorthand flag: '-' in {PEM}");
    assert_eq!(
        secret_looking(&text),
        format!(
            "unknown shorthand flag: '-' in <redacted {} bytes>\n",
            PEM.len() - 1
        )
    );
    // Escaped by `{:?}`: one line with `\n` escapes.
    let text = format!("unexpected argument {PEM:?} (did you mean ...)");
    let shown = secret_looking(&text);
    assert!(
        shown.starts_with("unexpected argument \"<redacted "),
        "{shown}"
    );
    assert!(shown.ends_with("\\n\" (did you mean ...)"), "{shown}");
    assert!(
        !shown.contains("MII") && !shown.contains("PRIVATE"),
        "{shown}"
    );
    // Cut short: hidden to the end of the text.
    let cut = &PEM[..60];
    let text = format!("invalid value {cut:?} for --session-duration");
    let shown = secret_looking(&text);
    assert!(shown.starts_with("invalid value \"<redacted "), "{shown}");
    assert!(
        !shown.contains("MII") && !shown.contains("session"),
        "{shown}"
    );
    // A legacy encrypted key, whose body starts with headers.
    let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0F1E2D3C4B5A69788796A5B4C3D2E1F0\n\nAbCdEfGh/IjKlMnOpQrStUvWxYz0123456789+ab\n-----END RSA PRIVATE KEY-----";
    assert_eq!(
        secret_looking(legacy),
        format!("<redacted {} bytes>", legacy.len())
    );
    // Two blocks, and text between them.
    let two = format!("a {PEM} b {PEM} c");
    let n = PEM.len() - 1;
    assert_eq!(
        secret_looking(&two),
        format!("a <redacted {n} bytes>\n b <redacted {n} bytes>\n c")
    );
}

#[test]
fn urls_keep_host_and_path_but_not_a_token_in_the_query() {
    let token = SESSION_TOKEN.replace(['+', '/'], "-");
    let url = format!(
        "https://signin.aws.amazon.com/federation?Action=login&Issuer=https%3A%2F%2Fdev-1.okta.com&SigninToken={token}"
    );
    let shown = secret_looking(&format!("unexpected argument {url:?}"));
    assert_eq!(
        shown,
        format!(
            "unexpected argument \"https://signin.aws.amazon.com/federation?Action=login&Issuer=https%3A%2F%2Fdev-1.okta.com&SigninToken=<redacted {} bytes>\"",
            token.len()
        )
    );
    // A secret-looking piece of a URL's path is still hidden.
    let shown = secret_looking(&format!("https://h.example/{HEX_64}/x"));
    assert_eq!(shown, "https://h.example/<redacted 64 bytes>/x");
    // A file path keeps its hex and lower-case hashes (see KEPT), not a base64 key.
    let key = AWS_SECRETS[0].trim_end_matches('/');
    let shown = secret_looking(&format!("cannot read /tmp/{key}/x.pem"));
    assert_eq!(
        shown,
        format!("cannot read /tmp/<redacted {} bytes>/x.pem", key.len())
    );
}

#[test]
fn natural_pieces_read_identifiers_as_words() {
    assert_eq!(natural_pieces("AWSReservedSSO"), 3);
    assert_eq!(natural_pieces("HTTPServer2024"), 3);
    assert_eq!(natural_pieces("camelCaseWord"), 3);
    assert_eq!(natural_pieces("a1B2c3"), 6);
    assert_eq!(natural_pieces("x"), 1);
}

/// Random strings of the base64 alphabet, 40 characters as an AWS secret access key: at
/// most 1 in 200 is missed (about 1 in 1000 is expected).
#[test]
fn random_keys_are_found() {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        // xorshift64*: a fixed, reproducible sequence.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut missed = 0;
    for _ in 0..2000 {
        let key: String = (0..40)
            .map(|_| ALPHABET[(next() >> 58) as usize] as char)
            .collect();
        if secret_looking(&key) == key {
            missed += 1;
        }
    }
    assert!(missed <= 10, "{missed} of 2000 random keys were not hidden");
}
