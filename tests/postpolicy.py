"""A test double for S3's POST-policy checks, in front of a real S3 server.

rclone answers SigV4 POST uploads with UnsupportedAlgorithm and moto stores them without
checking the policy, so no local server enforces what AWS enforces. This proxy does, as AWS
documents it (signature, expiry, key prefix, Content-Type prefix, size range), then forwards the
unchanged form to the server behind it.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.parser
import email.policy
import hashlib
import hmac
import http.server
import json
import threading
import urllib.request


def _signing_key(secret: str, date: str, region: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (date, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def check_post(fields: dict[str, str], file_size: int, secret: str) -> str:
    """Why S3 would refuse this POST upload, or "" when it would accept it."""
    policy_b64 = fields.get("policy", "")
    credential = fields.get("x-amz-credential", "")
    try:
        _, date, region, _, _ = credential.split("/")
    except ValueError:
        return "InvalidCredential"
    expected = hmac.new(_signing_key(secret, date, region), policy_b64.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields.get("x-amz-signature", "")):
        return "SignatureDoesNotMatch"
    policy = json.loads(base64.b64decode(policy_b64))
    expiration = dt.datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    if dt.datetime.now(dt.timezone.utc) > expiration:
        return "ExpiredPolicy"
    for condition in policy["conditions"]:
        if isinstance(condition, dict):
            continue  # exact matches on bucket and signing fields, set by the SDK
        op = condition[0]
        if op == "content-length-range" and not condition[1] <= file_size <= condition[2]:
            return "EntityTooLarge" if file_size > condition[2] else "EntityTooSmall"
        if op == "starts-with" and not fields.get(condition[1].lstrip("$"), "").startswith(condition[2]):
            return f"AccessDenied: {condition[1]} must start with {condition[2]!r}"
    return ""


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, str], bytes]:
    """Form fields and the file's bytes of a multipart/form-data body."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields, data = {}, b""
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name == "file":
            data = part.get_payload(decode=True)
        else:
            fields[name] = part.get_content().strip()
    return fields, data


class PolicyProxy:
    """Serve on loopback; refuse what S3 would refuse; forward the rest to ``upstream``."""

    def __init__(self, upstream: str, secret: str) -> None:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fields, data = parse_form(self.headers["Content-Type"], body)
                refusal = check_post(fields, len(data), proxy.secret)
                if refusal:
                    self.send_response(403 if "Signature" in refusal or "Access" in refusal else 400)
                    self.end_headers()
                    self.wfile.write(refusal.encode())
                    return
                forwarded = urllib.request.Request(proxy.upstream + self.path, data=body, method="POST",
                                                   headers={"Content-Type": self.headers["Content-Type"]})
                with urllib.request.urlopen(forwarded) as response:
                    self.send_response(response.status)
                    self.end_headers()

            def log_message(self, *args):
                pass

        self.upstream, self.secret = upstream, secret
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
