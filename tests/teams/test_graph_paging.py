"""Paging numberAssignments as Graph documents it, over HTTP: $top=1000&$skip=n, nextLink when present, stop at a
short page; userConfigurations and users by nextLink; bounded requests in flight."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from inventory.teams.paging import STREAM_WINDOW
from inventory.teams.simulation.faults import FaultKnobs
from inventory.teams.simulation.generate import TenantSizes
from inventory.teams.stand_in.app import ServerOptions
from tests.support.clock import FakeClock
from tests.support.snapshot_sink import RecordingSink
from tests.support.teams_fakes import ProgressRecorder, graph_over_http, small_tenant


def skips(paths: list[str]) -> list[int]:
    return sorted(int(parse_qs(urlsplit(path).query)["$skip"][0]) for path in paths if "numberAssignments" in path)


async def test_2500_numbers_come_back_complete_across_pages() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock, sizes=TenantSizes(users=100, numbers=2500))
    progress = ProgressRecorder()
    async with graph_over_http(tenant, clock) as (phone, server):
        numbers = await phone.list_numbers(progress)

    assert sorted(n.number for n in numbers) == sorted(n.telephone_number for n in tenant.all_numbers())
    requested = skips([r.path for r in server.requests])
    assert requested == [0, 1000, 2000]  # and nothing past the end
    assert all("$top=1000" in r.path for r in server.requests if "numberAssignments" in r.path)
    assert progress.pages("numbers") == 3
    assert progress.updates[-1].items == 2500


async def test_a_counted_listing_never_asks_for_a_page_past_the_end_even_when_the_last_page_is_full() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock, sizes=TenantSizes(users=100, numbers=2000))
    async with graph_over_http(tenant, clock, max_in_flight=4) as (phone, server):
        numbers = await phone.list_numbers()

    assert len(numbers) == 2000
    assert skips([r.path for r in server.requests]) == [0, 1000]
    first = next(r.path for r in server.requests if "numberAssignments" in r.path)
    assert "$count=true" in first


async def test_without_a_count_paging_stops_at_the_first_short_page_and_asks_nothing_past_it() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock, sizes=TenantSizes(users=100, numbers=2500))
    options = ServerOptions(number_count=False)
    async with graph_over_http(tenant, clock, max_in_flight=4, options=options) as (phone, server):
        numbers = await phone.list_numbers()

    assert len(numbers) == 2500
    accepted = [r.path for r in server.requests if "numberAssignments" in r.path and r.status == 200]
    assert skips(accepted) == [0, 1000, 2000]


async def test_without_a_count_a_full_last_page_costs_exactly_one_empty_page() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock, sizes=TenantSizes(users=100, numbers=2000))
    options = ServerOptions(number_count=False)
    async with graph_over_http(tenant, clock, max_in_flight=4, options=options) as (phone, server):
        numbers = await phone.list_numbers()

    assert len(numbers) == 2000
    accepted = [r.path for r in server.requests if "numberAssignments" in r.path and r.status == 200]
    assert skips(accepted) == [0, 1000, 2000]


async def test_when_graph_refuses_count_the_tenant_remembers_and_does_not_ask_again() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    options = ServerOptions(number_count=False)
    async with graph_over_http(tenant, clock, options=options) as (phone, server):
        await phone.list_numbers()
        await phone.list_numbers()

    listed = [(r.status, "$count" in r.path) for r in server.requests if "numberAssignments" in r.path]
    assert listed == [(400, True), (200, False), (200, False)]


async def test_numbers_are_complete_when_the_server_pages_with_next_links() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock, sizes=TenantSizes(users=100, numbers=2500))
    async with graph_over_http(tenant, clock, options=ServerOptions(number_next_links=True)) as (phone, server):
        numbers = await phone.list_numbers()

    assert len({n.number for n in numbers}) == 2500
    assert skips([r.path for r in server.requests]) == [0, 1000, 2000]  # exactly the linked pages


async def test_skip_pages_are_fetched_concurrently_but_never_beyond_the_tenant_budget() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock, sizes=TenantSizes(users=100, numbers=9500))
    tenant.knobs = FaultKnobs(latency_ms=50)  # keeps requests open long enough to overlap
    async with graph_over_http(tenant, clock, max_in_flight=3) as (phone, server):
        numbers = await phone.list_numbers()

    assert len(numbers) == 9500
    assert 1 < server.peak_in_flight <= 3
    assert skips([r.path for r in server.requests]) == list(range(0, 9500, 1000))


async def test_accounts_follow_next_links_until_the_last_page() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock, sizes=TenantSizes(users=2300, numbers=100))
    progress = ProgressRecorder()
    options = ServerOptions(user_configuration_max_top=500)
    async with graph_over_http(tenant, clock, options=options) as (phone, server):
        accounts = await phone.list_accounts(progress)

    assert len(accounts) == len(tenant.teams_accounts())
    assert all(a.display_name for a in accounts)
    configuration_pages = [r for r in server.requests if r.path.startswith("/v1.0/admin/teams/userConfigurations")]
    assert any(r.status == 400 for r in configuration_pages)  # our $top=999 refused: fell back to Graph's pages
    assert progress.pages("accounts") > 1
    assert progress.pages("names") > 1


async def test_display_names_come_from_paged_user_lists_not_one_request_per_user() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock, sizes=TenantSizes(users=1500, numbers=100))
    async with graph_over_http(tenant, clock) as (phone, server):
        snapshot = await phone.fetch_snapshot()

    user_requests = [r for r in server.requests if r.path.startswith("/v1.0/users")]
    assert len(snapshot.accounts) == len(tenant.teams_accounts())
    assert len(user_requests) == 2  # 999 + the rest
    assert all("$top=999" in r.path and "$select=id,displayName,userPrincipalName" in r.path for r in user_requests)


async def test_a_number_reported_twice_is_listed_once() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    twice = tenant.all_numbers()[3].telephone_number
    tenant.faults.report_twice(twice)
    async with graph_over_http(tenant, clock) as (phone, _):
        numbers = await phone.list_numbers()

    assert [n.number for n in numbers].count(twice) == 1
    assert len(numbers) == len(tenant.all_numbers())


async def test_numbers_are_read_with_only_the_fields_switchboard_maps() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    async with graph_over_http(tenant, clock) as (phone, server):
        numbers = await phone.list_numbers()

    listed = [r.path for r in server.requests if "numberAssignments" in r.path]
    assert all("$select=id,telephoneNumber,numberType,assignmentStatus,assignmentTargetId" in p for p in listed)
    assert {n.city for n in numbers} == {n.city for n in tenant.all_numbers()}


async def test_when_graph_refuses_select_on_numbers_the_listing_falls_back_once_and_remembers() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    async with graph_over_http(tenant, clock, options=ServerOptions(number_select=False)) as (phone, server):
        first = await phone.list_numbers()
        second = await phone.list_numbers()

    listed = [(r.status, "$select" in r.path) for r in server.requests if "numberAssignments" in r.path]
    assert len(first) == len(second) == len(tenant.all_numbers())
    # The refused first page is asked once more without $count, which must not take the blame.
    assert listed == [(400, True), (400, True), (200, False), (200, False)]
    assert all("$count=true" in r.path for r in server.requests if "numberAssignments" in r.path and r.status == 200)


async def test_a_streamed_listing_hands_over_every_page_and_holds_a_window_of_them_at_a_time() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock, sizes=TenantSizes(users=2300, numbers=9500))
    tenant.knobs = FaultKnobs(latency_ms=20)
    sink = RecordingSink()
    async with graph_over_http(tenant, clock, max_in_flight=32) as (phone, server):
        await phone.stream_snapshot(sink)

    assert [len(page) for page in sink.number_pages] == [1000] * 9 + [500]
    assert len({n.key for n in sink.snapshot().numbers}) == 9500
    assert len(sink.snapshot().accounts) == len(tenant.teams_accounts())
    assert all(a.display_name for a in sink.snapshot().accounts.values())
    number_requests = [r for r in server.requests if "numberAssignments" in r.path]
    assert len(number_requests) == 10
    assert server.peak_in_flight <= STREAM_WINDOW + 2  # a window of number pages, beside the two link listings
