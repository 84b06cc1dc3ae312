#!/usr/bin/env python3
"""A simulated Okta org (plus an AWS STS stand-in) for okta-aws-cli's end-to-end tests.

Usage:
    simorg.py --config scenario.json --state-dir DIR [--max-lifetime 600] [--ignore-stdin]
    simorg.py --genkey rsa|ec --out DIR

Server mode:
  * creates a throwaway test CA and a server certificate for 127.0.0.1 / localhost in DIR
    (DIR/ca.pem is what the binary under test trusts through SSL_CERT_FILE);
  * listens with TLS on 127.0.0.1 only, on a free port, and prints "READY <port>" on stdout;
  * appends every request it receives (method, path, query, headers, body, form fields, the
    route that answered and the route's verdict) as one JSON line to DIR/requests.jsonl;
  * appends every completed TLS handshake (protocol version, resumed or not) as one JSON
    line to DIR/handshakes.jsonl (scripts/bench counts them);
  * exits when its stdin closes (the test harness holds the pipe; a crashed test closes it)
    or after --max-lifetime seconds, whichever comes first.

The scenario is a JSON object with one section per route family:

  "m2m": {                      # client-credentials grant at /oauth2/<authz-id>/v1/token
    "client_id": "0oa...",      # required iss/sub of the client assertion
    "public_key_pem": "...",    # or "public_key_file": path; RSA -> RS256, EC P-256 -> ES256
    "kid": "...",               # optional: the header kid must equal it
    "authz_id": "default",      # optional: only this authorization server exists
    "allowed_scopes": ["okta-m2m-access"],
    "access_token": "...",      # optional; default: a fresh random token per call
    "expires_in": 3600,
    "clock_offset": 0,          # seconds added to this server's clock (skew tests)
    "replies": [ REPLY, ... ]   # optional; call n gets replies[min(n, len-1)]; a REPLY
                                # is {"shape": "ok"} or an error shape (see error_reply)
  },
  "sts": {                      # AWS STS Query API on POST / and POST /sts/
    "credentials": {"AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken": ...,
                    "Expiration": "2030-01-01T00:00:00Z"},
    "require_issued_token": true,  # WebIdentityToken must be a token this org issued
    "replies": [ {"shape": "ok"} | {"shape": "error", "status": 403, "code": "...",
                 "message": "...", "type": "Sender"} ]
  }

Other flows (device authorization, token polling, token exchange, /login/token/sso,
appLinks, /.well-known/okta-organization) plug in by adding a handler to ROUTES (or a
grant handler to GRANTS) and a section to the scenario.
"""

import argparse
import base64
import datetime
import html
import ipaddress
import json
import os
import re
import secrets
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt  # PyJWT: the independent verifier of our client assertions
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
# Longest accepted request body; every read is bounded.
MAX_BODY = 1 << 20


# ---------------------------------------------------------------------------------------
# Keys and certificates
# ---------------------------------------------------------------------------------------

