#!/usr/bin/env python3
"""Independent checks the Rust end-to-end tests hand to Python (run under
OKTA_AWS_CLI_TEST_PYTHON). Input is one JSON document on stdin, output one on stdout.

  pycheck.py probe
      Exit 0 when botocore can be imported (else exit 3 with the reason on stderr).

  pycheck.py ini
      stdin: {"text": "<credentials file>"}. Parses it with configparser in strict mode
      (duplicate sections or keys are errors, as botocore's reader would have to cope with)
      and no interpolation. stdout: {"sections": [[name, {key: value}], ...]} in file order,
      or {"error": "<why>"}.

  pycheck.py botocore
      stdin: {"text": "<credentials file>"}. Reads it with botocore's own reader,
      botocore.configloader.raw_config_parse (configparser, then values that start on the
      line after "key =" as nested "k = v" lines, [DEFAULT] values in every section), from
      a UTF-8 file as the AWS CLI does. stdout: {"config": {section: {key: value or
      {k: v}}}} or {"error": "<why>"}.

  pycheck.py split
      stdin: {"line": "<credential_process value>", "platform": "linux" | "win32"}. Splits it
      with botocore.compat.compat_shell_split, as botocore's ProcessProvider does on that
      platform. stdout: {"argv": [...]} or {"error": "<why>"}.

  pycheck.py profile-names
      stdin: {"sections": ["profile  x", ...]}. For each name, a config file holding the
      section [name] alone, read with raw_config_parse and then build_profile_map (the
      profile names botocore sees: shlex.split of the section name). stdout:
      {"profiles": ["x" | null | {"error": "<why>"}, ...]} in input order.

  pycheck.py sigv4
      stdin: {"checks": [{"request": <a requests.jsonl line of the sim org>,
                          "credentials": {"AccessKeyId", "SecretAccessKey", "SessionToken"},
                          "region": "us-east-1", "service": "iam"}, ...]}
      For each recorded request, rebuild it the way a server sees it (method, the raw
      request-target, the Host header, the headers named in the sent SignedHeaders with their
      values as received, the raw body), sign it with botocore's SigV4Auth at the instant of
      the sent X-Amz-Date, and compare botocore's Authorization header with the one sent.
      stdout: {"results": [{"match": bool, "sent": "...", "botocore": "...", "error": null}]}.

  pycheck.py eks-token
      stdin: {"checks": [{"token": "k8s-aws-v1.<base64url>", "cluster_id": "...",
                          "credentials": {"AccessKeyId", "SecretAccessKey", "SessionToken"}}]}
      For each token, decode the presigned URL and make the same one the way `aws eks
      get-token` does: an STS client of botocore at the URL's scheme, host and path, in the
      region of its X-Amz-Credential, with a before-sign handler that adds the x-k8s-aws-id
      header, and generate_presigned_url("get_caller_identity", ExpiresIn=60, GET) at the
      instant of the URL's X-Amz-Date. The two URLs must hold the same query parameters
      (signature included) and the same scheme, host and path.
      stdout: {"results": [{"match": bool, "sent": "<our signature>", "botocore": "<its
      signature>", "error": null}]}.
"""

import base64
import configparser
import datetime
import json
import re
import sys
from unittest import mock

AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<cred>[^,]+), ?SignedHeaders=(?P<signed>[^,]+), ?"
    r"Signature=(?P<sig>[0-9a-f]{64})$"
)


def header(pairs, name):
    for k, v in pairs:
        if k.lower() == name.lower():
            return v
    return None


def probe():
    try:
        import botocore.auth  # noqa: F401
        import botocore.awsrequest  # noqa: F401
        import botocore.credentials  # noqa: F401
    except Exception as e:  # ImportError and anything the import itself raises
        print(f"botocore is not importable: {type(e).__name__}: {e}", file=sys.stderr)
        return 3
    return 0


def parse_ini(doc):
    parser = configparser.ConfigParser(strict=True, interpolation=None)
    try:
        parser.read_string(doc["text"], source="credentials")
    except configparser.Error as e:
        return {"error": f"{type(e).__name__}: {e}"}
    sections = []
    for name in parser.sections():
        sections.append([name, {k: parser.get(name, k, raw=True) for k in parser.options(name)}])
    return {"sections": sections}


def parse_botocore(doc):
    import os
    import tempfile

    import botocore.configloader
    import botocore.exceptions

    fd, path = tempfile.mkstemp(suffix=".ini")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(doc["text"])
        try:
            config = botocore.configloader.raw_config_parse(path)
        except botocore.exceptions.ConfigParseError as e:
            # The cause (configparser's error, or the nested line without "=").
            cause = e.__context__ or e.kwargs.get("error") or e
            return {"error": f"{type(cause).__name__}: {cause}"}
    finally:
        os.unlink(path)
    return {"config": config}


