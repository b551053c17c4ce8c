"""Sharing: presigned links (more arrives with the Share page)."""

from __future__ import annotations

import dataclasses
from urllib.parse import quote

from botocore.exceptions import ClientError

from core.errors import InvalidInput, s3_errors

MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # SigV4 limit: 7 days
DEFAULT_PRESIGN_SECONDS = 3600


def presigned_download_url(
    client, bucket: str, key: str, *, expires_in: int = DEFAULT_PRESIGN_SECONDS, filename: str = ""
) -> str:
    """A SigV4 GET link valid for ``expires_in`` seconds (1 s to 7 days)."""
    if not 1 <= expires_in <= MAX_PRESIGN_SECONDS:
        raise InvalidInput("A presigned link must expire between 1 second and 7 days from now.")
    params = {"Bucket": bucket, "Key": key}
    if filename:
        params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
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
