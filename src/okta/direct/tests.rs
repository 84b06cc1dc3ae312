use super::*;
use serde_json::json;

fn okta() -> DirectOkta<'static> {
    DirectOkta {
        org_base: "https://example.okta.com",
        authz_id: "aus123",
        client_id: "0oaNATIVE",
        user_agent: "okta-aws-cli",
    }
}

fn resp(status: u16, body: Value) -> Response {
    Response {
        status,
        reason: String::new(),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
    }
}

fn fields(p: &Request) -> Vec<(&str, &str)> {
    p.form
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[test]
fn every_request_goes_to_the_authorization_server_with_the_operation_header() {
    let o = okta();
    let posts = [
        o.password_grant("user@example.com", "pw-secret"),
        o.challenge("mfa-secret", MfaMethod::Push),
        o.oob_poll("oob-secret", "mfa-secret"),
        o.otp_grant("mfa-secret", "123456"),
    ];
    for p in &posts {
        assert!(
            p.headers
                .contains(&("X-Okta-Aws-Cli-Operation".to_string(), "direct".to_string()))
        );
        assert!(
            p.headers
                .contains(&("Accept".to_string(), "application/json".to_string()))
        );
        assert!(!p.url.contains('?'), "{}", p.url);
    }
    assert_eq!(
        posts[0].url,
        "https://example.okta.com/oauth2/aus123/v1/token"
    );
    assert_eq!(
        posts[1].url,
        "https://example.okta.com/oauth2/aus123/v1/challenge"
    );
}

#[test]
fn forms_follow_okta_and_upstream() {
    let o = okta();
    assert_eq!(
        fields(&o.password_grant("user@example.com", "pw-secret")),
        [
            ("client_id", "0oaNATIVE"),
            ("grant_type", "password"),
            ("scope", "openid profile"),
            ("username", "user@example.com"),
            ("password", "pw-secret"),
        ]
    );
    assert_eq!(
        fields(&o.challenge("mfa-secret", MfaMethod::Push)),
        [
            ("client_id", "0oaNATIVE"),
            ("mfa_token", "mfa-secret"),
            ("challenge_types_supported", MFA_OOB),
            ("channel_hint", "push"),
        ]
    );
    assert_eq!(
        fields(&o.challenge("mfa-secret", MfaMethod::Otp)),
        [
            ("client_id", "0oaNATIVE"),
            ("mfa_token", "mfa-secret"),
            ("challenge_types_supported", MFA_OTP),
        ]
    );
    assert_eq!(
        fields(&o.oob_poll("oob-secret", "mfa-secret")),
        [
            ("client_id", "0oaNATIVE"),
            ("scope", "openid profile"),
            ("grant_type", MFA_OOB),
            ("oob_code", "oob-secret"),
            ("mfa_token", "mfa-secret"),
        ]
    );
    assert_eq!(
        fields(&o.otp_grant("mfa-secret", "123456")),
        [
            ("client_id", "0oaNATIVE"),
            ("scope", "openid profile"),
            ("grant_type", MFA_OTP),
            ("mfa_token", "mfa-secret"),
            ("otp", "123456"),
        ]
    );
    // Debug never shows the secrets.
    let shown = format!("{:?}", o.password_grant("user@example.com", "pw-secret"));
    assert!(!shown.contains("pw-secret"), "{shown}");
}

#[test]
fn password_reply_tokens_mfa_or_rejection() {
    let ok = resp(
        200,
        json!({"access_token": "eyJ.at.sig", "token_type": "Bearer", "expires_in": 3600,
               "id_token": "eyJ.id.sig", "scope": "openid profile"}),
    );
    match parse_password_reply(&ok).unwrap() {
        PasswordReply::Tokens(t) => {
            assert_eq!(t.access_token, "eyJ.at.sig");
            assert_eq!(t.expires_in, Some(3600));
        }
        other => panic!("{other:?}"),
    }
    let mfa = resp(
        403,
        json!({"error": "mfa_required", "error_description": "MFA is required.",
               "mfa_token": "mfa-secret"}),
    );
    match parse_password_reply(&mfa).unwrap() {
        PasswordReply::MfaRequired(t) => {
            assert_eq!(t.0, "mfa-secret");
            assert!(!format!("{t:?}").contains("mfa-secret"));
        }
        other => panic!("{other:?}"),
    }
    let no_token = resp(403, json!({"error": "mfa_required"}));
    assert!(matches!(
        parse_password_reply(&no_token),
        Err(Error::Runtime(m)) if m.contains("no mfa_token")
    ));
    let wrong = resp(
        400,
        json!({"error": "invalid_grant", "error_description": "The credentials provided were invalid."}),
    );
    let e = parse_password_reply(&wrong).unwrap_err();
    assert_eq!(e.okta_code(), Some("invalid_grant"));
    assert!(
        e.to_string().contains("rejected the username or password"),
        "{e}"
    );
    let rate = resp(
        400,
        json!({"error": "invalid_grant", "error_description": "API call exceeded the rate limit due to too many requests."}),
    );
    let e = parse_password_reply(&rate).unwrap_err();
    assert!(!e.to_string().contains("username or password"), "{e}");
    let refused = resp(
        400,
        json!({"error": "unauthorized_client", "error_description": "The client isn't authorized to use the provided grant type."}),
    );
    assert_eq!(
        parse_password_reply(&refused).unwrap_err().okta_code(),
        Some("unauthorized_client")
    );
    let bad = Response {
        status: 200,
        body: b"<html>".to_vec(),
        ..Response::default()
    };
    assert!(parse_password_reply(&bad).is_err());
    let spaced = resp(200, json!({"access_token": "a b"}));
    assert!(parse_password_reply(&spaced).is_err());
}

#[test]
fn challenge_reply_push_number_challenge_and_otp() {
    // Okta's documented examples.
    let push = resp(
        200,
        json!({"challenge_type": MFA_OOB, "oob_code": "ftOpMH6ohWMGWoH1vgrX-lNX6tnXE6JNd9",
               "channel": "push", "binding_method": "none", "expires_in": 300, "interval": 5}),
    );
    let c = parse_challenge_reply(&push, MfaMethod::Push).unwrap();
    assert_eq!(c.binding, Binding::None);
    assert_eq!((c.expires_in, c.interval), (Some(300), Some(5)));
    assert!(!format!("{c:?}").contains("ftOpMH6"));
    let number = resp(
        200,
        json!({"challenge_type": MFA_OOB, "oob_code": "oob", "channel": "push",
               "binding_method": "transfer", "binding_code": 95, "expires_in": 300, "interval": 5}),
    );
    let c = parse_challenge_reply(&number, MfaMethod::Push).unwrap();
    assert_eq!(c.binding, Binding::Transfer("95".into()));
    assert!(push_notice(&c.binding, 300).contains("choose the number 95"));
    let as_text = resp(
        200,
        json!({"oob_code": "oob", "binding_method": "transfer", "binding_code": "07"}),
    );
    assert_eq!(
        parse_challenge_reply(&as_text, MfaMethod::Push)
            .unwrap()
            .binding,
        Binding::Transfer("07".into())
    );
    for bad_code in [json!(null), json!("9\u{1b}[2J"), json!("123456789")] {
        let r = resp(
            200,
            json!({"oob_code": "oob", "binding_method": "transfer", "binding_code": bad_code}),
        );
        assert!(parse_challenge_reply(&r, MfaMethod::Push).is_err());
    }
    let prompt = resp(200, json!({"oob_code": "oob", "binding_method": "prompt"}));
    let e = parse_challenge_reply(&prompt, MfaMethod::Push).unwrap_err();
    assert!(e.to_string().contains("--mfa-method otp"), "{e}");
    let no_oob = resp(200, json!({"challenge_type": MFA_OOB}));
    assert!(parse_challenge_reply(&no_oob, MfaMethod::Push).is_err());
    let otp = resp(200, json!({"challenge_type": MFA_OTP}));
    assert_eq!(
        parse_challenge_reply(&otp, MfaMethod::Otp)
            .unwrap()
            .challenge_type,
        MFA_OTP
    );
    let refused = resp(
        403,
        json!({"error": "access_denied", "error_description": "`foo` has expired."}),
    );
    assert_eq!(
        parse_challenge_reply(&refused, MfaMethod::Push)
            .unwrap_err()
            .okta_code(),
        Some("access_denied")
    );
    assert!(push_notice(&Binding::None, 120).contains("approve the push"));
}

fn poll(p: &mut OobPoller, r: &Response, now: u64) -> Decision {
    p.next(PollReply::Response(r), now)
}

#[test]
fn poller_waits_slows_down_and_ends() {
    let pending = resp(400, json!({"error": "authorization_pending"}));
    let slow = resp(400, json!({"error": "slow_down"}));
    let mut p = OobPoller::new(Some(2), Some(30), 1000);
    assert_eq!(p.clock().first_wait(), 2);
    assert!(matches!(poll(&mut p, &pending, 1002), Decision::Wait(2)));
    assert!(matches!(poll(&mut p, &slow, 1004), Decision::Wait(7)));
    assert_eq!(p.clock().interval(), 7);
    // Never past the deadline, and a failure at it.
    assert!(matches!(poll(&mut p, &pending, 1027), Decision::Wait(3)));
    match poll(&mut p, &pending, 1030) {
        Decision::Fail(e) => assert!(e.to_string().contains("not approved within 30 s"), "{e}"),
        other => panic!("{other:?}"),
    }
    // Defaults and caps.
    let p = OobPoller::new(None, None, 0);
    assert_eq!((p.clock().interval(), p.clock().deadline()), (5, 300));
    let p = OobPoller::new(Some(1000), Some(100_000), 0);
    assert_eq!(
        (p.clock().interval(), p.clock().deadline()),
        (MAX_INTERVAL, MAX_EXPIRES_IN)
    );
}

#[test]
fn poller_outcomes() {
    let mut p = OobPoller::new(Some(1), Some(60), 0);
    let ok = resp(200, json!({"access_token": "at", "token_type": "Bearer"}));
    assert!(matches!(poll(&mut p, &ok, 1), Decision::Done(t) if t.access_token == "at"));
    for (error, needle) in [
        ("access_denied", "denied in Okta Verify"),
        ("expired_token", "expired before it was approved"),
        ("invalid_grant", "Okta ended the sign-in"),
    ] {
        let mut p = OobPoller::new(Some(1), Some(60), 0);
        match poll(&mut p, &resp(400, json!({"error": error})), 1) {
            Decision::Fail(e) => {
                assert_eq!(e.okta_code(), Some(error));
                assert!(e.to_string().contains(needle), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }
    let mut p = OobPoller::new(Some(1), Some(60), 0);
    assert!(matches!(
        poll(&mut p, &resp(500, json!({"errorCode": "E0000009"})), 1),
        Decision::Fail(_)
    ));
    // A rate limit waits for its reset.
    let mut limited = resp(429, json!({"errorCode": "E0000047"}));
    limited
        .headers
        .push(("X-Rate-Limit-Reset".into(), "20".into()));
    let mut p = OobPoller::new(Some(1), Some(60), 0);
    assert!(matches!(poll(&mut p, &limited, 10), Decision::Wait(10)));
    // Network errors: three retries, then give up.
    let mut p = OobPoller::new(Some(1), Some(60), 0);
    for n in 0..3 {
        assert!(matches!(
            p.next(PollReply::NetworkError("refused"), n),
            Decision::Wait(1)
        ));
    }
    assert!(matches!(
        p.next(PollReply::NetworkError("refused"), 4),
        Decision::Fail(_)
    ));
}

#[test]
fn otp_reply() {
    let ok = resp(200, json!({"access_token": "at", "token_type": "Bearer"}));
    assert_eq!(parse_otp_reply(&ok).unwrap().access_token, "at");
    let wrong = resp(
        400,
        json!({"error": "invalid_grant", "error_description": "The passcode is invalid."}),
    );
    let e = parse_otp_reply(&wrong).unwrap_err();
    assert_eq!(e.okta_code(), Some("invalid_grant"));
    assert!(e.to_string().contains("rejected the one-time code"), "{e}");
    assert_eq!(clean_otp(" 123 456\n").as_deref(), Some("123456"));
    assert_eq!(clean_otp("  "), None);
    assert_eq!(clean_otp("12;rm"), None);
}

#[test]
fn cache_client_and_scrubbing() {
    let a = token_cache_client("0oa1", "default", "alice");
    assert_ne!(a, token_cache_client("0oa1", "default", "bob"));
    assert_ne!(a, token_cache_client("0oa1", "aus2", "alice"));
    assert_ne!(a, "0oa1");
    let e = Error::Okta {
        code: Some("x".into()),
        message: "echo hunter2-pw".into(),
    };
    assert_eq!(
        without_secret(e, "hunter2-pw").to_string(),
        "echo <redacted>"
    );
}
