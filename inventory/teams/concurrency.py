"""Running awaitables together so that one failure cancels the rest and surfaces as itself.

asyncio.TaskGroup cancels siblings properly but wraps failures in an ExceptionGroup; callers of the
PhoneSystem port expect a plain TeamsError, so the first failure is unwrapped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import TypeVar

A = TypeVar("A")
B = TypeVar("B")


async def all_of(awaitables: Iterable[Awaitable[A]]) -> list[A]:
    """Results in order; on failure the others are cancelled and the first error is raised unwrapped."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_run(awaitable)) for awaitable in awaitables]
    except BaseExceptionGroup as failures:
        raise failures.exceptions[0] from None
    return [task.result() for task in tasks]


async def both(first: Awaitable[A], second: Awaitable[B]) -> tuple[A, B]:
    """Two different awaitables concurrently, with the same failure rule as `all_of`."""
    try:
        async with asyncio.TaskGroup() as group:
            one = group.create_task(_run(first))
            two = group.create_task(_run(second))
    except BaseExceptionGroup as failures:
        raise failures.exceptions[0] from None
    return one.result(), two.result()


async def _run(awaitable: Awaitable[A]) -> A:
    return await awaitable
