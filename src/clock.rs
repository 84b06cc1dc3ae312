//! I/O: the one place that reads the wall clock. The flows take the time from here (or as
//! a value passed down), so the pure modules below them never read it.

/// The local clock as Unix seconds (UTC); 0 if the clock is before 1970.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The local clock as Unix milliseconds (UTC); 0 if the clock is before 1970.
pub fn unix_now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
