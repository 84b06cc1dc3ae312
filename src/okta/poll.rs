//! PURE: the timing that both token pollers share: the device flow's
//! ([`crate::okta::device_auth::Poller`], RFC 8628 §3.5) and `direct`'s push
//! ([`crate::okta::direct::OobPoller`], which Okta answers with the same
//! `authorization_pending` and `slow_down`). [`PollClock`] keeps the interval and the
//! deadline, waits out a rate limit (429) and retries network errors; each poller reads the
//! replies that get past it and words its own errors.
//!
//! Times are whole seconds on one clock (Unix epoch seconds, since `X-Rate-Limit-Reset` is
//! epoch seconds).

use crate::http::Response;
use crate::http::retry::read_rate_limit;

/// Polling interval assumed when Okta sends none (seconds, RFC 8628 §3.5).
pub const DEFAULT_INTERVAL: u64 = 5;
/// Longest initial polling interval accepted from Okta (seconds); larger values are cut.
pub const MAX_INTERVAL: u64 = 60;
/// Consecutive network errors tolerated while polling before giving up.
pub const MAX_NETWORK_RETRIES: u32 = 3;
/// Longest wait after a 429 without a reset time (seconds).
const MAX_BACKOFF: u64 = 60;

/// What the I/O side observed for one token poll.
#[derive(Debug, Clone, Copy)]
pub enum PollReply<'a> {
    /// Okta answered (any status).
    Response(&'a Response),
    /// The request failed without a reply; the text names the transport error (no secrets).
    NetworkError(&'a str),
}

/// What comes next when [`PollClock`] decides without reading a reply's body.
#[derive(Debug, PartialEq, Eq)]
pub enum Step<'a> {
    /// Sleep this many seconds, then poll again.
    Wait(u64),
    /// The deadline has passed.
    Expired,
    /// Too many network errors in a row: the last one's text and how many there were.
    GaveUp(&'a str, u32),
}

/// The interval, the deadline and the counts of rate limits and network errors in a row.
#[derive(Debug, Clone)]
pub struct PollClock {
    interval: u64,
    start: u64,
    deadline: u64,
    rate_limited: u32,
    network_errors: u32,
}

impl PollClock {
    /// `interval` as Okta sent it (absent or 0: [`DEFAULT_INTERVAL`]; else at most
    /// [`MAX_INTERVAL`]), `lifetime` in seconds (already bounded by the caller), `start`
    /// when the reply that began the wait arrived.
    pub fn new(interval: Option<u64>, lifetime: u64, start: u64) -> PollClock {
        let interval = match interval {
            None | Some(0) => DEFAULT_INTERVAL,
            Some(i) => i.min(MAX_INTERVAL),
        };
        PollClock {
            interval,
            start,
            deadline: start.saturating_add(lifetime),
            rate_limited: 0,
            network_errors: 0,
        }
    }

    /// Seconds to wait before the first poll: the interval, but never past the deadline (a
    /// long interval with a short lifetime polls once, at the deadline), at least 1.
    pub fn first_wait(&self) -> u64 {
        self.interval
            .min(self.deadline.saturating_sub(self.start))
            .max(1)
    }

    /// The current polling interval in seconds.
    pub fn interval(&self) -> u64 {
        self.interval
    }

    /// When the wait ends (same clock as `start`).
    pub fn deadline(&self) -> u64 {
        self.deadline
    }

    /// Seconds from `start` to the deadline.
    pub fn lifetime(&self) -> u64 {
        self.deadline.saturating_sub(self.start)
    }

    /// `slow_down`: the interval grows by 5 s, to at most `most` seconds.
    pub fn slow_down(&mut self, most: u64) {
        self.interval = self.interval.saturating_add(5).min(most);
    }

    /// The wait before the next poll: `secs`, never past the deadline, at least 1 s;
    /// [`Step::Expired`] at or after the deadline.
    pub fn wait(&self, secs: u64, now: u64) -> Step<'static> {
        if now >= self.deadline {
            return Step::Expired;
        }
        Step::Wait(secs.min(self.deadline - now).max(1))
    }

    /// Look at one reply observed at `now` before its body is read.
    ///
    /// * a network error -> retried at the interval, at most [`MAX_NETWORK_RETRIES`] in a
    ///   row, then [`Step::GaveUp`];
    /// * 429 -> wait until `X-Rate-Limit-Reset` (epoch seconds) or `Retry-After` (seconds
    ///   or HTTP date), as [`read_rate_limit`] reads them, at least the interval; without
    ///   either, back off (2x interval, doubling, at most 60 s);
    /// * any other reply -> `Ok`, for the poller to read.
    ///
    /// Waits never run past the deadline.
    pub fn screen<'a>(&mut self, reply: PollReply<'a>, now: u64) -> Result<&'a Response, Step<'a>> {
        let resp = match reply {
            PollReply::NetworkError(e) => {
                self.network_errors += 1;
                if self.network_errors > MAX_NETWORK_RETRIES {
                    return Err(Step::GaveUp(e, self.network_errors));
                }
                return Err(self.wait(self.interval, now));
            }
            PollReply::Response(r) => r,
        };
        self.network_errors = 0;
        if resp.status == 429 {
            self.rate_limited = self.rate_limited.saturating_add(1);
            let reset = read_rate_limit(
                resp.header("x-rate-limit-reset"),
                resp.header("retry-after"),
                now,
            );
            let until = reset.map(|r| r.secs_from(now)).unwrap_or_else(|| {
                let shift = self.rate_limited.min(6);
                self.interval.saturating_mul(1 << shift).min(MAX_BACKOFF)
            });
            return Err(self.wait(until.max(self.interval), now));
        }
        self.rate_limited = 0;
        Ok(resp)
    }
}

