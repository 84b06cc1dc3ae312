#!/usr/bin/env python3
"""The measuring half of scripts/bench (run by it, with the test virtualenv's Python).

Every figure printed here is measured in this invocation; nothing is asserted. Targets are
shown beside the figures with a pass/miss column. The exit status is 1 only when something
fails to run (hyperfine, /usr/bin/time, the binary, the sim org, a peer install).

Units: MB = 10^6 bytes; ms = milliseconds. /usr/bin/time reports RSS in KiB (x 1024 bytes).
"""

import argparse
import datetime
import json
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SIMORG = os.path.join(REPO, "tests", "simorg", "simorg.py")
VENV_ROOT = os.path.join(REPO, "target", "bench-venv")
OUT_DIR = os.path.join(REPO, "target", "bench")

# The tools users would pick instead, pinned so that reruns compare like with like.
PEERS = [
    {"name": "aws-okta-processor", "version": "1.10.0"},
    {"name": "gimme-aws-creds", "version": "2.8.2"},
]

# Targets (benchmarks, not tests).
MB = 1_000_000
SIZE_TARGET = 2_500_000
VERSION_TARGET_MS = 1.0
RSS_TARGET = 6 * MB
REQUESTS_TARGET = 2
CACHED_OVER_TRUE_TARGET_MS = 1.0
EKS_OVER_CACHED_TARGET_MS = 0.5
ECS_OVER_CACHED_TARGET_MS = 0.5
# The client of the --ecs-server measurement: N sequential GETs through the endpoint.
ECS_PROBE = os.path.join(REPO, "tests", "support", "ecs_probe.py")
HANDSHAKES_PER_HOST_TARGET = 1

M2M_CLIENT_ID = "0oaBENCHclient0001"
M2M_KID = "bench-kid-0001"
M2M_ROLE = "arn:aws:iam::123456789012:role/Bench"
EKS_CLUSTER = "bench-cluster"

# Bounds on every wait.
READY_TIMEOUT = 30.0
RUN_TIMEOUT = 60.0
SIM_LIFETIME = 900


class Failure(Exception):
    """Something failed to run (not a missed target)."""


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def run(argv, timeout=RUN_TIMEOUT, env=None, cwd=None, check=True):
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                              env=env, cwd=cwd, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Failure(f"{shlex.join(argv)}: {e}") from e
    if check and proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise Failure(f"{shlex.join(argv)} exited {proc.returncode}: " + " | ".join(tail))
    return proc


# ---------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------

def fmt_mb(n):
    return f"{n / MB:.2f} MB"


def fmt_ms(x):
    if x < 10:
        return f"{x:.2f} ms"
    return f"{x:.0f} ms"


def ratio(peer, ours):
    if not ours:
        return ""
    return f" (x{peer / ours:,.0f})" if peer / ours >= 10 else f" (x{peer / ours:.1f})"


def quantile(xs, q):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def spread(times_ms):
    """'median M (p25-p75 A-B, min C, max D, n N)' for a list of milliseconds."""
    return (f"{fmt_ms(statistics.median(times_ms))} (IQR {quantile(times_ms, .25):.2f}-"
            f"{quantile(times_ms, .75):.2f}, min {min(times_ms):.2f}, max {max(times_ms):.2f}, "
            f"n={len(times_ms)})")


# ---------------------------------------------------------------------------------------
# Measuring tools
# ---------------------------------------------------------------------------------------

