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

  "web": {                      # the web command's flow (see the WEB section below)
    "client_id": "0oa...",      # the OIDC native app; device authorize and token calls check it
    "pipeline": "idx",          # /.well-known/okta-organization answer ("v1" = Classic org)
    "required_scopes": ["openid", "okta.apps.sso", "okta.users.read.self"],
    "allowed_scopes": [... the above plus "okta.apps.read"],
    "device": {
      "interval": 1,            # seconds, sent to the client; polls sooner get a verdict
      "expires_in": 600,        # device code lifetime (after it: expired_token)
      "approve_after": 2,       # authorization_pending replies before the outcome
      "outcome": "approve",     # or "access_denied" / "expired_token"
      "slow_down_at": [1],      # 0-based poll numbers answered slow_down (interval += 5)
      "rate_limit_at": [2],     # 0-based poll numbers answered 429 + X-Rate-Limit-Reset
      "rate_limit_wait": 2,     # seconds until that reset
      "user_code": "...",       # optional: this user code instead of a random one
      "verification_uri_complete": "..."  # optional: sent instead of the real one, with
                                # "{base}" replaced by this org's https://127.0.0.1:PORT
    },
    "token_lifetime": 3600,     # expires_in of the access token
    "apps": [                   # the user's appLinks, in order; the SAML per app
      {"id": "0oaFED1", "label": "AWS Prod", "appName": "amazon_aws",
       "roles": ["arn:aws:iam::1:saml-provider/Okta,arn:aws:iam::1:role/Admin", ...],
       "session_duration": 7200,            # optional SessionDuration attribute
       "role_session_name": "user@example.com",
       "entities": true,        # write the SAMLResponse with &#x2b; &#x2f; &#x3d; (case B05)
       "tricky_input": true}    # the SAMLResponse input as <input data-x="a>b"
                                # name="SAML&#x52;esponse" value="..."> (a `>` in an attribute,
                                # a reference in the name)
    ],
    "applinks_page_size": 2,    # appLinks page size (Link: rel="next" for the rest)
    "applinks_next_loop": true, # every appLinks page links rel="next" to the first page again
    "exchange_replies": [ REPLY, ... ],   # forced token-exchange replies, call n gets [n]
    "applinks_replies": [ REPLY, ... ]    # forced appLinks replies
    "grant_types": [...],       # the OIDC app's grant types (default: device code and token
                                # exchange); a missing one -> unauthorized_client, as Okta says it
    "granted_scopes": [...],    # Okta API scopes granted to the app (default: all requested);
                                # appLinks without okta.users.read.self -> 403 insufficient_scope
  }
  Per app: "assurance_unmet": true (the token exchange fails the app's authentication
  policy for tokens of the device grant: invalid_grant "assurance requirements are not met";
  tokens of the authorization code grant, signed in in the browser, pass), "web_sso_clients": [ids] (only
  these OIDC apps may request web SSO tokens for it; others get invalid_target). An audience
  naming no app gets invalid_target "The target audience is not valid".
  The authorization code grant with PKCE (the web command's --authorization-code):
  GET /oauth2/v1/authorize checks client_id (unknown: a 400 HTML page, as Okta shows one),
  the redirect_uri (must be http://127.0.0.1:<port>/callback for a port of
  "web": {"authorize": {"redirect_ports": [...]}}, default 8180-8182; else a 400 HTML page
  naming the redirect_uri, no redirect), then answers 302 to the redirect URI with
  error=... and the state when: state is missing, response_type is not code,
  code_challenge_method is not S256 or code_challenge is not 43 base64url characters
  (invalid_request), the scopes are wrong (invalid_scope), the app lacks the grant
  (unauthorized_client), or "authorize": {"outcome": "access_denied"}; else 302 with a
  fresh code and the state. "authorization_code" is one of the default "grant_types". The
  token request (grant_type authorization_code) must carry exactly client_id, code,
  code_verifier, grant_type and redirect_uri; a code works once (a second use, an unknown
  code, a different redirect_uri or a verifier whose S256 is not the challenge: invalid_grant).
  "sts": {"max_session_duration": 3600} makes DurationSeconds above it a ValidationError
  naming MaxSessionDuration, as STS words it.

and for the STS stand-in's AssumeRoleWithSAML: "sts": {"fail_roles": {"<role arn>":
{"code": ..., "message": ...}}, "role_credentials": {"<role arn>": {...}}}. The assertion
must be one this org issued, and (PrincipalArn, RoleArn) must be a pair in its Role values.
Without role_credentials the AccessKeyId is derived from the role ARN (ASIA + 16 hex).
"direct": {                   # direct authentication (routes direct-token, direct-challenge)
    "client_id": "0oa...",      # the OIDC native app
    "authz_id": "default",      # the only authorization server (others: 404)
    "users": {"alice": "pw"},   # username -> password; anything else: invalid_grant
    "grant_types": [...],       # default: password, mfa-oob, mfa-otp; a missing one ->
                                # unauthorized_client, as Okta says it
    "mfa": "required",          # or "none": tokens straight after the password grant
    "push": {"interval": 1, "expires_in": 300, "approve_after": 2,
             "outcome": "approve",   # or "deny" / "expire"
             "slow_down_at": [0],    # 0-based poll numbers answered slow_down (interval += 5)
             "binding_code": "42",   # a number challenge (binding_method transfer)
             "lives": 300},          # how long the server honours the push (default:
                                     # expires_in), to test the client's own deadline
    "otp": "123456",            # the one-time code that is accepted
    "token_lifetime": 3600
  }
Every direct request must carry X-Okta-Aws-Cli-Operation: direct, Accept JSON, our
User-Agent and exactly the form fields Okta documents for its step; polls sooner than the
interval get a "polled too early" verdict. Tokens it issues are accepted by the STS stand-in.
Faults on any route: "faults": {"<route name>": [FAULT, ...]} (see injected_fault), e.g.
{"m2m-token": [{"status": 429, "reset_in": 1}], "sts": [{"status": 400, "aws_code": "Throttling"}]}.
IAM ListAccountAliases (POST /iam/, for --all-profiles): "iam": {"aliases": {"<account>": "x"},
"deny_accounts": ["<account>", ...], "deny_roles": ["<role arn>", ...]} (those get 403
AccessDenied; deny_roles for credentials the STS stand-in issued for that role). Every STS reply with
credentials records them in its log line ("issued": AccessKeyId, SecretAccessKey, SessionToken,
RoleArn) so tests can check what signed later calls; IAM log lines add "request_target" (the
raw request-target) and "body_b64" (the raw body), so a test can recompute the SigV4 signature
of the request exactly as received. The IAM route itself does not verify signatures.

