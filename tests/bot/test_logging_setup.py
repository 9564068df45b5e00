"""Log lines: one JSON object each (or readable text), with the bound request id and no personal data."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logging_setup import (
    MaskingJsonFormatter, MaskingTextFormatter, bound_request_id, configure_logging, current_request_id,
    is_valid_request_id, request_id_or_new,
)
from bot.transcripts.masking import EMAIL_MASK, ORDER_MASK


def _lines(formatter: logging.Formatter, emit) -> list[str]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    logger = logging.getLogger("tests.logging_setup")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
    return out.getvalue().splitlines()


def test_each_record_is_one_json_object_with_time_level_logger_process_and_request_id():
    with bound_request_id("req-0123456789"):
        [line] = _lines(MaskingJsonFormatter(process="gateway"), lambda log: log.warning("checked %s", "stock"))
    record = json.loads(line)
    assert record["message"] == "checked stock"
    assert record["level"] == "WARNING" and record["logger"] == "tests.logging_setup"
    assert record["process"] == "gateway" and record["request_id"] == "req-0123456789"
    assert record["time"].endswith("+00:00") and "T" in record["time"]


def test_without_a_bound_id_there_is_no_request_id_field():
    [line] = _lines(MaskingJsonFormatter(process="actions"), lambda log: log.info("hello"))
    assert "request_id" not in json.loads(line)


def test_emails_and_order_numbers_are_masked_in_messages_extra_fields_and_exceptions():
    def emit(log):
        log.info("lookup for jane.doe@example.com order %s", "100234")
        log.info("verify", extra={"email": "jane.doe@example.com", "detail": {"order": "#100234"}, "tries": 100234})
        try:
            raise ValueError("no order 100234 for jane.doe@example.com")
        except ValueError:
            log.exception("failed")

    first, second, third = (json.loads(line) for line in _lines(MaskingJsonFormatter(process="actions"), emit))
    assert first["message"] == f"lookup for {EMAIL_MASK} order {ORDER_MASK}"
    assert second["email"] == EMAIL_MASK and second["detail"] == {"order": ORDER_MASK}
    assert second["tries"] == ORDER_MASK
    assert "jane.doe" not in json.dumps(third) and "100234" not in json.dumps(third)
    assert "ValueError" in third["exc_info"]


def test_the_text_format_is_one_readable_masked_line_with_the_request_id():
    with bound_request_id("req-0123456789"):
        [line] = _lines(MaskingTextFormatter(process="gateway"),
                        lambda log: log.info("order 100234 of jane.doe@example.com"))
    assert line.endswith(f"INFO    gateway tests.logging_setup [req-0123456789] order {ORDER_MASK} of {EMAIL_MASK}")


@pytest.mark.parametrize("value, valid", [
    ("0f8c2b1e-4d7a-4c53-9a61-2b7d3f0e9c11", True),
    ("01HZX3J5K8M2N4P6Q8R0S2T4V6", True),
    ("abc", False),  # too short
    ("a" * 65, False),  # too long
    ("req id", False),
    ("req\r\nX-Evil: 1", False),
    ("jane@example.com", False),
    ("-starts-with-dash", False),
    (None, False),
])
def test_only_ids_of_a_strict_shape_are_taken_from_callers(value, valid):
    assert is_valid_request_id(value) is valid
    assert (request_id_or_new(value) == value) is valid


def test_a_binding_ends_with_its_block():
    assert current_request_id() is None
    with bound_request_id("outer-12345678"):
        with bound_request_id("inner-12345678"):
            assert current_request_id() == "inner-12345678"
        assert current_request_id() == "outer-12345678"
    assert current_request_id() is None


def test_configure_logging_replaces_its_own_console_handler_and_keeps_others(capsys):
    root = logging.getLogger()
    before_handlers, before_level = list(root.handlers), root.level
    kept = logging.StreamHandler(io.StringIO())
    root.addHandler(kept)
    try:
        configure_logging(process="summaries", fmt="json")
        configure_logging(process="summaries", fmt="json")
        logging.getLogger("uvicorn.access").info("GET /health for jane.doe@example.com")
        [line] = [line for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
        assert json.loads(line)["message"] == f"GET /health for {EMAIL_MASK}"
        assert kept in root.handlers
        with pytest.raises(ValueError):
            configure_logging(process="summaries", fmt="xml")
    finally:
        root.handlers[:] = before_handlers
        root.setLevel(before_level)