class Recorder:
    """Keeps the exact commands run, with the temporary directory shown as $BENCH_TMP."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.commands = []
        self.replace = [(tmp, "$BENCH_TMP"), (REPO + "/", "")]

    def note(self, what, argv, env=None):
        text = shlex.join(argv)
        if env:
            text = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + " " + text
        for old, new in self.replace:
            text = text.replace(old, new)
        if (what, text) not in self.commands:
            self.commands.append((what, text))


def hyperfine(rec, what, argv, runs, warmup, env=None, shown=None):
    """Wall times (ms) of `argv` run directly (no shell) by hyperfine. `env` replaces the
    environment; `shown` is the part of it written in the commands list."""
    out = os.path.join(rec.tmp, f"hyperfine-{len(rec.commands)}.json")
    cmd = ["hyperfine", "-N", "--style", "none", "--warmup", str(warmup), "--runs", str(runs),
           "--export-json", out, shlex.join(argv)]
    rec.note(what, cmd, shown)
    run(cmd, timeout=600, env=env)
    with open(out, encoding="utf-8") as f:
        result = json.load(f)["results"][0]
    return [t * 1000 for t in result["times"]]


def hyperfine_many(rec, what, commands, runs, warmup, env=None, shown=None, cwd=None):
    """Wall times (ms) of several commands (name, argv), run directly (no shell) by one
    hyperfine invocation, one after the other; {name: [ms, ...]}."""
    out = os.path.join(rec.tmp, f"hyperfine-{len(rec.commands)}.json")
    cmd = ["hyperfine", "-N", "--style", "none", "--warmup", str(warmup), "--runs", str(runs),
           "--export-json", out]
    for name, argv in commands:
        cmd += ["-n", name, shlex.join(argv)]
    rec.note(what, cmd, shown)
    run(cmd, timeout=900, env=env, cwd=cwd)
    with open(out, encoding="utf-8") as f:
        results = json.load(f)["results"]
    return {r["command"]: [t * 1000 for t in r["times"]] for r in results}


def time_v(argv, env=None, cwd=None, timeout=RUN_TIMEOUT):
    """Run under /usr/bin/time -v: (returncode, stdout, stderr, rss_bytes, cpu_seconds, wall_ms)."""
    fd, out = tempfile.mkstemp(prefix="time-", suffix=".txt")
    os.close(fd)
    try:
        start = time.perf_counter()
        try:
            proc = subprocess.run(["/usr/bin/time", "-v", "-o", out] + argv, capture_output=True,
                                  text=True, timeout=timeout, env=env, cwd=cwd,
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise Failure(f"/usr/bin/time -v {shlex.join(argv)}: {e}") from e
        wall = (time.perf_counter() - start) * 1000
        with open(out, encoding="utf-8") as f:
            report = f.read()
    finally:
        os.unlink(out)
    fields = {}
    for line in report.splitlines():
        if ":" in line:
            k, _, v = line.strip().rpartition(": ")
            fields[k.strip()] = v.strip()
    try:
        rss = int(fields["Maximum resident set size (kbytes)"]) * 1024
        cpu = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
    except (KeyError, ValueError) as e:
        raise Failure(f"cannot read /usr/bin/time -v output for {argv[0]}: {e}") from e
    return proc.returncode, proc.stdout, proc.stderr, rss, cpu, wall


def rss_runs(rec, what, argv, n, env=None, shown=None):
    """Median peak RSS (bytes) over n runs under /usr/bin/time -v."""
    rec.note(what, ["/usr/bin/time", "-v"] + argv, shown)
    values = []
    for _ in range(n):
        rc, _out, err, rss, _cpu, _wall = time_v(argv, env=env)
        if rc != 0:
            raise Failure(f"{shlex.join(argv)} exited {rc}: {err.strip()[:200]}")
        values.append(rss)
    return statistics.median(values)


# ---------------------------------------------------------------------------------------
# Our binary: size, start-up
# ---------------------------------------------------------------------------------------

def measure_binary(rec, args, res):
    binary = args.bin
    res["size"] = os.path.getsize(binary)
    res["file"] = run(["file", "-b", binary], check=False).stdout.strip() if shutil.which("file") else ""
    rec.note("stripped size", ["stat", "-c", "%s", binary])
    version = run([binary, "--version"], check=False)
    if version.returncode != 0:
        raise Failure(f"{binary} --version exited {version.returncode}: {version.stderr.strip()[:200]}")
    res["version_output"] = version.stdout.strip()
    runs, warmup = (30, 5) if args.quick else (1000, 50)
    res["version_times"] = hyperfine(rec, "--version wall time", [binary, "--version"], runs, warmup)
    res["version_rss"] = rss_runs(rec, "--version peak RSS", [binary, "--version"],
                                  3 if args.quick else 10)


def size_breakdown(rec, args, stripped_size):
    """Biggest symbols and crates of an unstripped build (same profile, strip off)."""
    if not args.build_cmd:
        return ["(no breakdown: with --bin the unstripped build command is unknown)"], ""
    env = dict(os.environ)
    env["CARGO_PROFILE_RELEASE_STRIP"] = "false"
    env["CARGO_TARGET_DIR"] = os.path.join(REPO, "target", "bench-unstripped")
    argv = shlex.split(args.build_cmd)
    rec.note("size breakdown: unstripped build", argv, {
        "CARGO_PROFILE_RELEASE_STRIP": "false", "CARGO_TARGET_DIR": "target/bench-unstripped"})
    log("building an unstripped copy for the size breakdown")
    proc = run(argv, timeout=1800, env=env, cwd=REPO)
    if argv[0].endswith("build-release"):
        # build-release prints target/<triple>/release/<exe> whatever CARGO_TARGET_DIR says.
        printed = proc.stdout.strip().splitlines()[0]
        rel = os.path.relpath(printed, os.path.join(REPO, "target"))
        path = os.path.join(env["CARGO_TARGET_DIR"], rel)
    else:
        path = os.path.join(env["CARGO_TARGET_DIR"], "release", "okta-aws-cli")
    nm = ["nm", "--size-sort", "--print-size", "--radix=d", "-C", path]
    rec.note("size breakdown: symbols", nm)
    out = run(nm, timeout=120).stdout
    symbols = []
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4:
            symbols.append((int(parts[1]), parts[2], parts[3]))
    symbols.sort(reverse=True)
    total = sum(s for s, _, _ in symbols)
    if not total:
        raise Failure(f"size breakdown: {path} has no symbols (was it stripped?)")
    by_crate = {}
    for size, _kind, name in symbols:
        by_crate[crate_of(name)] = by_crate.get(crate_of(name), 0) + size
    lines = ["Sections of the measured (stripped) binary, from `size -A`:", "",
             "| section | bytes | share |", "| --- | ---: | ---: |"]
    sections = []
    for line in run(["size", "-A", "-d", args.bin], timeout=60).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith(".") and parts[1].isdigit():
            sections.append((int(parts[1]), parts[0]))
    for size, name in sorted(sections, reverse=True):
        if size * 100 >= stripped_size:
            lines.append(f"| `{name}` | {size:,} | {100 * size / stripped_size:.1f}% |")
    lines += ["", f"Code and data symbols of an unstripped build of the same profile add up to "
              f"{total:,} bytes; by crate (first path segment of the demangled name) and the "
              "biggest ones:", "",
              "| crate | bytes | share of symbols |", "| --- | ---: | ---: |"]
    for crate, size in sorted(by_crate.items(), key=lambda kv: -kv[1])[:15]:
        lines.append(f"| {crate} | {size:,} | {100 * size / max(total, 1):.1f}% |")
    lines += ["", "| biggest symbols | bytes |", "| --- | ---: |"]
    for size, _kind, name in symbols[:20]:
        short = name if len(name) <= 110 else name[:107] + "..."
        lines.append(f"| `{short.replace('|', '/')}` | {size:,} |")
    top_sections = ", ".join(f"`{n}` {fmt_mb(z)}" for z, n in sorted(sections, reverse=True)[:3])
    top_crates = ", ".join(f"{c} {fmt_mb(z)}" for c, z in
                           sorted(by_crate.items(), key=lambda kv: -kv[1])[:5])
    top_symbol = f"`{symbols[0][2][:60]}` {fmt_mb(symbols[0][0])}" if symbols else "none"
    summary = (f"What costs it: sections {top_sections}; biggest crates by symbol size "
               f"{top_crates}; biggest symbol {top_symbol} (tables under Size breakdown).")
    return lines, summary


def crate_of(symbol):
    """The first path segment of a demangled Rust symbol (`<ureq::x as core::y>::z` -> ureq);
    symbols without one are C (ring's C and assembly, the C library) or linker glue."""
    m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)::", symbol)
    if m:
        return m.group(1)
    return "(no Rust path: C code, libc, glue)"


