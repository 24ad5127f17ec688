"""Cursors: the quick writing of the common keys is byte for byte what JSON writes, and reads back."""

from __future__ import annotations

import base64
import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from schema.pagination import _decode_cursor, _encode_cursor, _key_json

ordering_values = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.datetimes(timezones=st.just(dt.UTC)).map(dt.datetime.isoformat),
    st.integers(-10**6, 10**6),
    st.text(max_size=12),  # anything else a key might hold: quotes, backslashes, control and non-ASCII
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
)
ids = st.one_of(st.integers(0, 2**40), st.booleans(), st.text(max_size=4))


@settings(max_examples=400, deadline=None)
@given(value=ordering_values, pk=ids, offset=st.integers(0, 10**9))
def test_keys_are_written_as_json_writes_them(value, pk, offset):
    key = [value, pk]
    assert _key_json(key) == json.dumps(key, separators=(",", ":"))
    text = base64.b64decode(_encode_cursor(offset, key)).decode()
    assert text == f"cursor:{offset}:{json.dumps(key, separators=(',', ':'))}"
    if len(text) <= 300:
        assert _decode_cursor(_encode_cursor(offset, key), "after") == (offset, key)


def test_the_quick_path_covers_dates_times_and_levels():
    for key, text in ((["2024-05-01", 12], '["2024-05-01",12]'),
                      (["2024-05-01T03:04:05.123456+00:00", 7], '["2024-05-01T03:04:05.123456+00:00",7]'),
                      ([3, 9], "[3,9]"),
                      (['a"b', 1], '["a\\"b",1]'),
                      (["é", 1], '["\\u00e9",1]'),
                      ([True, 1], "[true,1]"),
                      (["x", True], '["x",true]')):
        assert _key_json(key) == text
    assert _encode_cursor(5) == base64.b64encode(b"cursor:5").decode()
