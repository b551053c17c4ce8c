"""Two users at once on one server process: their buckets, listings, links and caches never mix."""

from core import connection
from core.connection import Mode
from tests.pages.conftest import button, open_page, page_text, plain


def endpoint(server, secret=None):
    return connection.make_settings(Mode.ENDPOINT, endpoint_url=server.url, access_key_id=server.access_key_id,
                                    secret_access_key=secret or server.secret_access_key)


def test_two_sessions_never_see_each_others_listings_or_links(moto_server, rclone_server):
    moto_server.client().create_bucket(Bucket="alpha")
    moto_server.client().put_object(Bucket="alpha", Key="a-only.csv", Body=b"a\n1\n")
    rclone_server.client().create_bucket(Bucket="beta")
    rclone_server.client().put_object(Bucket="beta", Key="b-only.csv", Body=b"b\n2\n")
    first = open_page("pages/browse.py", connection_settings=endpoint(moto_server), browse_bucket="alpha")
    second = open_page("pages/browse.py", connection_settings=endpoint(rclone_server), browse_bucket="beta")
    for _ in range(2):  # interleaved reruns, so cached results are in play
        first.run()
        second.run()
        assert "alpha" in first.selectbox[0].options and "beta" not in first.selectbox[0].options
        assert "beta" in second.selectbox[0].options and "alpha" not in second.selectbox[0].options
        assert "0 folder(s) and 1 object(s)" in page_text(first)
        assert "0 folder(s) and 1 object(s)" in page_text(second)

    first.session_state["share_bucket"] = "alpha"
    first.switch_page("pages/share.py").run()
    button(first, "Create download link").click().run()
    second.switch_page("pages/share.py").run()
    assert [link["object"] for link in first.session_state["links_made"]] == ["alpha/a-only.csv"]
    assert "links_made" not in second.session_state
    assert "Links you create in this session appear here." in page_text(second)


def test_same_key_id_with_a_wrong_secret_gets_no_cached_listing(rclone_server):
    rclone_server.client().create_bucket(Bucket="private-team")
    owner = open_page("pages/browse.py", connection_settings=endpoint(rclone_server))
    assert "private-team" in owner.selectbox[0].options
    intruder = open_page("pages/browse.py", connection_settings=endpoint(rclone_server, secret="guessed"))
    assert not intruder.exception
    assert "secret access key does not match" in plain(intruder.error[0].value)
    assert not intruder.selectbox
    assert "private-team" not in page_text(intruder)