# ---------------------------------------------------------------------------------------
# The simulated Okta org and STS stand-in
# ---------------------------------------------------------------------------------------

class SimOrg:
    """tests/simorg/simorg.py on 127.0.0.1, stopped when its stdin closes."""

    def __init__(self, name, scenario, tmp, rec):
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir)
        scenario_path = os.path.join(self.dir, "scenario.json")
        with open(scenario_path, "w", encoding="utf-8") as f:
            json.dump(scenario, f, indent=1)
        self.state = os.path.join(self.dir, "state")
        argv = [sys.executable, SIMORG, "--config", scenario_path, "--state-dir", self.state,
                "--max-lifetime", str(SIM_LIFETIME)]
        rec.note(f"simulated org ({name})", argv)
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        self.stderr_log = os.path.join(self.dir, "stderr.log")
        with open(self.stderr_log, "wb") as err:
            self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=err, env=env)
        line = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(READY_TIMEOUT)
        text = line[0].decode("utf-8", "replace").strip() if line else ""
        if not text.startswith("READY "):
            self.stop()
            with open(self.stderr_log, encoding="utf-8", errors="replace") as f:
                tail = " | ".join(f.read().strip().splitlines()[-3:])
            raise Failure(f"simorg ({name}) did not print READY within {READY_TIMEOUT:.0f} s "
                          f"(got {text!r}; stderr: {tail})")
        self.port = int(text.split()[1])
        rec.replace.append((f"127.0.0.1:{self.port}", f"127.0.0.1:${name.upper()}_PORT"))
        self.ca = os.path.join(self.state, "ca.pem")

    def count(self, name):
        try:
            with open(os.path.join(self.state, name), encoding="utf-8") as f:
                return sum(1 for line in f if line.strip())
        except FileNotFoundError:
            return 0

    def counts(self):
        return self.count("requests.jsonl"), self.count("handshakes.jsonl")

    def stop(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def measure_m2m(rec, args, res, tmp):
    keydir = os.path.join(tmp, "key")
    genkey = [sys.executable, SIMORG, "--genkey", "rsa", "--out", keydir]
    rec.note("m2m: throwaway RSA key", genkey)
    run(genkey)
    org = SimOrg("org", {"m2m": {
        "client_id": M2M_CLIENT_ID, "kid": M2M_KID,
        "public_key_file": os.path.join(keydir, "public.pem"),
        "allowed_scopes": ["okta-m2m-access"]}}, tmp, rec)
    # A second sim org plays STS on its own port, so that "TLS handshakes per host" is
    # measured per host as in real use (Okta and STS are different hosts). It cannot know
    # the tokens the first one issued, so it does not require them.
    sts = None
    try:
        sts = SimOrg("sts", {"sts": {"require_issued_token": False}}, tmp, rec)
        bundle = os.path.join(tmp, "ca-bundle.pem")
        with open(bundle, "w", encoding="utf-8") as out:
            for ca in (org.ca, sts.ca):
                with open(ca, encoding="utf-8") as f:
                    out.write(f.read())
        argv = [args.bin, "m2m", "--org-domain", f"https://127.0.0.1:{org.port}",
                "--oidc-client-id", M2M_CLIENT_ID, "--aws-iam-role", M2M_ROLE,
                "--key-id", M2M_KID, "--private-key-file", os.path.join(keydir, "private-pkcs8.pem"),
                "--format", "process-credentials"]
        runs_dir = os.path.join(tmp, "runs")

        def fresh_env(i):
            home = os.path.join(runs_dir, str(i), "home")
            work = os.path.join(runs_dir, str(i), "work")
            os.makedirs(home)
            os.makedirs(work)
            env = {"HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                   "SSL_CERT_FILE": bundle,
                   "AWS_ENDPOINT_URL_STS": f"https://127.0.0.1:{sts.port}/sts/"}
            return env, work

        shown_env = {"HOME": os.path.join(runs_dir, "N", "home"), "SSL_CERT_FILE": bundle,
                     "AWS_ENDPOINT_URL_STS": f"https://127.0.0.1:{sts.port}/sts/"}
        rec.note("m2m run (env cleared but PATH; fresh HOME and cwd per run)", argv, shown_env)
        rec.note("m2m peak RSS and CPU", ["/usr/bin/time", "-v"] + argv, shown_env)

        def one(i, timed):
            env, work = fresh_env(i)
            before = org.counts(), sts.counts()
            if timed:
                # CPU time from the kernel's accounting of reaped children (the counters
                # /usr/bin/time prints, at microsecond rather than 10 ms resolution). The sim
                # orgs are children too but are not reaped before the end, so the delta is
                # this run alone.
                usage = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                try:
                    proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=work,
                                          timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL)
                except (OSError, subprocess.TimeoutExpired) as e:
                    raise Failure(f"m2m run: {e}") from e
                wall = (time.perf_counter() - start) * 1000
                after_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after_usage.ru_utime - usage.ru_utime) + (after_usage.ru_stime - usage.ru_stime)
                rc, out, err, rss = proc.returncode, proc.stdout, proc.stderr, None
            else:
                rc, out, err, rss, cpu, wall = time_v(argv, env=env, cwd=work)
            time.sleep(0.05)  # the sim org logs after it answers; let the last line land
            after = org.counts(), sts.counts()
            delta = {
                "org_requests": after[0][0] - before[0][0], "org_handshakes": after[0][1] - before[0][1],
                "sts_requests": after[1][0] - before[1][0], "sts_handshakes": after[1][1] - before[1][1],
            }
            return {"rc": rc, "out": out, "err": err, "rss": rss, "cpu": cpu, "wall": wall, **delta}

        probe = one(0, timed=False)
        if probe["org_requests"] + probe["sts_requests"] == 0:
            first = (probe["err"].strip().splitlines() or [""])[0][:160]
            res["m2m"] = {"available": False,
                          "why": f"`okta-aws-cli m2m` made no request (exit {probe['rc']}"
                                 + (f", stderr: {first}" if first else ", no output") + ")"}
            return
        check_m2m_output(probe)
        n_time, n_rss = (3, 2) if args.quick else (30, 10)
        timed = [one(i, True) for i in range(1, n_time + 1)]
        measured = [probe] + [one(i, False) for i in range(n_time + 1, n_time + n_rss)]
        for r in timed + measured:
            check_m2m_output(r)
        everything = timed + measured
        res["cached"] = measure_cached(rec, args, argv, fresh_env, org, sts)
        res["m2m"] = {
            "available": True,
            "wall": [r["wall"] for r in timed],
            "rss": statistics.median(r["rss"] for r in measured),
            "rss_max": max(r["rss"] for r in measured),
            "cpu": [r["cpu"] * 1000 for r in timed],
            "cpu_time_v": [r["cpu"] * 1000 for r in measured],
            "requests": sorted({r["org_requests"] + r["sts_requests"] for r in everything}),
            "org_handshakes": sorted({r["org_handshakes"] for r in everything}),
            "sts_handshakes": sorted({r["sts_handshakes"] for r in everything}),
            "runs": len(everything),
        }
    finally:
        org.stop()
        if sts:
            sts.stop()


