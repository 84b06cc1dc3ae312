#!/usr/bin/env python3
"""Runs the test machine's own programs for test executables that cannot start them.

Under wine, a Windows test executable can ask wine to start a Linux program, but it gets
no process handle back (no exit status, no kill) and its pipes do not reach the program.
scripts/test-windows therefore starts this runner on the Linux side before the tests,
and tests/e2e/support/mod.rs (`HostCommand`) sends it what to run, over loopback TCP:

    python3 host_runner.py [--port-file FILE]

listens on 127.0.0.1 (free port), prints "READY <port>" on stdout (and writes the port to
FILE), and serves one request per connection: a JSON line

    {"mode": "run" | "spawn", "argv": [...], "cwd": "/dir" | null,
     "env": {"K": "V"}, "env_remove": ["K"], "env_clear": false, "env_keep": ["PATH"],
     "stdin": "<base64>", "timeout": 60}

* run: runs argv to completion with stdin as given, then answers one JSON line
  {"code": n | null, "signal": n | null, "stdout": "<base64>", "stderr": "<base64>",
  "error": "..." | null} (`error` when the program could not be started or timed out).
* spawn: starts argv with stdin and stdout on the connection (stderr goes to the runner's
  stderr) and answers {"pid": n} or {"error": "..."} first. Bytes from the client go to
  the program's stdin; its stdout comes back raw. When the client closes the connection,
  the program's stdin is closed and, after a short grace time, the program is killed.

Only loopback clients are served; scripts/test-windows stops the runner (SIGTERM) when the
tests end, and the programs it spawned see their stdin close.
"""

import argparse
import base64
import json
import os
import socket
import socketserver
import subprocess
import threading

GRACE_SECONDS = 2.0


def environment(req):
    env = {} if req.get("env_clear") else dict(os.environ)
    for key in req.get("env_keep") or []:
        if key in os.environ:
            env[key] = os.environ[key]
    for key in req.get("env_remove") or []:
        env.pop(key, None)
    env.update(req.get("env") or {})
    return env


def run(req):
    try:
        proc = subprocess.run(
            req["argv"],
            input=base64.b64decode(req.get("stdin") or ""),
            capture_output=True,
            cwd=req.get("cwd"),
            env=environment(req),
            timeout=req.get("timeout") or 60,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return {"error": f"{type(e).__name__}: {e}"}
    code, signal = (proc.returncode, None) if proc.returncode >= 0 else (None, -proc.returncode)
    return {
        "code": code,
        "signal": signal,
        "stdout": base64.b64encode(proc.stdout).decode(),
        "stderr": base64.b64encode(proc.stderr).decode(),
        "error": None,
    }


def pump_stdout(proc, conn):
    """The program's stdout to the client; the connection's write side ends with it."""
    try:
        while True:
            data = proc.stdout.read1(65536)
            if not data:
                break
            conn.sendall(data)
    except OSError:
        pass
    finally:
        try:
            conn.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def spawn(req, conn, rfile):
    try:
        proc = subprocess.Popen(
            req["argv"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=req.get("cwd"),
            env=environment(req),
        )
    except OSError as e:
        conn.sendall((json.dumps({"error": f"{type(e).__name__}: {e}"}) + "\n").encode())
        return
    conn.sendall((json.dumps({"pid": proc.pid}) + "\n").encode())
    threading.Thread(target=pump_stdout, args=(proc, conn), daemon=True).start()
    try:
        while True:
            data = rfile.read1(65536)
            if not data:
                break
            proc.stdin.write(data)
            proc.stdin.flush()
    except OSError:
        pass
    try:
        proc.stdin.close()
    except OSError:
        pass
    try:
        proc.wait(timeout=GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        if self.client_address[0] != "127.0.0.1":
            return
        line = self.rfile.readline()
        if not line:
            return
        req = json.loads(line)
        if req.get("mode") == "spawn":
            spawn(req, self.connection, self.rfile)
        else:
            self.wfile.write((json.dumps(run(req)) + "\n").encode())


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port-file", help="also write the port to this file")
    args = ap.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file, "w") as f:
            f.write(f"{port}\n")
    print(f"READY {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
