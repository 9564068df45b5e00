import pytest

from bot.orders import normalise_email, normalise_order_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100234", "100234"),
        ("#100234", "100234"),
        ("order no. 100234 please", "100234"),
        ("it's 1004521", "1004521"),
        ("100 234", "100234"),
        ("12345", None),  # too short
        ("123456789", None),  # too long
        ("no idea", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_order_number(text, expected):
    assert normalise_order_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anna.K@Example.com", "anna.k@example.com"),
        ("my email is j.doe@example.org.", "j.doe@example.org"),
        ("anna@example", None),
        ("@example.com", None),
        ("not an email", None),
        ("a..b@example.com", None),
        (None, None),
    ],
)
def test_normalise_email(text, expected):
    assert normalise_email(text) == expected
