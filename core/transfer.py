"""Uploads: content types, overwrite checks, and many files at once with progress.

``upload_many`` is a generator so the caller's thread (Streamlit's script thread) can draw
progress while worker threads move the bytes.
"""

from __future__ import annotations

import base64
import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import hashlib
import importlib.util
import math
import mimetypes
import threading
import time
import zlib
from collections.abc import Iterator
from typing import BinaryIO

import pandas as pd
from botocore.exceptions import BotoCoreError, ClientError

from core.errors import CoreError, InvalidInput, translate
from core.objects import validate_key

MULTIPART_THRESHOLD = 8 * 1024 * 1024  # bytes: larger files go up in parts
MULTIPART_CHUNK = 8 * 1024 * 1024  # bytes per part
PART_THREADS = 8  # parts in flight at once, across all files
FILE_THREADS = 16  # files in flight at once (a large one waits for its parts); with parts ≤ the pool of 32
POLL_INTERVAL = 0.1  # seconds between progress reports
EXISTS_THREADS = 8  # concurrent HeadObject calls when checking for overwrites

# CRC32C only where botocore can compute it (it needs awscrt, which we do not install).
CHECKSUM_ALGORITHMS = ("CRC32", "SHA256", "SHA1") + (("CRC32C",) if importlib.util.find_spec("awscrt") else ())
STORAGE_CLASSES = ("STANDARD", "INTELLIGENT_TIERING", "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR")
RESULT_COLUMNS = ["key", "size", "ok", "checksum", "error"]

# What mimetypes does not know, or gets wrong for analysts' files.
EXTRA_CONTENT_TYPES = {
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".parquet": "application/vnd.apache.parquet",
    ".json": "application/json",
    ".jsonl": "application/x-ndjson",
    ".ndjson": "application/x-ndjson",
    ".html": "text/html",
    ".htm": "text/html",
    ".md": "text/markdown",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".webp": "image/webp",
    ".avro": "application/avro",
    ".gz": "application/gzip",
    ".zip": "application/zip",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ipynb": "application/x-ipynb+json",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"


def guess_content_type(filename: str) -> str:
    """Content-Type for a file name: our table first, then mimetypes, else octet-stream."""
    name = filename.lower()
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if suffix in EXTRA_CONTENT_TYPES:
        return EXTRA_CONTENT_TYPES[suffix]
    return mimetypes.guess_type(name, strict=False)[0] or DEFAULT_CONTENT_TYPE


def join_key(prefix: str, name: str) -> str:
    """``prefix`` + ``name`` with exactly one slash between them (none for the bucket root)."""
    prefix = prefix.strip().lstrip("/")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return prefix + name.lstrip("/")


def existing_keys(client, bucket: str, keys: list[str]) -> set[str]:
    """Which of ``keys`` already exist (concurrent HeadObject; 404 means free)."""

    def exists(key: str) -> bool:
        try:
            client.head_object(Bucket=bucket, Key=key)
            return True
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                return False
            raise translate(exc, action=f"check whether '{key}' exists", bucket=bucket, key=key) from exc

    with concurrent.futures.ThreadPoolExecutor(EXISTS_THREADS) as pool:
        return {key for key, found in zip(keys, pool.map(exists, keys)) if found}


@dataclasses.dataclass(frozen=True)
class UploadOptions:
    """Settings that apply to every file of one upload."""

    public: bool = False
    cache_control: str = ""
    content_disposition: str = ""
    metadata: tuple[tuple[str, str], ...] = ()
    storage_class: str = "STANDARD"
    checksum_algorithm: str = "CRC32"


def parse_metadata(text: str) -> tuple[tuple[str, str], ...]:
    """``name=value`` lines into metadata pairs; raises InvalidInput on a malformed line."""
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        name = name.strip().lower()
        if not sep or not name or not all(c.isalnum() or c in "-_" for c in name):
            raise InvalidInput(
                f"Metadata line {number} must look like name=value, the name made of letters, "
                "digits, '-' and '_'."
            )
        if not value.isascii():
            raise InvalidInput(f"Metadata line {number}: S3 metadata values must be plain ASCII.")
        pairs.append((name, value.strip()))
    return tuple(pairs)


@dataclasses.dataclass
class UploadJob:
    """One file to send: where, what, and how big."""

    key: str
    body: BinaryIO
    size: int
    content_type: str


@dataclasses.dataclass(frozen=True)
class Progress:
    """Bytes sent so far, per key and in total; reported every POLL_INTERVAL."""

    done: dict[str, int]
    total: int
    elapsed: float  # seconds since the upload began

    @property
    def done_bytes(self) -> int:
        """Bytes sent so far across all files."""
        return sum(self.done.values())

    @property
    def rate(self) -> float:
        """Bytes per second so far."""
        return self.done_bytes / self.elapsed if self.elapsed > 0 else 0.0


@dataclasses.dataclass(frozen=True)
class UploadResult:
    """How one file ended: stored size and checksum, or the error sentence."""

    key: str
    size: int
    ok: bool
    checksum: str = ""
    error: str = ""


def extra_args(job: UploadJob, options: UploadOptions) -> dict:
    """ExtraArgs for one file. Private sends no ACL, so ACL-disabled buckets accept it."""
    args = {
        "ContentType": job.content_type or DEFAULT_CONTENT_TYPE,
        "ChecksumAlgorithm": options.checksum_algorithm,
    }
    if options.public:
        args["ACL"] = "public-read"
    if options.cache_control:
        args["CacheControl"] = options.cache_control
    if options.content_disposition:
        args["ContentDisposition"] = options.content_disposition
    if options.metadata:
        args["Metadata"] = dict(options.metadata)
    if options.storage_class and options.storage_class != "STANDARD":
        args["StorageClass"] = options.storage_class
    return args


def part_checksum(algorithm: str, data: bytes) -> str:
    """The base64 checksum S3 computes over ``data``; empty for algorithms we leave to botocore."""
    if algorithm == "CRC32":
        digest = zlib.crc32(data).to_bytes(4, "big")
    elif algorithm in ("SHA256", "SHA1"):
        digest = hashlib.new(algorithm.lower(), data).digest()
    else:
        return ""
    return base64.b64encode(digest).decode()


def checksum_label(algorithm: str, checksum: str) -> str:
    """What the results table shows, e.g. "CRC32 AAAA"; empty when S3 named none."""
    return f"{algorithm} {checksum}" if checksum else ""


def composite_checksum(algorithm: str, part_checksums: list[str]) -> str:
    """S3's checksum of a multipart object: the checksum of the parts' checksums, then -N."""
    joined = b"".join(base64.b64decode(c) for c in part_checksums)
    whole = part_checksum(algorithm, joined)
    return f"{whole}-{len(part_checksums)}" if whole else ""


def abort_leftover_parts(client, bucket: str, key: str, since: dt.datetime) -> int:
    """Abort multipart uploads of ``key`` begun since ``since`` (an upload aborts its own; this
    is the safety net when the connection died first). Returns how many were aborted."""
    aborted = 0
    try:
        uploads = client.list_multipart_uploads(Bucket=bucket, Prefix=key).get("Uploads", [])
        for upload in uploads:
            if upload["Key"] == key and upload["Initiated"] >= since:
                client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload["UploadId"])
                aborted += 1
    except (ClientError, BotoCoreError):
        pass  # best effort: the original failure is what the user needs to see
    return aborted


