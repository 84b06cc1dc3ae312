//! PURE: the retry policy of every HTTP call (issue 11), decided from one attempt's outcome.
//!
//! AWS (STS, IAM) follows the AWS SDKs' "standard" retry mode: at most [`MAX_ATTEMPTS`]
//! attempts, exponential back-off with full jitter (base [`AWS_BASE_BACKOFF`], cap
//! [`MAX_BACKOFF`]), retrying the throttling codes of [`AWS_THROTTLING_CODES`], HTTP 429,
//! 500, 502, 503, 504 and connection failures, never another 4xx (`AccessDenied`,
//! `ValidationError`, `InvalidIdentityToken`, `ExpiredToken`: one call).
//!
//! Okta follows the Okta SDKs' rate-limit handling: HTTP 429 waits until
//! `X-Rate-Limit-Reset` (epoch seconds) or `Retry-After` (seconds or an HTTP date), read by
//! [`read_rate_limit`], the one reader of those headers; at most
//! [`MAX_RATE_LIMIT_WAIT`]; 502, 503, 504 and connection failures are retried with back-off
//! (base [`OKTA_BASE_BACKOFF`]); at most [`MAX_ATTEMPTS`] attempts.
//!
//! Either service retries status codes only for calls that may be repeated
//! ([`Attempt::repeatable`]); a call that may not is retried only when nothing reached the
//! server (connection refused). Every wait counts against the run's budget
//! ([`RUN_WAIT_BUDGET`]), so no sign-in step waits more than a few minutes in total.

use std::time::Duration;

use super::message::Service;

/// Most attempts of one call, the first included (AWS standard mode, Okta SDKs).
pub const MAX_ATTEMPTS: u32 = 3;
/// Back-off base for AWS calls (AWS SDK standard mode): the n-th retry waits a random time
/// in `[0, base * 2^(n-1)]`.
pub const AWS_BASE_BACKOFF: Duration = Duration::from_millis(100);
/// Back-off base for Okta 5xx replies and connection failures.
pub const OKTA_BASE_BACKOFF: Duration = Duration::from_millis(500);
/// Longest single back-off (AWS SDK standard mode: 20 s).
pub const MAX_BACKOFF: Duration = Duration::from_secs(20);
/// Longest wait for an Okta rate limit to reset (429).
pub const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);
/// Most time one run spends waiting between attempts, over all its calls.
pub const RUN_WAIT_BUDGET: Duration = Duration::from_secs(180);
/// Added at random (up to this much) to an Okta rate-limit wait, so parallel clients do not
/// all come back at the same instant.
const RATE_LIMIT_JITTER: Duration = Duration::from_millis(500);

/// AWS error codes that mean "throttled, try again later" (AWS SDK standard mode).
pub const AWS_THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// How an attempt failed below HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetFailure {
    /// The connection was refused: nothing reached the server.
    Refused,
    /// Connecting timed out (DNS, TCP or TLS handshake): nothing was sent.
    ConnectTimeout,
    /// The connection was reset or closed early: the request may have reached the server.
    Dropped,
    /// Anything else (TLS verification, DNS failure, whole-request timeout, ...): final.
    Other,
}

/// The outcome of one attempt, as the policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// An HTTP reply.
    Reply {
        /// The status code.
        status: u16,
        /// AWS: the `<Code>` of an error reply's XML body ([`aws_error_code`]).
        aws_code: Option<&'a str>,
        /// The `Retry-After` header.
        retry_after: Option<&'a str>,
        /// Okta: the `X-Rate-Limit-Reset` header (Unix epoch seconds).
        rate_limit_reset: Option<&'a str>,
    },
    /// No reply.
    Network(NetFailure),
}

/// Everything the policy decides from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt<'a> {
    /// Okta or AWS.
    pub service: Service,
    /// Whether repeating the call is safe (it changes nothing, or the server treats a repeat
    /// as the same request): STS, IAM, and the Okta calls listed in issue 11.
    pub repeatable: bool,
    /// The number of the attempt that just ended, 1 for the first.
    pub number: u32,
    /// What it gave.
    pub outcome: Outcome<'a>,
    /// The time now, milliseconds since the Unix epoch.
    pub now_ms: u64,
    /// A random number for the jitter (uniform over `u64`).
    pub random: u64,
    /// What is left of the run's waiting budget ([`RUN_WAIT_BUDGET`]).
    pub budget_left: Duration,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The outcome is final: hand it to the caller as it is.
    Done,
    /// Wait, then try again.
    Retry {
        /// How long to wait.
        after: Duration,
        /// Whether to say so on stderr (an Okta rate limit, or a wait of a second or more).
        announce: bool,
    },
    /// The outcome is a retryable failure, but no attempt or waiting budget is left: an
    /// error naming the endpoint, the last status or cause and the number of attempts.
    GiveUp,
}

