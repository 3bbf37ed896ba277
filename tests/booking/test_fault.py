"""The database stops in the middle of a submit (PostgreSQL behind a proxy this test controls): the visitor is
never told a request was sent that was not stored, and a retry after the database returns stores it exactly once."""

import asyncio

import pytest
from sqlalchemy import create_engine, func, select, text

from actions import booking
from heel.store.requests import OutboxMessage, Request
from heel.store.schema import create_schema
from tests.booking.conftest import PG_ADMIN_URL, _configure, schema_url
from tests.booking.form_driver import FormDriver
from tests.booking.tcp_proxy import TcpProxy
from tests.booking.test_booking_actions import fill_booking

pytestmark = pytest.mark.postgres


@pytest.fixture
def proxy():
    running = TcpProxy().start()
    yield running
    running.stop()


@pytest.fixture
def proxied_env(tmp_path, monkeypatch, clinic_file, pg_schema, proxy):
    """The action code talks to PostgreSQL through the proxy; the test checks the database directly."""
    direct_url, schema = pg_schema
    create_schema(direct_url)
    base = PG_ADMIN_URL.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    proxied_url = schema_url(base, schema) + "&connect_timeout=3"
    for _settings in _configure(tmp_path, monkeypatch, clinic_file, proxied_url):
        yield direct_url


def count(url, model):
    engine = create_engine(url)
    with engine.connect() as connection:
        value = connection.execute(select(func.count()).select_from(model)).scalar_one()
    engine.dispose()
    return value


async def eventually(check, seconds=3.0):
    for _ in range(int(seconds / 0.1)):
        if check():
            return
        await asyncio.sleep(0.1)
    assert check()


def said(turn, response):
    return response in turn.responses


async def confirmed_booking(sender):
    driver = FormDriver(sender)
    await fill_booking(driver)
    turn = await driver.say("yes, send it", "affirm")
    assert turn.done
    return driver


async def retry(driver):
    """What the visitor does after the failure message: the summary is shown again and they say yes."""
    turn = await driver.say("yes", "affirm")
    assert turn.done
    return await driver.run_action(booking.ActionSubmitBooking)


async def test_commit_lost_on_the_way_no_false_confirmation_then_one_retry(proxied_env, proxy):
    driver = await confirmed_booking("conv-fault-1")
    proxy.cut_on(b"COMMIT")  # the database connection dies before the commit reaches the server
    turn = await driver.run_action(booking.ActionSubmitBooking)
    assert proxy.cuts == 1
    assert said(turn, "failed") and not said(turn, "submitted")
    assert count(proxied_env, Request) == 0 and count(proxied_env, OutboxMessage) == 0

    proxy.heal()
    assert (await driver.say("yes", "affirm")).done
    slots = dict(driver.slots)
    turn = await driver.run_action(booking.ActionSubmitBooking)
    assert said(turn, "submitted")
    assert count(proxied_env, Request) == 1
    # The same submit once more (a client retry, a double click) is still one request, with one set of outbox rows.
    driver.slots = slots
    again = await driver.run_action(booking.ActionSubmitBooking)
    assert again.reference == turn.reference
    assert count(proxied_env, Request) == 1


async def test_commit_done_but_answer_lost_the_retry_finds_it(proxied_env, proxy):
    driver = await confirmed_booking("conv-fault-2")
    proxy.cut_on(b"COMMIT", after_forward=True)  # the server commits, the action never hears back
    turn = await driver.run_action(booking.ActionSubmitBooking)
    assert said(turn, "failed") and not said(turn, "submitted")
    # Stored after all (the server got the COMMIT): the visitor was told it may not have worked, never "sent".
    await eventually(lambda: count(proxied_env, Request) == 1)

    proxy.heal()
    turn = await retry(driver)
    assert said(turn, "submitted")
    engine = create_engine(proxied_env)
    with engine.connect() as connection:
        ids = connection.execute(text("SELECT id FROM requests")).scalars().all()
    engine.dispose()
    assert len(ids) == 1 and turn.reference == ids[0]


async def test_database_gone_then_back(proxied_env, proxy):
    driver = await confirmed_booking("conv-fault-3")
    proxy.stop()  # nothing listening any more: connection refused
    turn = await driver.run_action(booking.ActionSubmitBooking)
    assert said(turn, "failed") and not said(turn, "submitted")
    assert "020 7946 0018" in turn.text

    proxy.start()  # same port: the database is back
    turn = await retry(driver)
    assert said(turn, "submitted")
    assert count(proxied_env, Request) == 1


async def test_handoff_with_the_database_gone_is_not_paused(proxied_env, proxy):
    driver = FormDriver("conv-fault-4", slots={"booking_phone": "+447911123456", "booking_contact": "07911 123456"})
    await driver.activate("handoff_form", "request_human", "I want a person")
    proxy.stop()
    turn = await driver.run_action(booking.ActionRequestHuman)
    assert said(turn, "handoff_failed") and not driver.paused
    assert count(proxied_env, Request) == 0