STS AssumeRole (role chaining) is answered for a request SigV4-signed (Authorization header
and X-Amz-Security-Token) with credentials this org issued; "sts": {"deny_assume": ["<role
arn>", ...]} answers 403 AccessDenied for those roles. Its log line adds "signed_by" (the
AccessKeyId of the Authorization header) besides "issued".

The console federation endpoint (GET /federation?Action=getSigninToken&Session=<JSON>[&
SessionDuration=N], for AWS_ENDPOINT_URL_SIGNIN) answers {"SigninToken": "SIMSIGNIN-..."}
when the Session JSON's sessionId, sessionKey and sessionToken are credentials this org's STS
issued; else HTTP 400 with an empty body, as AWS does. "signin": {"status": N} forces that
status. Its log line adds "signin": {"session_ok": bool, "session_duration": N or null,
"token": issued token}.
"""

import argparse
import base64
import datetime
import hashlib
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
        self.target = None  # raw request-target, set by the handler
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
        self.record = {}  # extra fields for this request's log line


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
    def __init__(self, scenario, state_dir, scenario_path=None):
        self._scenario = scenario
        self._scenario_path = scenario_path
        self._scenario_stamp = self._stamp()
        self.state_dir = state_dir
        self.lock = threading.Lock()
        self.counters = {}
        self.seen_jti = set()
        self.issued_tokens = set()
        self.mfa_tokens = {}  # direct: mfa_token -> {"user", "expires_at", "used"}
        self.pushes = {}  # direct: oob_code -> polling state of one push
        self.devices = {}  # device code -> polling state
        self.codes = {}  # authorization code -> redirect_uri, challenge, used, expires_at
        self.web_tokens = {}  # access token -> {"id_token", "expires_at"}
        self.sso_tokens = {}  # web SSO token -> Federation app id (single use)
        self.issued_assertions = set()  # base64 SAML Responses served by /login/token/sso
        self.issued_aws = {}  # AccessKeyId -> credentials (and RoleArn) the STS stand-in issued
        self.seq = 0
        self.log_path = os.path.join(state_dir, "requests.jsonl")
        self.base_url = None  # set once the port is known

    def _stamp(self):
        try:
            st = os.stat(self._scenario_path)
            return (st.st_mtime_ns, st.st_size)
        except (OSError, TypeError):
            return None

    @property
    def scenario(self):
        """The scenario, read again when its file changed: a test may change what the org
        offers between two runs (SimOrg::set_scenario)."""
        stamp = self._stamp()
        if stamp is not None and stamp != self._scenario_stamp:
            with open(self._scenario_path, encoding="utf-8") as f:
                self._scenario = json.load(f)
            self._scenario_stamp = stamp
        return self._scenario

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
            entry.update(reply.record)
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
}  # the web section below adds the device-code and token-exchange grants


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
# WEB: device authorization (RFC 8628), token exchange (RFC 8693), /login/token/sso,
# appLinks, the org-pipeline probe
# ---------------------------------------------------------------------------------------

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
AUTHORIZATION_CODE_GRANT = "authorization_code"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"
WEB_SSO_TOKEN_TYPE = "urn:okta:oauth:token-type:web_sso_token"
SAML_P = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML_A = "urn:oasis:names:tc:SAML:2.0:assertion"
ROLE_ATTR = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME_ATTR = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
SESSION_DURATION_ATTR = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
# Allowed lateness below the interval before a poll is called "too early" (clock jitter).
POLL_TOLERANCE = 0.25


def web_cfg(org):
    return org.scenario.get("web", {})


def web_common_checks(req, accept="application/json"):
    """Headers every web-flow call carries (docs/decisions.md#k-okta-requests). Returns a verdict or None."""
    if req.header("x-okta-aws-cli-operation") != "web":
        return "missing header X-Okta-Aws-Cli-Operation: web"
    if accept not in (req.header("accept") or ""):
        return f"Accept must be {accept}"
    if not (req.header("user-agent") or "").startswith("okta-aws-cli"):
        return "User-Agent must start with okta-aws-cli"
    return None


def forced_reply(org, key, counter):
    """The scenario's forced reply list `web.<key>`: call n gets [min(n, len-1)]; None = normal."""
    replies = web_cfg(org).get(key) or []
    with org.lock:
        n = org.counters.get(counter, 0)
        org.counters[counter] = n + 1
    if not replies:
        return None
    spec = replies[min(n, len(replies) - 1)]
    return None if spec.get("shape", "ok") == "ok" else spec


def route_well_known(org, req):
    if req.method != "GET":
        return json_reply(405, {"errorCode": "E0000022", "errorSummary": "GET only"}, verdict="not GET")
    cfg = web_cfg(org)
    body = {
        "id": "00oSIMORG0000000001",
        "pipeline": cfg.get("pipeline", "idx"),
        "_links": {"organization": {"href": org.base_url}},
    }
    return json_reply(200, body, verdict=web_common_checks(req) or "ok")


def route_device_authorize(org, req):
    cfg = web_cfg(org)
    if req.method != "POST":
        return oauth_error(405, "invalid_request", "The device authorization endpoint accepts POST only.")
    ctype = (req.header("content-type") or "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        return oauth_error(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.")
    problem = web_common_checks(req)
    if problem:
        return oauth_error(400, "invalid_request", "simorg: " + problem)
    if req.form.get("client_id") != cfg.get("client_id"):
        return oauth_error(401, "invalid_client", "Client authentication failed. Either the client or the "
                           "client credentials are invalid.")
    refused = grant_refused(cfg, DEVICE_GRANT)
    if refused:
        return refused
    scopes = req.form.get("scope", "").split(" ")
    required = cfg.get("required_scopes", ["openid", "okta.apps.sso", "okta.users.read.self"])
    allowed = set(cfg.get("allowed_scopes", required + ["okta.apps.read"]))
    bad = [s for s in scopes if s not in allowed]
    missing_scopes = [s for s in required if s not in scopes]
    if bad or missing_scopes or len(set(scopes)) != len(scopes):
        return oauth_error(400, "invalid_scope",
                           f"The requested scope is invalid (unknown {bad}, missing {missing_scopes}).")
    dev = cfg.get("device", {})
    interval = dev.get("interval", 5)
    expires_in = dev.get("expires_in", 600)
    device_code = "simorg-dc-" + secrets.token_urlsafe(24)
    user_code = dev.get("user_code") or "".join(
        secrets.choice("BCDFGHJKLMNPQRSTVWXZ") for _ in range(8))
    now = time.time()
    with org.lock:
        org.devices[device_code] = {
            "created": now,
            "expires_at": now + expires_in,
            "interval": interval,
            "last_poll": None,
            "polls": 0,
            "pending": 0,
            "done": False,
        }
    uri = f"{org.base_url}/activate"
    return json_reply(200, {
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": uri,
        "verification_uri_complete": dev.get("verification_uri_complete",
                                             f"{uri}?user_code={user_code}")
                                        .replace("{base}", org.base_url),
        "expires_in": expires_in,
        "interval": interval,
    })


def fake_id_token(org, client_id):
    """A JWS-shaped id token (header.claims.signature); the signature is random bytes."""
    def b64(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    now = int(time.time())
    claims = {"iss": org.base_url, "aud": client_id, "sub": "00uSIMUSER0001", "iat": now,
              "exp": now + 3600, "email": "user@example.com"}
    sig = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    return f"{b64({'alg': 'RS256', 'kid': 'simorg'})}.{b64(claims)}.{sig}"


def grant_refused(cfg, grant):
    """unauthorized_client, in Okta's words, when the OIDC app lacks `grant`; else None."""
    grants = cfg.get("grant_types", [DEVICE_GRANT, EXCHANGE_GRANT, AUTHORIZATION_CODE_GRANT])
    if grant in grants:
        return None
    return oauth_error(400, "unauthorized_client",
                       "The client is not authorized to use the provided grant type. "
                       f"Configured grant types: {grants}.")


def issue_tokens(org, client_id, grant=DEVICE_GRANT):
    cfg = web_cfg(org)
    lifetime = cfg.get("token_lifetime", 3600)
    access = "simorg-at-" + secrets.token_urlsafe(24)
    id_token = fake_id_token(org, client_id)
    with org.lock:
        org.issued_tokens.add(access)
        org.web_tokens[access] = {"id_token": id_token, "expires_at": time.time() + lifetime,
                                  "grant": grant}
    return json_reply(200, {
        "token_type": "Bearer",
        "expires_in": lifetime,
        "access_token": access,
        "id_token": id_token,
        "scope": "openid okta.apps.sso okta.users.read.self",
    })


def grant_device_code(org, req):
    if req.params.get("authz"):
        return oauth_error(400, "unsupported_grant_type", "This grant is served by /oauth2/v1/token only.")
    cfg = web_cfg(org)
    problem = web_common_checks(req)
    if problem:
        return oauth_error(400, "invalid_request", "simorg: " + problem)
    if req.form.get("client_id") != cfg.get("client_id"):
        return oauth_error(401, "invalid_client", "Client authentication failed.")
    code = req.form.get("device_code", "")
    now = time.time()
    with org.lock:
        dev = org.devices.get(code)
        if dev is None:
            return oauth_error(400, "invalid_grant", "The device code is invalid.")
        if dev["done"]:
            return oauth_error(400, "invalid_grant", "The device code has already been used.")
        k = dev["polls"]
        dev["polls"] += 1
        early = None
        since = now - (dev["last_poll"] if dev["last_poll"] is not None else dev["created"])
        if since + POLL_TOLERANCE < dev["interval"]:
            early = f"polled too early: {since:.2f}s after the previous call, interval {dev['interval']}s"
        dev["last_poll"] = now
        script = cfg.get("device", {})

        def verdict(v="ok"):
            return early or v

        if now >= dev["expires_at"]:
            return oauth_error(400, "expired_token", "The device code has expired.", verdict=verdict())
        if k in script.get("slow_down_at", []):
            dev["interval"] += 5
            return oauth_error(400, "slow_down", "Slow down the polling frequency. Please try again later.",
                               verdict=verdict())
        if k in script.get("rate_limit_at", []):
            wait = script.get("rate_limit_wait", 2)
            reset = int(now + wait) + 1
            # The client must wait until the reset; count from there.
            dev["last_poll"] = reset - dev["interval"]
            return json_reply(429, {"errorCode": "E0000047",
                                    "errorSummary": "API call exceeded rate limit due to too many requests.",
                                    "errorLink": "E0000047", "errorId": "oae0", "errorCauses": []},
                              verdict=verdict(), headers=[("X-Rate-Limit-Reset", str(reset)),
                                                          ("X-Rate-Limit-Limit", "10"),
                                                          ("X-Rate-Limit-Remaining", "0")])
        if dev["pending"] < script.get("approve_after", 0):
            dev["pending"] += 1
            return oauth_error(400, "authorization_pending",
                               "The device authorization is pending. Please try again later.", verdict=verdict())
        outcome = script.get("outcome", "approve")
        if outcome == "access_denied":
            dev["done"] = True
            return oauth_error(400, "access_denied",
                               "The resource owner or authorization server denied the request.", verdict=verdict())
        if outcome == "expired_token":
            return oauth_error(400, "expired_token", "The device code has expired.", verdict=verdict())
        dev["done"] = True
    reply = issue_tokens(org, cfg.get("client_id"))
    reply.verdict = early or "ok"
    return reply


def find_app(org, app_id):
    for app in web_cfg(org).get("apps", []):
        if app.get("id") == app_id:
            return app
    return None


def grant_token_exchange(org, req):
    if req.params.get("authz"):
        return oauth_error(400, "unsupported_grant_type", "This grant is served by /oauth2/v1/token only.")
    cfg = web_cfg(org)
    f = req.form
    problems = []
    common = web_common_checks(req)
    if common:
        problems.append(common)
    if req.form_duplicates:
        problems.append(f"duplicate form fields {req.form_duplicates}")
    if f.get("client_id") != cfg.get("client_id"):
        return oauth_error(401, "invalid_client", "Client authentication failed.")
    refused = grant_refused(cfg, EXCHANGE_GRANT)
    if refused:
        return refused
    if f.get("actor_token_type") != ACCESS_TOKEN_TYPE:
        problems.append("actor_token_type must be " + ACCESS_TOKEN_TYPE)
    if f.get("subject_token_type") != ID_TOKEN_TYPE:
        problems.append("subject_token_type must be " + ID_TOKEN_TYPE)
    if f.get("requested_token_type") != WEB_SSO_TOKEN_TYPE:
        problems.append("requested_token_type must be " + WEB_SSO_TOKEN_TYPE)
    expected = {"actor_token", "actor_token_type", "audience", "client_id", "grant_type",
                "requested_token_type", "subject_token", "subject_token_type"}
    if set(f) != expected:
        problems.append(f"form fields must be exactly {sorted(expected)}, got {sorted(f)}")
    if problems:
        return oauth_error(400, "invalid_request", "simorg: " + "; ".join(problems))
    forced = forced_reply(org, "exchange_replies", "token-exchange")
    if forced:
        return error_reply(forced, verdict="ok (forced error)")
    m = re.match(r"^urn:okta:apps:(.+)$", f.get("audience", ""))
    app = find_app(org, m.group(1)) if m else None
    if app is None:
        return oauth_error(400, "invalid_target", "The target audience is not valid.")
    if f.get("client_id") not in app.get("web_sso_clients", [f.get("client_id")]):
        return oauth_error(400, "invalid_target",
                           "The target audience app must be configured to allow the client to request a "
                           "'web_sso_token'.")
    with org.lock:
        issued = org.web_tokens.get(f.get("actor_token", ""))
    if app.get("assurance_unmet") and (issued or {}).get("grant") != AUTHORIZATION_CODE_GRANT:
        return oauth_error(400, "invalid_grant",
                           "The application's assurance requirements are not met by the 'subject_token'.")
    if (issued is None or issued["id_token"] != f.get("subject_token")
            or issued["expires_at"] <= time.time()):
        return oauth_error(400, "invalid_grant",
                           "The 'subject_token' either expired or the session associated with it was terminated.")
    sso = "simorg-sso-" + secrets.token_urlsafe(24)
    with org.lock:
        org.sso_tokens[sso] = app["id"]
    return json_reply(200, {
        "access_token": sso,
        "issued_token_type": WEB_SSO_TOKEN_TYPE,
        "token_type": "N_A",
        "expires_in": 300,
    })


def saml_response_xml(app, base_url):
    """A SAML 2.0 Response (unsigned) with the app's Role values, a RoleSessionName and,
    when configured, a SessionDuration attribute, each attribute with one or more values."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ts = now.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    until = (now + datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    esc = html.escape

    def attribute(name, values):
        vals = "".join(
            f'<saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">{esc(v)}'
            f"</saml2:AttributeValue>"
            for v in values
        )
        return (f'<saml2:Attribute Name="{esc(name)}" '
                f'NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">{vals}</saml2:Attribute>')

    attrs = [attribute(ROLE_ATTR, app.get("roles", []))]
    attrs.append(attribute(SESSION_NAME_ATTR, [app.get("role_session_name", "user@example.com")]))
    if app.get("session_duration") is not None:
        attrs.append(attribute(SESSION_DURATION_ATTR, [str(app["session_duration"])]))
    rid = "id" + secrets.token_hex(10)
    aid = "id" + secrets.token_hex(10)
    issuer = f"http://www.okta.com/exk{esc(app.get('id', ''))}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<saml2p:Response xmlns:saml2p="{SAML_P}" Destination="https://signin.aws.amazon.com/saml" '
        f'ID="{rid}" IssueInstant="{ts}" Version="2.0">'
        f'<saml2:Issuer xmlns:saml2="{SAML_A}">{issuer}</saml2:Issuer>'
        '<saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
        "</saml2p:Status>"
        f'<saml2:Assertion xmlns:saml2="{SAML_A}" ID="{aid}" IssueInstant="{ts}" Version="2.0">'
        f"<saml2:Issuer>{issuer}</saml2:Issuer>"
        '<saml2:Subject><saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">'
        f"{esc(app.get('role_session_name', 'user@example.com'))}</saml2:NameID>"
        '<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
        f'<saml2:SubjectConfirmationData NotOnOrAfter="{until}" '
        'Recipient="https://signin.aws.amazon.com/saml"/></saml2:SubjectConfirmation></saml2:Subject>'
        f'<saml2:Conditions NotBefore="{ts}" NotOnOrAfter="{until}"><saml2:AudienceRestriction>'
        "<saml2:Audience>urn:amazon:webservices</saml2:Audience></saml2:AudienceRestriction>"
        "</saml2:Conditions>"
        f'<saml2:AuthnStatement AuthnInstant="{ts}" SessionIndex="{aid}"><saml2:AuthnContext>'
        "<saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        "</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>"
        f"<saml2:AttributeStatement>{''.join(attrs)}</saml2:AttributeStatement>"
        "</saml2:Assertion></saml2p:Response>"
    )


def entity_encode_b64(b64):
    """Okta's way of writing base64 in the form: '+', '/', '=' as hex character references."""
    return b64.replace("+", "&#x2b;").replace("/", "&#x2f;").replace("=", "&#x3d;")


def route_login_token_sso(org, req):
    if req.method != "POST":
        return Reply(405, "<html><body>Method not allowed</body></html>", "text/html", verdict="not POST")
    problem = web_common_checks(req, accept="text/html")
    ctype = (req.header("content-type") or "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        problem = problem or "Content-Type must be application/x-www-form-urlencoded"
    if req.query:
        problem = problem or "the web SSO token belongs in the form body, not the query"
    token = req.form.get("token", "")
    with org.lock:
        app_id = org.sso_tokens.pop(token, None)  # single use
    app = find_app(org, app_id) if app_id else None
    if app is None:
        return Reply(403, "<html><head><title>Forbidden</title></head><body>"
                          "<h1>403 - Forbidden</h1><p>The token is invalid or was already used.</p>"
                          "</body></html>", "text/html; charset=utf-8", verdict=problem or "unknown token")
    b64 = base64.b64encode(saml_response_xml(app, org.base_url).encode("utf-8")).decode()
    with org.lock:
        org.issued_assertions.add(b64)
    value = entity_encode_b64(b64) if app.get("entities", True) else b64
    page = (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Signing in...</title></head>\n"
        "<body onload=\"document.forms[0].submit()\">\n"
        "<form id=\"appForm\" action=\"https&#x3a;&#x2f;&#x2f;signin.aws.amazon.com&#x2f;saml\" "
        "method=\"POST\">\n"
        "  <input name=\"RelayState\" type=\"hidden\" value=\"\"/>\n"
        + (f"  <input type=\"hidden\" data-x=\"a>b\" name=\"SAML&#x52;esponse\" value=\"{value}\">\n"
           if app.get("tricky_input") else
           f"  <input type=\"hidden\" value=\"{value}\" name=\"SAMLResponse\"/>\n")
        + "</form>\n</body></html>\n"
    )
    return Reply(200, page, "text/html;charset=utf-8", verdict=problem or "ok")


def route_app_links(org, req):
    cfg = web_cfg(org)
    if req.method != "GET":
        return json_reply(405, {"errorCode": "E0000022", "errorSummary": "GET only"}, verdict="not GET")
    auth = req.header("authorization") or ""
    token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
    with org.lock:
        issued = org.web_tokens.get(token)
    if issued is None or issued["expires_at"] <= time.time():
        return error_reply({"shape": "www-authenticate", "status": 401, "error": "invalid_token",
                            "error_description": "The access token is invalid."}, verdict="bad bearer token")
    forced = forced_reply(org, "applinks_replies", "applinks")
    if forced:
        return error_reply(forced, verdict="ok (forced error)")
    if "okta.users.read.self" not in cfg.get("granted_scopes", ["okta.users.read.self"]):
        return error_reply({"shape": "www-authenticate", "status": 403, "error": "insufficient_scope",
                            "error_description": "The access token provided does not contain the required scopes."},
                           verdict="ok (scope not granted)")
    apps = cfg.get("apps", [])
    qs = urllib.parse.parse_qs(req.query)
    try:
        after = int(qs.get("after", ["0"])[0])
        limit = int(qs.get("limit", [str(cfg.get("applinks_page_size", 200))])[0])
    except ValueError:
        return json_reply(400, {"errorCode": "E0000001", "errorSummary": "Api validation failed: after/limit"},
                          verdict="bad paging parameters")
    page = apps[after:after + max(limit, 1)]
    items = []
    for i, app in enumerate(page, start=after):
        items.append({
            "id": f"00ub{i:04d}",
            "label": app.get("label", app.get("id")),
            "linkUrl": f"{org.base_url}/home/{app.get('appName', 'amazon_aws')}/{app.get('id')}/272",
            "logoUrl": f"{org.base_url}/assets/img/logos/aws.png",
            "appName": app.get("appName", "amazon_aws"),
            "appInstanceId": app.get("id"),
            "appAssignmentId": f"0ua{i:04d}",
            "credentialsSetup": False,
            "hidden": False,
            "sortOrder": i,
        })
    headers = []
    if cfg.get("applinks_next_loop"):
        nxt = f"{org.base_url}/api/v1/users/me/appLinks?after=0&limit={limit}"
        headers.append(("Link", f'<{nxt}>; rel="next"'))
    elif after + limit < len(apps):
        nxt = f"{org.base_url}/api/v1/users/me/appLinks?after={after + limit}&limit={limit}"
        headers.append(("Link", f'<{nxt}>; rel="next"'))
    problem = web_common_checks(req)
    return json_reply(200, items, verdict=problem or "ok", headers=headers)


GRANTS[DEVICE_GRANT] = grant_device_code
GRANTS[EXCHANGE_GRANT] = grant_token_exchange


# ---------------------------------------------------------------------------------------
# The authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636) and a loopback redirect
# ---------------------------------------------------------------------------------------

DEFAULT_REDIRECT_PORTS = [8180, 8181, 8182]
# Lifetime of an authorization code (seconds), as Okta documents it.
CODE_LIFETIME = 300
BASE64URL_43 = re.compile(r"^[A-Za-z0-9_-]{43}$")
VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")


def html_error(status, message, verdict):
    page = ("<!DOCTYPE html><html><head><title>Error</title></head><body><h1>400 Bad Request</h1>"
            f"<p>{html.escape(message)}</p></body></html>")
    return Reply(status, page, "text/html; charset=utf-8", verdict=verdict)


def redirect_to(uri, params, verdict):
    """A 302 to `uri` with `params` (in order) as its query."""
    location = uri + "?" + urllib.parse.urlencode(params)
    return Reply(302, b"", "text/html", headers=[("Location", location)], verdict=verdict)


def route_authorize(org, req):
    cfg = web_cfg(org)
    acfg = cfg.get("authorize", {})
    if req.method != "GET":
        return html_error(405, "The authorize endpoint takes GET here.", "not GET")
    qs = urllib.parse.parse_qs(req.query, keep_blank_values=True)
    dupes = [k for k, v in qs.items() if len(v) > 1]
    one = lambda k: (qs.get(k) or [None])[0]
    if one("client_id") != cfg.get("client_id"):
        return html_error(400, "Invalid value for 'client_id' parameter.", "unknown client_id")
    ports = acfg.get("redirect_ports", DEFAULT_REDIRECT_PORTS)
    registered = [f"http://127.0.0.1:{p}/callback" for p in ports]
    uri = one("redirect_uri")
    if uri not in registered:
        return html_error(400, "The 'redirect_uri' parameter must be a Login redirect URI in the "
                               "client app settings: " + str(uri), "ok (redirect_uri not registered)")
    state = one("state")

    def fail(error, description, verdict):
        params = [("error", error), ("error_description", description)]
        if state is not None:
            params.append(("state", state))
        return redirect_to(uri, params, verdict)

    if dupes:
        return fail("invalid_request", f"Duplicate parameters: {dupes}", f"duplicate parameters {dupes}")
    if not state:
        return fail("invalid_request", "The authorization request is missing the state parameter.",
                    "missing state")
    if one("response_type") != "code":
        return fail("unsupported_response_type", "The response type is not supported.",
                    "response_type must be code")
    if one("code_challenge_method") != "S256":
        return fail("invalid_request", "PKCE code_challenge_method must be S256.",
                    "code_challenge_method must be S256")
    challenge = one("code_challenge") or ""
    if not BASE64URL_43.match(challenge):
        return fail("invalid_request", "The PKCE code challenge is invalid.",
                    "code_challenge must be 43 base64url characters")
    scopes = (one("scope") or "").split(" ")
    required = cfg.get("required_scopes", ["openid", "okta.apps.sso", "okta.users.read.self"])
    allowed = set(cfg.get("allowed_scopes", required + ["okta.apps.read"]))
    if [s for s in scopes if s not in allowed] or [s for s in required if s not in scopes]:
        return fail("invalid_scope", "One or more scopes are not configured for the authorization "
                    "server resource.", "ok (scopes refused)")
    if grant_refused(cfg, AUTHORIZATION_CODE_GRANT):
        return fail("unauthorized_client", "The client is not authorized to use the provided grant "
                    "type. Configured grant types: " + str(cfg.get("grant_types")),
                    "ok (grant not allowed)")
    if acfg.get("outcome") == "access_denied":
        return fail("access_denied", acfg.get("error_description",
                                              "User is not assigned to the client application."),
                    "ok (access denied)")
    code = "simorg-code-" + secrets.token_urlsafe(18)
    with org.lock:
        org.codes[code] = {"redirect_uri": uri, "challenge": challenge, "used": False,
                           "expires_at": time.time() + CODE_LIFETIME,
                           "client_id": one("client_id")}
    return redirect_to(uri, [("code", code), ("state", state)], "ok")


def grant_authorization_code(org, req):
    if req.params.get("authz"):
        return oauth_error(400, "unsupported_grant_type", "This grant is served by /oauth2/v1/token only.")
    cfg = web_cfg(org)
    f = req.form
    problem = web_common_checks(req)
    expected = {"client_id", "code", "code_verifier", "grant_type", "redirect_uri"}
    if not problem and (set(f) != expected or req.form_duplicates):
        problem = f"form fields must be exactly {sorted(expected)}, got {sorted(f)}"
    if problem:
        return oauth_error(400, "invalid_request", "simorg: " + problem)
    if f.get("client_id") != cfg.get("client_id"):
        return oauth_error(401, "invalid_client", "Client authentication failed.")
    refused = grant_refused(cfg, AUTHORIZATION_CODE_GRANT)
    if refused:
        return refused
    with org.lock:
        entry = org.codes.get(f.get("code", ""))
        first_use = entry is not None and not entry["used"]
        if entry is not None:
            entry["used"] = True  # single use, whatever the outcome
    if entry is None or entry["expires_at"] <= time.time():
        return oauth_error(400, "invalid_grant", "The authorization code is invalid or has expired.",
                           verdict="ok (unknown code)")
    if not first_use:
        return oauth_error(400, "invalid_grant", "The authorization code is invalid or has expired.",
                           verdict="ok (code used twice)")
    if f.get("redirect_uri") != entry["redirect_uri"]:
        return oauth_error(400, "invalid_grant", "The 'redirect_uri' does not match the redirection "
                           "URI used in the authorization request.", verdict="redirect_uri must match")
    verifier = f.get("code_verifier", "")
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii", "replace")).digest())
    if not VERIFIER.match(verifier) or digest.rstrip(b"=").decode() != entry["challenge"]:
        return oauth_error(400, "invalid_grant", "PKCE verification failed.",
                           verdict="code_verifier must match the code_challenge")
    return issue_tokens(org, cfg.get("client_id"), grant=AUTHORIZATION_CODE_GRANT)


GRANTS[AUTHORIZATION_CODE_GRANT] = grant_authorization_code


def saml_role_values(assertion_b64):
    """The Role attribute values of a base64 SAML Response (namespace-aware), or None."""
    import xml.etree.ElementTree as ET
    try:
        root = ET.fromstring(base64.b64decode(assertion_b64, validate=True))
    except Exception:
        return None
    values = []
    for attr in root.iter(f"{{{SAML_A}}}Attribute"):
        if attr.get("Name") == ROLE_ATTR:
            for v in attr.iter(f"{{{SAML_A}}}AttributeValue"):
                values.append((v.text or "").strip())
    return values


def check_saml_pair(org, assertion, principal, role):
    """None when STS would accept (principal, role) for this assertion, else an error Reply."""
    with org.lock:
        known = assertion in org.issued_assertions
    if not known:
        return sts_error(400, "InvalidIdentityToken",
                         "The SAML assertion was not issued by this org (was it passed unchanged?).")
    values = saml_role_values(assertion)
    if values is None:
        return sts_error(400, "InvalidIdentityToken", "The SAML assertion is not valid base64 XML.")
    for v in values:
        parts = {p.strip() for p in v.split(",")}
        if principal in parts and role in parts:
            return None
    return sts_error(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML",
                     verdict="(PrincipalArn, RoleArn) is not a pair of the assertion's Role values")


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
    if action == "AssumeRole":
        return route_assume_role(org, req, cfg)
    if action not in ("AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"):
        return sts_error(400, "InvalidAction", f"Could not find operation {action} for version 2011-06-15")
    role = form.get("RoleArn", "")
    if not re.match(r"^arn:aws[a-z-]*:iam::\d{12}:role/.+", role):
        return sts_error(400, "ValidationError", "RoleArn is not a valid IAM role ARN.")
    duration = form.get("DurationSeconds")
    if duration is not None and (not duration.isdigit() or not 900 <= int(duration) <= 43200):
        return sts_error(400, "ValidationError", "DurationSeconds must be between 900 and 43200.")
    if duration is not None and int(duration) > cfg.get("max_session_duration", 43200):
        return sts_error(400, "ValidationError",
                         "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                         verdict="ok (duration above the role's maximum)")
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
        assertion = form.get("SAMLAssertion", "")
        try:
            base64.b64decode(assertion, validate=True)
        except Exception:
            return sts_error(400, "InvalidIdentityToken", "SAMLAssertion is not valid base64.")
        rejected = check_saml_pair(org, assertion, form.get("PrincipalArn", ""), role)
        if rejected:
            return rejected
        failing = cfg.get("fail_roles", {}).get(role)
        if failing is not None:
            return sts_error(failing.get("status", 403), failing.get("code", "AccessDenied"),
                             failing.get("message", "Not authorized to perform sts:AssumeRoleWithSAML"),
                             verdict="ok (role marked failing)")
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
    if action == "AssumeRoleWithSAML":
        creds["AccessKeyId"] = "ASIA" + hashlib.sha256(role.encode()).hexdigest()[:16].upper()
    creds.update(cfg.get("credentials", {}))
    creds.update(cfg.get("role_credentials", {}).get(role, {}))
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
    reply = Reply(200, body, "text/xml")
    issued = {k: creds[k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")}
    issued["RoleArn"] = role
    with org.lock:
        org.issued_aws[creds["AccessKeyId"]] = issued
    reply.record = {"issued": issued}
    return reply


def sts_credentials_reply(org, action, role, session, creds, record):
    """The XML reply of a successful AssumeRole* call; remembers the credentials as issued."""
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
    reply = Reply(200, body, "text/xml")
    issued = {k: creds[k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")}
    issued["RoleArn"] = role
    with org.lock:
        org.issued_aws[creds["AccessKeyId"]] = issued
    reply.record = dict(record, issued=issued)
    return reply


def route_assume_role(org, req, cfg):
    """STS AssumeRole (role chaining): signed with credentials this org issued."""
    role = req.form.get("RoleArn", "")
    if not re.match(r"^arn:aws[a-z-]*:iam::\d{12}:role/.+", role):
        return sts_error(400, "ValidationError", "RoleArn is not a valid IAM role ARN.")
    session = req.form.get("RoleSessionName", "")
    if not re.match(r"^[\w+=,.@-]{2,64}$", session):
        return sts_error(400, "ValidationError", "RoleSessionName must be 2-64 characters of [\\w+=,.@-].")
    duration = req.form.get("DurationSeconds", "3600")
    if not duration.isdigit() or not 900 <= int(duration) <= 3600:
        return sts_error(400, "ValidationError",
                         "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
    auth = req.header("authorization") or ""
    m = re.search(r"Credential=([A-Z0-9]+)/[0-9]{8}/[a-z0-9-]+/sts/aws4_request", auth)
    if not auth.startswith("AWS4-HMAC-SHA256 ") or not m:
        return sts_error(403, "MissingAuthenticationToken", "Request must be SigV4-signed for sts.",
                         verdict="unsigned AssumeRole")
    with org.lock:
        issued = org.issued_aws.get(m.group(1))
    if issued is None or req.header("x-amz-security-token") != issued["SessionToken"]:
        return sts_error(403, "InvalidClientTokenId", "The security token included in the request is invalid.",
                         verdict="AssumeRole not signed with credentials this org issued")
    if role in cfg.get("deny_assume", []):
        prev = issued["RoleArn"]
        return sts_error(403, "AccessDenied",
                         f"User: arn:aws:sts::{prev.split(':')[4]}:assumed-role/{prev.split(':role/', 1)[1]}/{session} "
                         f"is not authorized to perform: sts:AssumeRole on resource: {role}",
                         verdict="ok (role denies AssumeRole)")
    creds = {
        "AccessKeyId": "ASIACHAIN" + secrets.token_hex(6).upper(),
        "SecretAccessKey": secrets.token_urlsafe(30),
        "SessionToken": "FwoGZXIvYXdzE" + secrets.token_urlsafe(90),
        "Expiration": "2030-01-01T00:00:00Z",
    }
    return sts_credentials_reply(org, "AssumeRole", role, session, creds, {"signed_by": m.group(1)})


def route_federation(org, req):
    """The console federation endpoint's getSigninToken (see the module docstring)."""
    cfg = org.scenario.get("signin", {})
    qs = urllib.parse.parse_qs(req.query, keep_blank_values=True)
    one = lambda k: (qs.get(k) or [None])[0]
    if req.method != "GET" or one("Action") != "getSigninToken":
        return Reply(400, b"", "text/plain", verdict="only GET Action=getSigninToken is simulated")
    duration = one("SessionDuration")
    session_ok = False
    try:
        session = json.loads(one("Session") or "")
        with org.lock:
            issued = org.issued_aws.get(session.get("sessionId"))
        session_ok = (issued is not None and set(session) == {"sessionId", "sessionKey", "sessionToken"}
                      and session["sessionKey"] == issued["SecretAccessKey"]
                      and session["sessionToken"] == issued["SessionToken"])
    except (ValueError, AttributeError):
        pass
    if duration is not None and (not duration.isdigit() or not 900 <= int(duration) <= 43200):
        session_ok = False
    status = cfg.get("status", 200 if session_ok else 400)
    record = {"signin": {"session_ok": session_ok,
                         "session_duration": int(duration) if duration and duration.isdigit() else duration,
                         "token": None}}
    if status != 200:
        reply = Reply(status, b"", "text/plain", verdict="session refused" if not session_ok else "forced status")
        reply.record = record
        return reply
    token = "SIMSIGNIN-" + secrets.token_urlsafe(40)
    record["signin"]["token"] = token
    reply = json_reply(200, {"SigninToken": token})
    reply.record = record
    return reply


def iam_error(status, code, message, verdict=None):
    body = (
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
        f"<Error><Type>Sender</Type><Code>{html.escape(code)}</Code>"
        f"<Message>{html.escape(message)}</Message></Error>"
        f"<RequestId>{secrets.token_hex(16)}</RequestId></ErrorResponse>"
    )
    return Reply(status, body, "text/xml", verdict=verdict or f"{code}: {message}")


def route_iam(org, req):
    reply = route_iam_reply(org, req)
    reply.record = {
        "request_target": req.target,
        "body_b64": base64.b64encode(req.body).decode("ascii"),
    }
    return reply


def route_iam_reply(org, req):
    """IAM ListAccountAliases stand-in: "iam": {"aliases": {"<account id>": "alias"},
    "deny_accounts": [...]}. The account is the one of the role the access key was issued
    for (the STS stand-in remembers its credentials; a key it did not issue is matched among
    the roles of the scenario's apps, as ASIA keys are derived from the role ARN). The
    session token must be the one issued with the key. The SigV4 signature itself is not
    checked here: tests recompute it from the recorded request (botocore)."""
    cfg = org.scenario.get("iam", {})
    if req.method != "POST" or req.form.get("Action") != "ListAccountAliases":
        return sts_error(400, "InvalidAction", "only POST Action=ListAccountAliases is simulated")
    auth = req.header("authorization") or ""
    m = re.search(r"Credential=([A-Z0-9]+)/", auth)
    if not auth.startswith("AWS4-HMAC-SHA256 ") or not m or not req.header("x-amz-security-token"):
        return sts_error(403, "MissingAuthenticationToken", "Request must be SigV4-signed with a session token.",
                         verdict="unsigned IAM request")
    with org.lock:
        issued = org.issued_aws.get(m.group(1))
    account = None
    if issued is not None:
        if req.header("x-amz-security-token") != issued["SessionToken"]:
            return iam_error(403, "InvalidClientTokenId", "The security token included in the request is invalid.",
                             verdict="X-Amz-Security-Token must be the session token issued with the access key")
        account = issued["RoleArn"].split(":")[4]
    else:
        for app in org.scenario.get("web", {}).get("apps", []):
            for value in app.get("roles", []):
                for part in value.split(","):
                    part = part.strip()
                    if ":role/" in part and "ASIA" + hashlib.sha256(part.encode()).hexdigest()[:16].upper() == m.group(1):
                        account = part.split(":")[4]
    if issued is not None and issued["RoleArn"] in cfg.get("deny_roles", []):
        return iam_error(403, "AccessDenied",
                         f"User: {issued['RoleArn']} is not authorized to perform: "
                         "iam:ListAccountAliases on resource: *", verdict="ok (role denies aliases)")
    if account is not None and account in cfg.get("deny_accounts", []):
        return iam_error(403, "AccessDenied",
                         f"User: arn:aws:sts::{account}:assumed-role/okta-user is not authorized to perform: "
                         "iam:ListAccountAliases on resource: *", verdict="ok (account denies aliases)")
    alias = cfg.get("aliases", {}).get(account)
    members = f"<member>{html.escape(alias)}</member>" if alias else ""
    body = (
        '<ListAccountAliasesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
        f"<ListAccountAliasesResult><IsTruncated>false</IsTruncated><AccountAliases>{members}"
        "</AccountAliases></ListAccountAliasesResult>"
        f"<ResponseMetadata><RequestId>{secrets.token_hex(16)}</RequestId></ResponseMetadata>"
        "</ListAccountAliasesResponse>"
    )
    return Reply(200, body, "text/xml")


# ---------------------------------------------------------------------------------------
# DIRECT: Okta direct authentication at /oauth2/<authz>/v1/token (password, mfa-oob and
# mfa-otp grants) and /oauth2/<authz>/v1/challenge, as Okta's OAuth API describes them
# ---------------------------------------------------------------------------------------

PASSWORD_GRANT = "password"
MFA_OOB = "http://auth0.com/oauth/grant-type/mfa-oob"
MFA_OTP = "http://auth0.com/oauth/grant-type/mfa-otp"
DIRECT_GRANTS = (PASSWORD_GRANT, MFA_OOB, MFA_OTP)


def direct_cfg(org):
    return org.scenario.get("direct", {})


def is_direct_request(req):
    """Whether a POST to /oauth2/<authz>/v1/token carries one of the direct grants."""
    return req.form.get("grant_type") in DIRECT_GRANTS


def direct_checks(org, req, fields):
    """What every direct request must carry: POST, a form body with exactly `fields` (no
    duplicates, no query string), the operation header, Accept JSON, our User-Agent, this
    scenario's client id and authorization server. Returns an error Reply or None."""
    cfg = direct_cfg(org)
    authz = req.params.get("authz")
    if authz != cfg.get("authz_id", "default"):
        return json_reply(404, {"errorCode": "E0000007",
                                "errorSummary": f"Not found: Resource not found: {authz} (AuthorizationServer)",
                                "errorLink": "E0000007", "errorId": "oae0", "errorCauses": []},
                          verdict=f"unknown authorization server {authz}")
    if req.method != "POST":
        return oauth_error(405, "invalid_request", "POST only.")
    ctype = (req.header("content-type") or "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        return oauth_error(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.")
    if req.query:
        return oauth_error(400, "invalid_request", "simorg: secrets belong in the body, not the query string")
    if req.header("x-okta-aws-cli-operation") != "direct":
        return oauth_error(400, "invalid_request", "simorg: missing header X-Okta-Aws-Cli-Operation: direct")
    if "application/json" not in (req.header("accept") or ""):
        return oauth_error(400, "invalid_request", "simorg: Accept must be application/json")
    if not (req.header("user-agent") or "").startswith("okta-aws-cli"):
        return oauth_error(400, "invalid_request", "simorg: User-Agent must start with okta-aws-cli")
    if req.form_duplicates:
        return oauth_error(400, "invalid_request", f"Duplicate form fields: {req.form_duplicates}")
    if sorted(req.form) != sorted(fields):
        return oauth_error(400, "invalid_request",
                           f"simorg: form fields {sorted(req.form)}, expected {sorted(fields)}")
    if req.form.get("client_id") != cfg.get("client_id"):
        return oauth_error(401, "invalid_client", "Client authentication failed. Either the client or the "
                           "client credentials are invalid.")
    return None


def direct_grant_refused(org, grant):
    """unauthorized_client, in Okta's words, when the app lacks `grant`; else None."""
    grants = direct_cfg(org).get("grant_types", list(DIRECT_GRANTS))
    if grant in grants:
        return None
    return oauth_error(400, "unauthorized_client",
                       "The client isn't authorized to use the provided grant type. "
                       f"Configured grant types: {grants}.")


def direct_scope_problem(req):
    scopes = req.form.get("scope", "").split(" ")
    if scopes != ["openid", "profile"]:
        return oauth_error(400, "invalid_scope", f"simorg: scope must be 'openid profile', got {scopes}")
    return None


def issue_direct_tokens(org, user):
    cfg = direct_cfg(org)
    lifetime = cfg.get("token_lifetime", 3600)
    access = "simorg-at-" + secrets.token_urlsafe(24)
    with org.lock:
        org.issued_tokens.add(access)
    reply = json_reply(200, {
        "token_type": "Bearer",
        "expires_in": lifetime,
        "access_token": access,
        "id_token": fake_id_token(org, cfg.get("client_id")),
        "scope": "openid profile",
    })
    reply.record = {"user": user, "issued_access_token": access}
    return reply


def grant_password(org, req):
    cfg = direct_cfg(org)
    failure = direct_checks(org, req, ["client_id", "grant_type", "scope", "username", "password"]) \
        or direct_grant_refused(org, PASSWORD_GRANT) or direct_scope_problem(req)
    if failure:
        return failure
    user = req.form.get("username")
    if cfg.get("users", {}).get(user) != req.form.get("password"):
        return oauth_error(400, "invalid_grant", "The credentials provided were invalid.", verdict="ok (wrong password)")
    if cfg.get("mfa", "required") == "none":
        return issue_direct_tokens(org, user)
    token = "simorg-mfa-" + secrets.token_urlsafe(18)
    with org.lock:
        org.mfa_tokens[token] = {"user": user, "expires_at": time.time() + 300, "used": False}
    return json_reply(403, {"error": "mfa_required",
                            "error_description": "The client must complete multifactor authentication.",
                            "mfa_token": token})


def mfa_state(org, token):
    """The live state of an mfa_token, or an error Reply."""
    with org.lock:
        state = org.mfa_tokens.get(token)
    if state is None or state["used"] or time.time() >= state["expires_at"]:
        return None, oauth_error(400, "invalid_grant", "The mfa_token is invalid or has expired.")
    return state, None


def route_direct_challenge(org, req):
    cfg = direct_cfg(org)
    kind = req.form.get("challenge_types_supported")
    fields = ["client_id", "mfa_token", "challenge_types_supported"]
    if kind == MFA_OOB:
        fields.append("channel_hint")
    failure = direct_checks(org, req, fields)
    if failure:
        return failure
    if kind not in (MFA_OOB, MFA_OTP):
        return oauth_error(403, "access_denied", f"`{kind}` isn't supported as a `challenge_type`. "
                           "Try again with another value.")
    refused = direct_grant_refused(org, kind)
    if refused:
        return refused
    state, failure = mfa_state(org, req.form.get("mfa_token", ""))
    if failure:
        return failure
    if kind == MFA_OTP:
        return json_reply(200, {"challenge_type": MFA_OTP})
    if req.form.get("channel_hint") != "push":
        return oauth_error(400, "invalid_request", "simorg: channel_hint must be push")
    push = cfg.get("push", {})
    interval = push.get("interval", 5)
    expires_in = push.get("expires_in", 300)
    lives = push.get("lives", expires_in)
    oob = "simorg-oob-" + secrets.token_urlsafe(18)
    now = time.time()
    with org.lock:
        org.pushes[oob] = {"mfa_token": req.form["mfa_token"], "user": state["user"], "created": now,
                           "expires_at": now + lives, "interval": interval, "last_poll": None,
                           "polls": 0, "pending": 0, "done": False}
    body = {"challenge_type": MFA_OOB, "oob_code": oob, "channel": "push",
            "binding_method": "none", "expires_in": expires_in, "interval": interval}
    if "binding_code" in push:
        body["binding_method"] = "transfer"
        body["binding_code"] = push["binding_code"]
    return json_reply(200, body)


def grant_mfa_oob(org, req):
    failure = direct_checks(org, req, ["client_id", "scope", "grant_type", "oob_code", "mfa_token"]) \
        or direct_grant_refused(org, MFA_OOB) or direct_scope_problem(req)
    if failure:
        return failure
    script = direct_cfg(org).get("push", {})
    now = time.time()
    with org.lock:
        dev = org.pushes.get(req.form.get("oob_code", ""))
        if dev is None or dev["mfa_token"] != req.form.get("mfa_token"):
            return oauth_error(400, "invalid_grant", "The oob_code is invalid.")
        if dev["done"]:
            return oauth_error(400, "invalid_grant", "The oob_code has already been used.")
        k = dev["polls"]
        dev["polls"] += 1
        early = None
        since = now - (dev["last_poll"] if dev["last_poll"] is not None else dev["created"])
        if since + POLL_TOLERANCE < dev["interval"]:
            early = f"polled too early: {since:.2f}s after the previous call, interval {dev['interval']}s"
        dev["last_poll"] = now

        def err(error, description):
            return oauth_error(400, error, description, verdict=early or "ok")

        if now >= dev["expires_at"]:
            return err("expired_token", "The oob_code has expired.")
        if k in script.get("slow_down_at", []):
            dev["interval"] += 5
            return err("slow_down", "Slow down the polling frequency. Please try again later.")
        if dev["pending"] < script.get("approve_after", 0):
            dev["pending"] += 1
            return err("authorization_pending", "The authorization request is still pending.")
        outcome = script.get("outcome", "approve")
        if outcome == "deny":
            dev["done"] = True
            return err("access_denied", "The resource owner or authorization server denied the request.")
        if outcome == "expire":
            return err("expired_token", "The oob_code has expired.")
        dev["done"] = True
        org.mfa_tokens[dev["mfa_token"]]["used"] = True
        user = dev["user"]
    reply = issue_direct_tokens(org, user)
    reply.verdict = early or "ok"
    return reply


def grant_mfa_otp(org, req):
    failure = direct_checks(org, req, ["client_id", "scope", "grant_type", "mfa_token", "otp"]) \
        or direct_grant_refused(org, MFA_OTP) or direct_scope_problem(req)
    if failure:
        return failure
    state, failure = mfa_state(org, req.form.get("mfa_token", ""))
    if failure:
        return failure
    if req.form.get("otp") != direct_cfg(org).get("otp", "123456"):
        return oauth_error(400, "invalid_grant", "The passcode is invalid.", verdict="ok (wrong one-time code)")
    with org.lock:
        state["used"] = True
    return issue_direct_tokens(org, state["user"])


def route_direct_token(org, req):
    return {PASSWORD_GRANT: grant_password, MFA_OOB: grant_mfa_oob, MFA_OTP: grant_mfa_otp}[
        req.form.get("grant_type")](org, req)


# ---------------------------------------------------------------------------------------
# Routing
# ---------------------------------------------------------------------------------------

# (name, path regex, handler[, predicate]). The first entry whose regex matches (and whose
# predicate, when given, accepts the request) wins; named groups become req.params.
ROUTES = [
    ("device-authorize", re.compile(r"^/oauth2/v1/device/authorize$"), route_device_authorize),
    ("authorize", re.compile(r"^/oauth2/v1/authorize$"), route_authorize),
    ("token", re.compile(r"^/oauth2/v1/token$"), route_token),
    ("direct-token", re.compile(r"^/oauth2/(?P<authz>[^/]+)/v1/token$"), route_direct_token,
     is_direct_request),
    ("direct-challenge", re.compile(r"^/oauth2/(?P<authz>[^/]+)/v1/challenge$"), route_direct_challenge),
    ("m2m-token", re.compile(r"^/oauth2/(?P<authz>[^/]+)/v1/token$"), route_token),
    ("sso", re.compile(r"^/login/token/sso$"), route_login_token_sso),
    ("applinks", re.compile(r"^/api/v1/users/me/appLinks$"), route_app_links),
    ("well-known", re.compile(r"^/\.well-known/okta-organization$"), route_well_known),
    ("sts", re.compile(r"^/(sts/*)?$"), route_sts),
    ("iam", re.compile(r"^/iam/*$"), route_iam),
    ("federation", re.compile(r"^/federation$"), route_federation),
]


def injected_fault(org, route):
    """The scenario's fault for this request of `route`, or None for the normal answer.

    "faults": {"<route name>": [FAULT, ...]}: the n-th request (from 0) to that route gets
    faults[n]; past the end of the list, or for a null entry, the route answers normally.
    A FAULT is
      {"status": 429, "reset_in": 1}       Okta rate limit (E0000047), X-Rate-Limit-Reset =
                                           now + reset_in seconds (epoch seconds)
      {"status": 429, "retry_after": 1}    the same with Retry-After instead
      {"status": 503}                      an Okta-shaped JSON error with that status
      {"status": 400, "aws_code": "Throttling", "message": "Rate exceeded"}
                                           an AWS Query-API XML error (STS, IAM)
    """
    faults = org.scenario.get("faults", {}).get(route) or []
    with org.lock:
        n = org.counters.get("fault-" + route, 0)
        org.counters["fault-" + route] = n + 1
    if n >= len(faults) or not faults[n]:
        return None
    spec = faults[n]
    status = spec.get("status", 503)
    verdict = "ok (injected fault)"
    if spec.get("aws_code"):
        return sts_error(status, spec["aws_code"], spec.get("message", "injected fault"), verdict=verdict)
    headers = []
    if "reset_in" in spec:
        headers = [("X-Rate-Limit-Limit", "600"), ("X-Rate-Limit-Remaining", "0"),
                   ("X-Rate-Limit-Reset", str(int(time.time()) + int(spec["reset_in"])))]
    if "retry_after" in spec:
        headers.append(("Retry-After", str(spec["retry_after"])))
    code, summary = ("E0000047", "API call exceeded rate limit due to too many requests.") \
        if status == 429 else ("E0000009", "Internal Server Error")
    return json_reply(status, {"errorCode": code, "errorSummary": summary, "errorLink": code,
                               "errorId": "oae" + secrets.token_hex(8), "errorCauses": []},
                      verdict=verdict, headers=headers)


def dispatch(org, req):
    for name, pattern, handler, *predicate in ROUTES:
        m = pattern.match(req.path)
        if m and all(p(req) for p in predicate):
            req.params = m.groupdict()
            fault = injected_fault(org, name)
            if fault is not None:
                return name, fault
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
        req.target = self.path
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

    org = Org(scenario, args.state_dir, args.config)
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