/// Whether the outcome is worth another attempt at all (ignoring attempt counts).
fn retryable(a: &Attempt<'_>) -> bool {
    match a.outcome {
        Outcome::Network(NetFailure::Refused) => true,
        Outcome::Network(NetFailure::ConnectTimeout | NetFailure::Dropped) => a.repeatable,
        Outcome::Network(NetFailure::Other) => false,
        Outcome::Reply {
            status, aws_code, ..
        } => {
            a.repeatable
                && match a.service {
                    Service::Aws => {
                        matches!(status, 429 | 500 | 502 | 503 | 504)
                            || aws_code.is_some_and(|c| AWS_THROTTLING_CODES.contains(&c))
                    }
                    Service::Okta => matches!(status, 429 | 502 | 503 | 504),
                }
        }
    }
}

/// Full-jitter exponential back-off: a random time in `[0, min(cap, base * 2^(n-1))]` for
/// the retry after attempt `n`.
pub fn backoff(base: Duration, number: u32, random: u64) -> Duration {
    let ceiling = base
        .saturating_mul(1u32 << number.saturating_sub(1).min(20))
        .min(MAX_BACKOFF);
    ceiling.mul_f64(fraction(random))
}

/// `random` as a fraction in `[0, 1]`.
fn fraction(random: u64) -> f64 {
    random as f64 / u64::MAX as f64
}

/// When an Okta rate limit (HTTP 429) lifts, as the reply's headers say
/// ([`read_rate_limit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitReset {
    /// From `X-Rate-Limit-Reset`: the Unix epoch second at which the limit resets.
    At(u64),
    /// From `Retry-After`: seconds to wait. The delay-seconds form as given; the HTTP-date
    /// form as the seconds from now to that date, 0 when it is past.
    After(u64),
}

impl RateLimitReset {
    /// Whole seconds from `now_secs` (Unix epoch seconds) until the limit lifts; 0 when a
    /// reset time is already past.
    pub fn secs_from(self, now_secs: u64) -> u64 {
        match self {
            RateLimitReset::At(reset) => reset.saturating_sub(now_secs),
            RateLimitReset::After(secs) => secs,
        }
    }
}

/// Read Okta's rate-limit headers: the one reader, for [`decide`] and for the device-code
/// poller. `reset` is the `X-Rate-Limit-Reset` value (Unix epoch seconds, Okta's "Rate limit
/// headers" page), which wins when it is a whole number. Else `retry_after`, the
/// `Retry-After` value (RFC 9110 §10.2.3): delay seconds, or an HTTP date such as `Wed, 21
/// Oct 2015 07:28:00 GMT`, measured from `now_secs` (Unix epoch seconds). Values are
/// trimmed. `None` when neither header is there or readable (a date before 1970 included).
pub fn read_rate_limit(
    reset: Option<&str>,
    retry_after: Option<&str>,
    now_secs: u64,
) -> Option<RateLimitReset> {
    if let Some(reset) = reset.and_then(|r| r.trim().parse::<u64>().ok()) {
        return Some(RateLimitReset::At(reset));
    }
    let retry = retry_after?.trim();
    if let Ok(secs) = retry.parse::<u64>() {
        return Some(RateLimitReset::After(secs));
    }
    let at = time::OffsetDateTime::parse(retry, &time::format_description::well_known::Rfc2822)
        .ok()?
        .unix_timestamp();
    Some(RateLimitReset::After(
        u64::try_from(at).ok()?.saturating_sub(now_secs),
    ))
}

