"""Scenario 2: listing a prefix with many keys: the Browse page's first screen and its whole
listing ("Load more" to the end) against a bare boto3 paginator. Each in its own process.

    python -m bench.listing METHOD ENDPOINT BUCKET PREFIX   → prints {"seconds": …, "keys": …, "requests": …}
"""

from __future__ import annotations

import json
import sys
import time

from bench.month_load import client_for
from core import objects


def first_screen(client, bucket: str, prefix: str) -> int:
    """What the Browse page requests before it draws the folder: one page."""
    return len(objects.list_page(client, bucket, prefix).entries)


def whole_listing(client, bucket: str, prefix: str) -> int:
    """The Browse page after "Load more" until S3 says there is no more, as one table."""
    pages = [objects.list_page(client, bucket, prefix)]
    while pages[-1].has_more:
        pages.append(objects.list_page(client, bucket, prefix, token=pages[-1].next_token))
    return len(objects.combine_pages(pages))


def bare_paginator(client, bucket: str, prefix: str) -> int:
    """The least a Python script can do: boto3's paginator, keys into a list."""
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return len([o["Key"] for page in pages for o in page.get("Contents", [])])


METHODS = {"first_screen": first_screen, "whole_listing": whole_listing, "paginator": bare_paginator}


def main() -> None:
    method, endpoint, bucket, prefix = sys.argv[1:5]
    client = client_for(endpoint)
    sent = []
    client.meta.events.register("before-send.s3", lambda **_: sent.append(1))
    started = time.perf_counter()
    keys = METHODS[method](client, bucket, prefix)
    print(json.dumps({"seconds": time.perf_counter() - started, "keys": keys, "requests": len(sent)}))


if __name__ == "__main__":
    main()
