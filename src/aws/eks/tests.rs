//! Unit tests of the EKS token: the endpoint, the presigned URL (against a signature
//! botocore computed for the same inputs), the token's shape and length limit, the
//! expiration rules, and the `ExecCredential` JSON. `authenticator_accepts` re-checks every
//! token with the rules aws-iam-authenticator's server applies (see the module docs).

use base64::Engine as _;
use serde_json::Value;

use super::*;

const KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SESSION: &str = "FQoGZXIvYXdzEXAMPLE/token+with=chars";
/// 2015-08-30T12:36:00Z.
const NOW: i64 = 1_440_938_160;

fn creds(expiration: &str) -> Credentials {
    Credentials {
        access_key_id: KEY_ID.into(),
        secret_access_key: SECRET.into(),
        session_token: SESSION.into(),
        expiration: expiration.into(),
    }
}

fn at(secs: i64) -> OffsetDateTime {
    sigv4::time_from_unix(secs).unwrap()
}

fn regional(region: &str) -> Endpoint {
    endpoint(&EndpointUrls::default(), Some(region), None).unwrap()
}

/// The URL inside a token.
fn decode(token: &str) -> String {
    let body = token.strip_prefix(TOKEN_PREFIX).expect("prefix");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body)
        .expect("base64url without padding");
    String::from_utf8(bytes).unwrap()
}

/// The checks aws-iam-authenticator's server makes before it calls STS, for a token
/// made at `now`, with `hosts` the STS hosts it accepts. `Err` names the first rule
/// broken.
fn authenticator_accepts(token: &str, hosts: &[&str], now: i64) -> std::result::Result<(), String> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err("too large".into());
    }
    let url = decode(token);
    let rest = url.strip_prefix("https://").ok_or("scheme")?;
    let (host, target) = rest.split_once('/').ok_or("no path")?;
    if !hosts.contains(&host) {
        return Err(format!("host {host}"));
    }
    let (path, query) = target.split_once('?').ok_or("no query")?;
    if !path.is_empty() {
        return Err(format!("path /{path}"));
    }
    let allowed = [
        "action",
        "version",
        "x-amz-algorithm",
        "x-amz-credential",
        "x-amz-date",
        "x-amz-expires",
        "x-amz-security-token",
        "x-amz-signature",
        "x-amz-signedheaders",
    ];
    let mut seen: Vec<(String, String)> = Vec::new();
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').ok_or("bare parameter")?;
        let k = k.to_ascii_lowercase();
        if !allowed.contains(&k.as_str()) {
            return Err(format!("parameter {k}"));
        }
        if seen.iter().any(|(s, _)| *s == k) {
            return Err(format!("{k} twice"));
        }
        let v = String::from_utf8(sigv4::uri_decode(v)).unwrap();
        seen.push((k, v));
    }
    let get = |k: &str| seen.iter().find(|(s, _)| s == k).map(|(_, v)| v.as_str());
    if get("action") != Some("GetCallerIdentity") {
        return Err("action".into());
    }
    if !get("x-amz-signedheaders")
        .unwrap_or("")
        .split(';')
        .any(|h| h.eq_ignore_ascii_case(CLUSTER_ID_HEADER))
    {
        return Err("cluster id header not signed".into());
    }
    match get("x-amz-expires").and_then(|v| v.parse::<i64>().ok()) {
        Some(e) if (0..=900).contains(&e) => {}
        _ => return Err("x-amz-expires".into()),
    }
    let date = get("x-amz-date").ok_or("no date")?;
    if date != sigv4::amz_date(at(now)) {
        return Err(format!("date {date}"));
    }
    Ok(())
}