def write_private(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def make_tls_files(state_dir):
    """Create a test CA and a server certificate for 127.0.0.1/localhost; return paths."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "okta-aws-cli simorg test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    srv_key = ec.generate_private_key(ec.SECP256R1())
    srv_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(srv_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path = os.path.join(state_dir, "ca.pem")
    cert_path = os.path.join(state_dir, "server.pem")
    key_path = os.path.join(state_dir, "server-key.pem")
    with open(ca_path, "wb") as f:
        f.write(ca_cert.public_bytes(serialization.Encoding.PEM))
    with open(cert_path, "wb") as f:
        f.write(srv_cert.public_bytes(serialization.Encoding.PEM))
    write_private(
        key_path,
        srv_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    return ca_path, cert_path, key_path


def genkey(kind, out_dir):
    """Write a throwaway key pair for tests: private (several encodings) and public PEM."""
    os.makedirs(out_dir, exist_ok=True)
    if kind == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        write_private(
            os.path.join(out_dir, "private-pkcs1.pem"),
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            ),
        )
    elif kind == "ec":
        key = ec.generate_private_key(ec.SECP256R1())
        write_private(
            os.path.join(out_dir, "private-sec1.pem"),
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            ),
        )
    else:
        raise SystemExit(f"--genkey: unknown key type {kind!r} (rsa or ec)")
    write_private(
        os.path.join(out_dir, "private-pkcs8.pem"),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    write_private(
        os.path.join(out_dir, "private-pkcs8-encrypted.pem"),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"fake-test-passphrase"),
        ),
    )
    with open(os.path.join(out_dir, "public.pem"), "wb") as f:
        f.write(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )


# ---------------------------------------------------------------------------------------
# Requests and replies
# ---------------------------------------------------------------------------------------

class Request:
    """One received request, with the route's captures in `params`."""

    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers  # list of (name, value)
        self.body = body
        self.params = {}
        self.form = {}
        self.form_duplicates = []
        ctype = self.header("content-type") or ""
        if ctype.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
            for k, v in urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
                if k in self.form:
                    self.form_duplicates.append(k)
                else:
                    self.form[k] = v

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


class Reply:
    def __init__(self, status, body=b"", content_type="application/json", headers=None, verdict="ok"):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode("utf-8")
        self.content_type = content_type
        self.headers = headers or []
        self.verdict = verdict


def json_reply(status, obj, verdict="ok", headers=None):
    return Reply(status, json.dumps(obj), "application/json", headers, verdict)


def oauth_error(status, error, description, verdict=None):
    return json_reply(status, {"error": error, "error_description": description},
                      verdict=verdict or f"{error}: {description}")


def error_reply(spec, verdict):
    """An error in one of Okta's shapes, as the scenario asks:

    {"shape": "oauth", "status": 400, "error": "...", "error_description": "..."}
    {"shape": "okta", "status": 403, "errorCode": "E0000006", "errorSummary": "...",
     "errorCauses": [{"errorSummary": "..."}]}
    {"shape": "html", "status": 502, "body": "<html>...</html>"}
    {"shape": "www-authenticate", "status": 401, "error": "...", "error_description": "..."}
    """
    shape = spec.get("shape")
    if shape == "oauth":
        return json_reply(spec.get("status", 400), {
            "error": spec.get("error", "invalid_request"),
            "error_description": spec.get("error_description", "The request is invalid."),
        }, verdict=verdict)
    if shape == "okta":
        body = {
            "errorCode": spec.get("errorCode", "E0000006"),
            "errorSummary": spec.get("errorSummary", "You do not have permission to perform the requested action"),
            "errorLink": spec.get("errorCode", "E0000006"),
            "errorId": "oae" + secrets.token_hex(8),
            "errorCauses": spec.get("errorCauses", []),
        }
        headers = [("X-Okta-Request-Id", spec.get("request_id", "simorg-" + secrets.token_hex(6)))]
        return json_reply(spec.get("status", 403), body, verdict=verdict, headers=headers)
    if shape == "html":
        body = spec.get("body", "<html><head><title>502 Bad Gateway</title></head>"
                                "<body><h1>502 Bad Gateway</h1></body></html>")
        return Reply(spec.get("status", 502), body, "text/html; charset=utf-8", verdict=verdict)
    if shape == "www-authenticate":
        challenge = 'Bearer realm="IdpMyAccountAPI", error="{}", error_description="{}"'.format(
            spec.get("error", "invalid_token"),
            spec.get("error_description", "The access token is invalid."),
        )
        return Reply(spec.get("status", 401), b"", "application/json",
                     [("WWW-Authenticate", challenge)], verdict=verdict)
    raise ValueError(f"unknown reply shape {shape!r}")


# ---------------------------------------------------------------------------------------
# The org
# ---------------------------------------------------------------------------------------

class Org:
    def __init__(self, scenario, state_dir):
        self.scenario = scenario
        self.state_dir = state_dir
        self.lock = threading.Lock()
        self.counters = {}
        self.seen_jti = set()
        self.issued_tokens = set()
        self.seq = 0
        self.log_path = os.path.join(state_dir, "requests.jsonl")
        self.base_url = None  # set once the port is known

    def next_reply_spec(self, section, counter):
        """The scenario's reply for the n-th call of `counter` (the last one repeats)."""
        with self.lock:
            n = self.counters.get(counter, 0)
            self.counters[counter] = n + 1
        replies = self.scenario.get(section, {}).get("replies") or []
        if not replies:
            return {"shape": "ok"}
        return replies[min(n, len(replies) - 1)]

    def record_handshake(self, sock):
        entry = {"time": time.time(), "version": sock.version(), "resumed": sock.session_reused}
        with self.lock:
            with open(os.path.join(self.state_dir, "handshakes.jsonl"), "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")

    def record(self, req, route, reply):
        with self.lock:
            self.seq += 1
            entry = {
                "seq": self.seq,
                "time": time.time(),
                "method": req.method,
                "path": req.path,
                "query": req.query,
                "headers": [[k, v] for k, v in req.headers],
                "body": req.body.decode("utf-8", "replace"),
                "form": req.form,
                "form_duplicates": req.form_duplicates,
                "route": route,
                "status": reply.status,
                "verdict": reply.verdict,
            }
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")
                f.flush()


# ---------------------------------------------------------------------------------------
# m2m: client-credentials grant with a JWT client assertion (RFC 7523)
# ---------------------------------------------------------------------------------------

def load_public_key(cfg):
    pem = cfg.get("public_key_pem")
    if pem is None and cfg.get("public_key_file"):
        with open(cfg["public_key_file"], "rb") as f:
            pem = f.read()
    if pem is None:
        return None
    if isinstance(pem, str):
        pem = pem.encode()
    return serialization.load_pem_public_key(pem)


def verify_client_assertion(org, req, cfg):
    """Check the client assertion the way Okta does. Returns an error Reply or None."""
    assertion = req.form.get("client_assertion")
    if not assertion:
        return oauth_error(401, "invalid_client", "Client authentication failed: no client_assertion.")
    if req.form.get("client_assertion_type") != CLIENT_ASSERTION_TYPE:
        return oauth_error(401, "invalid_client", "The client_assertion_type is invalid.")
    try:
        public_key = load_public_key(cfg)
    except Exception as e:  # scenario mistake
        return oauth_error(500, "server_error", f"simorg: bad public key in scenario: {e}")
    if public_key is None:
        return oauth_error(500, "server_error", "simorg: scenario m2m has no public key")
    if isinstance(public_key, rsa.RSAPublicKey):
        algorithms = ["RS256"]
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        algorithms = ["ES256"]
    else:
        return oauth_error(500, "server_error", "simorg: unsupported public key type")
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError:
        return oauth_error(401, "invalid_client", "The client_assertion is not a well-formed JWT.")
    if header.get("alg") not in algorithms:
        return oauth_error(401, "invalid_client",
                           f"The client_assertion alg {header.get('alg')!r} does not match the key.")
    if cfg.get("kid") is not None and header.get("kid") != cfg["kid"]:
        return oauth_error(401, "invalid_client",
                           "The 'kid' of the client_assertion does not match a registered key.")
    # Okta requires aud to be the endpoint invoked, as the client addressed it.
    expected_aud = "https://" + (req.header("host") or org.base_url.split("//", 1)[1]) + req.path
    try:
        claims = jwt.decode(
            assertion,
            key=public_key,
            algorithms=algorithms,
            audience=expected_aud,
            options={
                "require": ["aud", "exp", "iat", "iss", "sub", "jti"],
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.InvalidAudienceError:
        return oauth_error(401, "invalid_client",
                           "The audience claim for client_assertion must be the endpoint invoked for the request.")
    except jwt.MissingRequiredClaimError as e:
        return oauth_error(401, "invalid_client", f"The client_assertion token is missing the '{e.claim}' claim.")
    except jwt.InvalidSignatureError:
        return oauth_error(401, "invalid_client", "The client_assertion signature is invalid.")
    except jwt.PyJWTError as e:
        return oauth_error(401, "invalid_client", f"The client_assertion is invalid: {type(e).__name__}.")
    client_id = cfg.get("client_id")
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        return oauth_error(401, "invalid_client",
                           "The client_assertion iss and sub claims must both be the client_id.")
    now = time.time() + float(cfg.get("clock_offset", 0))
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, int) or not isinstance(exp, int):
        return oauth_error(401, "invalid_client", "The client_assertion iat and exp claims must be integers.")
    if iat > now + 5:
        return oauth_error(401, "invalid_client", "The client_assertion token was issued in the future.")
    if exp <= now:
        return oauth_error(401, "invalid_client", "The client_assertion token is expired.")
    if exp - iat >= 3600 or exp - now > 3600:
        return oauth_error(401, "invalid_client",
                           "The client_assertion token has an expiration too far into the future.")
    with org.lock:
        if claims["jti"] in org.seen_jti:
            return oauth_error(401, "invalid_client", "The client_assertion token has already been used.")
        org.seen_jti.add(claims["jti"])
    return None


def grant_client_credentials(org, req):
    cfg = org.scenario.get("m2m", {})
    authz = req.params.get("authz")
    if cfg.get("authz_id") and authz != cfg["authz_id"]:
        return json_reply(404, {"errorCode": "E0000007",
                                "errorSummary": f"Not found: Resource not found: {authz} (AuthorizationServer)",
                                "errorLink": "E0000007", "errorId": "oae0", "errorCauses": []},
                          verdict=f"unknown authorization server {authz}")
    if req.query:
        return oauth_error(400, "invalid_request",
                           "simorg: the token request must carry no query string (client_assertion belongs in the body).")
    if req.header("x-okta-aws-cli-operation") != "m2m":
        return oauth_error(400, "invalid_request", "simorg: missing header X-Okta-Aws-Cli-Operation: m2m")
    if "application/json" not in (req.header("accept") or ""):
        return oauth_error(400, "invalid_request", "simorg: Accept must be application/json")
    if req.form_duplicates:
        return oauth_error(400, "invalid_request", f"Duplicate form fields: {req.form_duplicates}")
    if "client_id" in req.form:
        return oauth_error(400, "invalid_request", "simorg: upstream sends no client_id with a client assertion")
    failure = verify_client_assertion(org, req, cfg)
    spec = org.next_reply_spec("m2m", "m2m-token")
    if spec.get("shape", "ok") != "ok":
        # The scenario forces an error; the verdict still says whether the request was valid.
        return error_reply(spec, verdict=failure.verdict if failure else "ok (forced error)")
    if failure:
        return failure
    allowed = cfg.get("allowed_scopes", ["okta-m2m-access"])
    scopes = req.form.get("scope", "").split()
    bad = [s for s in scopes if s not in allowed]
    if not scopes or bad:
        return oauth_error(400, "invalid_scope",
                           "The following scopes are not allowed: " + ", ".join(f"'{s}'" for s in (bad or [""])))
    token = cfg.get("access_token") or ("simorg-at-" + secrets.token_urlsafe(24))
    with org.lock:
        org.issued_tokens.add(token)
    return json_reply(200, {
        "token_type": "Bearer",
        "expires_in": cfg.get("expires_in", 3600),
        "access_token": token,
        "scope": " ".join(scopes),
    })


# grant_type -> handler(org, req). The web flow adds the device-code and token-exchange grants.
GRANTS = {
    "client_credentials": grant_client_credentials,
}


def route_token(org, req):
    if req.method != "POST":
        return oauth_error(405, "invalid_request", "The token endpoint accepts POST only.")
    ctype = (req.header("content-type") or "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        return oauth_error(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.")
    grant = req.form.get("grant_type")
    handler = GRANTS.get(grant)
    if handler is None:
        return oauth_error(400, "unsupported_grant_type", f"The grant_type {grant!r} is not supported.")
    return handler(org, req)


# ---------------------------------------------------------------------------------------
# STS stand-in (AWS Query API, version 2011-06-15)
# ---------------------------------------------------------------------------------------

def sts_error(status, code, message, type_="Sender", verdict=None):
    body = (
        f'<ErrorResponse xmlns="{STS_NS}">\n'
        f"  <Error>\n    <Type>{html.escape(type_)}</Type>\n    <Code>{html.escape(code)}</Code>\n"
        f"    <Message>{html.escape(message)}</Message>\n  </Error>\n"
        f"  <RequestId>{secrets.token_hex(16)}</RequestId>\n</ErrorResponse>\n"
    )
    return Reply(status, body, "text/xml", verdict=verdict or f"{code}: {message}")


def route_sts(org, req):
    cfg = org.scenario.get("sts", {})
    if req.method != "POST":
        return sts_error(405, "InvalidAction", "STS Query API calls are POSTs in this simulator.")
    form = req.form
    action = form.get("Action")
    if form.get("Version") != "2011-06-15":
        return sts_error(400, "InvalidParameterValue", "Version must be 2011-06-15.")
    if action not in ("AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"):
        return sts_error(400, "InvalidAction", f"Could not find operation {action} for version 2011-06-15")
    role = form.get("RoleArn", "")
    if not re.match(r"^arn:aws[a-z-]*:iam::\d{12}:role/.+", role):
        return sts_error(400, "ValidationError", "RoleArn is not a valid IAM role ARN.")
    duration = form.get("DurationSeconds")
    if duration is not None and (not duration.isdigit() or not 900 <= int(duration) <= 43200):
        return sts_error(400, "ValidationError", "DurationSeconds must be between 900 and 43200.")
    if action == "AssumeRoleWithWebIdentity":
        token = form.get("WebIdentityToken", "")
        session = form.get("RoleSessionName", "")
        if len(session) < 2:
            return sts_error(400, "ValidationError", "RoleSessionName is required.")
        if cfg.get("require_issued_token", True):
            with org.lock:
                known = token in org.issued_tokens
            if not known:
                return sts_error(400, "InvalidIdentityToken", "The web identity token was not issued by this org.")
    else:
        if not re.match(r"^arn:aws[a-z-]*:iam::\d{12}:saml-provider/.+", form.get("PrincipalArn", "")):
            return sts_error(400, "ValidationError", "PrincipalArn is not a valid SAML provider ARN.")
        try:
            base64.b64decode(form.get("SAMLAssertion", ""), validate=True)
        except Exception:
            return sts_error(400, "InvalidIdentityToken", "SAMLAssertion is not valid base64.")
        session = "okta-user"
    spec = org.next_reply_spec("sts", "sts-" + action)
    if spec.get("shape", "ok") != "ok":
        return sts_error(spec.get("status", 403), spec.get("code", "AccessDenied"),
                         spec.get("message", "Not authorized to perform sts:" + action),
                         spec.get("type", "Sender"), verdict="ok (forced error)")
    creds = {
        "AccessKeyId": "ASIASIMORG" + secrets.token_hex(5).upper(),
        "SecretAccessKey": secrets.token_urlsafe(30),
        "SessionToken": "FwoGZXIvYXdzE" + secrets.token_urlsafe(90),
        "Expiration": "2030-01-01T00:00:00Z",
    }
    creds.update(cfg.get("credentials", {}))
    account = role.split(":")[4]
    role_name = role.split(":role/", 1)[1]
    body = (
        f'<{action}Response xmlns="{STS_NS}">\n  <{action}Result>\n'
        f"    <AssumedRoleUser>\n"
        f"      <AssumedRoleId>AROASIMORG:{html.escape(session)}</AssumedRoleId>\n"
        f"      <Arn>arn:aws:sts::{account}:assumed-role/{html.escape(role_name)}/{html.escape(session)}</Arn>\n"
        f"    </AssumedRoleUser>\n"
        f"    <Credentials>\n"
        f"      <AccessKeyId>{html.escape(creds['AccessKeyId'])}</AccessKeyId>\n"
        f"      <SecretAccessKey>{html.escape(creds['SecretAccessKey'])}</SecretAccessKey>\n"
        f"      <SessionToken>{html.escape(creds['SessionToken'])}</SessionToken>\n"
        f"      <Expiration>{html.escape(creds['Expiration'])}</Expiration>\n"
        f"    </Credentials>\n"
        f"  </{action}Result>\n"
        f"  <ResponseMetadata><RequestId>{secrets.token_hex(16)}</RequestId></ResponseMetadata>\n"
        f"</{action}Response>\n"
    )
    return Reply(200, body, "text/xml")


# ---------------------------------------------------------------------------------------
# Routing
# ---------------------------------------------------------------------------------------

# (name, path regex, handler). First match wins; named groups become req.params.
# The web flow adds: device authorize, /oauth2/v1/token grants, /login/token/sso,
# /api/v1/users/me/appLinks, /.well-known/okta-organization.
ROUTES = [
    ("m2m-token", re.compile(r"^/oauth2/(?P<authz>[^/]+)/v1/token$"), route_token),
    ("sts", re.compile(r"^/(sts/*)?$"), route_sts),
]


def dispatch(org, req):
    for name, pattern, handler in ROUTES:
        m = pattern.match(req.path)
        if m:
            req.params = m.groupdict()
            try:
                return name, handler(org, req)
            except Exception as e:  # a simulator bug must show up as a clear 500
                return name, json_reply(500, {"errorCode": "E0000009",
                                              "errorSummary": f"simorg handler error: {type(e).__name__}: {e}"},
                                        verdict=f"handler crashed: {e}")
    return None, json_reply(404, {"errorCode": "E0000022",
                                  "errorSummary": f"simorg: no route for {req.method} {req.path}",
                                  "errorLink": "E0000022", "errorId": "oae0", "errorCauses": []},
                            verdict="no route")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY: without it, the reply's second segment waits for the client's delayed
    # ACK (about 40 ms per request on Linux loopback), which would swamp scripts/bench's timings.
    disable_nagle_algorithm = True
    server_version = "simorg/1"
    timeout = 30  # an idle or stuck connection is dropped after this many seconds

    def log_message(self, fmt, *args):
        pass  # stdout carries only READY; requests go to requests.jsonl

    def setup(self):
        super().setup()
        # Finish the TLS handshake here (under the socket timeout) and log it to
        # DIR/handshakes.jsonl, one line per handshake, so scripts/bench can count them.
        self.request.do_handshake()
        self.server.org.record_handshake(self.request)

    def handle_any(self):
        org = self.server.org
        split = urllib.parse.urlsplit(self.path)
        length = self.headers.get("Content-Length")
        try:
            n = int(length) if length else 0
        except ValueError:
            n = -1
        if n < 0 or n > MAX_BODY:
            self.send_error(400, "bad Content-Length")
            return
        body = self.rfile.read(n) if n else b""
        req = Request(self.command, split.path, split.query, list(self.headers.items()), body)
        route, reply = dispatch(org, req)
        org.record(req, route, reply)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for k, v in reply.headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    ssl_ctx = None

    def get_request(self):
        # The TLS handshake runs later in the connection's own thread, under the handler's
        # socket timeout, so a silent client cannot stall the accept loop.
        sock, addr = self.socket.accept()
        return self.ssl_ctx.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr


def watch_stdin():
    """Exit as soon as the parent closes our stdin (or dies)."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except Exception:
        pass
    os._exit(0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", help="scenario JSON file")
    ap.add_argument("--state-dir", help="directory for ca.pem, requests.jsonl, ...")
    ap.add_argument("--max-lifetime", type=float, default=600.0, help="exit after this many seconds")
    ap.add_argument("--ignore-stdin", action="store_true", help="do not exit when stdin closes")
    ap.add_argument("--genkey", choices=["rsa", "ec"], help="write a throwaway key pair and exit")
    ap.add_argument("--out", help="output directory for --genkey")
    args = ap.parse_args()

    if args.genkey:
        if not args.out:
            ap.error("--genkey needs --out DIR")
        genkey(args.genkey, args.out)
        return
    if not args.config or not args.state_dir:
        ap.error("--config and --state-dir are required")

    with open(args.config, encoding="utf-8") as f:
        scenario = json.load(f)
    os.makedirs(args.state_dir, exist_ok=True)
    _, cert_path, key_path = make_tls_files(args.state_dir)

    org = Org(scenario, args.state_dir)
    server = Server(("127.0.0.1", 0), Handler)
    server.org = org
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert_path, key_path)
    server.ssl_ctx = ctx
    port = server.server_address[1]
    org.base_url = f"https://127.0.0.1:{port}"
    with open(os.path.join(args.state_dir, "port"), "w") as f:
        f.write(str(port))

    killer = threading.Timer(args.max_lifetime, lambda: os._exit(0))
    killer.daemon = True
    killer.start()
    if not args.ignore_stdin:
        threading.Thread(target=watch_stdin, daemon=True).start()

    print(f"READY {port}", flush=True)
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
