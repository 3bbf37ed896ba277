"""Repository tests, run against SQLite and the real PostgreSQL server."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from heel.store import requests_repo as repo
from heel.store.db import session_scope
from heel.store.requests import OutboxMessage, Request


def new_request(key="key-1", **overrides):
    values = dict(
        kind="booking",
        conversation_id="conv-1",
        idempotency_key=key,
        consent_version="booking-2025-1",
        name="Sam",
        phone="+447911123456",
        email="sam@example.com",
        preferred_time="Tue 2 Dec 2025, morning (08:00-12:00)",
        preferred_time_text="next Tuesday morning",
        preferred_time_data={"parts": ["morning"]},
        reason="pain under my heel",
        assessment_summary="Likely plantar fasciitis.",
        patient_type="new",
    )
    values.update(overrides)
    return repo.NewRequest(**values)


def count(url, model):
    with session_scope(url) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_create_and_read_back(db_url):
    view, created = repo.create_request(new_request(), channels=[], url=db_url)
    assert created and view.id and view.status == "new"
    again = repo.get_request(view.id, url=db_url)
    assert again.name == "Sam" and again.phone == "+447911123456" and again.kind == "booking"
    api = again.as_api()
    for field in (
        "id",
        "kind",
        "name",
        "phone",
        "email",
        "preferred_time",
        "preferred_time_text",
        "reason",
        "assessment_summary",
        "status",
        "created_at",
        "conversation_id",
    ):
        assert field in api
    assert api["created_at"].endswith("Z")


def test_same_key_stores_one_request(db_url):
    first, created_first = repo.create_request(new_request(), channels=["email", "webhook"], url=db_url)
    second, created_second = repo.create_request(new_request(), channels=["email", "webhook"], url=db_url)
    assert created_first and not created_second
    assert first.id == second.id
    assert count(db_url, Request) == 1
    assert count(db_url, OutboxMessage) == 2  # the retry wrote no second set of notifications


def test_concurrent_double_submit_stores_one_request(db_url):
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(
            pool.map(lambda _: repo.create_request(new_request("same"), channels=["webhook"], url=db_url), range(6))
        )
    assert len({view.id for view, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert count(db_url, Request) == 1
    assert count(db_url, OutboxMessage) == 1


def test_outbox_rows_are_written_with_the_request(db_url):
    view, _ = repo.create_request(new_request(), channels=["email", "webhook"], url=db_url)
    with session_scope(db_url) as session:
        rows = session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        assert [(r.channel, r.status, r.request_id) for r in rows] == [
            ("email", "pending", view.id),
            ("webhook", "pending", view.id),
        ]
        # Notifications carry no personal data.
        assert set(rows[0].payload) == {"request_id", "kind", "created_at"}


def test_a_failed_transaction_leaves_neither_request_nor_outbox(db_url):
    with pytest.raises(ValueError):
        repo.create_request(new_request(kind="nonsense"), channels=["email"], url=db_url)
    too_long = new_request(phone="+44" + "1" * 40)  # longer than the column: PostgreSQL refuses the INSERT
    if db_url.startswith("postgresql"):
        with pytest.raises(repo.StoreUnavailable):
            repo.create_request(too_long, channels=["email"], url=db_url)
        assert count(db_url, Request) == 0 and count(db_url, OutboxMessage) == 0


def test_store_unavailable_carries_no_personal_data(tmp_path, caplog):
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'nope' / 'x.db'}"
    # The directory exists (db.py creates it) but no tables: the write fails.
    with pytest.raises(repo.StoreUnavailable) as info:
        repo.create_request(new_request(), channels=[], url=url)
    assert "Sam" not in str(info.value) and "7911" not in str(info.value)
    assert "Sam" not in caplog.text and "7911" not in caplog.text


def test_list_filters_and_order(db_url):
    first, _ = repo.create_request(new_request("a"), channels=[], url=db_url, now=datetime(2025, 11, 26, 9, 0))
    second, _ = repo.create_request(
        new_request("b", kind="handoff", bot_paused=True, conversation_id="conv-2"),
        channels=[],
        url=db_url,
        now=datetime(2025, 11, 26, 10, 0),
    )
    assert [r.id for r in repo.list_requests(url=db_url)] == [second.id, first.id]
    assert [r.id for r in repo.list_requests(kind="handoff", url=db_url)] == [second.id]
    assert [r.id for r in repo.list_requests(conversation_id="conv-1", url=db_url)] == [first.id]
    repo.set_status(first.id, "done", url=db_url)
    assert [r.id for r in repo.list_requests(statuses=["new", "contacted"], url=db_url)] == [second.id]


def test_status_changes_are_recorded(db_url):
    view, _ = repo.create_request(new_request(), channels=[], url=db_url)
    contacted = repo.set_status(view.id, "contacted", url=db_url)
    assert contacted.status == "contacted" and contacted.contacted_at is not None
    done = repo.set_status(view.id, "done", url=db_url)
    assert done.done_at is not None and done.contacted_at == contacted.contacted_at
    assert repo.set_status(99999, "done", url=db_url) is None
    with pytest.raises(ValueError):
        repo.set_status(view.id, "archived", url=db_url)


def test_bot_resume_is_recorded(db_url):
    view, _ = repo.create_request(new_request(kind="handoff", bot_paused=True), channels=[], url=db_url)
    assert view.bot_paused
    resumed = repo.mark_bot_resumed(view.id, url=db_url)
    assert not resumed.bot_paused and resumed.bot_resumed_at is not None


def test_outbox_claims_are_exclusive_and_leased(db_url):
    now = datetime(2025, 11, 26, 10, 0)
    repo.create_request(new_request(), channels=["email", "webhook"], url=db_url, now=now)
    claimed = repo.claim_due_outbox(limit=10, lease_seconds=60, url=db_url, now=now)
    assert sorted(m.channel for m in claimed) == ["email", "webhook"]
    # A second worker sees nothing while the lease runs...
    assert repo.claim_due_outbox(limit=10, lease_seconds=60, url=db_url, now=now + timedelta(seconds=30)) == []
    # ...and takes them over when a worker died without recording a result.
    later = repo.claim_due_outbox(limit=10, lease_seconds=60, url=db_url, now=now + timedelta(seconds=61))
    assert len(later) == 2


def test_concurrent_claims_never_hand_out_a_message_twice(db_url):
    now = datetime(2025, 11, 26, 10, 0)
    for i in range(10):
        repo.create_request(new_request(f"k{i}"), channels=["webhook"], url=db_url, now=now)

    def claim(_):
        try:
            return [m.id for m in repo.claim_due_outbox(limit=10, lease_seconds=60, url=db_url, now=now)]
        except repo.StoreUnavailable:  # SQLite may refuse a concurrent writer; that worker just tries later
            return []

    with ThreadPoolExecutor(max_workers=4) as pool:
        batches = list(pool.map(claim, range(4)))
    ids = [i for batch in batches for i in batch]
    assert len(ids) == len(set(ids))


def test_outbox_results(db_url):
    now = datetime(2025, 11, 26, 10, 0)
    repo.create_request(new_request(), channels=["email", "webhook"], url=db_url, now=now)
    email, webhook = sorted(repo.claim_due_outbox(url=db_url, now=now), key=lambda m: m.channel)
    repo.mark_outbox_sent(email.id, url=db_url)
    repo.mark_outbox_retry(webhook.id, "webhook answered HTTP 500", now + timedelta(seconds=10), url=db_url)
    assert repo.claim_due_outbox(url=db_url, now=now + timedelta(seconds=5)) == []
    retried = repo.claim_due_outbox(url=db_url, now=now + timedelta(seconds=11))
    assert [(m.id, m.attempts) for m in retried] == [(webhook.id, 1)]
    repo.mark_outbox_failed(webhook.id, "gave up", url=db_url)
    assert repo.outbox_counts(url=db_url) == {"sent": 1, "failed": 1}
    view = repo.list_requests(url=db_url)[0]
    assert sorted(view.notifications) == [("email", "sent", 1), ("webhook", "failed", 2)]


def test_delete_for_conversation_removes_its_requests_and_their_notifications_only(db_url):
    mine, _ = repo.create_request(new_request("k-a", conversation_id="visitor-a"), channels=["email"], url=db_url)
    repo.create_request(new_request("k-b", conversation_id="visitor-a", kind="handoff"), channels=["email"], url=db_url)
    other, _ = repo.create_request(new_request("k-c", conversation_id="visitor-b"), channels=["email"], url=db_url)
    assert count(db_url, OutboxMessage) == 3
    assert repo.delete_for_conversation("visitor-a", url=db_url) == 2
    assert repo.get_request(mine.id, url=db_url) is None
    assert repo.get_request(other.id, url=db_url) is not None
    assert count(db_url, Request) == 1 and count(db_url, OutboxMessage) == 1
    assert repo.delete_for_conversation("visitor-a", url=db_url) == 0


def test_the_front_desk_deletes_one_request(db_url):
    view, _ = repo.create_request(new_request(), channels=["email"], url=db_url)
    assert repo.delete_request(view.id, url=db_url) is True
    assert repo.delete_request(view.id, url=db_url) is False
    assert count(db_url, Request) == 0 and count(db_url, OutboxMessage) == 0


def test_retention_deletes_what_was_last_updated_before_the_cutoff(db_url):
    old, _ = repo.create_request(new_request("k-old"), channels=[], url=db_url)
    recent, _ = repo.create_request(new_request("k-new"), channels=[], url=db_url)
    with session_scope(db_url) as session:
        session.get(Request, old.id).updated_at = datetime.utcnow() - timedelta(days=400)
    assert repo.delete_older_than(datetime.utcnow() - timedelta(days=365), url=db_url) == 1
    assert repo.get_request(old.id, url=db_url) is None and repo.get_request(recent.id, url=db_url) is not None


def test_contact_for_reads_a_request_of_the_same_conversation_only(db_url):
    view, _ = repo.create_request(new_request(conversation_id="visitor-a"), channels=[], url=db_url)
    assert repo.contact_for(view.id, "visitor-a", url=db_url).phone == "+447911123456"
    assert repo.contact_for(view.id, "visitor-b", url=db_url) is None