/// Okta 429: until `X-Rate-Limit-Reset` (plus up to [`RATE_LIMIT_JITTER`]; one second when
/// the reset is already past by our clock), else `Retry-After` (plus the same jitter), else
/// back-off; never more than [`MAX_RATE_LIMIT_WAIT`].
fn rate_limit_wait(a: &Attempt<'_>, retry_after: Option<&str>, reset: Option<&str>) -> Duration {
    let jitter = RATE_LIMIT_JITTER.mul_f64(fraction(a.random));
    let wait = match read_rate_limit(reset, retry_after, a.now_ms / 1000) {
        Some(RateLimitReset::At(reset)) => {
            let reset_ms = reset.saturating_mul(1000);
            if reset_ms > a.now_ms {
                Duration::from_millis(reset_ms - a.now_ms) + jitter
            } else {
                Duration::from_secs(1)
            }
        }
        Some(RateLimitReset::After(secs)) => Duration::from_secs(secs) + jitter,
        None => backoff(OKTA_BASE_BACKOFF, a.number, a.random),
    };
    wait.min(MAX_RATE_LIMIT_WAIT)
}

/// Decide what follows an attempt (see the module documentation).
pub fn decide(a: &Attempt<'_>) -> Verdict {
    if !retryable(a) {
        return Verdict::Done;
    }
    // A call that may not be repeated keeps its reply; only a refused connection (nothing
    // was sent) is tried again, and gives up as an error.
    if a.number >= MAX_ATTEMPTS {
        return Verdict::GiveUp;
    }
    let (after, announce) = match (a.service, a.outcome) {
        (
            Service::Okta,
            Outcome::Reply {
                status: 429,
                retry_after,
                rate_limit_reset,
                ..
            },
        ) => (rate_limit_wait(a, retry_after, rate_limit_reset), true),
        (Service::Okta, _) => (backoff(OKTA_BASE_BACKOFF, a.number, a.random), false),
        (Service::Aws, _) => (backoff(AWS_BASE_BACKOFF, a.number, a.random), false),
    };
    if after > a.budget_left {
        return Verdict::GiveUp;
    }
    Verdict::Retry {
        after,
        announce: announce || after >= Duration::from_secs(1),
    }
}

/// The `<Code>` of an AWS Query-API error body (`<ErrorResponse><Error><Code>Throttling
/// </Code>...`), trimmed; `None` when there is none.
pub fn aws_error_code(body: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(body).ok()?;
    let start = text.find("<Code>")? + "<Code>".len();
    let len = text[start..].find("</Code>")?;
    let code = text[start..start + len].trim();
    (!code.is_empty() && code.len() <= 128 && !code.contains('<')).then_some(code)
}