def measure_cached(rec, args, argv, fresh_env, org, sts):
    """The cached credential_process path (issue 10): one m2m run fills the cache of a
    fresh HOME, then hyperfine times, in one invocation, `/bin/true`, `--version`, the
    cached call, `--check` and an EKS token from the same entry (issue 21: `--format
    eks-token`, which signs a new URL each time). The sim orgs' request counts show the
    cached calls made none."""
    env, work = fresh_env("cached")
    filled = run(argv, env=env, cwd=work)
    check_m2m_output({"rc": filled.returncode, "out": filled.stdout, "err": filled.stderr})
    eks_argv = argv[:-2] + ["--format", "eks-token", "--eks-cluster-id", EKS_CLUSTER]
    check_eks_output(run(eks_argv, env=env, cwd=work, check=False))
    shown = {"HOME": env["HOME"], "SSL_CERT_FILE": env["SSL_CERT_FILE"],
             "AWS_ENDPOINT_URL_STS": env["AWS_ENDPOINT_URL_STS"]}
    time.sleep(0.05)
    before = org.counts()[0] + sts.counts()[0]
    runs, warmup = (30, 5) if args.quick else (1000, 50)
    times = hyperfine_many(rec, "cached credential_process and --check beside /bin/true and "
                           "--version (one hyperfine run, same HOME with a filled cache)", [
                               ("true", ["/bin/true"]),
                               ("version", [args.bin, "--version"]),
                               ("cached", argv),
                               ("check", argv[:-2] + ["--check"]),
                               ("eks", eks_argv),
                           ], runs, warmup, env=env, shown=shown, cwd=work)
    time.sleep(0.05)
    after = org.counts()[0] + sts.counts()[0]
    ecs = measure_ecs_request(rec, args, argv, env, work, shown)
    return {"times": times, "requests": after - before, "calls": 3 * (runs + warmup),
            "ecs": ecs}


