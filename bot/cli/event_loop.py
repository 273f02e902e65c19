"""The event loop long-running servers use: uvloop where it is installed (Linux, macOS), asyncio's otherwise.

Measured with bench/turns.py: about a fifth less CPU per bot turn, which is what keeps the slowest turns
fast when a bot is busy. One-shot CLI commands keep the standard loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_server(main: Coroutine[Any, Any, T]) -> T:
    try:
        import uvloop
    except ImportError:  # Windows: no uvloop wheel
        return asyncio.run(main)
    return uvloop.run(main)