def profile_names(doc):
    """The profile botocore reads each of `sections` (names between the brackets) as, in a
    config file holding that section alone (raw_config_parse, then build_profile_map);
    None when it is no profile."""
    import botocore.configloader

    out = []
    for name in doc["sections"]:
        read = parse_botocore({"text": f"[{name}]\nregion = r\n"})
        if "error" in read:
            out.append({"error": read["error"]})
            continue
        profiles = list(botocore.configloader.build_profile_map(read["config"])["profiles"])
        out.append(profiles[0] if profiles else None)
    return {"profiles": out}


def split(doc):
    """How botocore splits a credential_process value on `platform` (compat_shell_split:
    shlex.split, or _windows_shell_split for win32)."""
    from botocore.compat import compat_shell_split

    try:
        return {"argv": compat_shell_split(doc["line"], doc["platform"])}
    except ValueError as e:
        return {"error": str(e)}


def recompute(check):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    req = check["request"]
    pairs = [(k, v) for k, v in req["headers"]]
    sent = header(pairs, "authorization") or ""
    m = AUTH_RE.match(sent)
    if not m:
        return {"match": False, "sent": sent, "botocore": None,
                "error": "the Authorization header is not AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature="}
    signed = m.group("signed").split(";")
    received = {k.lower() for k, _ in pairs}
    absent = [h for h in signed if h not in received]
    if absent:
        return {"match": False, "sent": sent, "botocore": None,
                "error": f"signed headers not in the request: {absent}"}
    amz_date = header(pairs, "x-amz-date") or ""
    try:
        instant = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
    except ValueError:
        return {"match": False, "sent": sent, "botocore": None,
                "error": f"X-Amz-Date {amz_date!r} is not YYYYMMDDTHHMMSSZ"}
    host = header(pairs, "host")
    if not host:
        return {"match": False, "sent": sent, "botocore": None, "error": "no Host header"}
    body = base64.b64decode(req.get("body_b64", ""))
    request = AWSRequest(method=req["method"], url=f"https://{host}{req['request_target']}", data=body)
    # What a server would hand its verifier: the headers the client says it signed, with
    # their values as received (repeated headers kept).
    for k, v in pairs:
        if k.lower() in signed:
            request.headers[k] = v
    creds = check["credentials"]
    signer = SigV4Auth(
        Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds.get("SessionToken")),
        check.get("service", "iam"),
        check.get("region", "us-east-1"),
    )
    # botocore takes its timestamp from botocore.auth.get_current_datetime (naive UTC).
    with mock.patch("botocore.auth.get_current_datetime", return_value=instant):
        signer.add_auth(request)
    ours = request.headers.get("Authorization")
    return {"match": ours == sent, "sent": sent, "botocore": ours, "error": None}


def recompute_eks(check):
    import botocore.session
    from urllib.parse import parse_qsl, urlsplit

    token = check["token"]
    prefix = "k8s-aws-v1."
    if not token.startswith(prefix):
        return {"match": False, "sent": None, "botocore": None, "error": "no k8s-aws-v1. prefix"}
    body = token[len(prefix):]
    if "=" in body:
        return {"match": False, "sent": None, "botocore": None, "error": "padded base64"}
    url = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("utf-8")
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=True)
    ours = dict(pairs)
    if len(ours) != len(pairs):
        return {"match": False, "sent": None, "botocore": None, "error": "a parameter twice"}
    try:
        region = ours["X-Amz-Credential"].split("/")[2]
        instant = datetime.datetime.strptime(ours["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    except (KeyError, IndexError, ValueError) as e:
        return {"match": False, "sent": None, "botocore": None, "error": f"unreadable URL: {e!r}"}
    creds = check["credentials"]
    client = botocore.session.Session().create_client(
        "sts",
        region_name=region,
        endpoint_url=f"{parts.scheme}://{parts.netloc}{parts.path}",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds.get("SessionToken"),
    )

    def add_cluster_id(request, **kwargs):
        request.headers["x-k8s-aws-id"] = check["cluster_id"]

    client.meta.events.register("before-sign.sts.GetCallerIdentity", add_cluster_id)
    with mock.patch("botocore.auth.get_current_datetime", return_value=instant):
        theirs_url = client.generate_presigned_url(
            "get_caller_identity", Params={}, ExpiresIn=60, HttpMethod="GET")
    theirs_parts = urlsplit(theirs_url)
    theirs = dict(parse_qsl(theirs_parts.query, keep_blank_values=True))
    same_place = theirs_parts[:3] == parts[:3]
    return {"match": same_place and theirs == ours, "sent": ours.get("X-Amz-Signature"),
            "botocore": theirs.get("X-Amz-Signature"), "error": None}


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "probe":
        return probe()
    doc = json.load(sys.stdin)
    if mode == "ini":
        out = parse_ini(doc)
    elif mode == "botocore":
        out = parse_botocore(doc)
    elif mode == "split":
        out = split(doc)
    elif mode == "profile-names":
        out = profile_names(doc)
    elif mode == "sigv4":
        out = {"results": [recompute(c) for c in doc["checks"]]}
    elif mode == "eks-token":
        out = {"results": [recompute_eks(c) for c in doc["checks"]]}
    else:
        print(f"usage: {sys.argv[0]} probe|ini|botocore|split|profile-names|sigv4|eks-token", file=sys.stderr)
        return 2
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
