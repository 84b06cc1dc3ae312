//! PURE: the freshness of a cache entry: how much of its lifetime is left at a moment,
//! and durations for messages.

/// How usable an entry is at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// At least `min-ttl` left: use it. Seconds left.
    Fresh(u64),
    /// Still valid, but less than `min-ttl` left. Seconds left.
    UnderMinTtl(u64),
    /// Expired this many seconds ago.
    Expired(u64),
}

/// Whether credentials expiring at `expires_at` (unix seconds) are fresh at `now` with at
/// least `min_ttl` seconds left.
pub fn freshness(expires_at: i64, now: i64, min_ttl: u64) -> Freshness {
    let left = expires_at.saturating_sub(now);
    if left <= 0 {
        return Freshness::Expired(left.unsigned_abs());
    }
    let left = left.unsigned_abs();
    if left >= min_ttl {
        Freshness::Fresh(left)
    } else {
        Freshness::UnderMinTtl(left)
    }
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

    #[test]
    fn freshness_keeps_min_ttl_in_hand() {
        assert_eq!(freshness(2000, 1000, 900), Freshness::Fresh(1000));
        assert_eq!(freshness(1900, 1000, 900), Freshness::Fresh(900));
        assert_eq!(freshness(1899, 1000, 900), Freshness::UnderMinTtl(899));
        assert_eq!(freshness(1000, 1000, 0), Freshness::Expired(0));
        assert_eq!(freshness(400, 1000, 0), Freshness::Expired(600));
        assert_eq!(
            freshness(i64::MIN, i64::MAX, 900),
            Freshness::Expired(1 << 63)
        );
        assert_eq!(
            freshness(i64::MAX, 0, 900),
            Freshness::Fresh(i64::MAX as u64)
        );
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(45), "45 s");
        assert_eq!(human_duration(900), "15 min");
        assert_eq!(human_duration(3600), "1 h");
        assert_eq!(human_duration(3600 + 5 * 60 + 7), "1 h 5 min");
    }
}