def measure_ecs_request(rec, args, argv, env, work, shown):
    """One `--exec --ecs-server` request (issue 21): one run with the filled cache starts the
    endpoint, and its child (tests/support/ecs_probe.py, standard-library Python) makes N
    sequential GETs with the token, after one warm-up, and prints the milliseconds per
    request: connection, the cached run's file read, the answer. The cache is fresh, so no
    request signs in."""
    n = 300 if args.quick else 3000
    cmd = argv[:-2] + ["--format", "noop", "--exec", "--ecs-server", "--",
                       sys.executable, ECS_PROBE, "bench", str(n)]
    rec.note(f"--exec --ecs-server: {n} sequential endpoint requests by one child", cmd, shown)
    proc = run(cmd, env=env, cwd=work, check=False)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        first = (proc.stderr.strip().splitlines() or [""])[0][:160]
        raise Failure(f"--ecs-server run exited {proc.returncode}: {first}")
    return json.loads(lines[-1])["ms_per_request"]


def check_eks_output(proc):
    """A cached `--format eks-token` run must succeed with one ExecCredential on stdout."""
    if proc.returncode != 0:
        first = (proc.stderr.strip().splitlines() or [""])[0][:200]
        raise Failure(f"eks-token run exited {proc.returncode}: {first}")
    try:
        doc = json.loads(proc.stdout)
        ok = doc.get("kind") == "ExecCredential" and \
            doc["status"]["token"].startswith("k8s-aws-v1.")
    except (ValueError, AttributeError, KeyError, TypeError):
        ok = False
    if not ok:
        raise Failure("eks-token run printed no ExecCredential with a k8s-aws-v1. token on stdout")


def check_m2m_output(r):
    """A run that reached the sim org must succeed with process-credentials JSON."""
    if r["rc"] != 0:
        first = (r["err"].strip().splitlines() or [""])[0][:200]
        raise Failure(f"m2m run exited {r['rc']}: {first}")
    try:
        doc = json.loads(r["out"])
        ok = doc.get("Version") == 1 and doc.get("AccessKeyId", "").startswith("ASIA")
    except (ValueError, AttributeError):
        ok = False
    if not ok:
        raise Failure("m2m run printed no process-credentials JSON on stdout")


# ---------------------------------------------------------------------------------------
# Peers
# ---------------------------------------------------------------------------------------

SKIP_DIST = re.compile(r"^(pip|setuptools|_distutils_hack|pkg_resources|distutils-precedence\.pth"
                       r"|__pycache__)([-_.].*)?$")


def dir_size(path):
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            p = os.path.join(root, name)
            if not os.path.islink(p):
                total += os.path.getsize(p)
    return total


def install_peer(rec, peer):
    venv = os.path.join(VENV_ROOT, peer["name"])
    spec = f"{peer['name']}=={peer['version']}"
    stamp = os.path.join(venv, ".bench-installed")
    py = os.path.join(venv, "bin", "python")
    create = ["python3", "-m", "venv", venv]
    pip = [py, "-m", "pip", "install", "-q", "--disable-pip-version-check", spec]
    rec.note(f"{peer['name']}: throwaway virtualenv", create)
    rec.note(f"{peer['name']}: install from PyPI", pip)
    current = open(stamp, encoding="utf-8").read().strip() if os.path.exists(stamp) else ""
    if current != spec:
        log(f"installing {spec} into {os.path.relpath(venv, REPO)}")
        shutil.rmtree(venv, ignore_errors=True)
        run(create, timeout=300)
        run(pip, timeout=900)
        with open(stamp, "w", encoding="utf-8") as f:
            f.write(spec + "\n")
    site = run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    size = sum(dir_size(os.path.join(site, e)) if os.path.isdir(os.path.join(site, e))
               else os.path.getsize(os.path.join(site, e))
               for e in os.listdir(site) if not SKIP_DIST.match(e))
    return os.path.join(venv, "bin", peer["name"]), size



def measure_peers(rec, args, res, tmp):
    res["peers"] = []
    for peer in PEERS:
        exe, size = install_peer(rec, peer)
        home = os.path.join(tmp, "peer-home-" + peer["name"])
        os.makedirs(home)
        # gimme-aws-creds starts its interactive first-time set-up before it parses argv
        # unless a configuration file exists; an empty one is enough for --version.
        conf = os.path.join(home, ".okta_aws_login_config")
        open(conf, "w").close()
        env = {"HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OKTA_CONFIG": conf}
        shown = {"HOME": home, "OKTA_CONFIG": conf}
        argv = [exe, "--version"]
        out = run(argv, env=env).stdout.strip()
        times = hyperfine(rec, f"{peer['name']} --version wall time", argv, 30, 3, env=env, shown=shown)
        rss = rss_runs(rec, f"{peer['name']} --version peak RSS", argv, 5, env=env, shown=shown)
        res["peers"].append({"name": peer["name"], "version_output": out, "installed": size,
                             "times": times, "rss": rss})


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------

