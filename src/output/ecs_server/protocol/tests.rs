use super::*;

const TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn head(text: &str) -> Head {
    parse_head(text.as_bytes()).unwrap_or_else(|| panic!("{text:?}"))
}

#[test]
fn a_head_ends_at_its_blank_line() {
    assert_eq!(head_len(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nrest"), Some(27));
    assert_eq!(head_len(b"GET / HTTP/1.1\nHost: x\n\n"), Some(24));
    assert_eq!(head_len(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
}

#[test]
fn the_sdk_request_is_served() {
    // botocore's ContainerMetadataFetcher sends the token as the whole header value.
    let text = format!(
        "GET /credentials HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nAccept-Encoding: identity\r\n\
         authorization: {TOKEN}\r\nUser-Agent: Botocore/1.0\r\n\r\n"
    );
    let h = head(&text);
    assert_eq!(h.method, "GET");
    assert_eq!(h.target, "/credentials");
    assert_eq!(judge(&h, TOKEN), Verdict::Serve);
    assert_eq!(verdict_of(text.as_bytes(), TOKEN), Verdict::Serve);
    // The token never shows in Debug.
    assert!(!format!("{h:?}").contains(TOKEN));
}

#[test]
fn missing_wrong_or_doubled_tokens_are_refused() {
    let missing = "GET /credentials HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_eq!(judge(&head(missing), TOKEN), Verdict::Unauthorized);
    let wrong = TOKEN.replace('0', "1");
    let text = format!("GET /credentials HTTP/1.1\r\nAuthorization: {wrong}\r\n\r\n");
    assert_eq!(judge(&head(&text), TOKEN), Verdict::Forbidden);
    let bearer = format!("GET /credentials HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\n\r\n");
    assert_eq!(judge(&head(&bearer), TOKEN), Verdict::Forbidden);
    let prefix = format!(
        "GET /credentials HTTP/1.1\r\nAuthorization: {}\r\n\r\n",
        &TOKEN[..10]
    );
    assert_eq!(judge(&head(&prefix), TOKEN), Verdict::Forbidden);
    let doubled = format!(
        "GET /credentials HTTP/1.1\r\nAuthorization: {TOKEN}\r\nAuthorization: {TOKEN}\r\n\r\n"
    );
    assert_eq!(judge(&head(&doubled), TOKEN), Verdict::Forbidden);
}

#[test]
fn other_paths_and_methods_are_forbidden_even_with_the_token() {
    for line in [
        "GET / HTTP/1.1",
        "GET /credentials/ HTTP/1.1",
        "GET /credentials?x=1 HTTP/1.1",
        "GET /CREDENTIALS HTTP/1.1",
        "POST /credentials HTTP/1.1",
        "HEAD /credentials HTTP/1.1",
    ] {
        let text = format!("{line}\r\nAuthorization: {TOKEN}\r\n\r\n");
        assert_eq!(judge(&head(&text), TOKEN), Verdict::Forbidden, "{line}");
    }
}

#[test]
fn malformed_and_oversized_heads() {
    for bad in [
        "GET /credentials\r\n\r\n",
        "GET credentials HTTP/1.1\r\n\r\n",
        "GET /credentials HTTP/2\r\n\r\n",
        "GET  /credentials HTTP/1.1\r\n\r\n",
        "GET /credentials HTTP/1.1\r\nno colon\r\n\r\n",
        "GET /credentials HTTP/1.1\r\nAuthorization : x\r\n\r\n",
        "GET /credentials HTTP/1.1junk\r\n\r\n",
        "GET /credentials HTTP/1.9\r\n\r\n",
        "GET /credentials HTTP/1.1\r\nAuthorization: x\r\n  more\r\n\r\n",
        "GET /credentials HTTP/1.1\r\nAuthorization: x\r\n\tmore: y\r\n\r\n",
    ] {
        assert_eq!(parse_head(bad.as_bytes()), None, "{bad:?}");
        assert_eq!(verdict_of(bad.as_bytes(), TOKEN), Verdict::BadRequest);
    }
    assert_eq!(parse_head(b"GET / HTTP/1.1\r\nX: \xff\r\n\r\n"), None);
    // Stopped before the blank line.
    assert_eq!(
        verdict_of(b"GET /credentials HTTP/1.1\r\n", TOKEN),
        Verdict::BadRequest
    );
    let long = vec![b'a'; MAX_HEAD_BYTES];
    assert_eq!(verdict_of(&long, TOKEN), Verdict::TooLarge);
    let mut long_head = b"GET / HTTP/1.1\r\nX: ".to_vec();
    long_head.extend(vec![b'a'; MAX_HEAD_BYTES]);
    long_head.extend(b"\r\n\r\n");
    assert_eq!(verdict_of(&long_head, TOKEN), Verdict::TooLarge);
}

#[test]
fn same_secret_compares_whole_values() {
    assert!(same_secret(b"abc", b"abc"));
    assert!(!same_secret(b"abd", b"abc"));
    assert!(!same_secret(b"ab", b"abc"));
    assert!(!same_secret(b"", b"abc"));
}

#[test]
fn the_body_has_the_four_fields_in_utc() {
    let creds = Credentials {
        access_key_id: "ASIAEXAMPLEECS000001".into(),
        secret_access_key: "fakeEcsSecret".into(),
        session_token: "FAKE/ECS+TOKEN=".into(),
        expiration: "2024-05-01T15:00:00.5+02:00".into(),
    };
    let body: serde_json::Value = serde_json::from_str(&credentials_body(&creds).unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "AccessKeyId": "ASIAEXAMPLEECS000001",
            "SecretAccessKey": "fakeEcsSecret",
            "Token": "FAKE/ECS+TOKEN=",
            "Expiration": "2024-05-01T13:00:00Z",
        })
    );
    let bad = Credentials {
        expiration: "soon".into(),
        ..creds
    };
    assert!(credentials_body(&bad).is_err());
}

#[test]
fn responses_close_the_connection_and_count_their_bytes() {
    let r = response(200, "{}");
    assert!(r.starts_with("HTTP/1.1 200 OK\r\n"), "{r}");
    assert!(r.contains("\r\nContent-Type: application/json\r\n"));
    assert!(r.contains("\r\nContent-Length: 2\r\n"));
    assert!(r.contains("\r\nConnection: close\r\n"));
    assert!(r.ends_with("\r\n\r\n{}"));
    let r = response(refusal_status(Verdict::Unauthorized), "");
    assert!(r.starts_with("HTTP/1.1 401 Unauthorized\r\n"), "{r}");
    assert!(
        !r.contains("Content-Type")
            && r.ends_with(
                "Content-Length: 0\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
            )
    );
    assert!(response(500, FAILURE_BODY).starts_with("HTTP/1.1 500 Internal Server Error\r\n"));
    assert_eq!(refusal_status(Verdict::Forbidden), 403);
    assert_eq!(refusal_status(Verdict::BadRequest), 400);
    assert_eq!(refusal_status(Verdict::TooLarge), 431);
    let failure: serde_json::Value = serde_json::from_str(FAILURE_BODY).unwrap();
    assert!(failure["message"].is_string());
}
