"""Sharing: presigned links (more arrives with the Share page)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
import shlex
import urllib.error
import urllib.request
from urllib.parse import quote, urlsplit

from botocore.exceptions import ClientError

from core.errors import InvalidInput, s3_errors

MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # SigV4 limit: 7 days
DEFAULT_PRESIGN_SECONDS = 3600


def presigned_download_url(
    client, bucket: str, key: str, *, expires_in: int = DEFAULT_PRESIGN_SECONDS, filename: str = "",
    content_type: str = "",
) -> str:
    """A SigV4 GET link valid for ``expires_in`` seconds (1 s to 7 days), optionally naming
    the downloaded file and overriding the Content-Type the reader receives."""
    if not 1 <= expires_in <= MAX_PRESIGN_SECONDS:
        raise InvalidInput("A presigned link must expire between 1 second and 7 days from now.")
    params = {"Bucket": bucket, "Key": key}
    if filename:
        ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename)
        params["ResponseContentDisposition"] = (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
        )
    if content_type:
        params["ResponseContentType"] = content_type
    with s3_errors(f"sign a download link for '{key}'", bucket=bucket, key=key):
        return client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)


@dataclasses.dataclass(frozen=True)
class PublicAccess:
    """Whether objects of a bucket can be made public with an ACL, as far as we may tell."""

    acls_enabled: bool | None  # None: not allowed to read the ownership controls
    public_acls_blocked: bool | None  # None: not allowed to read Block Public Access
    ownership: str = ""

    @property
    def public_acl_possible(self) -> bool | None:
        """True/False when known; None when either check was denied."""
        if self.acls_enabled is False or self.public_acls_blocked is True:
            return False
        if self.acls_enabled is None or self.public_acls_blocked is None:
            return None
        return True

    def explanation(self) -> str:
        """One sentence on why public-read will not work here, and what will."""
        if self.acls_enabled is False:
            why = (f"this bucket has ACLs disabled (Object Ownership '{self.ownership}', the "
                   "default for buckets created since April 2023)")
        elif self.public_acls_blocked:
            why = "Block Public Access forbids public ACLs on this bucket"
        elif self.public_acl_possible is None:
            why = "your credentials may not read this bucket's ownership or public-access settings"
            return (f"Public-read may fail: {why}. If it does, upload privately and share a "
                    "presigned link instead.")
        else:
            return ""
        return (f"Public-read is not possible: {why}. Upload privately and share a presigned "
                "link, or make a prefix public with a bucket policy on the Share page.")


_NOT_CONFIGURED = {"OwnershipControlsNotFoundError", "NoSuchPublicAccessBlockConfiguration"}


def _read_setting(call) -> dict | None:
    """A bucket setting; {} when never configured, None when we may not read it."""
    try:
        return call()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _NOT_CONFIGURED:
            return {}
        return None


def public_access(client, bucket: str) -> PublicAccess:
    """Check Object Ownership and Block Public Access before offering public-read."""
    controls = _read_setting(lambda: client.get_bucket_ownership_controls(Bucket=bucket))
    block = _read_setting(lambda: client.get_public_access_block(Bucket=bucket))
    ownership = ""
    acls_enabled = None
    if controls is not None:
        rules = controls.get("OwnershipControls", {}).get("Rules", [])
        ownership = rules[0].get("ObjectOwnership", "") if rules else ""
        acls_enabled = ownership != "BucketOwnerEnforced"
    blocked = None
    if block is not None:
        config = block.get("PublicAccessBlockConfiguration", {})
        blocked = bool(config.get("BlockPublicAcls") or config.get("IgnorePublicAcls"))
    return PublicAccess(acls_enabled, blocked, ownership)


def public_url(bucket: str, key: str, *, region: str = "", endpoint_url: str = "", base_url: str = "") -> str:
    """The URL an anonymous reader would use; keys are percent-encoded, slashes kept.

    A public base URL (CDN, custom domain) wins; a custom endpoint gets path style; on AWS the
    regional virtual-hosted form, or path style when the bucket name has dots (TLS wildcard
    certificates do not cover dotted names).
    """
    path = quote(key, safe="/")
    if base_url:
        return f"{base_url.rstrip('/')}/{path}"
    if endpoint_url:
        return f"{endpoint_url.rstrip('/')}/{bucket}/{path}"
    region = region or "us-east-1"
    if "." in bucket:
        return f"https://s3.{region}.amazonaws.com/{bucket}/{path}"
    return f"https://{bucket}.s3.{region}.amazonaws.com/{path}"


PUBLIC_READ_SID_PREFIX = "S3WorkbenchPublicRead"
EXPIRY_UNITS = {"minutes": 60, "hours": 3600, "days": 86400}  # seconds per unit
ANONYMOUS_CHECK_TIMEOUT = 5  # seconds for the anonymous HEAD
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def expiry_seconds(amount: float, unit: str) -> int:
    """``amount`` minutes/hours/days as seconds, checked against SigV4's 1 s … 7 days."""
    if unit not in EXPIRY_UNITS:
        raise InvalidInput(f"Choose minutes, hours or days, not '{unit}'.")
    seconds = int(round(amount * EXPIRY_UNITS[unit]))
    if not 1 <= seconds <= MAX_PRESIGN_SECONDS:
        raise InvalidInput(
            f"A link must expire between 1 second and 7 days from now; {amount:g} {unit} is "
            f"{seconds:,} seconds."
        )
    return seconds


