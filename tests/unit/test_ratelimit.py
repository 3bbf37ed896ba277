import pytest

from heel.ratelimit import Limit, SlidingWindow, client_address

LOCAL_PROXIES = ["127.0.0.1/32", "::1/128"]


def test_a_window_allows_the_limit_then_refuses_until_old_hits_expire():
    window = SlidingWindow(Limit(3, 10))
    assert [window.allow("a", t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert window.allow("b", 3)  # keys are independent
    assert not window.allow("a", 9.9)
    assert window.allow("a", 10.5)  # the hit at 0 left the window


def test_refused_calls_do_not_extend_the_ban():
    window = SlidingWindow(Limit(1, 5))
    assert window.allow("a", 0)
    assert not any(window.allow("a", t) for t in (1, 2, 3, 4))
    assert window.allow("a", 5.1)


def test_memory_is_bounded_under_a_flood_of_new_keys():
    window = SlidingWindow(Limit(1, 60), max_keys=100)
    for n in range(1000):
        window.allow(f"k{n}", 0)
    assert len(window._hits) == 100
    assert window.allow("k0", 1)  # forgotten: the oldest keys go first


@pytest.mark.parametrize(
    "text,expected",
    [("30/60", Limit(30, 60)), ("5/1", Limit(5, 1)), ("0", Limit(0, 0)), ("", Limit(0, 0)), ("12", Limit(12, 60))],
)
def test_limits_are_read_from_settings_text(text, expected):
    assert Limit.parse(text) == expected


def test_a_zero_limit_allows_everything():
    window = SlidingWindow(Limit.parse("0"))
    assert all(window.allow("a", 0) for _ in range(1000))


@pytest.mark.parametrize("text", ["x/60", "-1/60", "3/0"])
def test_bad_limits_are_refused(text):
    with pytest.raises(ValueError):
        Limit.parse(text)


def test_client_address_behind_a_trusted_proxy_is_the_forwarded_one():
    assert client_address("127.0.0.1", "203.0.113.9", LOCAL_PROXIES) == ("203.0.113.9", False)
    # a client cannot pick its address by sending its own header: the proxy appends the real one last
    assert client_address("127.0.0.1", "198.51.100.1, 203.0.113.9", LOCAL_PROXIES) == ("203.0.113.9", False)


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored():
    assert client_address("203.0.113.9", "198.51.100.1", LOCAL_PROXIES) == ("203.0.113.9", False)


def test_the_machine_itself_is_local():
    assert client_address("127.0.0.1", None, LOCAL_PROXIES) == ("127.0.0.1", True)
    assert client_address("::1", None, LOCAL_PROXIES) == ("::1", True)
    assert client_address("192.0.2.4", None, LOCAL_PROXIES) == ("192.0.2.4", False)
