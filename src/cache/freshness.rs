//! PURE: the one freshness rule of both caches (the AWS credentials of
//! `--cache-aws-credentials`, the Okta access token of `--cache-access-token`): an entry is
//! used while at least a given time of its lifetime is left, judged to the millisecond
//! ([`freshness`]). Also the note for settings whose entries can never be fresh
//! ([`never_fresh_note`]), and durations for messages ([`human_duration`]).

use crate::clock::UnixMs;

/// How usable an entry is at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// At least the minimum left: use it. Whole seconds left (rounded down).
    Fresh(u64),
    /// Still valid, but less than the minimum left. Whole seconds left (rounded down).
    UnderMinTtl(u64),
    /// Expired this many whole seconds ago (rounded down).
    Expired(u64),
}

impl Freshness {
    /// True for [`Freshness::Fresh`].
    pub fn is_fresh(self) -> bool {
        matches!(self, Freshness::Fresh(_))
    }
}

/// The rule of both caches: an entry expiring at `expires_at` is fresh at `now` when at
/// least `min_left_secs` of its lifetime is left, to the millisecond. So a 900 s session is
/// under a 900 s minimum one millisecond after it began, not one second later.
pub fn freshness(expires_at: UnixMs, now: UnixMs, min_left_secs: u64) -> Freshness {
    let left_ms = i128::from(expires_at.0) - i128::from(now.0);
    let whole_secs = |ms: i128| u64::try_from(ms / 1000).unwrap_or(u64::MAX);
    if left_ms <= 0 {
        return Freshness::Expired(whole_secs(-left_ms));
    }
    if left_ms >= i128::from(min_left_secs) * 1000 {
        Freshness::Fresh(whole_secs(left_ms))
    } else {
        Freshness::UnderMinTtl(whole_secs(left_ms))
    }
}

/// The one-line note for settings whose AWS credential cache can never answer: an entry
/// is read after it was stored, with less than its whole session left, so a session of
/// `session_secs` that is not longer than `min_ttl_secs` (`--min-ttl`) is never fresh.
/// `None` when the session is longer.
pub fn never_fresh_note(session_secs: u64, min_ttl_secs: u64) -> Option<String> {
    (session_secs <= min_ttl_secs).then(|| {
        format!(
            "AWS sessions of these settings last {session_secs} s, not longer than --min-ttl {min_ttl_secs} s, so the AWS credential cache never answers them; lower --min-ttl or ask for a longer --aws-session-duration"
        )
    })
}

/// A duration for messages: `45 s`, `14 min`, `2 h 5 min` (minutes rounded down).
pub fn human_duration(secs: u64) -> String {
    match secs {
        0..=119 => format!("{secs} s"),
        120..=3599 => format!("{} min", secs / 60),
        _ if secs % 3600 < 60 => format!("{} h", secs / 3600),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A moment `secs` seconds and `ms` milliseconds after the epoch.
    fn at(secs: i64, ms: i64) -> UnixMs {
        UnixMs(secs * 1000 + ms)
    }

    #[test]
    fn freshness_keeps_min_ttl_in_hand() {
        assert_eq!(
            freshness(at(2000, 0), at(1000, 0), 900),
            Freshness::Fresh(1000)
        );
        assert_eq!(
            freshness(at(1900, 0), at(1000, 0), 900),
            Freshness::Fresh(900)
        );
        assert_eq!(
            freshness(at(1899, 0), at(1000, 0), 900),
            Freshness::UnderMinTtl(899)
        );
        assert_eq!(
            freshness(at(1000, 0), at(1000, 0), 0),
            Freshness::Expired(0)
        );
        assert_eq!(
            freshness(at(400, 0), at(1000, 0), 0),
            Freshness::Expired(600)
        );
        assert_eq!(
            freshness(UnixMs(i64::MIN), UnixMs(i64::MAX), 900),
            Freshness::Expired(u64::MAX / 1000)
        );
        assert_eq!(
            freshness(UnixMs(i64::MAX), UnixMs(0), 900),
            Freshness::Fresh(i64::MAX as u64 / 1000)
        );
        assert_eq!(
            freshness(UnixMs(0), UnixMs(0), u64::MAX),
            Freshness::Expired(0)
        );
        assert!(!freshness(UnixMs(1), UnixMs(0), u64::MAX).is_fresh());
    }

    #[test]
    fn freshness_is_judged_to_the_millisecond() {
        // A 900 s session from 1000.000 s, with a min-ttl of 900 s: fresh at its very
        // start only. In the same second, 1 ms later, less than 900 s is left.
        let expires = at(1900, 0);
        assert_eq!(freshness(expires, at(1000, 0), 900), Freshness::Fresh(900));
        assert_eq!(
            freshness(expires, at(1000, 1), 900),
            Freshness::UnderMinTtl(899)
        );
        assert_eq!(
            freshness(expires, at(1000, 999), 900),
            Freshness::UnderMinTtl(899)
        );
        // An expiry with milliseconds counts them too.
        assert!(freshness(at(1900, 500), at(1000, 500), 900).is_fresh());
        assert!(!freshness(at(1900, 499), at(1000, 500), 900).is_fresh());
        // Expired from its very millisecond on.
        assert_eq!(freshness(expires, at(1899, 999), 0), Freshness::Fresh(0));
        assert_eq!(freshness(expires, at(1900, 0), 0), Freshness::Expired(0));
        assert_eq!(freshness(expires, at(1901, 500), 0), Freshness::Expired(1));
    }

    #[test]
    fn sessions_not_longer_than_min_ttl_are_never_fresh() {
        let note = never_fresh_note(900, 900).expect("900 s sessions, 900 s min-ttl");
        assert_eq!(
            note,
            "AWS sessions of these settings last 900 s, not longer than --min-ttl 900 s, so the AWS credential cache never answers them; lower --min-ttl or ask for a longer --aws-session-duration"
        );
        assert!(!note.contains('\n'));
        assert!(never_fresh_note(3600, 7200).is_some());
        assert_eq!(never_fresh_note(901, 900), None);
        assert_eq!(never_fresh_note(3600, 900), None);
        // The rule agrees: a session of min-ttl is not fresh a millisecond after it began.
        assert!(!freshness(at(900, 0), at(0, 1), 900).is_fresh());
        assert!(freshness(at(901, 0), at(0, 1), 900).is_fresh());
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(45), "45 s");
        assert_eq!(human_duration(900), "15 min");
        assert_eq!(human_duration(3600), "1 h");
        assert_eq!(human_duration(3600 + 5 * 60 + 7), "1 h 5 min");
    }
}