#[test]
fn endpoints_follow_region_partition_and_overrides() {
    let none = EndpointUrls::default();
    let ep = regional("eu-west-1");
    assert_eq!(ep.origin, "https://sts.eu-west-1.amazonaws.com");
    assert_eq!(ep.host, "sts.eu-west-1.amazonaws.com");
    assert_eq!(
        (ep.path.as_str(), ep.signing_region.as_str()),
        ("/", "eu-west-1")
    );
    assert_eq!(
        regional("cn-north-1").host,
        "sts.cn-north-1.amazonaws.com.cn"
    );
    assert_eq!(
        regional("us-gov-west-1").host,
        "sts.us-gov-west-1.amazonaws.com"
    );
    // No region: the global endpoint of the signing role's partition, else of `aws`.
    let global = endpoint(&none, None, None).unwrap();
    assert_eq!(
        (global.host.as_str(), global.signing_region.as_str()),
        ("sts.amazonaws.com", "us-east-1")
    );
    let label = endpoint(&none, Some("  "), Some("Admin label")).unwrap();
    assert_eq!(label, global);
    let cn = endpoint(&none, None, Some("arn:aws-cn:iam::123456789012:role/A")).unwrap();
    assert_eq!(
        (cn.host.as_str(), cn.signing_region.as_str()),
        ("sts.cn-north-1.amazonaws.com.cn", "cn-north-1")
    );
    // The region wins over the role for the partition.
    let gov = endpoint(&none, Some("us-gov-east-1"), Some("arn:aws:iam::1:role/A")).unwrap();
    assert_eq!(gov.host, "sts.us-gov-east-1.amazonaws.com");
    // AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, as given (path kept, default port left out).
    let urls = EndpointUrls {
        all: Some("https://ignored.example".into()),
        sts: Some("https://127.0.0.1:8443/sts/".into()),
        ..EndpointUrls::default()
    };
    let ep = endpoint(&urls, Some("eu-west-1"), None).unwrap();
    assert_eq!(ep.origin, "https://127.0.0.1:8443");
    assert_eq!(
        (ep.host.as_str(), ep.path.as_str()),
        ("127.0.0.1:8443", "/sts/")
    );
    assert_eq!(ep.signing_region, "eu-west-1");
    let urls = EndpointUrls {
        all: Some("https://vpce.example:443".into()),
        ..EndpointUrls::default()
    };
    let ep = endpoint(&urls, None, None).unwrap();
    assert_eq!(
        (ep.origin.as_str(), ep.path.as_str()),
        ("https://vpce.example", "/")
    );
    for bad in ["https://h/?x=1", "https://h/#f", "ftp://h/"] {
        let urls = EndpointUrls {
            sts: Some(bad.into()),
            ..EndpointUrls::default()
        };
        assert!(
            matches!(endpoint(&urls, None, None), Err(Error::Config(_))),
            "{bad}"
        );
    }
    assert!(matches!(
        endpoint(&none, Some("Not A Region"), None),
        Err(Error::Config(_))
    ));
}

#[test]
fn presigned_url_matches_botocore() {
    // botocore 1.44.18: an STS client for us-west-2 with these credentials, a before-sign
    // handler adding `x-k8s-aws-id: my-cluster` (as `aws eks get-token` does), and
    // generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET") at
    // 2015-08-30T12:36:00Z.
    const BOTOCORE_SIGNATURE: &str =
        "1dc7665508e432449c86fa0989468a1e31ef1525ea00c27db8e17f69e48a171a";
    let url = presigned_url(
        &regional("us-west-2"),
        "my-cluster",
        &creds("2015-08-30T13:36:00Z"),
        at(NOW),
    )
    .unwrap();
    assert_eq!(
        url,
        "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15\
         &X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%2Fsts%2Faws4_request\
         &X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Expires=60\
         &X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE%2Ftoken%2Bwith%3Dchars\
         &X-Amz-Signature="
            .to_string()
            + BOTOCORE_SIGNATURE
    );
    // Another cluster id, another signature.
    let other = presigned_url(
        &regional("us-west-2"),
        "other",
        &creds("2015-08-30T13:36:00Z"),
        at(NOW),
    )
    .unwrap();
    assert!(!other.ends_with(BOTOCORE_SIGNATURE));
    // A cluster id that would break the header is refused, without the secret.
    let err = presigned_url(&regional("us-west-2"), "a\nb", &creds("x"), at(NOW)).unwrap_err();
    assert!(!err.to_string().contains(SESSION), "{err}");
}

