#!/usr/bin/env python3
"""A scripted browser for the authorization code flow's end-to-end tests.

Given as okta-aws-cli's --open-browser-command (okta-aws-cli adds the URL as the last
argument), it does what a person's browser does after a sign-in that needs no input: it
opens the authorize URL of the simulated org (HTTPS, trusting SSL_CERT_FILE), takes the 302,
and follows it to the loopback redirect URI. It can also misbehave on the way:

    browser.py [--log FILE] [--state keep|drop|tamper] [--save-code FILE]
               [--code-from FILE] URL

  --state drop      remove the state parameter from the redirect
  --state tamper    change the state parameter's value
  --save-code FILE  write the code of the redirect to FILE
  --code-from FILE  send the code read from FILE instead of the redirect's (a reused code)
  --log FILE        write what happened as one JSON object: authorize_status, location (as
                    received), sent (the redirect URL followed), callback_status and
                    callback_body (the page okta-aws-cli answered); written last, atomically

Every request has a 10 second timeout; no proxy is used. Exit status 0 when the redirect
was followed, 1 otherwise.
"""

import argparse
import json
import os
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def write_log(path, record):
    if not path:
        return
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(record, f)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--log")
    ap.add_argument("--state", choices=["keep", "drop", "tamper"], default="keep")
    ap.add_argument("--save-code")
    ap.add_argument("--code-from")
    ap.add_argument("url")
    args = ap.parse_args()

    record = {"opened": args.url}
    ctx = ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE"))
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ctx), NoRedirect())
    try:
        resp = opener.open(args.url, timeout=10)
        record["authorize_status"] = resp.status
        record["authorize_body"] = resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        record["authorize_status"] = e.code
        record["location"] = e.headers.get("Location")
        record["authorize_body"] = e.read().decode("utf-8", "replace")
    except Exception as e:  # the test reads the reason from the log
        record["authorize_error"] = f"{type(e).__name__}: {e}"
    location = record.get("location")
    if record.get("authorize_status") != 302 or not location:
        write_log(args.log, record)
        return 1

    split = urllib.parse.urlsplit(location)
    params = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
    if args.save_code:
        with open(args.save_code, "w", encoding="utf-8") as f:
            f.write(dict(params).get("code", ""))
    if args.code_from:
        with open(args.code_from, encoding="utf-8") as f:
            old = f.read().strip()
        params = [(k, old if k == "code" else v) for k, v in params]
    if args.state == "drop":
        params = [(k, v) for k, v in params if k != "state"]
    elif args.state == "tamper":
        params = [(k, v + "x" if k == "state" else v) for k, v in params]
    sent = urllib.parse.urlunsplit(split._replace(query=urllib.parse.urlencode(params)))
    record["sent"] = sent
    try:
        resp = opener.open(sent, timeout=10)
        record["callback_status"] = resp.status
        record["callback_body"] = resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        record["callback_status"] = e.code
        record["callback_body"] = e.read().decode("utf-8", "replace")
    except Exception as e:
        record["callback_error"] = f"{type(e).__name__}: {e}"
    write_log(args.log, record)
    return 0 if "callback_status" in record else 1


if __name__ == "__main__":
    sys.exit(main())
