"""Buckets: list with regions, the S3 naming rules, create, count, empty and delete."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import ipaddress
import re
from collections.abc import Callable, Iterator

import pandas as pd
from botocore.exceptions import ClientError

from core.errors import InvalidInput, s3_errors

BUCKET_COLUMNS = ["name", "region", "created"]
REGION_THREADS = 8  # concurrent GetBucketLocation calls
DELETE_BATCH = 1_000  # keys per DeleteObjects call (the S3 maximum)
COUNT_LIMIT = 100_000  # keys counted before saying "at least"
UNKNOWN_REGION = "unknown"

AWS_REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1",
    "eu-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
    "ap-southeast-2", "ap-south-1", "ap-east-1", "me-south-1", "af-south-1",
]  # fmt: skip

_ALLOWED = re.compile(r"^[a-z0-9.-]+$")
_FORBIDDEN_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_FORBIDDEN_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def bucket_name_problem(name: str) -> str:
    """Why ``name`` breaks the S3 bucket naming rules, or "" when it is valid."""
    if not 3 <= len(name) <= 63:
        return f"A bucket name must be 3 to 63 characters long; this one has {len(name)}."
    if not _ALLOWED.match(name):
        bad = sorted({c for c in name if not re.match(r"[a-z0-9.-]", c)})
        shown = " ".join(repr(c) for c in bad)
        return f"Only lowercase letters, digits, dots and hyphens are allowed (not {shown})."
    if not (name[0].isalnum() and name[-1].isalnum()):
        return "A bucket name must begin and end with a letter or digit."
    if ".." in name:
        return "A bucket name must not contain two dots in a row."
    if ".-" in name or "-." in name:
        return "A dot must not stand next to a hyphen."
    try:
        ipaddress.IPv4Address(name)
        return "A bucket name must not look like an IP address (such as 192.168.5.4)."
    except ValueError:
        pass
    for prefix in _FORBIDDEN_PREFIXES:
        if name.startswith(prefix):
            return f"Names beginning with '{prefix}' are reserved by AWS."
    for suffix in _FORBIDDEN_SUFFIXES:
        if name.endswith(suffix):
            return f"Names ending with '{suffix}' are reserved by AWS."
    return ""


def validate_bucket_name(name: str) -> str:
    """Return the name if it follows the rules; otherwise raise InvalidInput naming the rule."""
    problem = bucket_name_problem(name)
    if problem:
        raise InvalidInput(f"'{name}' cannot be a bucket name. {problem}")
    return name


def list_buckets(client) -> pd.DataFrame:
    """Buckets with creation date; region left empty (see ``with_regions``)."""
    with s3_errors("list buckets"):
        paginator = client.get_paginator("list_buckets")
        buckets = [b for page in paginator.paginate() for b in page.get("Buckets", [])]
    frame = pd.DataFrame(
        {
            "name": [b["Name"] for b in buckets],
            "region": [b.get("BucketRegion", "") for b in buckets],
            "created": pd.to_datetime([b.get("CreationDate") for b in buckets], utc=True),
        },
        columns=BUCKET_COLUMNS,
    )
    return frame


def bucket_region(client, bucket: str) -> str:
    """A bucket's region ("us-east-1" for a null LocationConstraint), or "unknown" if denied."""
    try:
        location = client.get_bucket_location(Bucket=bucket).get("LocationConstraint")
    except ClientError:
        return UNKNOWN_REGION  # AccessDenied on one bucket must not break the whole table
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)


def with_regions(client, buckets: pd.DataFrame) -> pd.DataFrame:
    """Fill the region column, asking for the missing ones concurrently."""
    missing = buckets.loc[buckets["region"].isin(["", None]), "name"].tolist()
    if not missing:
        return buckets
    with concurrent.futures.ThreadPoolExecutor(REGION_THREADS) as pool:
        regions = dict(zip(missing, pool.map(lambda name: bucket_region(client, name), missing)))
    filled = buckets.copy()
    filled["region"] = [regions.get(n, r) for n, r in zip(filled["name"], filled["region"])]
    return filled


def create_bucket(client, name: str, *, region: str) -> None:
    """Create a bucket after checking its name; LocationConstraint everywhere but us-east-1."""
    validate_bucket_name(name)
    kwargs = {"Bucket": name}
    if region and region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    with s3_errors(f"create bucket '{name}'", bucket=name):
        client.create_bucket(**kwargs)


@dataclasses.dataclass(frozen=True)
class BucketContents:
    """What deleting a bucket would destroy."""

    objects: int
    versions: int  # noncurrent versions and delete markers; 0 when versioning never was on
    versioning: str  # "Enabled", "Suspended" or "" (never enabled)
    capped: bool  # counting stopped at COUNT_LIMIT

    @property
    def is_empty(self) -> bool:
        """True when nothing at all is left in the bucket."""
        return self.objects == 0 and self.versions == 0


def _versions(client, bucket: str) -> Iterator[dict]:
    """Every version and delete marker, as {Key, VersionId, IsLatest}."""
    for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket):
        yield from page.get("Versions", [])
        yield from page.get("DeleteMarkers", [])


def count_contents(client, bucket: str) -> BucketContents:
    """Count objects (and versions when versioning was ever on), stopping at COUNT_LIMIT."""
    with s3_errors(f"count what is in bucket '{bucket}'", bucket=bucket):
        versioning = client.get_bucket_versioning(Bucket=bucket).get("Status", "")
        objects = 0
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            objects += page.get("KeyCount", 0)
            if objects >= COUNT_LIMIT:
                return BucketContents(objects, 0, versioning, capped=True)
        versions = 0
        if versioning:
            versions = sum(1 for _ in _versions(client, bucket)) - objects
    return BucketContents(objects, max(versions, 0), versioning, capped=False)


def _batches(items: Iterator[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def empty_bucket(client, bucket: str, *, on_progress: Callable[[int], None] = lambda n: None) -> int:
    """Delete every object, version and delete marker; returns how many were deleted."""
    deleted = 0
    with s3_errors(f"empty bucket '{bucket}'", bucket=bucket):
        versioned = bool(client.get_bucket_versioning(Bucket=bucket).get("Status"))
        if versioned:
            targets = ({"Key": v["Key"], "VersionId": v["VersionId"]} for v in _versions(client, bucket))
        else:
            pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            targets = ({"Key": o["Key"]} for page in pages for o in page.get("Contents", []))
        for batch in _batches(targets, DELETE_BATCH):
            response = client.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
            failures = response.get("Errors", [])
            if failures:
                first = failures[0]
                raise InvalidInput(
                    f"Could not empty bucket '{bucket}': {len(failures)} object(s) could not be "
                    f"deleted, e.g. '{first.get('Key')}' ({first.get('Code')})."
                )
            deleted += len(batch)
            on_progress(deleted)
    return deleted


def delete_bucket(client, name: str, *, typed_name: str) -> None:
    """Delete an (empty) bucket, only when the user typed its exact name to confirm."""
    if typed_name.strip() != name:
        raise InvalidInput(f"Type the bucket name '{name}' exactly to confirm the deletion.")
    with s3_errors(f"delete bucket '{name}'", bucket=name):
        client.delete_bucket(Bucket=name)