def expires_at(seconds: int, *, now: dt.datetime | None = None) -> dt.datetime:
    """When a link signed now with this expiry stops working (UTC)."""
    return (now or dt.datetime.now(dt.timezone.utc)) + dt.timedelta(seconds=seconds)


def is_public_by_acl(client, bucket: str, key: str) -> bool | None:
    """True when the object ACL grants READ to everyone; None when ACLs cannot be read."""
    try:
        grants = client.get_object_acl(Bucket=bucket, Key=key).get("Grants", [])
    except ClientError:
        return None
    return any(
        g.get("Grantee", {}).get("URI") == ALL_USERS and g.get("Permission") in ("READ", "FULL_CONTROL")
        for g in grants
    )


def anonymous_status(url: str, *, method: str = "HEAD", timeout: float = ANONYMOUS_CHECK_TIMEOUT) -> int:
    """HTTP status of an unsigned request for ``url`` (what a stranger would get); 0 if unreachable."""
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
    except (OSError, ValueError):
        return 0


def set_public(client, bucket: str, key: str, *, public: bool) -> None:
    """Make one object readable by anyone (public-read ACL) or by the owner only (private)."""
    acl = "public-read" if public else "private"
    action = f"make '{key}' {'public' if public else 'private'}"
    with s3_errors(action, bucket=bucket, key=key):
        client.put_object_acl(Bucket=bucket, Key=key, ACL=acl)


def public_prefix_statement(bucket: str, prefix: str) -> dict:
    """A bucket-policy statement letting anyone GET objects under ``prefix``."""
    resource = f"arn:aws:s3:::{bucket}/{prefix}*"
    sid = PUBLIC_READ_SID_PREFIX + (re.sub(r"[^A-Za-z0-9]", "", prefix)[:40] or "Bucket")
    return {"Sid": sid, "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": resource}


def policy_with_public_prefix(client, bucket: str, prefix: str) -> dict:
    """The bucket's current policy plus a public-read statement for ``prefix`` (not applied)."""
    with s3_errors(f"read the policy of bucket '{bucket}'", bucket=bucket):
        try:
            current = json.loads(client.get_bucket_policy(Bucket=bucket)["Policy"])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "NoSuchBucketPolicy":
                raise
            current = {"Version": "2012-10-17", "Statement": []}
    statement = public_prefix_statement(bucket, prefix)
    kept = [s for s in current.get("Statement", []) if s.get("Sid") != statement["Sid"]]
    return {**current, "Statement": [*kept, statement]}


def apply_bucket_policy(client, bucket: str, policy: dict) -> None:
    """Replace the bucket policy with ``policy`` (as previewed to the user)."""
    with s3_errors(f"set the policy of bucket '{bucket}'", bucket=bucket):
        client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


@dataclasses.dataclass(frozen=True)
class UploadLink:
    """A presigned POST: where to send the form, the fields to include, and its limits."""

    url: str
    fields: dict[str, str]
    prefix: str
    max_bytes: int
    expires_in: int