def verdict(ok):
    return "pass" if ok else "**miss**"


def build_report(res, size_summary):
    ours = res
    peers = res.get("peers", [])
    peer_names = [p["name"] for p in peers]
    head = ["Figure", "okta-aws-cli", "Target", "Result"] + peer_names
    rows = []
    misses = []

    def row(figure, value, target="", result="", peer_cells=None):
        cells = peer_cells if peer_cells is not None else ["" for _ in peers]
        rows.append([figure, value, target, result] + cells)

    size_ok = ours["size"] <= SIZE_TARGET
    kind = "static" if "statically linked" in ours.get("file", "") or "static-pie" in ours.get("file", "") \
        else "dynamic"
    stripped = "stripped" if ", stripped" in ours.get("file", "") else "not stripped"
    row("Binary / installed size", f"{fmt_mb(ours['size'])} ({ours['size']:,} B, {kind}, {stripped})",
        "<= 2.5 MB static, stripped", verdict(size_ok and kind == "static" and stripped == "stripped"),
        [f"{fmt_mb(p['installed'])}{ratio(p['installed'], ours['size'])} in site-packages, "
         "plus a Python 3 runtime (not counted)" for p in peers])
    if not size_ok:
        misses.append(f"Size: {fmt_mb(ours['size'])} is {fmt_mb(ours['size'] - SIZE_TARGET)} "
                      f"({ours['size'] - SIZE_TARGET:,} bytes) over 2.5 MB. {size_summary}".rstrip())
    if kind != "static" or stripped != "stripped":
        misses.append(f"Size: the measured binary is {kind}, {stripped} (`file`: {ours.get('file', '')}); "
                      "the target is for the static, stripped build of scripts/build-release.")

    vt = ours["version_times"]
    med = statistics.median(vt)
    row("`--version` wall time", spread(vt), "median <= 1 ms", verdict(med <= VERSION_TARGET_MS),
        [f"{spread(p['times'])}{ratio(statistics.median(p['times']), med)}" for p in peers])
    if med > VERSION_TARGET_MS:
        misses.append(f"`--version`: median {med:.3f} ms is {med - VERSION_TARGET_MS:.3f} ms over 1 ms.")
    row("`--version` peak RSS", fmt_mb(ours["version_rss"]), "", "",
        [f"{fmt_mb(p['rss'])}{ratio(p['rss'], ours['version_rss'])}" for p in peers])

    m = ours.get("m2m")
    na_peers = ["n/a (1)" for _ in peers]
    if m is None:
        row("`m2m` full run", "not run", "", "", na_peers)
    elif m.get("failed"):
        row("`m2m` full run", f"FAILED to run: {m['failed']}", "", "", na_peers)
    elif not m["available"]:
        row("`m2m` full run", f"not available yet: {m['why']}", "", "", na_peers)
    else:
        row("`m2m` wall time (sim org, loopback)", spread(m["wall"]), "", "", na_peers)
        req_ok = m["requests"] == [REQUESTS_TARGET]
        row("`m2m` HTTP requests", " / ".join(map(str, m["requests"])) + f" per run ({m['runs']} runs)",
            "exactly 2", verdict(req_ok), na_peers)
        if not req_ok:
            misses.append(f"`m2m` requests: {m['requests']} per run instead of exactly 2.")
        hs_ok = max(m["org_handshakes"] + m["sts_handshakes"]) <= HANDSHAKES_PER_HOST_TARGET
        row("`m2m` TLS handshakes", f"Okta host {'/'.join(map(str, m['org_handshakes']))}, "
            f"STS host {'/'.join(map(str, m['sts_handshakes']))} per run",
            "<= 1 per host", verdict(hs_ok), na_peers)
        if not hs_ok:
            misses.append(f"`m2m` TLS handshakes: Okta {m['org_handshakes']}, STS {m['sts_handshakes']} "
                          "per run; more than one per host means a connection was not reused.")
        rss_ok = m["rss"] <= RSS_TARGET
        row("`m2m` peak RSS", f"{fmt_mb(m['rss'])} median (max {fmt_mb(m['rss_max'])})",
            "<= 6 MB", verdict(rss_ok), na_peers)
        if not rss_ok:
            misses.append(f"`m2m` peak RSS: {fmt_mb(m['rss'])} is {fmt_mb(m['rss'] - RSS_TARGET)} over 6 MB.")
        cpu = m["cpu"]
        tv = m["cpu_time_v"]
        row("`m2m` client CPU (user+sys)", f"{fmt_ms(statistics.median(cpu))} median (min "
            f"{min(cpu):.2f}, max {max(cpu):.2f}, n={len(cpu)}); `/usr/bin/time`: "
            f"{fmt_ms(statistics.median(tv))} (10 ms steps)", "", "", na_peers)

    c = ours.get("cached")
    if c:
        t = c["times"]
        true_med = statistics.median(t["true"])
        row("`/bin/true` wall time (baseline, same hyperfine run)", spread(t["true"]), "", "",
            ["" for _ in peers])
        row("`--version` wall time (same hyperfine run)", spread(t["version"]), "", "",
            ["" for _ in peers])
        cached_med = statistics.median(t["cached"])
        over = cached_med - true_med
        ok = over <= CACHED_OVER_TRUE_TARGET_MS
        row("cached `credential_process` call (m2m, process-credentials) wall time",
            f"{spread(t['cached'])}; {over:+.2f} ms vs `/bin/true`",
            "median within 1 ms of `/bin/true`", verdict(ok),
            [f">= {fmt_ms(statistics.median(p['times']))} (2)" for p in peers])
        if not ok:
            misses.append(f"cached call: median {cached_med:.3f} ms is {over:.3f} ms over "
                          f"`/bin/true` ({true_med:.3f} ms), more than 1 ms.")
        check_over = statistics.median(t["check"]) - true_med
        row("`m2m --check` wall time (fresh entry)",
            f"{spread(t['check'])}; {check_over:+.2f} ms vs `/bin/true`", "", "",
            ["n/a" for _ in peers])
        eks_med = statistics.median(t["eks"])
        eks_over = eks_med - cached_med
        eks_ok = eks_over <= EKS_OVER_CACHED_TARGET_MS
        row("EKS token from the cache (m2m, eks-token) wall time",
            f"{spread(t['eks'])}; {eks_over:+.2f} ms vs the cached call, "
            f"{eks_med - true_med:+.2f} ms vs `/bin/true`",
            "median within 0.5 ms of the cached `credential_process` call", verdict(eks_ok),
            ["n/a" for _ in peers])
        if not eks_ok:
            misses.append(f"EKS token from the cache: median {eks_med:.3f} ms is {eks_over:.3f} ms "
                          f"over the cached call ({cached_med:.3f} ms), more than 0.5 ms.")
        ecs_ms = c.get("ecs")
        if ecs_ms is not None:
            ecs_over = ecs_ms - cached_med
            ecs_ok = ecs_over <= ECS_OVER_CACHED_TARGET_MS
            row("`--exec --ecs-server` endpoint request (m2m, fresh cache; mean of sequential "
                "GETs by a Python client)",
                f"{ecs_ms:.3f} ms; {ecs_over:+.2f} ms vs the cached call, "
                f"{ecs_ms - true_med:+.2f} ms vs `/bin/true`",
                "within 0.5 ms of the cached `credential_process` call", verdict(ecs_ok),
                ["n/a" for _ in peers])
            if not ecs_ok:
                misses.append(f"--ecs-server request: {ecs_ms:.3f} ms is {ecs_over:.3f} ms over "
                              f"the cached call ({cached_med:.3f} ms), more than 0.5 ms.")
        row("HTTP requests of the cached calls, checks and EKS tokens",
            f"{c['requests']} in {c['calls']} calls",
            "0", verdict(c["requests"] == 0), ["" for _ in peers])
        if c["requests"]:
            misses.append(f"cached calls made {c['requests']} HTTP requests; expected none.")

    table = [
        "| " + " | ".join(head) + " |",
        "| " + " | ".join("---" for _ in head) + " |",
    ] + ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in rows]
    if peers:
        table += ["", "(1) Not measured: the peers have no m2m (client-credentials) flow; their "
                  "flows are user sign-ins (password and MFA, or device authorization) and need "
                  "a real Okta org, so only their start-up and size are compared.",
                  "",
                  "(2) Lower bound, not a measurement of the peer's cached path: filling its "
                  "cache needs a sign-in at a real Okta org (user, password, MFA), which this "
                  "machine cannot do. A cached call starts the same Python program whose "
                  "`--version` start-up is shown above, so it takes at least that long."]
    return table, misses