#[test]
fn tokens_are_prefixed_base64url_without_padding_and_accepted() {
    for (region, host) in [
        ("eu-west-1", "sts.eu-west-1.amazonaws.com"),
        ("cn-north-1", "sts.cn-north-1.amazonaws.com.cn"),
        ("us-gov-west-1", "sts.us-gov-west-1.amazonaws.com"),
    ] {
        let url = presigned_url(
            &regional(region),
            "prod",
            &creds("2015-08-30T13:36:00Z"),
            at(NOW),
        )
        .unwrap();
        let t = token(&url).unwrap();
        assert!(t.starts_with("k8s-aws-v1."), "{t}");
        assert!(
            t[TOKEN_PREFIX.len()..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{t}"
        );
        assert_eq!(decode(&t), url);
        assert_eq!(authenticator_accepts(&t, &[host], NOW), Ok(()));
        // The check is live: another host, or an unsigned cluster id, is refused.
        assert!(authenticator_accepts(&t, &["sts.amazonaws.com"], NOW).is_err());
        let unsigned = token(&url.replace("host%3Bx-k8s-aws-id", "host")).unwrap();
        assert!(authenticator_accepts(&unsigned, &[host], NOW).is_err());
    }
}

#[test]
fn tokens_over_4_kib_are_refused() {
    // The longest URL that fits: 3063 bytes make 4084 base64 characters, 4095 bytes with
    // the prefix; one byte more makes 4097.
    let url = "h".repeat(3063);
    assert_eq!(token(&url).unwrap().len(), MAX_TOKEN_BYTES - 1);
    let err = token(&format!("{url}h")).unwrap_err().to_string();
    assert!(err.contains("4096"), "{err}");
    // Through the whole path: a huge session token.
    let mut c = creds("2015-08-30T13:36:00Z");
    c.session_token = "A".repeat(3000);
    let err = exec_credential(&regional("eu-west-1"), "prod", &c, NOW).unwrap_err();
    assert!(matches!(err, Error::Runtime(_)), "{err:?}");
    assert!(!err.to_string().contains(&c.session_token));
}

#[test]
fn expiration_is_14_minutes_and_never_after_the_credentials() {
    let now = at(NOW);
    // Credentials good for an hour: 14 minutes.
    assert_eq!(
        expiration(now, "2015-08-30T13:36:00Z").unwrap(),
        at(NOW + TOKEN_LIFETIME_SECS)
    );
    // Credentials that expire in 5 minutes: then.
    assert_eq!(
        expiration(now, "2015-08-30T12:41:00Z").unwrap(),
        at(NOW + 300)
    );
    // Exactly 14 minutes either way.
    assert_eq!(
        expiration(now, "2015-08-30T12:50:00Z").unwrap(),
        at(NOW + 840)
    );
    // Expired, or expiring now: no token.
    for past in ["2015-08-30T12:36:00Z", "2015-08-30T12:00:00Z"] {
        let err = expiration(now, past).unwrap_err().to_string();
        assert!(err.contains("expired"), "{err}");
    }
    assert!(expiration(now, "tomorrow").is_err());
}

#[test]
fn exec_credential_is_the_v1beta1_shape() {
    let out = exec_credential(
        &regional("eu-west-1"),
        "prod",
        &creds("2015-08-30T12:40:00Z"),
        NOW,
    )
    .unwrap();
    assert!(
        out.ends_with("}\n") && out.matches('\n').count() == 1,
        "{out:?}"
    );
    assert!(
        out.starts_with(
            "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"spec\":{},\"status\":{\"expirationTimestamp\":\"2015-08-30T12:40:00Z\",\"token\":\"k8s-aws-v1."
        ),
        "{out}"
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    let t = doc["status"]["token"].as_str().unwrap();
    assert_eq!(
        authenticator_accepts(t, &["sts.eu-west-1.amazonaws.com"], NOW),
        Ok(())
    );
    assert_eq!(doc["spec"], serde_json::json!({}));
    assert_eq!(
        exec_credential_json("k8s-aws-v1.x", at(NOW + 840)),
        "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"spec\":{},\"status\":{\"expirationTimestamp\":\"2015-08-30T12:50:00Z\",\"token\":\"k8s-aws-v1.x\"}}\n"
    );
}
