"""The command of `--exec --ecs-server` in the ecs_server tests (tests/e2e/ecs_server.rs).

Run as the child: reads AWS_CONTAINER_CREDENTIALS_FULL_URI and
AWS_CONTAINER_AUTHORIZATION_TOKEN from its environment, talks to the endpoint with the
standard library only (as a client that is not an SDK), and prints one JSON line on stdout.

    ecs_probe.py probe            env facts; wrong, missing and right token; other paths
    ecs_probe.py get N            N sequential requests with the token: their key ids
    ecs_probe.py parallel N       N requests at once (threads): statuses and key ids (after
                                  removing the cache entries in ECS_PROBE_CLEAR_DIR, if set)
    ecs_probe.py bench N          N sequential requests: milliseconds per request
    ecs_probe.py exit CODE        one good request, then exit with CODE
    ecs_probe.py signal NAME      one good request, then kill itself with signal NAME
    ecs_probe.py term-trap CODE   one good request, a "ready" line, then wait for SIGTERM
                                  (at most the timeout): print a "term" line, exit with CODE

Every request has a 30 s timeout, so the probe cannot hang a test.
"""

import http.client
import json
import os
import signal
import sys
import threading
import time
import urllib.parse

TIMEOUT = 30
KEY_VARS = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION"]


def endpoint():
    url = urllib.parse.urlsplit(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"])
    return url.hostname, url.port, url.path


def request(path=None, token=None, method="GET", raw_headers=None):
    """(status, body text) of one request; `token` None sends no Authorization."""
    host, port, default_path = endpoint()
    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    headers = dict(raw_headers or {})
    if token is not None:
        headers["Authorization"] = token
    conn.request(method, path or default_path, headers=headers)
    resp = conn.getresponse()
    body = resp.read().decode("utf-8", "replace")
    conn.close()
    return resp.status, body


def good():
    status, body = request(token=os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"])
    return status, body


def key_of(body):
    try:
        return json.loads(body)["AccessKeyId"]
    except (ValueError, KeyError, TypeError):
        return None


def probe():
    token = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    host, port, path = endpoint()
    wrong = ("0" if token[0] != "0" else "1") + token[1:]
    out = {
        "host": host,
        "port": port,
        "path": path,
        "token_len": len(token),
        "key_vars": sorted(v for v in KEY_VARS if v in os.environ),
        "other_container_vars": sorted(
            v for v in os.environ
            if v.startswith("AWS_CONTAINER_") and v not in (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN")),
        "wrong": request(token=wrong),
        "missing": request(),
        "bearer": request(token="Bearer " + token),
        "other_path": request(path="/", token=token),
        "other_path_no_token": request(path="/latest/meta-data/", token=None),
        "post": request(method="POST", token=token),
        "right": request(token=token),
        "token": token,
    }
    print(json.dumps(out))


def get(n):
    keys = []
    for _ in range(n):
        status, body = good()
        keys.append([status, key_of(body)])
    print(json.dumps({"results": keys}))


def parallel(n):
    # ECS_PROBE_CLEAR_DIR: remove the cache entries there first, so every request misses.
    clear = os.environ.get("ECS_PROBE_CLEAR_DIR")
    if clear:
        for name in os.listdir(clear):
            if name.endswith(".json"):
                os.remove(os.path.join(clear, name))
    results = [None] * n
    start = threading.Barrier(n)

    def one(i):
        start.wait(TIMEOUT)
        status, body = good()
        results[i] = [status, key_of(body)]

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    print(json.dumps({"results": results}))


def bench(n):
    good()  # warm up: the first request may sign in
    started = time.perf_counter()
    for _ in range(n):
        status, _ = good()
        if status != 200:
            raise SystemExit(f"status {status}")
    ms = (time.perf_counter() - started) * 1000 / n
    print(json.dumps({"requests": n, "ms_per_request": ms}))


def main():
    mode, arg = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else None)
    if mode == "probe":
        probe()
    elif mode == "get":
        get(int(arg))
    elif mode == "parallel":
        parallel(int(arg))
    elif mode == "bench":
        bench(int(arg))
    elif mode == "exit":
        status, _ = good()
        print(json.dumps({"status": status, "url": os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]}))
        sys.stdout.flush()
        sys.exit(int(arg))
    elif mode == "signal":
        status, _ = good()
        print(json.dumps({"status": status}))
        sys.stdout.flush()
        os.kill(os.getpid(), getattr(signal, arg))
        time.sleep(TIMEOUT)
    elif mode == "term-trap":
        def on_term(_signum, _frame):
            print(json.dumps({"term": True}))
            sys.stdout.flush()
            os._exit(int(arg))
        signal.signal(signal.SIGTERM, on_term)
        status, _ = good()
        print(json.dumps({"status": status, "ready": True}))
        sys.stdout.flush()
        time.sleep(TIMEOUT)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
