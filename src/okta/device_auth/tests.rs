use super::*;
use crate::error::Error;
use crate::http::Method;
use crate::okta::web_request::tests::{CASES, json_resp, org, web};
use crate::term::sanitize;
use serde_json::{Value, json};

/// Device-flow tokens with a secret-looking access and ID token and type `Bearer`.
pub(crate) fn tokens() -> OktaTokens {
    OktaTokens {
        access_token: "AT-secret".into(),
        id_token: "IDT-secret".into(),
        token_type: "Bearer".into(),
        ..Default::default()
    }
}

fn header_names(r: &Request) -> Vec<&str> {
    r.headers.iter().map(|(k, _)| k.as_str()).collect()
}

#[test]
fn device_authorize_request() {
    let o = org();
    let r = web(&o).device_authorize();
    assert_eq!(r.method, Method::Post);
    assert_eq!(r.url, "https://example.okta.com/oauth2/v1/device/authorize");
    assert_eq!(
        r.body(),
        "client_id=0oaCLIENT&scope=openid+okta.apps.sso+okta.apps.read+okta.users.read.self"
    );
    assert_eq!(
        header_names(&r),
        [
            "Accept",
            "Content-Type",
            "User-Agent",
            "X-Okta-Aws-Cli-Operation"
        ]
    );
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(r.header("user-agent"), Some("okta-aws-cli"));
    assert_eq!(r.header("x-okta-aws-cli-operation"), Some("web"));
}

#[test]
fn device_token_request_matches_upstream_bytes() {
    let o = org();
    let r = web(&o).device_token("dev code/1");
    assert_eq!(r.url, "https://example.okta.com/oauth2/v1/token");
    assert_eq!(
        r.body(),
        "client_id=0oaCLIENT&device_code=dev+code%2F1&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"
    );
    assert_eq!(r.method.as_str(), "POST");
    assert_eq!(r.body_bytes(), Some(r.body().into_bytes()));
    assert_eq!(r.header_pairs()[0], ("Accept", "application/json"));
    let dbg = format!("{r:?}");
    assert!(!dbg.contains("dev code/1"), "{dbg}");
    assert!(dbg.contains("<redacted>"));
}

