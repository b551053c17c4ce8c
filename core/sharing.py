"""Sharing: presigned links (more arrives with the Share page)."""

from __future__ import annotations

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