def upload_many(
    client, bucket: str, jobs: list[UploadJob], options: UploadOptions
) -> Iterator[Progress | UploadResult]:
    """Upload all jobs concurrently; yield Progress while running and one UploadResult each.

    Files below the multipart threshold go up as one PutObject each, and its answer (ETag and the
    checksum the server computed over what it received) is their check: a HeadObject per small
    file made 500 files of 100 KB take 3x as long (bench/RESULTS.md). Larger ones go up in parts
    in parallel, each checked by its answer the same way (see ``_upload_in_parts``).
    """
    for job in jobs:
        validate_key(job.key)
    started_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)
    started = time.monotonic()
    done = {job.key: 0 for job in jobs}
    lock = threading.Lock()
    total = sum(job.size for job in jobs)
    with concurrent.futures.ThreadPoolExecutor(FILE_THREADS) as files, \
            concurrent.futures.ThreadPoolExecutor(PART_THREADS) as parts:
        running = {files.submit(_upload_one, client, bucket, job, options, done, lock, parts, started_at) for job in jobs}
        while running:
            time.sleep(POLL_INTERVAL)
            finished = [f for f in running if f.done()]  # before the snapshot: it includes their bytes
            with lock:
                yield Progress(dict(done), total, time.monotonic() - started)
            for future in finished:
                running.remove(future)
                yield future.result()


def _upload_one(client, bucket: str, job: UploadJob, options: UploadOptions, done: dict, lock,
                parts: concurrent.futures.Executor, started_at: dt.datetime) -> UploadResult:
    try:
        if job.size < MULTIPART_THRESHOLD:
            answer = client.put_object(Bucket=bucket, Key=job.key, Body=job.body, **extra_args(job, options))
            with lock:
                done[job.key] = job.size
            checksum = answer.get(f"Checksum{options.checksum_algorithm}", "")
        else:
            checksum = _upload_in_parts(client, bucket, job, options, done, lock, parts)
        return UploadResult(job.key, job.size, True, checksum_label(options.checksum_algorithm, checksum))
    except (ClientError, BotoCoreError, CoreError) as exc:
        sentence = str(translate(exc, action=f"upload '{job.key}'", bucket=bucket, key=job.key))
    except Exception as exc:  # a broken file object must not stop the other files
        sentence = f"Could not upload '{job.key}': reading the file failed ({type(exc).__name__})."
    if job.size >= MULTIPART_THRESHOLD:  # a single PutObject leaves no parts behind to abort
        abort_leftover_parts(client, bucket, job.key, started_at)
    return UploadResult(job.key, job.size, False, error=sentence)


