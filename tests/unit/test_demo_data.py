"""The sandbox's demo data: deterministic, realistic, messy in the documented ways."""

import datetime as dt
import io

import pandas as pd

from core import demo_data
from core.demo_data import COLUMNS, HEADER_ONLY_DAY, REORDERED_DAY


def test_daily_csv_is_deterministic():
    day = dt.date(2019, 1, 5)
    assert demo_data.daily_csv(day) == demo_data.daily_csv(day)
    assert demo_data.daily_csv(day) != demo_data.daily_csv(dt.date(2019, 1, 6))


def test_daily_key_matches_seed_prefix_convention():
    assert demo_data.daily_key(dt.date(2019, 1, 1)) == "2019_jan/gid_requests_2019_01_01.csv"
    assert demo_data.daily_key(dt.date(2019, 3, 9)) == "2019_mar/gid_requests_2019_03_09.csv"


def test_daily_requests_shape_and_ranges():
    frame = demo_data.daily_requests(dt.date(2019, 2, 2))
    assert list(frame.columns) == COLUMNS
    assert demo_data.MIN_ROWS <= len(frame) <= demo_data.MAX_ROWS
    assert frame["service_request_id"].is_unique
    assert (frame["case_age_days"] >= 0).all()
    assert frame["requested_datetime"].str.startswith("2019-02-02").all()
    assert (frame["updated_datetime"] > frame["requested_datetime"]).all()
    assert frame["lat"].between(32.3, 33.1).all()


def test_potholes_and_graffiti_dominate():
    frame = pd.concat(demo_data.daily_requests(dt.date(2019, 1, d)) for d in range(1, 8))
    top_two = frame["service_name"].value_counts().index[:2].tolist()
    assert top_two == ["Pothole", "Graffiti - Public"]


def test_quirky_files():
    reordered = pd.read_csv(io.BytesIO(demo_data.daily_csv(REORDERED_DAY)))
    assert set(reordered.columns) == set(COLUMNS) | {"iamfloc"}
    assert list(reordered.columns)[:len(COLUMNS)] != COLUMNS
    empty = pd.read_csv(io.BytesIO(demo_data.daily_csv(HEADER_ONLY_DAY)))
    assert list(empty.columns) == COLUMNS and empty.empty


def test_demo_objects_cover_three_months_and_staging():
    objects = list(demo_data.demo_objects())
    daily = [o for o in objects if o.bucket == demo_data.REQUESTS_BUCKET]
    assert len(daily) == 90
    staging = {o.key: o.public for o in objects if o.bucket == demo_data.STAGING_BUCKET}
    assert staging == {"2019/potholes_private.csv": False, "2019/potholes.csv": True}
