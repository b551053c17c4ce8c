"""Load: 20 browser sessions at once doing browse + report on the sandbox, in two waves.

The figures (rounds, errors, cross-talk, server memory) are printed for the closing note; the
assertions are the ones that must hold however fast the machine is: no errors, no cross-talk,
every session got through, and a second wave does not grow the server's memory beyond the first.
"""

import json
import subprocess
import sys

from tests.conftest import ROOT

SESSIONS = 20
SECONDS = 60


def wave(app) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.load.browser_sessions", "--url", app.url, "--pid", str(app.pid),
         "--sessions", str(SESSIONS), "--seconds", str(SECONDS)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_twenty_sessions_two_waves(start_app):
    app = start_app(STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL="5")
    first = wave(app)
    second = wave(app)
    print("\nLOAD", json.dumps({"first": first, "second": second}))
    for result in (first, second):
        assert result["errors"] == 0 and result["cross_talk"] == [], result
        assert result["rounds"] >= SESSIONS, "every session finished at least one round"
    assert second["server_rss_mb"]["peak"] <= 1.5 * first["server_rss_mb"]["peak"], "memory keeps growing"
    assert "Traceback" not in app.log()
