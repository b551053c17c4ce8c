"""Small helpers shared by tests: an anonymous HTTP fetch and an HTML audit."""

from __future__ import annotations

import urllib.error
import urllib.request
from html.parser import HTMLParser


def fetch(url: str) -> tuple[int, bytes]:
    """Status and body of an anonymous GET (HTTP errors are answers, not exceptions)."""
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


class HtmlAudit(HTMLParser):
    """What a browser could run or follow in a page: script tags, on* handlers, links."""

    def __init__(self, page: str = "") -> None:
        super().__init__()
        self.scripts, self.handlers, self.hrefs = 0, [], []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        self.hrefs += [value for name, value in attrs if name == "href"]
