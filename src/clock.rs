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
