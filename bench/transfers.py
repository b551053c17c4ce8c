"""Scenario 3: transfers through the app's core, timed inside their own process (the app is
already running when a user clicks, so interpreter start-up is not part of it).

    python -m bench.transfers upload ENDPOINT BUCKET PREFIX PATH      (a file, or a folder of files)
    python -m bench.transfers download ENDPOINT BUCKET KEY PATH       (one object, the app's route above 200 MB)
    python -m bench.transfers zip ENDPOINT BUCKET PREFIX PATH         (every object under PREFIX as one .zip)
    → prints {"seconds": …, "bytes": …, "peak_rss_mb": …, "cpu_s": …}
"""

from __future__ import annotations

import json
import shutil
import sys
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from bench.memory import peak_rss_mb
from bench.month_load import client_for
from core import objects, sharing, transfer


def upload(client, bucket: str, prefix: str, path: Path) -> int:
    """What the Upload page does with the chosen files: upload_many, results checked."""
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    with ExitStack() as stack:
        jobs = [transfer.UploadJob(transfer.join_key(prefix, f.name), stack.enter_context(f.open("rb")),
                                   f.stat().st_size, transfer.guess_content_type(f.name)) for f in files]
        results = [e for e in transfer.upload_many(client, bucket, jobs, transfer.UploadOptions())
                   if isinstance(e, transfer.UploadResult)]
    failed = [r for r in results if not r.ok]
    if failed:
        raise SystemExit(f"{len(failed)} uploads failed, e.g. {failed[0].error}")
    return sum(r.size for r in results)


def download(client, bucket: str, key: str, path: Path) -> int:
    """What a browser does with the app's link for a large object: one presigned GET, streamed."""
    url = sharing.presigned_download_url(client, bucket, key)
    with urllib.request.urlopen(url) as response, path.open("wb") as out:
        shutil.copyfileobj(response, out, 1024 * 1024)
    return path.stat().st_size


def download_zip(client, bucket: str, prefix: str, path: Path) -> int:
    """Browse: select the objects of a folder, "Download as .zip" (listing included, as the peers list too)."""
    pages = [objects.list_page(client, bucket, prefix)]
    while pages[-1].has_more:
        pages.append(objects.list_page(client, bucket, prefix, token=pages[-1].next_token))
    listing = objects.combine_pages(pages)
    keys = listing.loc[~listing["is_folder"], "key"].tolist()
    path.write_bytes(objects.zip_objects(client, bucket, keys, folder=prefix))
    return path.stat().st_size


def main() -> None:
    action, endpoint, bucket, name, path = sys.argv[1:6]
    client = client_for(endpoint)
    started, cpu_before = time.perf_counter(), time.process_time()
    moved = {"upload": upload, "download": download, "zip": download_zip}[action](client, bucket, name, Path(path))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "bytes": moved, "peak_rss_mb": peak_rss_mb(),
                      "cpu_s": time.process_time() - cpu_before}))


if __name__ == "__main__":
    main()
