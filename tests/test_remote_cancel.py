"""Cancel in the studio reaches the remote server through the worker, and nothing is stored."""

from __future__ import annotations

import pytest

from models import backends
from tests.conftest import AuthActions, wait_for_status
from tests.fake_servers import FakeA1111, FakeHorde


@pytest.fixture
def member(client):
    actions = AuthActions(client)
    actions.signup("ana")
    return actions


def test_cancelling_a_running_a1111_job_interrupts_the_server(member, client, db, worker):
    with FakeA1111(steps=100, step_time=0.1) as fake:
        backends.save(db, "automatic1111", {"enabled": 1, "url": fake.url})
        generation_id = member.generate("a lighthouse", backend="automatic1111")
        wait_for_status(client, generation_id, statuses=("running",))
        assert member.post(f"/generations/{generation_id}/cancel", json=True).get_json()["status"] == "cancelled"
        assert fake.interrupted.wait(5), "the server was never told to stop"
    assert db.execute("SELECT count(*) FROM media").fetchone()[0] == 0
    assert wait_for_status(client, generation_id, statuses=("cancelled",))["images"] == []


def test_cancelling_a_horde_job_deletes_it(member, client, db, worker, monkeypatch):
    from imagegen.horde import HordeBackend

    monkeypatch.setattr(HordeBackend, "default_poll", 0.05)
    with FakeHorde(checks_needed=10_000) as fake:
        backends.save(db, "horde", {"enabled": 1, "url": fake.url})
        generation_id = member.generate("a lighthouse", backend="horde")
        wait_for_status(client, generation_id, statuses=("running",))
        member.post(f"/generations/{generation_id}/cancel", json=True)
        assert fake.deleted.wait(5), "the Horde request was never deleted"
