//! I/O: the one reader of the wall clock, in Unix seconds ([`unix_now`]) and milliseconds
//! ([`unix_now_ms`]). The flows and the HTTP agent take the time from here (or as a value
//! passed down), so the pure modules below them never read it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The time since the Unix epoch (UTC); zero if the clock is before 1970.
fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// The local clock as Unix seconds (UTC); 0 if the clock is before 1970.
pub fn unix_now() -> u64 {
    since_epoch().as_secs()
}

/// The local clock as Unix milliseconds (UTC); 0 if the clock is before 1970.
pub fn unix_now_ms() -> u64 {
    u64::try_from(since_epoch().as_millis()).unwrap_or(u64::MAX)
}

/// A moment as Unix milliseconds (UTC). A type of its own, so that a count of seconds
/// cannot be passed where milliseconds are meant: the caches judge freshness to the
/// millisecond (docs/architecture.md, "Caches").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnixMs(pub i64);

impl UnixMs {
    /// The moment `secs` Unix seconds (saturating at the ends of `i64`).
    pub fn from_secs(secs: i64) -> UnixMs {
        UnixMs(secs.saturating_mul(1000))
    }

    /// The whole Unix seconds of this moment (rounded down).
    pub fn secs(self) -> i64 {
        self.0.div_euclid(1000)
    }
}

/// The local clock as a [`UnixMs`]; 0 if the clock is before 1970.
pub fn now() -> UnixMs {
    UnixMs(i64::try_from(unix_now_ms()).unwrap_or(i64::MAX))
}
