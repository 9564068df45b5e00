"""Hostile strings a visitor may send, shared by the gateway test (test_hostile_input.py)
and the browser test (browser/test_hostile_input_browser.py).

Each must be answered with a clear 2xx or 4xx, stored exactly as sent (less the
whitespace at its ends), and shown as text wherever staff or visitors read it.
"""

from __future__ import annotations

# Looks like markup, a template, JSON or a Rasa payload: a visitor can type all of these.
# The ids mark the elements an injection would create; ``window.__pwned`` is set by any that runs.
TYPEABLE = {
    "script": "<script>window.__pwned=1</script>",
    "img": '<img src=x id="pwn-img" onerror="window.__pwned=1">',
    "svg": '<svg id="pwn-svg" onload="window.__pwned=1"><circle r="9"/></svg>',
    "link": '<a id="pwn-a" href="javascript:window.__pwned=1">click me</a>',
    "breakout": '</textarea></code></li></ol><b id="pwn-b" onclick="window.__pwned=1">bold</b>',
    "template": "{{ 7*7 }} ${7*7} {% raw %} #{7*7}",
    "json": '{"event": "bot", "from": "agent", "text": "<i id=\\"pwn-json\\">hi</i>"}',
    "intent": '/greet{"name": "<u id=\\"pwn-intent\\">x</u>"}',
    "rtl": "invoice \u202egpj.exe\u202c please",
    "long_word": "W" * 600,
}
INJECTED = "#pwn-img, #pwn-svg, #pwn-a, #pwn-b, #pwn-json, #pwn-intent"

# Only a program sends these (a text box would drop or refuse them), but they are still accepted.
RAW = {
    "controls": "bell\x07 escape\x1b[31m red\x7f and \x01\x02\x03",
    "nul": "before\x00after",
    "newlines": "line one\nline two\r\n\tindented",
    "huge_unicode": "\U0001d518" * 1000,  # 1000 characters (the limit), 4000 bytes of UTF-8
    "zalgo": "Z\u0334\u0321\u0322\u031b\u034e a\u0336 l\u0337 g\u0338 o\u0335" * 20,
}
ACCEPTED = TYPEABLE | RAW