#[cfg(test)]
impl PollClock {
    /// Set the interval, for tests of the arithmetic at its limits.
    pub(crate) fn set_interval(&mut self, secs: u64) {
        self.interval = secs;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, headers: &[(&str, &str)]) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Response::default()
        }
    }

    #[test]
    fn interval_and_deadline_are_bounded() {
        let c = PollClock::new(None, 30, 100);
        assert_eq!((c.interval(), c.deadline(), c.lifetime()), (5, 130, 30));
        assert_eq!(PollClock::new(Some(0), 30, 0).interval(), DEFAULT_INTERVAL);
        assert_eq!(PollClock::new(Some(999), 30, 0).interval(), MAX_INTERVAL);
        // A long interval with a short lifetime polls at the deadline.
        assert_eq!(PollClock::new(Some(50), 20, 0).first_wait(), 20);
        let mut c = PollClock::new(Some(58), 600, 0);
        c.slow_down(MAX_INTERVAL);
        assert_eq!(c.interval(), MAX_INTERVAL);
        c.slow_down(u64::MAX);
        assert_eq!(c.interval(), MAX_INTERVAL + 5);
    }

    #[test]
    fn waits_stop_at_the_deadline() {
        let c = PollClock::new(Some(5), 30, 0);
        assert_eq!(c.wait(5, 10), Step::Wait(5));
        assert_eq!(c.wait(5, 28), Step::Wait(2));
        assert_eq!(c.wait(5, 30), Step::Expired);
    }

    #[test]
    fn network_errors_are_retried_then_given_up() {
        let mut c = PollClock::new(Some(2), 600, 0);
        for _ in 0..MAX_NETWORK_RETRIES {
            assert_eq!(
                c.screen(PollReply::NetworkError("reset"), 1).unwrap_err(),
                Step::Wait(2)
            );
        }
        assert_eq!(
            c.screen(PollReply::NetworkError("reset"), 1).unwrap_err(),
            Step::GaveUp("reset", MAX_NETWORK_RETRIES + 1)
        );
    }

    #[test]
    fn a_rate_limit_waits_and_other_replies_pass() {
        let mut c = PollClock::new(Some(2), 600, 0);
        let limited = reply(429, &[("x-rate-limit-reset", "40")]);
        assert_eq!(
            c.screen(PollReply::Response(&limited), 10).unwrap_err(),
            Step::Wait(30)
        );
        // Without a reset time: twice the interval, doubling.
        let bare = reply(429, &[]);
        assert_eq!(
            c.screen(PollReply::Response(&bare), 10).unwrap_err(),
            Step::Wait(8)
        );
        let pending = reply(400, &[]);
        assert!(c.screen(PollReply::Response(&pending), 10).is_ok());
    }
}