def presigned_upload(
    client, bucket: str, prefix: str, *, max_bytes: int, content_type_prefix: str = "",
    expires_in: int = DEFAULT_PRESIGN_SECONDS,
) -> UploadLink:
    """A POST policy letting anyone with it upload one file under ``prefix``, size-capped."""
    if not 1 <= expires_in <= MAX_PRESIGN_SECONDS:
        raise InvalidInput("A presigned link must expire between 1 second and 7 days from now.")
    if max_bytes < 1:
        raise InvalidInput("The size limit must be at least 1 byte.")
    conditions: list = [["content-length-range", 0, max_bytes], ["starts-with", "$key", prefix]]
    fields = {}
    if content_type_prefix:
        conditions.append(["starts-with", "$Content-Type", content_type_prefix])
        fields["Content-Type"] = content_type_prefix
    with s3_errors(f"sign an upload link for '{prefix}'", bucket=bucket):
        post = client.generate_presigned_post(
            bucket, prefix + "${filename}", Fields=fields or None, Conditions=conditions, ExpiresIn=expires_in
        )
    return UploadLink(post["url"], post["fields"], prefix, max_bytes, expires_in)


def curl_command(link: UploadLink, local_file: str = "data.csv") -> str:
    """A ready curl command for a colleague (fields in the order S3 wants; file last)."""
    parts = [f"curl -i -X POST {shlex.quote(link.url)}"]
    parts += [f"  -F {shlex.quote(f'{name}={value}')}" for name, value in link.fields.items()]
    parts.append(f"  -F {shlex.quote('file=@' + local_file)}")
    return " \\\n".join(parts)


def upload_form_html(link: UploadLink) -> str:
    """A minimal standalone HTML page with the upload form; every value is escaped."""
    inputs = "\n".join(
        f'    <input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
        for name, value in link.fields.items()
    )
    limit = f"{link.max_bytes:,} bytes"
    return (
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Upload</title></head><body>\n"
        f"  <p>Upload one file (at most {html.escape(limit)}) into "
        f"<code>{html.escape(link.prefix)}</code>.</p>\n"
        f'  <form action="{html.escape(link.url)}" method="post" enctype="multipart/form-data">\n'
        f"{inputs}\n"
        '    <input type="file" name="file" required>\n    <button type="submit">Upload</button>\n'
        "  </form>\n</body></html>\n"
    )


def read_csv_snippet(url: str) -> str:
    """The pandas one-liner an analyst pastes into a notebook."""
    return f"import pandas as pd\n\ndf = pd.read_csv({url!r})"


INDEX_NAME = "index.html"


def is_safe_href(href: str) -> bool:
    """http(s) URLs and plain relative paths only: never javascript:, data: or //host."""
    scheme = urlsplit(href).scheme.lower()
    return scheme in ("http", "https") or (scheme == "" and not href.startswith("//"))


def folder_index_html(title: str, rows: list[tuple[str, str, str, int]], *, note: str = "") -> str:
    """A standalone index page: (name, href, last modified, size) rows, everything escaped.

    Only http(s) links become anchors, so a crafted key can never produce a javascript: link.
    """
    body = []
    for name, href, modified, size in rows:
        label = html.escape(name)
        cell = f'<a href="{html.escape(href)}">{label}</a>' if is_safe_href(href) else label
        body.append(f"    <tr><td>{cell}</td><td>{html.escape(modified)}</td><td>{size:,}</td></tr>")
    rows_html = "\n".join(body) or '    <tr><td colspan="3">No files.</td></tr>'
    return (
        "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title>\n"
        "<style>body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse}"
        "td,th{padding:.3rem .8rem;text-align:left}tr:nth-child(even){background:#f4f4f4}</style>"
        "</head><body>\n"
        f"  <h1>{html.escape(title)}</h1>\n"
        + (f"  <p>{html.escape(note)}</p>\n" if note else "")
        + "  <table>\n    <tr><th>Name</th><th>Last modified</th><th>Bytes</th></tr>\n"
        f"{rows_html}\n  </table>\n</body></html>\n"
    )


def publish_page(client, bucket: str, key: str, page: str, *, public: bool) -> None:
    """Upload an HTML page (UTF-8, text/html), public-read when asked."""
    extra = {"ACL": "public-read"} if public else {}
    with s3_errors(f"publish '{key}'", bucket=bucket, key=key):
        client.put_object(Bucket=bucket, Key=key, Body=page.encode(), ContentType="text/html; charset=utf-8", **extra)
