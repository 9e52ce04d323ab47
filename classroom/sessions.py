"""Sessions (the cookie's random id -> a bench or the instructor) and the limits on guessing
and on opening terminals. Time comes from a clock given to each (time.monotonic by default),
so the tests can move it.

    Session          id, role ("bench" or "instructor"), bench, made, seen, terminals (open
                     now), openings (when the last ones were opened)
    Sessions(clock, idle, lifetime)
        .open(role, bench) -> Session (a fresh secrets.token_urlsafe(32) id)
        .get(id)           -> the live Session, or None (unknown, idle too long, too old)
        .end_bench(bench)  ends every session of a bench (its code was rotated): how many
        .count()
    Window(limit, seconds, clock)   .allow(key, count=True) -> True while key has fewer
                     than `limit` events in the last `seconds` (and, with count, counts this
                     one); a sliding window
        .end(id)           ends one session (logout)
"""

import secrets
import time
from collections import deque
from dataclasses import dataclass, field

SESSION_BYTES = 32
IDLE = 8 * 3600.0        # a session unused this long ends
LIFETIME = 24 * 3600.0   # and none lives longer than a day
INSTRUCTOR = "instructor"


@dataclass
class Session:
    id: str
    role: str
    bench: int | None
    made: float
    seen: float
    terminals: int = 0
    openings: deque = field(default_factory=deque)

    @property
    def instructor(self):
        return self.role == INSTRUCTOR

    def who(self):
        return INSTRUCTOR if self.instructor else f"bench {self.bench}"


class Sessions:

    def __init__(self, clock=time.monotonic, idle=IDLE, lifetime=LIFETIME):
        self.clock, self.idle, self.lifetime = clock, idle, lifetime
        self._sessions = {}

    def open(self, role, bench=None):
        now = self.clock()
        session = Session(secrets.token_urlsafe(SESSION_BYTES), role, bench, now, now)
        self._sessions[session.id] = session
        return session

    def get(self, session_id):
        session = self._sessions.get(session_id or "")
        if session is None:
            return None
        now = self.clock()
        if now - session.seen > self.idle or now - session.made > self.lifetime:
            del self._sessions[session.id]
            return None
        session.seen = now
        return session

    def end(self, session_id):
        self._sessions.pop(session_id, None)

    def end_bench(self, bench):
        ended = [s for s in self._sessions.values() if s.role != INSTRUCTOR and s.bench == bench]
        for session in ended:
            del self._sessions[session.id]
        return len(ended)

    def count(self):
        return len(self._sessions)


class Window:
    """At most `limit` events per key in any `seconds`; old keys are forgotten."""

    def __init__(self, limit, seconds, clock=time.monotonic):
        self.limit, self.seconds, self.clock = limit, seconds, clock
        self._events = {}

    def allow(self, key, count=True):
        """True while key is under its limit; count: this call is one more event."""
        now = self.clock()
        events = self._events.setdefault(key, deque())
        while events and now - events[0] >= self.seconds:
            events.popleft()
        if len(events) >= self.limit:
            return False
        if count:
            events.append(now)
        if len(self._events) > 10_000:  # forget keys with nothing recent
            self._events = {k: v for k, v in self._events.items()
                            if v and now - v[-1] < self.seconds}
        return True
