"""The notification outbox on both databases: claims, leases, retries with backoff, giving up."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inventory.notifications import MAX_ATTEMPTS, Conversation
from inventory.store.engine import Store
from tests.support.clock import FakeClock

CARD = {"type": "AdaptiveCard", "version": "1.5", "body": []}
CHANNEL = Conversation("19:voice-ops@thread.tacv2", "channel", {"conversation": {"id": "19:voice-ops@thread.tacv2"}})


@pytest.fixture(autouse=True)
async def channel(store: Store, clock: FakeClock) -> None:
    async with store.write() as uow:
        await uow.conversations.remember(CHANNEL, at=clock.now())
        await uow.conversations.notify_here(CHANNEL.id, "contoso")


async def test_a_tenant_without_a_channel_queues_nothing(store: Store, clock: FakeClock) -> None:
    async with store.write() as uow:
        assert not await uow.outbox.add("fabrikam", "assign", CARD, at=clock.now())
        assert await uow.outbox.add("contoso", "assign", CARD, at=clock.now())
    async with store.write() as uow:
        claimed = await uow.outbox.claim_due(now=clock.now())
    assert [(n.tenant, n.card) for n in claimed] == [("contoso", CARD)]


async def test_a_due_notification_is_claimed_once_until_its_lease_runs_out(store: Store, clock: FakeClock) -> None:
    async with store.write() as uow:
        await uow.outbox.add("contoso", "assign", CARD, at=clock.now())
    async with store.write() as uow:
        [claimed] = await uow.outbox.claim_due(now=clock.now())
    assert claimed.attempts == 1
    async with store.write() as uow:
        assert await uow.outbox.claim_due(now=clock.now()) == []
    clock.advance(minutes=3)  # the replica that claimed it died: the lease ran out
    async with store.write() as uow:
        [again] = await uow.outbox.claim_due(now=clock.now())
    assert again.attempts == 2


async def test_a_failed_post_is_retried_with_backoff_then_given_up(store: Store, clock: FakeClock) -> None:
    async with store.write() as uow:
        await uow.outbox.add("contoso", "assign", CARD, at=clock.now())
    waits: list[float] = []
    for _ in range(MAX_ATTEMPTS):
        async with store.write() as uow:
            claimed = await uow.outbox.claim_due(now=clock.now())
        assert len(claimed) == 1, f"not claimable after {waits}"
        async with store.write() as uow:
            await uow.outbox.mark_failed(claimed[0], "503", now=clock.now())
            assert await uow.outbox.claim_due(now=clock.now()) == []
        delay = 5 * 2 ** (claimed[0].attempts - 1)
        waits.append(delay)
        clock.advance(seconds=delay)
    async with store.write() as uow:
        assert await uow.outbox.claim_due(now=clock.now() + timedelta(days=1)) == []
    assert waits == [5, 10, 20, 40, 80, 160]


async def test_a_sent_notification_is_never_claimed_again(store: Store, clock: FakeClock) -> None:
    async with store.write() as uow:
        await uow.outbox.add("contoso", "sync", CARD, at=clock.now())
    async with store.write() as uow:
        [claimed] = await uow.outbox.claim_due(now=clock.now())
        await uow.outbox.mark_sent(claimed.id, at=clock.now())
    clock.advance(hours=1)
    async with store.write() as uow:
        assert await uow.outbox.claim_due(now=clock.now()) == []


async def test_a_persons_personal_chat_is_found_by_them_the_latest_first_and_never_a_channel(
    store: Store, clock: FakeClock
) -> None:
    old = Conversation("a:old", "personal", {"serviceUrl": "https://old.example/"}, person_id="obj-megan")
    new = Conversation("a:new", "personal", {"serviceUrl": "https://new.example/"}, person_id="obj-megan")
    async with store.write() as uow:
        await uow.conversations.remember(old, at=clock.now())
        await uow.conversations.remember(
            Conversation(CHANNEL.id, "channel", CHANNEL.reference, person_id="obj-olivia"), at=clock.now()
        )
    clock.advance(minutes=1)
    async with store.write() as uow:
        await uow.conversations.remember(new, at=clock.now())
    async with store.read() as uow:
        assert await uow.conversations.personal_for("obj-megan") == new
        assert await uow.conversations.personal_for("obj-olivia") is None  # a channel is nobody's personal chat
        assert await uow.conversations.personal_for("obj-adele") is None
        channel = await uow.conversations.channel_for("contoso")
    assert channel is not None
    assert channel.notify_tenant == "contoso"  # remembering again keeps which tenant it hears about