def machine_facts():
    def out(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return "unknown"
    lscpu = out(["lscpu"])
    model = next((ln.split(":", 1)[1].strip() for ln in lscpu.splitlines()
                  if ln.startswith("Model name")), "unknown")
    hyper = next((ln.split(":", 1)[1].strip() for ln in lscpu.splitlines()
                  if ln.startswith("Hypervisor vendor")), "none")
    try:
        with open("/proc/loadavg", encoding="utf-8") as f:
            load = " ".join(f.read().split()[:3])
    except OSError:
        load = "unknown"
    return [
        f"- CPU: {model}, `nproc` = {out(['nproc'])}, hypervisor: {hyper}; load average at the "
        f"end (1/5/15 min): {load}",
        f"- Kernel: `{out(['uname', '-srm'])}`",
        f"- Toolchain: `{out(['rustc', '-V'])}`; `{out(['hyperfine', '--version'])}`; "
        f"Python {sys.version.split()[0]} (sim org and peers)",
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--build-cmd", default="")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--peers", action="store_true")
    ap.add_argument("--breakdown", action="store_true")
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    started = datetime.datetime.now(datetime.timezone.utc)
    tmp = tempfile.mkdtemp(prefix="okta-aws-cli-bench-")
    rec = Recorder(tmp)
    if args.build_cmd:
        rec.note("build", shlex.split(args.build_cmd))
    res = {}
    failures = []
    try:
        log("our binary: size, --version")
        measure_binary(rec, args, res)
        log("m2m against the simulated org")
        try:
            measure_m2m(rec, args, res, tmp)
        except Failure as e:
            failures.append(str(e))
            res["m2m"] = {"available": False, "failed": str(e)}
        if args.peers:
            log("peers: aws-okta-processor, gimme-aws-creds")
            try:
                measure_peers(rec, args, res, tmp)
            except Failure as e:
                failures.append(str(e))
                res["peers"] = []
    except Failure as e:
        log(f"FAILED: {e}")
        shutil.rmtree(tmp, ignore_errors=True)
        return 1
    breakdown, summary = [], ""
    if args.breakdown or not args.quick:
        try:
            breakdown, summary = size_breakdown(rec, args, res["size"])
        except Failure as e:
            failures.append(str(e))
    table, misses = build_report(res, summary)
    shutil.rmtree(tmp, ignore_errors=True)

    print("\n".join(table))
    for line in misses:
        print("MISSED: " + line)
    for line in failures:
        print("FAILED: " + line, file=sys.stderr)

    doc = render(args, res, rec, started, table, misses, breakdown, failures)
    if args.quick:
        os.makedirs(OUT_DIR, exist_ok=True)
        path = os.path.join(OUT_DIR, "BENCHMARKS-quick.md")
    else:
        path = os.path.join(REPO, "BENCHMARKS.md")
        doc += kept_sections(path)
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc)
    log(f"wrote {os.path.relpath(path, REPO)}")
    return 1 if failures else 0


