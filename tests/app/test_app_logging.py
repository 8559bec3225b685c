"""Logs never carry tokens: the API client's unreachable-server line hides one-time link tokens."""

from services.api import _loggable


def test_one_time_link_tokens_never_reach_the_log():
    assert _loggable("/activations/abcDEF123") == "/activations/…"
    assert _loggable("/password-resets/xyz") == "/password-resets/…"
    assert _loggable("/children/5/home") == "/children/5/home"
