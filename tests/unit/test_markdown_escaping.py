"""Names shown through Streamlit's markdown stay text."""

import re

import pytest

from ui.widgets import md_code, md_text


@pytest.mark.parametrize("name", [
    "[click](javascript:alert(1)).csv", "<img src=x onerror=alert(1)>", "**bold** _it_ ~~s~~", "$x^2$",
    "- looks like a list", "12. also a list", "# heading", "a|b|c", "back\\slash", "plain-name.csv",
])
def test_md_text_escapes_every_markdown_construct(name):
    escaped = md_text(name)
    assert re.sub(r"\\(.)", r"\1", escaped) == name, "unescaping gives the name back"
    for special in "[]<>*_~$|#`":
        assert not re.search(rf"(?<!\\){re.escape(special)}", escaped), special


@pytest.mark.parametrize(("text", "span"), [("a", "`a`"), ("a`b", "``a`b``"), ("`x", "`` `x ``")])
def test_md_code_cannot_be_closed_early(text, span):
    assert md_code(text) == span
