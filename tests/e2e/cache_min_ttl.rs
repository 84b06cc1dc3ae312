//! Issue 23 item 3: when the AWS sessions of the settings are not longer than `--min-ttl`,
//! the AWS credential cache can never answer. A run says so once on stderr, naming both
//! values and what to do; nothing changes on stdout. End to end with `m2m` against the
//! simulated org and its STS stand-in.

use crate::support;

use serde_json::json;
use support::{SimOrg, run};

const PROCESS: [&str; 2] = ["--format", "process-credentials"];
const NOTE: &str = "WARNING: AWS sessions of these settings last ";

/// The stderr lines of the note.
fn notes(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with(NOTE)).collect()
}

fn sts_calls(org: &SimOrg) -> usize {
    org.requests_to("sts").len()
}

/// An m2m org whose STS stand-in hands out credentials that expire `secs` from now (it
/// ignores the duration asked for; real STS sessions last that long).
fn org_expiring_in(secs: i64) -> Option<SimOrg> {
    let mut scenario = support::b15_scenario();
    let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(secs);
    let at = at
        .replace_nanosecond(0)
        .expect("whole seconds")
        .format(&time::format_description::well_known::Rfc3339)
        .expect("RFC 3339");
    scenario["sts"] = json!({"credentials": {"Expiration": at}});
    SimOrg::start(scenario)
}

#[test]
fn a_session_of_min_ttl_is_never_cached_and_each_run_says_so_once() {
    // A 900 s session, as STS would give for --aws-session-duration 900.
    let Some(org) = org_expiring_in(900) else {
        return;
    };
    for round in 1..=2 {
        let out = run(org
            .m2m_b15()
            .args(PROCESS)
            .args(["--aws-session-duration", "900"]));
        out.expect_code(0);
        assert_eq!(
            notes(&out.stderr),
            [
                "WARNING: AWS sessions of these settings last 900 s, not longer than --min-ttl 900 s, so the AWS credential cache never answers them; lower --min-ttl or ask for a longer --aws-session-duration"
            ],
            "round {round}: {}",
            out.stderr
        );
        assert!(out.stdout.contains("\"AccessKeyId\""), "{}", out.stdout);
        // The entry is never used: every run signs in.
        assert_eq!(sts_calls(&org), round);
    }
    // A min-ttl under the session length: no note, and the entry answers (min-ttl is not
    // part of the cache key).
    let out = run(org.m2m_b15().args(PROCESS).args([
        "--aws-session-duration",
        "900",
        "--min-ttl",
        "10m",
    ]));
    out.expect_code(0);
    assert_eq!(out.stderr, "");
    assert_eq!(sts_calls(&org), 2, "a hit");
}

#[test]
fn credentials_shorter_than_min_ttl_when_obtained_get_the_note() {
    // m2m asks for an hour by default, but these credentials live 10 minutes: only the
    // credentials show it.
    let Some(org) = org_expiring_in(600) else {
        return;
    };
    let out = run(org.m2m_b15().args(PROCESS));
    out.expect_code(0);
    let found = notes(&out.stderr);
    assert_eq!(found.len(), 1, "{}", out.stderr);
    assert!(
        found[0].contains(" s, not longer than --min-ttl 900 s, so the AWS credential cache"),
        "{}",
        found[0]
    );
    // With a min-ttl under their lifetime: no note.
    let out = run(org.m2m_b15().args(PROCESS).args(["--min-ttl", "5m"]));
    out.expect_code(0);
    assert_eq!(notes(&out.stderr), Vec::<&str>::new(), "{}", out.stderr);
}
