"""Checks on the repository's own files."""

import re
import subprocess

import pytest

from tests.e2e.stack import ROOT

_MARKER = re.compile(r"^(<{7}|>{7})( |$)", re.MULTILINE)


def test_no_file_keeps_merge_conflict_markers():
    # Two merged branches once left README.md with both sides of a conflict in it.
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: no list of tracked files")
    tracked = listed.stdout
    marked = []
    for name in filter(None, tracked.decode().split("\0")):
        path = ROOT / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" not in data[:4096] and _MARKER.search(data.decode("utf-8", "replace")):
            marked.append(name)
    assert not marked, f"merge conflict markers left in {marked}"