fn transcript() -> Value {
    let text = std::fs::read_to_string(format!("{CASES}B09-device-poll-transcript.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Epoch seconds of the fake clock's t = 0.
const T0: u64 = 1_714_564_800;

/// A transcript entry as the reply the I/O side would see.
fn scripted(entry: &Value) -> std::result::Result<Response, String> {
    if let Some(e) = entry.get("network_error") {
        return Err(e.as_str().unwrap().to_string());
    }
    let mut headers = Vec::new();
    let ct = entry
        .get("content_type")
        .and_then(Value::as_str)
        .unwrap_or("application/json");
    headers.push(("Content-Type".to_string(), ct.to_string()));
    if let Some(Value::Object(h)) = entry.get("headers") {
        for (k, v) in h {
            let mut v = v.as_str().unwrap().to_string();
            if v == "<t=50 as epoch seconds>" {
                v = (T0 + 50).to_string();
            }
            headers.push((k.clone(), v));
        }
    }
    let body = match (entry.get("json"), entry.get("body")) {
        (Some(j), _) => j.to_string().into_bytes(),
        (None, Some(b)) => b.as_str().unwrap().as_bytes().to_vec(),
        _ => Vec::new(),
    };
    Ok(Response {
        status: entry["status"].as_u64().unwrap() as u16,
        reason: String::new(),
        headers,
        body,
    })
}

fn pending() -> Response {
    json_resp(
        400,
        json!({"error": "authorization_pending", "error_description": "pending"}),
    )
}

/// Drive a Poller with the fake clock. Each poll at time t gets the scripted reply for t,
/// or `authorization_pending` when the script has nothing for t. Returns the poll times
/// (relative to t = 0) and the final outcome. Bounded by `max_polls`.
fn drive(script: &[Value], max_polls: usize) -> (Vec<u64>, std::result::Result<OktaTokens, Error>) {
    let auth = &transcript()["device_authorize"]["response"]["json"];
    let mut poller = Poller::new(auth["interval"].as_u64(), auth["expires_in"].as_u64(), T0);
    let mut now = T0 + poller.clock().first_wait();
    let mut times = Vec::new();
    for _ in 0..max_polls {
        let t = now - T0;
        times.push(t);
        let entry = script.iter().find(|e| e["t"].as_u64() == Some(t));
        let reply = match entry.map(scripted) {
            Some(Ok(r)) => Ok(r),
            Some(Err(e)) => Err(e),
            None => Ok(pending()),
        };
        let decision = match &reply {
            Ok(r) => poller.next(PollReply::Response(r), now),
            Err(e) => poller.next(PollReply::NetworkError(e), now),
        };
        match decision {
            Decision::Wait(s) => now += s,
            Decision::Done(t) => return (times, Ok(t)),
            Decision::Fail(e) => return (times, Err(e)),
        }
    }
    panic!("poller did not finish within {max_polls} polls: {times:?}");
}

#[test]
fn b09_device_authorization_reply() {
    let tr = transcript();
    let resp = json_resp(200, tr["device_authorize"]["response"]["json"].clone());
    let a = parse_device_authorization(&resp).unwrap();
    assert_eq!(a.device_code, "FAKE-DEVICE-CODE-0001");
    assert_eq!(a.user_code, "ABCD-EFGH");
    assert_eq!(
        a.verification_uri_complete,
        "https://example.okta.com/activate?user_code=ABCDEFGH"
    );
    assert_eq!((a.expires_in, a.interval), (Some(600), Some(5)));
    assert!(!format!("{a:?}").contains("FAKE-DEVICE-CODE"));

    let mut partial = tr["device_authorize"]["response"]["json"].clone();
    partial
        .as_object_mut()
        .unwrap()
        .remove("verification_uri_complete");
    partial.as_object_mut().unwrap().remove("interval");
    let a = parse_device_authorization(&json_resp(200, partial)).unwrap();
    assert_eq!(
        a.verification_uri_complete,
        "https://example.okta.com/activate?user_code=ABCD-EFGH"
    );
    assert_eq!(a.interval, None);

    let err = parse_device_authorization(&Response {
        status: 400,
        reason: "Bad Request".into(),
        headers: vec![],
        body: json!({"error": "invalid_client", "error_description": "Invalid value for 'client_id' parameter."})
            .to_string()
            .into_bytes(),
    })
    .unwrap_err();
    assert_eq!(err.okta_code(), Some("invalid_client"));
    assert!(
        err.to_string()
            .starts_with("authorize received API response \"400 Bad Request\": invalid_client"),
        "{err}"
    );
    let html = Response {
        status: 200,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: b"<html/>".to_vec(),
        ..Default::default()
    };
    assert_eq!(
        parse_device_authorization(&html).unwrap_err().to_string(),
        "authorize non-JSON API response content type \"text/html\""
    );
}

#[test]
fn b09_main_script_polls_at_5_10_20_50_60() {
    let tr = transcript();
    let script = tr["token_polls"].as_array().unwrap();
    let (times, outcome) = drive(script, 50);
    assert_eq!(times, [5, 10, 20, 50, 60]);
    let t = outcome.unwrap();
    assert_eq!(t.access_token, "FAKE.ACCESS.TOKEN");
    assert_eq!(t.id_token, "FAKE.ID.TOKEN");
    assert_eq!(t.token_type, "Bearer");
    assert_eq!(t.expires_in, Some(3600));
}

#[test]
fn b09_expired_token() {
    let tr = transcript();
    let script = tr["alternative_endings"]["expired"].as_array().unwrap();
    let (times, outcome) = drive(script, 500);
    assert_eq!(times.last(), Some(&600));
    assert_eq!(times.len(), 120);
    let err = outcome.unwrap_err();
    assert_eq!(
        err.to_string(),
        "device code expired, run the command again"
    );
    assert_eq!(err.exit_code(), 1);
}

#[test]
fn b09_local_deadline_ends_polling() {
    // The server never says expired_token: the local expires_in deadline stops the loop.
    let (times, outcome) = drive(&[], 500);
    assert!(times.iter().all(|t| *t <= 600), "{times:?}");
    assert_eq!(times.last(), Some(&600));
    assert_eq!(
        outcome.unwrap_err().to_string(),
        "device code expired, run the command again"
    );
    // A wait never runs past the deadline, whatever the server asks.
    let mut p = Poller::new(Some(5), Some(600), 0);
    let r = Response {
        status: 429,
        headers: vec![("Retry-After".into(), "3600".into())],
        ..Default::default()
    };
    match p.next(PollReply::Response(&r), 590) {
        Decision::Wait(s) => assert_eq!(s, 10),
        d => panic!("{d:?}"),
    }
}

#[test]
fn b09_denied() {
    let tr = transcript();
    let script = tr["alternative_endings"]["denied"].as_array().unwrap();
    let (times, outcome) = drive(script, 50);
    assert_eq!(times, [5, 10, 15]);
    let err = outcome.unwrap_err();
    assert_eq!(err.to_string(), "authorization was denied in the browser");
    assert_eq!(err.okta_code(), Some("access_denied"));
}

#[test]
fn b09_html_from_proxy() {
    let tr = transcript();
    let script = tr["alternative_endings"]["html_from_proxy"]
        .as_array()
        .unwrap();
    let (times, outcome) = drive(script, 50);
    assert_eq!(times, [5]);
    let msg = outcome.unwrap_err().to_string();
    assert!(msg.contains("\"502\""), "{msg}");
    // The first bytes of the body, tags dropped (okta::body_excerpt).
    assert!(msg.ends_with("\"Bad gateway\""), "{msg}");
}

#[test]
fn b09_connection_reset_is_retried_then_fails() {
    let tr = transcript();
    let entry = &tr["alternative_endings"]["connection_reset"][0];
    // Once: retried at the interval, then the flow goes on to the token.
    let mut success = tr["token_polls"][4].clone();
    success["t"] = json!(10);
    let (times, outcome) = drive(&[entry.clone(), success], 10);
    assert_eq!(times, [5, 10]);
    assert_eq!(outcome.unwrap().access_token, "FAKE.ACCESS.TOKEN");
    // Every poll fails: a bounded number of retries, then the error.
    let mut p = Poller::new(Some(5), Some(600), 0);
    let mut now = p.clock().first_wait();
    let mut polls = 0;
    let err = loop {
        polls += 1;
        match p.next(PollReply::NetworkError("connection reset by peer"), now) {
            Decision::Wait(s) => now += s,
            Decision::Fail(e) => break e,
            Decision::Done(_) => panic!("no token from a network error"),
        }
        assert!(polls < 10);
    };
    assert_eq!(polls, MAX_NETWORK_RETRIES + 1);
    assert!(
        err.to_string().contains("connection reset by peer"),
        "{err}"
    );
}

#[test]
fn rate_limit_variants() {
    let r429 = |h: Vec<(&str, &str)>| Response {
        status: 429,
        headers: h.into_iter().map(|(k, v)| (k.into(), v.into())).collect(),
        ..Default::default()
    };
    let wait = |p: &mut Poller, r: &Response, now: u64| match p.next(PollReply::Response(r), now) {
        Decision::Wait(s) => s,
        d => panic!("{d:?}"),
    };
    let mut p = Poller::new(None, None, 1000);
    assert_eq!(p.clock().first_wait(), 5);
    assert_eq!(wait(&mut p, &r429(vec![("Retry-After", "17")]), 1005), 17);
    // A reset already in the past still respects the interval.
    assert_eq!(
        wait(&mut p, &r429(vec![("X-Rate-Limit-Reset", "900")]), 1030),
        5
    );
    // HTTP-date Retry-After.
    let mut p = Poller::new(Some(5), Some(600), 1_445_412_000);
    let r = r429(vec![("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")]);
    assert_eq!(wait(&mut p, &r, 1_445_412_460), 20);
    // No header: growing, bounded back-off.
    let mut p = Poller::new(Some(5), Some(3600), 0);
    let waits: Vec<u64> = (0..6)
        .map(|i| wait(&mut p, &r429(vec![]), 10 + i))
        .collect();
    assert_eq!(waits, [10, 20, 40, 60, 60, 60]);
    // A normal reply resets the back-off.
    assert_eq!(wait(&mut p, &pending(), 100), 5);
    assert_eq!(wait(&mut p, &r429(vec![]), 105), 10);
}

#[test]
fn other_poll_errors() {
    let mut p = Poller::new(Some(5), Some(600), 0);
    let r = json_resp(
        400,
        json!({"error": "invalid_grant", "error_description": "The device code is invalid."}),
    );
    let Decision::Fail(e) = p.next(PollReply::Response(&r), 5) else {
        panic!()
    };
    assert_eq!(e.okta_code(), Some("invalid_grant"));
    assert_eq!(
        e.to_string(),
        "fetching access token polling received unexpected API polling error \"invalid_grant\" - \"The device code is invalid.\""
    );
    let r = Response {
        status: 400,
        reason: "Bad Request".into(),
        headers: vec![],
        body: b"oops\n\n not json".to_vec(),
    };
    let Decision::Fail(e) = p.next(PollReply::Response(&r), 5) else {
        panic!()
    };
    assert_eq!(
        e.to_string(),
        "fetching access token polling received unexpected API error body \"oops not json\""
    );
    // A 200 that is not a token, without leaking its body.
    let r = Response {
        status: 200,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: b"<html>secret-ish</html>".to_vec(),
        ..Default::default()
    };
    let Decision::Fail(e) = p.next(PollReply::Response(&r), 5) else {
        panic!()
    };
    assert!(!e.to_string().contains("secret-ish"), "{e}");
    // Long bodies are cut.
    let long = "x".repeat(1000);
    assert_eq!(crate::okta::oauth::body_excerpt(long.as_bytes()).len(), 103);
}

#[test]
fn tokens_serialize_like_upstream_cache() {
    let t = OktaTokens {
        access_token: "a".into(),
        id_token: "i".into(),
        token_type: "Bearer".into(),
        scope: "openid".into(),
        expires_in: Some(3600),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_string(&t).unwrap(),
        r#"{"access_token":"a","id_token":"i","token_type":"Bearer","scope":"openid","expires_in":3600}"#
    );
    assert!(!format!("{t:?}").contains("\"a\""));
}

#[test]
fn activation_urls_with_control_characters_are_refused() {
    let reply = |complete: &str, uri: &str| {
        json_resp(
            200,
            json!({"device_code": "DC", "user_code": "AB\u{1b}[31mCD",
                   "verification_uri": uri, "verification_uri_complete": complete}),
        )
    };
    for (complete, uri) in [
        ("https://x/\u{1b}[2J", "https://x/activate"),
        ("https://x/activate?c=1\r\nFake: line", "https://x/activate"),
        ("https://x/\u{9b}2J", "https://x/activate"),
        ("", "https://x/\u{7}activate"),
        ("javascript:alert(1)", "https://x/activate"),
        ("https://x/a\tb", "https://x/activate"),
    ] {
        let e = parse_device_authorization(&reply(complete, uri)).expect_err(complete);
        let m = e.to_string();
        assert!(
            m.starts_with("invalid device authorization reply from Okta: verification_uri"),
            "{m}"
        );
        assert!(!sanitize::has_unsafe(&m), "{m:?}");
    }
    // A user code with controls is kept (the banner escapes it), the URL is fine.
    let a = parse_device_authorization(&reply(
        "https://x/activate?user_code=A",
        "https://x/activate",
    ))
    .unwrap();
    assert_eq!(a.user_code, "AB\u{1b}[31mCD");
}

#[test]
fn okta_error_descriptions_are_escaped() {
    let e = parse_device_authorization(&json_resp(
        400,
        json!({"error": "invalid\u{1b}[2J", "error_description": "bad\nline\u{7}"}),
    ))
    .unwrap_err();
    let m = e.to_string();
    assert!(!sanitize::has_unsafe(&m), "{m:?}");
    assert!(m.contains("invalid\\x1b[2J - bad\\nline\\x07"), "{m}");
    let mut p = Poller::new(Some(1), Some(60), 0);
    let d = p.next(
        PollReply::Response(&json_resp(
            400,
            json!({"error": "weird\r", "error_description": "x\u{1b}]0;t\u{7}"}),
        )),
        1,
    );
    let Decision::Fail(e) = d else {
        panic!("expected failure")
    };
    assert!(!sanitize::has_unsafe(&e.to_string()), "{e}");
}

#[test]
fn huge_and_zero_server_numbers_are_bounded() {
    // RFC 8628 §3.5: 0 or absent -> 5 s; absurd values are cut, never overflow.
    assert_eq!(
        Poller::new(Some(0), None, 0).clock().interval(),
        DEFAULT_INTERVAL
    );
    assert_eq!(
        Poller::new(None, Some(0), 0).clock().deadline(),
        DEFAULT_EXPIRES_IN
    );
    let mut p = Poller::new(Some(u64::MAX), Some(u64::MAX), u64::MAX - 10);
    assert_eq!(p.clock().interval(), MAX_INTERVAL);
    assert_eq!(p.clock().deadline(), u64::MAX);
    let mut p2 = Poller::new(Some(u64::MAX), Some(u64::MAX), 0);
    assert_eq!(p2.clock().deadline(), MAX_EXPIRES_IN);
    let slow = json_resp(400, json!({"error": "slow_down"}));
    for _ in 0..3 {
        assert!(matches!(
            p2.next(PollReply::Response(&slow), 1),
            Decision::Wait(_)
        ));
    }
    assert_eq!(p2.clock().interval(), MAX_INTERVAL + 15);
    // Repeated slow_down at a huge interval saturates instead of overflowing.
    p.clock.set_interval(u64::MAX - 1);
    match p.next(PollReply::Response(&slow), u64::MAX - 5) {
        Decision::Wait(s) => assert_eq!(s, 5),
        d => panic!("{d:?}"),
    }
    assert_eq!(p.clock().interval(), u64::MAX);
    // 429 back-off with a huge interval and huge header values.
    let r429 = Response {
        status: 429,
        headers: vec![
            ("X-Rate-Limit-Reset".into(), u64::MAX.to_string()),
            ("Retry-After".into(), u64::MAX.to_string()),
        ],
        ..Default::default()
    };
    for _ in 0..8 {
        match p.next(PollReply::Response(&r429), u64::MAX - 5) {
            Decision::Wait(s) => assert!(s <= 5, "{s}"),
            d => panic!("{d:?}"),
        }
    }
    let bare429 = Response {
        status: 429,
        ..Default::default()
    };
    match p.next(PollReply::Response(&bare429), u64::MAX - 5) {
        Decision::Wait(s) => assert!(s <= 5, "{s}"),
        d => panic!("{d:?}"),
    }
}

#[test]
fn long_server_interval_never_sleeps_past_the_deadline() {
    // interval 100000 s, device code valid 30 s: the first wait is cut to the lifetime,
    // the poll at the deadline still pending ends the run with "device code expired".
    let mut p = Poller::new(Some(100_000), Some(30), T0);
    assert_eq!(p.clock().first_wait(), 30);
    let mut now = T0 + p.clock().first_wait();
    let mut slept = p.clock().first_wait();
    let mut outcome = None;
    for _ in 0..10 {
        match p.next(PollReply::Response(&pending()), now) {
            Decision::Wait(s) => {
                slept += s;
                now += s;
            }
            Decision::Done(_) => panic!("no token was issued"),
            Decision::Fail(e) => {
                outcome = Some(e);
                break;
            }
        }
    }
    assert!(slept <= 30, "slept {slept} s past a 30 s device code");
    assert_eq!(
        outcome.expect("the run must end").to_string(),
        "device code expired, run the command again"
    );
    // A lifetime longer than the (clamped) interval: every wait, first included, stays
    // within the remaining lifetime, and the total never passes it.
    let mut p = Poller::new(Some(100_000), Some(100), T0);
    let mut now = T0 + p.clock().first_wait();
    let mut waits = vec![p.clock().first_wait()];
    loop {
        match p.next(PollReply::Response(&pending()), now) {
            Decision::Wait(s) => {
                assert!(
                    now + s <= T0 + 100,
                    "wait {s} at {} passes the deadline",
                    now - T0
                );
                waits.push(s);
                now += s;
            }
            Decision::Fail(e) => {
                assert_eq!(e.to_string(), "device code expired, run the command again");
                break;
            }
            Decision::Done(_) => panic!("no token was issued"),
        }
        assert!(waits.len() < 10, "{waits:?}");
    }
    assert_eq!(waits, [MAX_INTERVAL, 100 - MAX_INTERVAL]);
}

fn poll_once(reply: Value) -> Decision {
    let mut p = Poller::new(Some(5), Some(600), 0);
    p.next(PollReply::Response(&json_resp(200, reply)), 5)
}

fn good_token_reply() -> Value {
    json!({"token_type": "Bearer", "expires_in": 3600, "access_token": "AT.x-y_z",
           "scope": "openid okta.apps.sso", "id_token": "ID.a.b"})
}

#[test]
fn token_reply_numbers_as_strings_and_null_scope_are_json() {
    // Valid JSON in shapes the device-authorize parser already accepts.
    for (field, value, want) in [
        ("expires_in", json!("3600"), Some(3600)),
        ("expires_in", json!(" 120 "), Some(120)),
        ("expires_in", json!(1e20), None),
        ("expires_in", json!(-5), None),
        ("expires_in", json!(2.5), None),
        ("expires_in", json!(null), None),
        ("expires_in", json!(u64::MAX), Some(MAX_TOKEN_LIFETIME)),
        ("scope", json!(null), Some(3600)),
    ] {
        let mut reply = good_token_reply();
        reply[field] = value.clone();
        match poll_once(reply) {
            Decision::Done(t) => {
                assert_eq!(t.expires_in, want, "{field}: {value}");
                assert_eq!(t.access_token, "AT.x-y_z");
                if field == "scope" {
                    assert_eq!(t.scope, "");
                }
            }
            d => panic!("{field}: {value}: {d:?}"),
        }
    }
    // Still non-JSON: an HTML page, or JSON that is not an object.
    let html = Response {
        status: 200,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: b"<html>".to_vec(),
        ..Default::default()
    };
    let mut p = Poller::new(Some(5), Some(600), 0);
    match p.next(PollReply::Response(&html), 5) {
        Decision::Fail(e) => assert!(e.to_string().contains("non-JSON"), "{e}"),
        d => panic!("{d:?}"),
    }
    match poll_once(json!(["AT"])) {
        Decision::Fail(e) => assert!(e.to_string().contains("non-JSON"), "{e}"),
        d => panic!("{d:?}"),
    }
}

#[test]
fn unusable_token_replies_fail_before_anything_stores_them() {
    for (field, value, want) in [
        (
            "id_token",
            None,
            "no id_token (the OIDC app must grant the openid scope)",
        ),
        ("id_token", Some(json!("")), "no id_token"),
        ("access_token", None, "no access_token"),
        ("access_token", Some(json!(7)), "no access_token"),
        ("token_type", None, "no token_type"),
        ("token_type", Some(json!("")), "no token_type"),
        (
            "token_type",
            Some(json!("Bearer\r\nX-Evil: 1")),
            "token_type \"Bearer\\r\\nX-Evil: 1\" is not a single printable word",
        ),
        (
            "token_type",
            Some(json!("Be arer")),
            "is not a single printable word",
        ),
        (
            "access_token",
            Some(json!("AT\nsecret")),
            "access_token contains white space",
        ),
        (
            "id_token",
            Some(json!("ID\u{e9}")),
            "id_token contains white space or characters that are not printable ASCII",
        ),
    ] {
        let mut reply = good_token_reply();
        match &value {
            Some(v) => reply[field] = v.clone(),
            None => {
                reply.as_object_mut().unwrap().remove(field);
            }
        }
        match poll_once(reply) {
            Decision::Fail(e) => {
                let m = e.to_string();
                assert!(
                    m.starts_with(
                        "fetching access token polling received an unusable token response: "
                    ) && m.contains(want),
                    "{field}: {m}"
                );
                assert!(!m.contains("secret") && !sanitize::has_unsafe(&m), "{m:?}");
            }
            d => panic!("{field}: {d:?}"),
        }
    }
    assert_eq!(check_tokens("a", "b", "Bearer"), Ok(()));
    assert!(check_tokens("a", "b", "DPoP").is_ok());
}

#[test]
fn device_authorize_reply_missing_required_fields() {
    let full = json!({"device_code": "DC", "user_code": "ABCD-EFGH",
                      "verification_uri": "https://x/activate",
                      "verification_uri_complete": "https://x/activate?user_code=ABCD-EFGH",
                      "expires_in": 600, "interval": 5});
    assert!(parse_device_authorization(&json_resp(200, full.clone())).is_ok());
    for (field, value) in [
        ("user_code", None),
        ("user_code", Some(json!(""))),
        ("verification_uri", Some(json!(""))),
        ("verification_uri", None),
        ("device_code", Some(json!(" "))),
    ] {
        let mut reply = full.clone();
        match value {
            Some(v) => reply[field] = v,
            None => {
                reply.as_object_mut().unwrap().remove(field);
            }
        }
        let e = parse_device_authorization(&json_resp(200, reply)).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("authorize API response has no {field} (absent or empty)")
        );
    }
}

#[test]
fn activation_urls_must_be_on_the_org_origin() {
    let auth = |uri: &str, complete: &str| DeviceAuthorization {
        device_code: "DC".into(),
        user_code: "AB".into(),
        verification_uri: uri.into(),
        verification_uri_complete: complete.into(),
        expires_in: None,
        interval: None,
    };
    let base = org().base;
    let ok = auth(
        "https://example.okta.com/activate",
        "https://EXAMPLE.okta.com:443/activate?user_code=A|B>C^D%\"E",
    );
    assert_eq!(
        activation_url(&ok, &base).unwrap(),
        "https://example.okta.com/activate?user_code=A%7CB%3EC%5ED%25%22E"
    );
    for (uri, complete, field) in [
        (
            "https://example.okta.com/activate",
            "https://evil.example/activate",
            "verification_uri_complete",
        ),
        (
            "https://evil.example/activate",
            "https://example.okta.com/activate",
            "verification_uri",
        ),
        (
            "https://example.okta.com/activate",
            "http://example.okta.com/activate",
            "verification_uri_complete",
        ),
        (
            "https://example.okta.com/activate",
            "https://example.okta.com@evil.example/activate",
            "verification_uri_complete",
        ),
    ] {
        let m = activation_url(&auth(uri, complete), &base)
            .unwrap_err()
            .to_string();
        assert!(
            m.starts_with(&format!(
                "invalid device authorization reply from Okta: {field} "
            )),
            "{m}"
        );
        assert!(!m.contains('\n'), "{m}");
    }
}
