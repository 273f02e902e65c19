"""A `SnapshotSink` that records what a streamed snapshot handed over, page by page."""

from __future__ import annotations

from collections.abc import Sequence

from inventory.ports.phone_system import DirectoryEntry, TeamsAccount, TeamsNumber, TeamsSnapshot, named


class RecordingSink:
    def __init__(self) -> None:
        self.number_pages: list[list[TeamsNumber]] = []
        self.account_pages: list[list[TeamsAccount]] = []
        self.name_pages: list[list[DirectoryEntry]] = []

    async def numbers(self, batch: Sequence[TeamsNumber]) -> None:
        self.number_pages.append(list(batch))

    async def accounts(self, batch: Sequence[TeamsAccount]) -> None:
        self.account_pages.append(list(batch))

    async def names(self, batch: Sequence[DirectoryEntry]) -> None:
        self.name_pages.append(list(batch))

    def snapshot(self) -> TeamsSnapshot:
        """What the pages add up to: first report of a number and of an account wins, names joined by id."""
        numbers: dict[str, TeamsNumber] = {}
        for number in (n for page in self.number_pages for n in page):
            numbers.setdefault(number.key, number)
        names: dict[str, DirectoryEntry] = {}
        for entry in (e for page in self.name_pages for e in page):
            names.setdefault(entry.id, entry)
        accounts: dict[str, TeamsAccount] = {}
        for account in (a for page in self.account_pages for a in page):
            accounts.setdefault(account.id, named(account, names.get(account.id)))
        return TeamsSnapshot(list(numbers.values()), accounts)
