"""A stand-in for `okta-aws-cli m2m`, used only to check scripts/bench's m2m section
before the real command exists: client assertion (PyJWT, RS256) -> token endpoint ->
AssumeRoleWithWebIdentity at AWS_ENDPOINT_URL_STS -> process-credentials JSON.
One HTTPS connection per host. Not a model of our binary's performance."""

import argparse
import http.client
import json
import os
import ssl
import sys
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

import jwt


def main():
    if sys.argv[1:] == ["--version"]:
        print("okta-aws-cli version 0.0.0-fake")
        return 0
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["m2m"])
    for flag in ("--org-domain", "--oidc-client-id", "--aws-iam-role", "--key-id",
                 "--private-key-file", "--format"):
        ap.add_argument(flag, required=True)
    a = ap.parse_args()
    ctx = ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    org = urllib.parse.urlsplit(a.org_domain)
    token_url = f"{a.org_domain}/oauth2/default/v1/token"
    now = int(time.time())
    with open(a.private_key_file, "rb") as f:
        key = f.read()
    assertion = jwt.encode({"iss": a.oidc_client_id, "sub": a.oidc_client_id, "aud": token_url,
                            "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex},
                           key, algorithm="RS256", headers={"kid": a.key_id})
    body = urllib.parse.urlencode({
        "grant_type": "client_credentials", "scope": "okta-m2m-access",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion})
    conn = http.client.HTTPSConnection(org.hostname, org.port, context=ctx, timeout=10)
    conn.request("POST", "/oauth2/default/v1/token", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
        "X-Okta-Aws-Cli-Operation": "m2m"})
    resp = conn.getresponse()
    reply = json.loads(resp.read())
    if resp.status != 200:
        print(f"Error: token request: {reply}", file=sys.stderr)
        return 1
    sts = urllib.parse.urlsplit(os.environ["AWS_ENDPOINT_URL_STS"])
    form = urllib.parse.urlencode({
        "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": a.aws_iam_role,
        "RoleSessionName": a.oidc_client_id, "WebIdentityToken": reply["access_token"]})
    conn = http.client.HTTPSConnection(sts.hostname, sts.port, context=ctx, timeout=10)
    conn.request("POST", sts.path or "/", form, {"Content-Type": "application/x-www-form-urlencoded"})
    resp = conn.getresponse()
    text = resp.read()
    if resp.status != 200:
        print(f"Error: STS: {resp.status}", file=sys.stderr)
        return 1
    ns = {"s": "https://sts.amazonaws.com/doc/2011-06-15/"}
    c = ET.fromstring(text).find(".//s:Credentials", ns)
    print(json.dumps({"Version": 1,
                      "AccessKeyId": c.find("s:AccessKeyId", ns).text,
                      "SecretAccessKey": c.find("s:SecretAccessKey", ns).text,
                      "SessionToken": c.find("s:SessionToken", ns).text,
                      "Expiration": c.find("s:Expiration", ns).text}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