KEEP_MARKER = "<!-- scripts/bench keeps everything below this line -->"


def kept_sections(path):
    """The part of an existing BENCHMARKS.md from KEEP_MARKER on (one-off measurements such
    as binary sizes before and after a change), so a new run does not lose it; "" if none."""
    try:
        with open(path, encoding="utf-8") as f:
            old = f.read()
    except OSError:
        return ""
    at = old.find(KEEP_MARKER)
    return "" if at < 0 else "\n" + old[at:]


def render(args, res, rec, started, table, misses, breakdown, failures):
    mode = "`scripts/bench --quick` (few runs, no peers)" if args.quick else \
        "`scripts/bench`" + ("" if args.peers else " --no-peers")
    lines = [
        "# Benchmarks",
        "",
        f"Measured {started.strftime('%Y-%m-%d %H:%M UTC')} by {mode}; regenerate with "
        "`scripts/bench` (this whole file is rewritten). Every figure below was measured in that "
        "one invocation, peers included, so ratios compare like with like. Targets are "
        "benchmarks, not tests: a miss is reported here, it never fails the script.",
        "",
        "## Machine",
        "",
    ] + machine_facts() + [
        f"- Binary: `{res.get('file', '')}`",
        f"- `--version` prints: `{res.get('version_output', '') or '(nothing yet)'}`",
        "",
        "## Results",
        "",
        "Units: MB = 10^6 bytes; times in ms; spread as IQR (25th-75th percentile), min, max, "
        "runs. \"(xN)\" is the peer's figure divided by ours.",
        "",
    ] + table + [""]
    if misses:
        lines += ["## Missed targets", ""] + [f"- {m}" for m in misses] + [""]
    if breakdown:
        lines += ["## Size breakdown", ""] + breakdown + [""]
    if failures:
        lines += ["## Failed to run", ""] + [f"- {f}" for f in failures] + [""]
    lines += [
        "## How it is measured",
        "",
        "- Size: bytes of the release binary built by the command below (`stat`).",
        "- `--version` wall time: hyperfine with no shell (`-N`), after warm-up runs.",
        "- Peak RSS and CPU: `/usr/bin/time -v` (\"Maximum resident set size\", user + system "
        "time); the median over several runs.",
        "- `m2m`: two copies of `tests/simorg/simorg.py` on 127.0.0.1, one as the Okta org "
        "(client-credentials token endpoint, checks the client assertion with PyJWT) and one as "
        "STS (`AWS_ENDPOINT_URL_STS`), so that TLS handshakes are counted per host as in real use. "
        "Each run gets an empty HOME and working directory and a cleared environment. HTTP "
        "requests are the lines each run adds to `requests.jsonl`; TLS handshakes the lines it "
        "adds to `handshakes.jsonl`. Wall time is taken around the process (Python "
        "`perf_counter`, spawn included) on runs without `/usr/bin/time`, with their CPU time "
        "from `getrusage(RUSAGE_CHILDREN)` before and after (the kernel counters "
        "`/usr/bin/time` prints, in microseconds); peak RSS, and CPU again, on separate runs "
        "under `/usr/bin/time -v`. Loopback and a Python server: the wall time is mostly the "
        "simulators' own work (Python TLS and PyJWT), not a network figure.",
        "- Peers: installed from PyPI into their own virtualenvs under `target/bench-venv/`; "
        "installed size = their virtualenv's site-packages without pip/setuptools (byte code "
        "included); the Python runtime they also need is not counted. Their full flows (user "
        "sign-in with password/MFA or device authorization) need a real Okta org, so only "
        "start-up and size are compared.",
        "",
        "## Commands",
        "",
        "`$BENCH_TMP` is the run's temporary directory; ports are picked free per run.",
        "",
    ]
    for what, text in rec.commands:
        lines.append(f"- {what}: `{text}`")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
