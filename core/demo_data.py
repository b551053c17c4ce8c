"""Deterministic synthetic "Get It Done" 311 service requests for the sandbox.

The same call always yields the same bytes (each day has its own seeded generator), so tests
and screenshots are stable. Like real exports it is a little messy: one February file has its
columns in another order plus an extra column, and one March file is header-only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterator

import numpy as np
import pandas as pd

REQUESTS_BUCKET = "gid-requests"
STAGING_BUCKET = "gid-staging"
REPORTS_BUCKET = "gid-reports"
SANDBOX_BUCKETS = (REQUESTS_BUCKET, STAGING_BUCKET, REPORTS_BUCKET)

FIRST_DAY = dt.date(2019, 1, 1)
LAST_DAY = dt.date(2019, 3, 31)
MIN_ROWS, MAX_ROWS = 1_000, 3_000  # requests per day
REORDERED_DAY = dt.date(2019, 2, 14)  # columns shuffled + an extra column
HEADER_ONLY_DAY = dt.date(2019, 3, 17)  # an export that came out empty

COLUMNS = [
    "service_request_id",
    "requested_datetime",
    "updated_datetime",
    "service_name",
    "case_record_type",
    "status",
    "case_age_days",
    "lat",
    "lng",
    "council_district",
    "comm_plan_name",
    "case_origin",
]

# service name → (relative weight, case record type); potholes and graffiti dominate
SERVICES: dict[str, tuple[float, str]] = {
    "Pothole": (26, "TSW"),
    "Graffiti - Public": (19, "TSW"),
    "Illegal Dumping": (11, "ESD Complaint/Report"),
    "Encampment": (9, "Neighborhood Policing"),
    "72 Hour Violation": (8, "Parking"),
    "Missed Collection": (6, "ESD Complaint/Report"),
    "Street Light Maintenance": (5, "TSW"),
    "Sidewalk Repair Issue": (4, "TSW"),
    "Tree Maintenance": (3, "TSW"),
    "Shared Mobility Device": (3, "Shared Mobility Device"),
    "Traffic Signal Issue": (2, "TSW"),
    "Stormwater": (2, "TSW"),
    "Dead Animal": (1, "ESD Complaint/Report"),
    "Other": (1, "Other"),
}
STATUSES = {"Closed": 0.62, "In Process": 0.24, "New": 0.09, "Referred": 0.05}
ORIGINS = {"Mobile": 0.52, "Web": 0.29, "Phone": 0.15, "Email": 0.04}
COMMUNITIES = [
    ("Downtown", 3),
    ("Mid-City:City Heights", 9),
    ("Greater North Park", 3),
    ("Uptown", 3),
    ("Pacific Beach", 2),
    ("Clairemont Mesa", 6),
    ("Southeastern San Diego", 4),
    ("Mission Valley", 7),
    ("Navajo", 7),
    ("Otay Mesa-Nestor", 8),
    ("Rancho Bernardo", 5),
    ("La Jolla", 1),
    ("Ocean Beach", 2),
    ("Encanto Neighborhoods", 4),
]
CENTER_LAT, CENTER_LNG = 32.7157, -117.1611  # San Diego


@dataclasses.dataclass(frozen=True)
class DemoObject:
    """One object the sandbox is seeded with."""

    bucket: str
    key: str
    body: bytes
    content_type: str
    public: bool = False


def daily_key(day: dt.date) -> str:
    """Key of one day's file, e.g. ``2019_jan/gid_requests_2019_01_01.csv``."""
    month = day.strftime("%b").lower()
    return f"{day.year}_{month}/gid_requests_{day:%Y_%m_%d}.csv"


def _rng(day: dt.date) -> np.random.Generator:
    seed = int.from_bytes(hashlib.sha256(day.isoformat().encode()).digest()[:8], "big")
    return np.random.default_rng(seed)


def _first_request_id(day: dt.date) -> int:
    """Ids never overlap between days: each day gets its own block."""
    return 2_500_000 + (day - FIRST_DAY).days * MAX_ROWS


def daily_requests(day: dt.date) -> pd.DataFrame:
    """One day of synthetic service requests, in the standard column order."""
    rng = _rng(day)
    rows = int(rng.integers(MIN_ROWS, MAX_ROWS + 1))
    names = list(SERVICES)
    weights = np.array([SERVICES[name][0] for name in names], dtype=float)
    service = rng.choice(names, size=rows, p=weights / weights.sum())
    community_index = rng.integers(0, len(COMMUNITIES), size=rows)
    start = pd.Timestamp(day)
    requested = start + pd.to_timedelta(np.sort(rng.integers(0, 86_400, size=rows)), unit="s")
    age_days = np.minimum(rng.exponential(9.0, size=rows).astype(int), 365)
    updated = requested + pd.to_timedelta(age_days * 86_400 + rng.integers(600, 86_400, rows), unit="s")
    frame = pd.DataFrame(
        {
            "service_request_id": np.arange(rows) + _first_request_id(day),
            "requested_datetime": requested.strftime("%Y-%m-%dT%H:%M:%S"),
            "updated_datetime": updated.strftime("%Y-%m-%dT%H:%M:%S"),
            "service_name": service,
            "case_record_type": [SERVICES[name][1] for name in service],
            "status": rng.choice(list(STATUSES), size=rows, p=list(STATUSES.values())),
            "case_age_days": age_days,
            "lat": np.round(CENTER_LAT + rng.normal(0, 0.06, rows), 6),
            "lng": np.round(CENTER_LNG + rng.normal(0, 0.06, rows), 6),
            "council_district": [COMMUNITIES[i][1] for i in community_index],
            "comm_plan_name": [COMMUNITIES[i][0] for i in community_index],
            "case_origin": rng.choice(list(ORIGINS), size=rows, p=list(ORIGINS.values())),
        }
    )
    return frame


def daily_csv(day: dt.date) -> bytes:
    """The CSV file for one day, with that day's quirks applied."""
    frame = daily_requests(day)
    if day == HEADER_ONLY_DAY:
        frame = frame.iloc[0:0]
    if day == REORDERED_DAY:
        frame = frame.assign(iamfloc="SD-" + frame["council_district"].astype(str))
        frame = frame[list(reversed(frame.columns))]
    return frame.to_csv(index=False).encode()


def _days() -> Iterator[dt.date]:
    day = FIRST_DAY
    while day <= LAST_DAY:
        yield day
        day += dt.timedelta(days=1)


def _potholes_csv() -> bytes:
    frame = pd.concat([daily_requests(dt.date(2019, 1, d)) for d in (2, 3)])
    potholes = frame[frame["service_name"] == "Pothole"]
    return potholes.to_csv(index=False).encode()


def demo_objects() -> Iterator[DemoObject]:
    """Everything the sandbox holds at start: daily request files and two staging files."""
    for day in _days():
        yield DemoObject(REQUESTS_BUCKET, daily_key(day), daily_csv(day), "text/csv")
    potholes = _potholes_csv()
    yield DemoObject(STAGING_BUCKET, "2019/potholes_private.csv", potholes, "text/csv")
    yield DemoObject(STAGING_BUCKET, "2019/potholes.csv", potholes, "text/csv", public=True)
