"""The signing key: never a published default, random and kept on first run, required in production."""

from __future__ import annotations

import stat

import pytest

from bot import settings as settings_module
from bot.settings import Settings, load_or_create_secret_key
from bot.visitor_sessions import is_session_id, new_session_id

OLD_DEFAULT = "dev-secret-key-change-me"


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    path = tmp_path / "var" / "secret_key"
    monkeypatch.setattr(settings_module, "SECRET_KEY_FILE", path)
    monkeypatch.delenv("SHOP_SECRET_KEY", raising=False)
    return path


def test_first_run_makes_a_random_key_and_keeps_it(key_file):
    first = Settings().secret_key
    assert key_file.exists() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 32 and first != OLD_DEFAULT
    # The next process (a restart, the action server, a second worker) reads the same key.
    assert Settings().secret_key == first
    assert load_or_create_secret_key(key_file) == first


def test_two_installs_get_different_keys(tmp_path):
    assert load_or_create_secret_key(tmp_path / "a") != load_or_create_secret_key(tmp_path / "b")


def test_an_id_forged_with_the_old_default_key_is_refused(key_file):
    forged = new_session_id(secret_key=OLD_DEFAULT)
    assert not is_session_id(forged, secret_key=Settings().secret_key)


def test_the_old_default_key_is_refused_outright(monkeypatch):
    monkeypatch.setenv("SHOP_SECRET_KEY", OLD_DEFAULT)
    with pytest.raises(ValueError, match="published default"):
        Settings()


def test_production_refuses_to_start_without_a_key(key_file, monkeypatch):
    monkeypatch.setenv("SHOP_ENVIRONMENT", "production")
    monkeypatch.setenv("SHOP_RASA_TOKEN", "a-real-token-of-some-length")
    with pytest.raises(ValueError, match="SHOP_SECRET_KEY must be set in production"):
        Settings()
    assert not key_file.exists()  # production never invents a key of its own


def test_a_short_key_is_refused(monkeypatch):
    monkeypatch.setenv("SHOP_SECRET_KEY", "short")
    with pytest.raises(ValueError, match="at least 32"):
        Settings()


def test_a_damaged_key_file_is_an_error_not_a_weak_key(key_file):
    key_file.parent.mkdir(parents=True)
    key_file.write_text("\n")
    with pytest.raises(ValueError, match="no usable secret key"):
        Settings()
