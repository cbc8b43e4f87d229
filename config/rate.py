"""A socket's message allowance (token bucket), shared by the live-round and exam sockets."""

from __future__ import annotations

import time


class TokenBucket:
    """`burst` messages at once, refilled at `per_second`; `take()` says whether one more may
    pass now (and uses it). One per connection, touched only by its own consumer."""

    __slots__ = ("burst", "per_second", "stamp", "tokens")

    def __init__(self, per_second: float, burst: float) -> None:
        self.per_second, self.burst = per_second, burst
        self.tokens, self.stamp = burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.per_second)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