def _upload_in_parts(client, bucket: str, job: UploadJob, options: UploadOptions, done: dict, lock,
                     parts: concurrent.futures.Executor) -> str:
    """Create, send MULTIPART_CHUNK parts in parallel, complete; abort on any failure. Returns the
    object's checksum ("" when the server keeps none).

    Our own rather than s3transfer's: the browser's upload arrives as a file object in memory,
    and s3transfer's path for file objects was 1.3x slower than this (bench/README.md).
    Each part carries the checksum we computed; S3 refuses a part that arrived different, and its
    answer names what it stored, which must be ours. That is the check: a HeadObject afterwards
    made servers that hash lazily (rclone) read the whole object again, 1.7 s per GiB."""
    algorithm = options.checksum_algorithm
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=job.key, **extra_args(job, options))["UploadId"]
    reading = threading.Lock()  # one file object, read by several threads

    def send(number: int) -> dict:
        offset = (number - 1) * MULTIPART_CHUNK
        length = min(MULTIPART_CHUNK, job.size - offset)
        with reading:
            job.body.seek(offset)
            data = job.body.read(length)
        if len(data) != length:
            raise CoreError(f"Could not upload '{job.key}': the file ended early (part {number} is short).")
        ours = part_checksum(algorithm, data)
        checksum_args = {"ChecksumAlgorithm": algorithm, **({f"Checksum{algorithm}": ours} if ours else {})}
        answer = client.upload_part(Bucket=bucket, Key=job.key, UploadId=upload_id, PartNumber=number, Body=data,
                                    **checksum_args)
        stored = answer.get(f"Checksum{algorithm}", "")
        if ours and stored and stored != ours:
            raise CoreError(f"Could not upload '{job.key}': S3 stored part {number} differently from what was sent.")
        with lock:
            done[job.key] += len(data)
        part = {"PartNumber": number, "ETag": answer["ETag"]}
        if stored:  # S3 wants them back when the upload named an algorithm
            part[f"Checksum{algorithm}"] = stored
        return part

    try:
        sent = list(parts.map(send, range(1, math.ceil(job.size / MULTIPART_CHUNK) + 1)))
        answer = client.complete_multipart_upload(Bucket=bucket, Key=job.key, UploadId=upload_id,
                                                  MultipartUpload={"Parts": sent})
    except BaseException:
        with contextlib.suppress(ClientError, BotoCoreError):
            client.abort_multipart_upload(Bucket=bucket, Key=job.key, UploadId=upload_id)
        raise
    if answer.get(f"Checksum{algorithm}"):  # AWS names the object's checksum itself
        return answer[f"Checksum{algorithm}"]
    part_checksums = [p.get(f"Checksum{algorithm}", "") for p in sent]
    return composite_checksum(algorithm, part_checksums) if all(part_checksums) else ""


def results_table(results: list[UploadResult]) -> pd.DataFrame:
    """Results as a table with RESULT_COLUMNS, in upload order."""
    return pd.DataFrame([dataclasses.asdict(r) for r in results], columns=RESULT_COLUMNS)


PLAN_COLUMNS = ["file", "key", "size", "content_type"]


def plan_uploads(files: list[tuple[str, int]], prefix: str) -> pd.DataFrame:
    """The proposed key and Content-Type for each (file name, size), before anything is sent."""
    rows = [
        {"file": name, "key": join_key(prefix, name), "size": size, "content_type": guess_content_type(name)}
        for name, size in files
    ]
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def plan_problems(plan: pd.DataFrame) -> list[str]:
    """Why the (possibly edited) plan cannot be uploaded as it is; empty when it can."""
    problems = []
    for file, key in zip(plan["file"], plan["key"]):
        try:
            validate_key(str(key or ""))
        except InvalidInput as err:
            problems.append(f"{file}: {err}")
    duplicated = plan["key"][plan["key"].duplicated()].unique().tolist()
    problems += [f"Two files would be stored as '{key}'; rename one." for key in duplicated]
    return problems


def plan_warnings(plan: pd.DataFrame) -> list[str]:
    """Things worth a second look that do not stop the upload."""
    return [f"{file} is empty (0 bytes): it will be stored as an empty object."
            for file, size in zip(plan["file"], plan["size"]) if int(size) == 0]
