"""serving/workers.py: several Rasa workers only with a shared lock store, else the embedded single process."""

import yaml

from serving import workers

ENDPOINTS = 'action_endpoint:\n  url: "http://localhost:5055/webhook"\n'


def endpoints_file(tmp_path, text=ENDPOINTS):
    path = tmp_path / "endpoints.yml"
    path.write_text(text)
    return path


def test_one_worker_asked_for_is_one_plain_process(tmp_path):
    plan = workers.plan(endpoints_file(tmp_path), tmp_path / "var", workers=1)
    assert plan == workers.Plan(1, tmp_path / "endpoints.yml")


def test_without_redis_the_embedded_defaults_stay(tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "redis_answers", lambda host, port: False)
    plan = workers.plan(endpoints_file(tmp_path), tmp_path / "var", workers=0, cores=2)
    assert plan.workers == 1 and plan.endpoints == tmp_path / "endpoints.yml" and plan.env == {}


def test_with_redis_one_worker_per_core_and_the_redis_lock_store(tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "redis_answers", lambda host, port: True)
    plan = workers.plan(endpoints_file(tmp_path), tmp_path / "var", workers=0, cores=2, redis_port=6390)
    written = yaml.safe_load(plan.endpoints.read_text())
    assert plan.workers == 2 and plan.env["SANIC_WORKERS"] == "2" and plan.env["OPENBLAS_NUM_THREADS"] == "1"
    assert written["lock_store"]["type"] == "redis" and written["lock_store"]["port"] == 6390
    assert written["action_endpoint"]["url"] == "http://localhost:5055/webhook"


def test_a_configured_lock_store_is_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "redis_answers", lambda host, port: False)
    path = endpoints_file(tmp_path, ENDPOINTS + 'lock_store:\n  type: "redis"\n  url: "redis.internal"\n')
    plan = workers.plan(path, tmp_path / "var", workers=3)
    assert plan.workers == 3 and plan.endpoints == path


def test_an_unreachable_redis_answers_no():
    assert workers.redis_answers("127.0.0.1", 1) is False
