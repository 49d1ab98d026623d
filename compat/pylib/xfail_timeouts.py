"""A pytest plugin (-p xfail_timeouts) for make compat's dumb-init runs.

compat/run.sh gives every test 15 seconds, not the 5 of the suite's own
pytest.ini, so that a slow pty test on a shared machine is not cut short.
A test that compat/xfail.txt expects to fail by its timeout would wait out
all 15 of them; it gets the suite's own 5 back. Its verdict cannot change:
were pidone to do what it waits for, it would pass in milliseconds, and the
judge would report an unexpected pass.

PIDONE_XFAIL names the list and PIDONE_XFAIL_SUITE the suite whose entries
apply.
"""

import os
import re

import pytest

SUITE_TIMEOUT = 5  # seconds, as the suite's pytest.ini sets


def expected_timeouts(path, suite):
    """The test id patterns the list expects to fail by a timeout, as regexps."""
    patterns = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = [field.strip() for field in line.split("|", 3)]
            if len(fields) == 4 and fields[0] == suite and fields[2] == "Timeout":
                patterns.append(re.compile(".*".join(map(re.escape, fields[1].split("*"))) + "$"))
    return patterns


def pytest_collection_modifyitems(config, items):
    patterns = expected_timeouts(os.environ["PIDONE_XFAIL"], os.environ["PIDONE_XFAIL_SUITE"])
    for item in items:
        if any(p.match(item.nodeid) for p in patterns):
            item.add_marker(pytest.mark.timeout(SUITE_TIMEOUT))
