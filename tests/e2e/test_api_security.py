"""Over real HTTP: Rasa's HTTP API needs the token, the public channels do not, browsers on other sites get no CORS
grant, and the action server listens on loopback only and answers only the Rasa server."""

import json
import socket
import urllib.request

import pytest

from tests.support.servers import http_get, post_json

pytestmark = pytest.mark.e2e


def status_of(url: str, data: dict | None = None) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(data).encode() if data is not None else None, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_http_api_refuses_anyone_without_the_token(stack):
    stack.talk("api-security-1", "my name is Sam, what is plantar fasciitis?")
    assert http_get(f"{stack.rasa_url}/conversations/api-security-1/tracker")[0] == 401
    assert http_get(f"{stack.rasa_url}/conversations/api-security-1/tracker?token=wrong")[0] == 401
    assert http_get(f"{stack.rasa_url}/status")[0] == 401
    assert status_of(f"{stack.rasa_url}/model/parse", {"text": "hi"}) == 401
    assert status_of(f"{stack.rasa_url}/conversations/api-security-1/tracker/events", [{"event": "restart"}]) == 401
    assert http_get(f"{stack.rasa_url}/conversations/api-security-1/tracker?token={stack.rasa_token}")[0] == 200


def test_the_public_channels_need_no_token(stack):
    replies = post_json(f"{stack.rasa_url}/webhooks/rest/webhook", {"sender": "api-security-2", "message": "hi"})
    assert replies and replies[0].get("text")


def non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_the_action_server_listens_on_loopback_only(stack):
    port = int(stack.actions_url.rsplit(":", 1)[1])
    assert http_get(f"{stack.actions_url}/health")[0] == 200
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    with pytest.raises(OSError):
        socket.create_connection((address, port), timeout=3).close()


def test_the_action_server_runs_actions_only_for_the_rasa_server(stack):
    call = {
        "next_action": "action_submit_booking",
        "sender_id": "forged",
        "tracker": {"sender_id": "forged", "slots": {"booking_consent": True, "booking_confirmed": True}},
        "domain": {},
        "version": "3.6.0",
    }
    url = f"{stack.actions_url}/webhook"
    assert status_of(url, call) == 403
    forged = urllib.request.Request(
        url, data=json.dumps(call).encode(), headers={"Content-Type": "application/json", "X-Action-Token": "guess"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(forged, timeout=10)
    assert refused.value.code == 403
    # Rasa itself gets through: a booking question needs custom actions
    assert stack.talk("api-security-3", "/book_appointment")


def cors_headers(url: str, origin: str, method: str = "GET") -> dict:
    request = urllib.request.Request(url, method=method, headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return dict(response.headers)
    except urllib.error.HTTPError as error:
        return dict(error.headers)


def test_browsers_on_other_sites_get_no_cors_grant(stack):
    stranger = cors_headers(f"{stack.rasa_url}/", "https://evil.example")
    assert stranger.get("Access-Control-Allow-Origin") not in ("https://evil.example", "*")
    ours = cors_headers(f"{stack.rasa_url}/", stack.web_url)
    assert ours.get("Access-Control-Allow-Origin") == stack.web_url


def test_the_socket_refuses_browsers_from_other_sites(stack):
    polling = f"{stack.rasa_url}/socket.io/?EIO=4&transport=polling"
    assert status_of_with_origin(polling, "https://evil.example") == 400
    assert status_of_with_origin(polling, stack.web_url) == 200


def status_of_with_origin(url: str, origin: str) -> int:
    request = urllib.request.Request(url, headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