/// A short, secret-free description of an error reply for messages: the AWS `<Code>`, or
/// Okta's `errorCode` / OAuth `error`, when the body has one.
pub fn error_code(body: &[u8]) -> Option<String> {
    if let Some(code) = aws_error_code(body) {
        return Some(code.to_string());
    }
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    ["errorCode", "error"]
        .iter()
        .find_map(|k| value.get(k).and_then(|v| v.as_str()))
        .filter(|c| c.len() <= 128)
        .map(|c| crate::term::sanitize::line(c).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(service: Service, number: u32, outcome: Outcome<'static>) -> Attempt<'static> {
        Attempt {
            service,
            repeatable: true,
            number,
            outcome,
            now_ms: 1_700_000_000_000,
            random: u64::MAX,
            budget_left: RUN_WAIT_BUDGET,
        }
    }

    fn reply(status: u16, aws_code: Option<&'static str>) -> Outcome<'static> {
        Outcome::Reply {
            status,
            aws_code,
            retry_after: None,
            rate_limit_reset: None,
        }
    }

    fn waits(v: Verdict) -> Option<Duration> {
        match v {
            Verdict::Retry { after, .. } => Some(after),
            _ => None,
        }
    }

    #[test]
    fn aws_retries_throttling_and_5xx_never_other_4xx() {
        for code in [
            "Throttling",
            "ThrottlingException",
            "RequestLimitExceeded",
            "TooManyRequestsException",
        ] {
            let v = decide(&attempt(Service::Aws, 1, reply(400, Some(code))));
            assert!(waits(v).is_some(), "{code}: {v:?}");
        }
        for status in [429, 500, 502, 503, 504] {
            assert!(waits(decide(&attempt(Service::Aws, 2, reply(status, None)))).is_some());
        }
        for code in [
            "AccessDenied",
            "ValidationError",
            "InvalidIdentityToken",
            "ExpiredToken",
        ] {
            let v = decide(&attempt(Service::Aws, 1, reply(403, Some(code))));
            assert_eq!(v, Verdict::Done, "{code}");
        }
        for status in [200, 400, 401, 403, 404, 501] {
            assert_eq!(
                decide(&attempt(Service::Aws, 1, reply(status, None))),
                Verdict::Done
            );
        }
    }

    #[test]
    fn three_attempts_then_give_up() {
        let r = reply(503, None);
        assert!(waits(decide(&attempt(Service::Aws, 1, r))).is_some());
        assert!(waits(decide(&attempt(Service::Aws, 2, r))).is_some());
        assert_eq!(decide(&attempt(Service::Aws, 3, r)), Verdict::GiveUp);
        assert_eq!(decide(&attempt(Service::Okta, 3, r)), Verdict::GiveUp);
    }

    #[test]
    fn full_jitter_exponential_backoff_is_bounded() {
        // random = max: the ceiling itself; random = 0: no wait.
        assert_eq!(
            backoff(AWS_BASE_BACKOFF, 1, u64::MAX),
            Duration::from_millis(100)
        );
        assert_eq!(
            backoff(AWS_BASE_BACKOFF, 2, u64::MAX),
            Duration::from_millis(200)
        );
        assert_eq!(backoff(AWS_BASE_BACKOFF, 2, 0), Duration::ZERO);
        let half = backoff(AWS_BASE_BACKOFF, 3, u64::MAX / 2);
        assert!(half > Duration::from_millis(190) && half < Duration::from_millis(210));
        assert_eq!(backoff(AWS_BASE_BACKOFF, 30, u64::MAX), MAX_BACKOFF);
        assert_eq!(
            waits(decide(&attempt(Service::Okta, 1, reply(503, None)))),
            Some(OKTA_BASE_BACKOFF)
        );
    }

    #[test]
    fn okta_retries_429_and_gateway_errors_only() {
        for status in [429, 502, 503, 504] {
            assert!(waits(decide(&attempt(Service::Okta, 1, reply(status, None)))).is_some());
        }
        for status in [400, 401, 403, 404, 500] {
            assert_eq!(
                decide(&attempt(Service::Okta, 1, reply(status, None))),
                Verdict::Done,
                "{status}"
            );
        }
    }

    #[test]
    fn okta_rate_limit_waits_for_the_reset_capped_and_announced() {
        let now_s = 1_700_000_000u64;
        let mut a = attempt(Service::Okta, 1, reply(429, None));
        a.random = 0;
        let with = |reset: Option<&'static str>, retry_after: Option<&'static str>| {
            let mut a = a;
            a.outcome = Outcome::Reply {
                status: 429,
                aws_code: None,
                retry_after,
                rate_limit_reset: reset,
            };
            decide(&a)
        };
        let reset = Box::leak((now_s + 7).to_string().into_boxed_str());
        assert_eq!(
            with(Some(reset), Some("2")),
            Verdict::Retry {
                after: Duration::from_secs(7),
                announce: true
            }
        );
        let far = Box::leak((now_s + 3600).to_string().into_boxed_str());
        assert_eq!(waits(with(Some(far), None)), Some(MAX_RATE_LIMIT_WAIT));
        let past = Box::leak((now_s - 5).to_string().into_boxed_str());
        assert_eq!(waits(with(Some(past), None)), Some(Duration::from_secs(1)));
        assert_eq!(
            waits(with(None, Some("3"))),
            Some(Duration::from_secs(3)),
            "Retry-After seconds"
        );
        assert_eq!(waits(with(None, Some("9999"))), Some(MAX_RATE_LIMIT_WAIT));
        // An HTTP date already past: no wait (the jitter is 0 here).
        assert_eq!(
            waits(with(None, Some("Wed, 21 Oct 2015 07:28:00 GMT"))),
            Some(Duration::ZERO)
        );
        // An HTTP date 4 s ahead of now.
        assert_eq!(
            waits(with(None, Some("Tue, 14 Nov 2023 22:13:24 GMT"))),
            Some(Duration::from_secs(4)),
            "Retry-After HTTP date"
        );
        // Neither header readable: back-off (0 with this random number).
        assert_eq!(waits(with(None, Some("soon"))), Some(Duration::ZERO));
        assert_eq!(waits(with(None, None)), Some(Duration::ZERO));
        // Jitter is added on top of the reset, at most RATE_LIMIT_JITTER.
        a.random = u64::MAX;
        a.outcome = Outcome::Reply {
            status: 429,
            aws_code: None,
            retry_after: None,
            rate_limit_reset: Some(reset),
        };
        assert_eq!(
            waits(decide(&a)),
            Some(Duration::from_secs(7) + RATE_LIMIT_JITTER)
        );
    }

    #[test]
    fn rate_limit_headers_have_one_reader() {
        let now = 1_445_412_000; // 2015-10-21 07:20:00 UTC
        let read = |reset, retry_after| read_rate_limit(reset, retry_after, now);
        assert_eq!(
            read(Some(" 1445412030 "), Some("5")),
            Some(RateLimitReset::At(1_445_412_030)),
            "the reset wins"
        );
        assert_eq!(
            read(Some("soon"), Some(" 17 ")),
            Some(RateLimitReset::After(17))
        );
        assert_eq!(
            read(None, Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(RateLimitReset::After(480))
        );
        assert_eq!(
            read_rate_limit(None, Some("Wed, 21 Oct 2015 07:28:00 GMT"), now + 600),
            Some(RateLimitReset::After(0)),
            "a date already past"
        );
        assert_eq!(read(None, Some("Thu, 01 Jan 1960 00:00:00 GMT")), None);
        assert_eq!(read(None, Some("later")), None);
        assert_eq!(read(Some("-1"), None), None);
        assert_eq!(read(None, None), None);
        assert_eq!(RateLimitReset::At(1030).secs_from(1000), 30);
        assert_eq!(RateLimitReset::At(900).secs_from(1000), 0);
        assert_eq!(RateLimitReset::After(7).secs_from(1000), 7);
    }

    #[test]
    fn budget_limits_the_wait() {
        let mut a = attempt(Service::Okta, 1, reply(429, None));
        a.outcome = Outcome::Reply {
            status: 429,
            aws_code: None,
            retry_after: Some("30"),
            rate_limit_reset: None,
        };
        a.budget_left = Duration::from_secs(10);
        assert_eq!(decide(&a), Verdict::GiveUp);
        a.budget_left = Duration::from_secs(31);
        assert!(waits(decide(&a)).is_some());
    }

    #[test]
    fn unrepeatable_calls_keep_their_reply_and_retry_only_refused_connections() {
        let mut a = attempt(Service::Okta, 1, reply(429, None));
        a.repeatable = false;
        assert_eq!(decide(&a), Verdict::Done);
        a.outcome = reply(503, Some("Throttling"));
        assert_eq!(decide(&a), Verdict::Done);
        a.outcome = Outcome::Network(NetFailure::Dropped);
        assert_eq!(decide(&a), Verdict::Done);
        a.outcome = Outcome::Network(NetFailure::ConnectTimeout);
        assert_eq!(decide(&a), Verdict::Done);
        a.outcome = Outcome::Network(NetFailure::Refused);
        assert!(waits(decide(&a)).is_some());
        a.number = MAX_ATTEMPTS;
        assert_eq!(decide(&a), Verdict::GiveUp);
    }

    #[test]
    fn network_failures() {
        for f in [
            NetFailure::Refused,
            NetFailure::ConnectTimeout,
            NetFailure::Dropped,
        ] {
            assert!(waits(decide(&attempt(Service::Aws, 1, Outcome::Network(f)))).is_some());
        }
        assert_eq!(
            decide(&attempt(
                Service::Okta,
                1,
                Outcome::Network(NetFailure::Other)
            )),
            Verdict::Done
        );
    }

    #[test]
    fn error_codes_from_bodies() {
        let xml = b"<ErrorResponse><Error><Type>Sender</Type><Code> Throttling </Code>\
                    <Message>Rate exceeded</Message></Error></ErrorResponse>";
        assert_eq!(aws_error_code(xml), Some("Throttling"));
        assert_eq!(error_code(xml).as_deref(), Some("Throttling"));
        assert_eq!(aws_error_code(b"<Code></Code>"), None);
        assert_eq!(aws_error_code(b"no xml"), None);
        assert_eq!(
            error_code(
                br#"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit"}"#
            )
            .as_deref(),
            Some("E0000047")
        );
        assert_eq!(
            error_code(br#"{"error":"invalid_client"}"#).as_deref(),
            Some("invalid_client")
        );
        assert_eq!(error_code(b"<html>down</html>"), None);
    }
}
