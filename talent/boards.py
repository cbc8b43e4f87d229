"""Leaderboards: province, city, industry, skill domain and job group; top N and "my rank".

Two backends give the same answers:

* `DbBoards` (embedded defaults): ordered index scans over `TalentProfile`.
* `RedisBoards` (when `settings.REDIS_URL` is set): per board a Fenwick tree of score counts in
  a hash (my rank = 1 + people with a strictly higher score, one HMGET of ≤ 17 fields) and a
  capped sorted set of the best `TOP_K` people (top N), whose memory does not grow with the
  number of people (a full sorted set per board would cost ~100 bytes per person per board,
  about 4 GB for 8 million people on five boards each); a version key per board for caches of
  its top list; and one compact entry per person (score and boards, ~49 bytes) so that "my
  rank" is one script call. All are rebuilt from the database by `rebuild()`
  (`manage.py rebuild_talent`); changes arrive after commit (`talent.index.refresh_person`).

Ranking: index descending; equal indexes share a rank (1, 2, 2, 4); the listing orders ties by
person id. Scores are kept in tenths, as the index is rounded to one decimal.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Round

from talent.models import TalentProfile

if TYPE_CHECKING:
    from redis.typing import EncodableT

BOARD_KINDS = ("province", "city", "industry", "domain", "job")
FIELD_FOR_KIND = {"city": "city_id", "industry": "industry", "domain": "domain", "job": "job_group"}
TOP_K = 1000
FENWICK_SIZE = 1 << 16  # scores up to 6553.5 in tenths; higher scores are clamped
ID_OFFSET = 10**10
PERSON_BUCKET = 128  # people per hash: small hashes stay listpack-encoded (~40 bytes a person)
DIMENSIONS = ("city", "industry", "domain", "job")


@dataclass(frozen=True)
class Entry:
    person_id: int
    index: float
    rank: int


def tenths(index: float) -> int:
    return max(0, min(FENWICK_SIZE - 1, round(index * 10)))


def boards_of(profile: Any) -> list[str]:
    """The boards a profile appears on (province plus each non-empty dimension)."""
    found = ["province"]
    for kind, attr in FIELD_FOR_KIND.items():
        value = getattr(profile, attr)
        if value not in (None, ""):
            found.append(f"{kind}:{value}")
    return found


def board_filter(board: str) -> Q:
    if board == "province":
        return Q()
    kind, _sep, key = board.partition(":")
    if kind not in FIELD_FOR_KIND or not key:
        raise ValueError(board)
    return Q(**{FIELD_FOR_KIND[kind]: int(key) if kind == "city" else key})


def _ranked(rows: list[tuple[int, float]]) -> list[Entry]:
    entries: list[Entry] = []
    for position, (pid, index) in enumerate(rows, start=1):
        rank = entries[-1].rank if entries and entries[-1].index == index else position
        entries.append(Entry(pid, index, rank))
    return entries


class DbBoards:
    name = "database"

    def profiles(self, board: str) -> QuerySet[TalentProfile]:
        return TalentProfile.objects.filter(board_filter(board))

    def top(self, board: str, n: int) -> list[Entry]:
        rows = list(self.profiles(board).order_by("-index", "person_id").values_list("person_id", "index")[:n])
        return _ranked(rows)

    def rank_of(self, board: str, index: float) -> int:
        return self.profiles(board).filter(index__gt=index).count() + 1

    def size(self, board: str) -> int:
        return self.profiles(board).count()

    def rank_and_size(self, board: str, index: float) -> tuple[int, int]:
        return self.rank_of(board, index), self.size(board)

    def person_rank(self, person_id: int, board: str) -> tuple[int, int, float] | None:
        """(rank, board size, index) of a person; None when they are not on the board."""
        profile = (
            TalentProfile.objects.filter(person_id=person_id)
            .only("person_id", "index", *FIELD_FOR_KIND.values())
            .first()
        )
        if profile is None or board not in boards_of(profile):
            return None
        rank, size = self.rank_and_size(board, profile.index)
        return rank, size, profile.index

    def version(self, board: str) -> bytes | str | None:
        """No shared version without Redis: callers do not cache (see `RedisBoards.version`)."""
        return None

    def touch(self, board_ids: list[str]) -> None:
        """Nothing is cached without Redis."""

    def update(self, person_id: int, old: dict[str, float], new: dict[str, float]) -> None:
        """Nothing to do: the profile row is the board."""

    def rebuild(self) -> dict[str, int]:
        return {}


_UPDATE = """
local fw, top, ver = KEYS[1], KEYS[2], KEYS[3]
local oldt, newt = tonumber(ARGV[1]), tonumber(ARGV[2])
local member, K, N = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local function prefix(p)
  local s = 0
  while p > 0 do s = s + tonumber(redis.call('HGET', fw, p) or 0); p = p - bit.band(p, -p) end
  return s
end
local function add(t, d)
  local p = N - t
  while p <= N do redis.call('HINCRBY', fw, p, d); p = p + bit.band(p, -p) end
end
local complete = redis.call('ZCARD', top) >= prefix(N)
if oldt >= 0 then add(oldt, -1) end
if newt >= 0 then add(newt, 1) end
local touched = redis.call('ZREM', top, member) > 0
if newt >= 0 then
  local insert = complete
  if not insert then
    local worst = redis.call('ZRANGE', top, 0, 0, 'WITHSCORES')
    if #worst > 0 then
      local ws = tonumber(worst[2])
      insert = newt > ws or (newt == ws and member > worst[1])
    end
  end
  if insert then
    touched = true
    redis.call('ZADD', top, newt, member)
    local c = redis.call('ZCARD', top)
    if c > K then redis.call('ZREMRANGEBYRANK', top, 0, c - K - 1) end
  end
end
if touched then
  if redis.call('EXISTS', ver) == 1 then redis.call('INCR', ver) else redis.call('SET', ver, ARGV[6]) end
end
return 1
"""

# Move version keys on. A missing key (first use, or Redis flushed) starts at a random value, so
# a version seen before a flush is never seen again and no process reuses a cache keyed by it.
_BUMP = """
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('INCR', key) else redis.call('SET', key, ARGV[1]) end
end
return #KEYS
"""


def _seed() -> int:
    return secrets.randbits(52)


_PERSON_RANK = """
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry then return false end
local parts = {}
for part in string.gmatch(entry .. '|', '([^|]*)|') do parts[#parts + 1] = part end
local dim = tonumber(ARGV[2])
if dim > 0 and parts[dim + 1] ~= ARGV[3] then return {-1, 0, 0} end
local t, N = tonumber(parts[1]), tonumber(ARGV[4])
local function prefix(p)
  local s = 0
  while p > 0 do s = s + tonumber(redis.call('HGET', KEYS[2], p) or 0); p = p - bit.band(p, -p) end
  return s
end
return {prefix(N - t - 1) + 1, prefix(N), t}
"""


def _entry(positions: dict[str, float]) -> str:
    """A person's score and boards: "<tenths>|<city>|<industry>|<domain>|<job>"."""
    dims = dict(b.split(":", 1) for b in positions if b != "province")
    return "|".join([str(tenths(positions["province"])), *(dims.get(k, "") for k in DIMENSIONS)])


def _member(person_id: int) -> str:
    # Equal scores list in reverse member order; encoding makes that ascending person id.
    return f"{ID_OFFSET - person_id:010d}"


def _person(member: bytes | str) -> int:
    return ID_OFFSET - int(member)


class RedisBoards:
    name = "redis"

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = f"{prefix}:talent"
        self.script = self.client.register_script(_UPDATE)
        self.rank_script = self.client.register_script(_PERSON_RANK)
        self.bump_script = self.client.register_script(_BUMP)
        self.db = DbBoards()

    def _fw(self, board: str) -> str:
        return f"{self.prefix}:fw:{board}"

    def _top(self, board: str) -> str:
        return f"{self.prefix}:top:{board}"

    def _person(self, person_id: int) -> str:
        return f"{self.prefix}:p:{person_id // PERSON_BUCKET}"

    def person_rank(self, person_id: int, board: str) -> tuple[int, int, float] | None:
        """(rank, board size, index) in one script call: the person's entry (score and boards)
        and the board's Fenwick prefix sums. A person Redis does not know yet (boards not
        rebuilt since the entries were introduced) is read from the database."""
        kind, _sep, key = board.partition(":")
        dim = 0 if board == "province" else DIMENSIONS.index(kind) + 1
        found = self.rank_script(
            keys=[self._person(person_id), self._fw(board)], args=[person_id, dim, key, FENWICK_SIZE]
        )
        if found is None:
            profile = (
                TalentProfile.objects.filter(person_id=person_id)
                .only("person_id", "index", *FIELD_FOR_KIND.values())
                .first()
            )
            if profile is None or board not in boards_of(profile):
                return None
            return (*self.rank_and_size(board, profile.index), profile.index)
        rank, size, t = found
        return None if rank < 0 else (rank, size, t / 10)

    def _ver(self, board: str) -> str:
        return f"{self.prefix}:ver:{board}"

    def version(self, board: str) -> bytes | str | None:
        """Changes whenever the board's top set changes (or `touch` is called); None before the
        first rebuild. Caches of a board's top list are keyed by it."""
        return self.client.get(self._ver(board))

    def touch(self, board_ids: list[str]) -> None:
        """Something shown on these boards changed without a score moving (a consent)."""
        if board_ids:
            self.bump_script(keys=[self._ver(b) for b in board_ids], args=[_seed()])

    @staticmethod
    def _prefix_fields(p: int) -> list[int]:
        fields = []
        while p > 0:
            fields.append(p)
            p -= p & -p
        return fields

    def _count_above(self, board: str, t: int) -> int:
        fields = self._prefix_fields(FENWICK_SIZE - t - 1)
        if not fields:
            return 0
        return sum(int(v) for v in self.client.hmget(self._fw(board), fields) if v is not None)

    def size(self, board: str) -> int:
        return self._count_above(board, -1)

    def rank_of(self, board: str, index: float) -> int:
        return self._count_above(board, tenths(index)) + 1

    def rank_and_size(self, board: str, index: float) -> tuple[int, int]:
        """Both in one HMGET: the prefix sums for "above my score" and "everyone" share fields."""
        above = self._prefix_fields(FENWICK_SIZE - tenths(index) - 1)
        everyone = self._prefix_fields(FENWICK_SIZE)
        fields = list(dict.fromkeys(above + everyone))
        values = dict(zip(fields, self.client.hmget(self._fw(board), fields), strict=True))
        return (
            sum(int(values[f] or 0) for f in above) + 1,
            sum(int(values[f] or 0) for f in everyone),
        )

    def top(self, board: str, n: int) -> list[Entry]:
        rows = self._scored(board, n)
        if len(rows) < n and n <= TOP_K and len(rows) < self.size(board):
            self._refill(board)
            rows = self._scored(board, n)
        if len(rows) < n and n > TOP_K:
            return self.db.top(board, n)
        return _ranked([(_person(member), score / 10) for member, score in rows])

    def _scored(self, board: str, n: int) -> list[tuple[bytes | str, float]]:
        """The capped set's best n as (member, score) pairs."""
        # redis-py types ZREVRANGE's reply for both shapes; withscores=True gives the pairs.
        return cast(
            "list[tuple[bytes | str, float]]", self.client.zrevrange(self._top(board), 0, n - 1, withscores=True)
        )

    def _refill(self, board: str) -> None:
        """The capped set lost members (scores went down): reload it from the database."""
        rows = self.db.profiles(board).order_by("-index", "person_id").values_list("person_id", "index")[:TOP_K]
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(self._top(board))
        mapping = {_member(pid): tenths(index) for pid, index in rows}
        if mapping:
            pipe.zadd(self._top(board), mapping)
        self.bump_script(keys=[self._ver(board)], args=[_seed()], client=pipe)
        pipe.execute()

    def update(self, person_id: int, old: dict[str, float], new: dict[str, float]) -> None:
        """Move one person between scores and boards. `old`/`new` map board → index."""
        member = _member(person_id)
        pipe = self.client.pipeline(transaction=False)
        if new:
            pipe.hset(self._person(person_id), str(person_id), _entry(new))
        else:
            pipe.hdel(self._person(person_id), str(person_id))
        for board in sorted(set(old) | set(new)):
            oldt = tenths(old[board]) if board in old else -1
            newt = tenths(new[board]) if board in new else -1
            if oldt == newt:
                continue
            self.script(
                keys=[self._fw(board), self._top(board), self._ver(board)],
                args=[oldt, newt, member, TOP_K, FENWICK_SIZE, _seed()],
                client=pipe,
            )
        pipe.execute()

    def rebuild(self) -> dict[str, int]:
        """Recompute every board from the database; swap each in atomically. Returns sizes."""
        counts: dict[str, dict[int, int]] = {}
        scaled = Round(models_index() * 10)
        for kind in BOARD_KINDS:
            group = [] if kind == "province" else [FIELD_FOR_KIND[kind]]
            rows = TalentProfile.objects.values(*group).annotate(t=scaled).values(*group, "t").annotate(n=Count("id"))
            for row in rows:
                if kind == "province":
                    board = "province"
                else:
                    value = row[FIELD_FOR_KIND[kind]]
                    if value in (None, ""):
                        continue
                    board = f"{kind}:{value}"
                bucket = counts.setdefault(board, {})
                t = max(0, min(FENWICK_SIZE - 1, int(row["t"])))
                bucket[t] = bucket.get(t, 0) + row["n"]
        # Version keys survive a rebuild and move on, so no cache keyed by an old version is reused.
        # Person entries are overwritten in place afterwards (`_write_entries`).
        old_keys = [*self.client.scan_iter(f"{self.prefix}:fw:*"), *self.client.scan_iter(f"{self.prefix}:top:*")]
        sizes: dict[str, int] = {}
        pipe = self.client.pipeline(transaction=True)  # readers see the old boards or the new
        for key in old_keys:
            pipe.delete(key)
        for key in self.client.scan_iter(f"{self.prefix}:ver:*"):
            pipe.incr(key)
        for board, bucket in counts.items():
            tree = [0] * (FENWICK_SIZE + 1)
            for t, n in bucket.items():
                tree[FENWICK_SIZE - t] += n
            for p in range(1, FENWICK_SIZE + 1):
                parent = p + (p & -p)
                if parent <= FENWICK_SIZE:
                    tree[parent] += tree[p]
            fields: dict[EncodableT, EncodableT] = {p: v for p, v in enumerate(tree) if p and v}
            pipe.hset(self._fw(board), mapping=fields)
            sizes[board] = sum(bucket.values())
        pipe.execute()
        for board in counts:
            self._refill(board)
        self._write_entries()
        return sizes

    def _write_entries(self, chunk: int = 20_000) -> None:
        """Every person's entry for `person_rank`, overwritten in place (readers never miss)."""
        rows = TalentProfile.objects.order_by().values_list("person_id", "index", *FIELD_FOR_KIND.values())
        buckets: dict[str, dict[EncodableT, EncodableT]] = {}
        pending = 0
        for pid, index, city_id, industry, domain, job in rows.iterator(chunk_size=chunk):
            entry = f"{tenths(index)}|{city_id or ''}|{industry}|{domain}|{job}"
            buckets.setdefault(self._person(pid), {})[str(pid)] = entry
            pending += 1
            if pending >= chunk:
                self._flush_entries(buckets)
                buckets, pending = {}, 0
        self._flush_entries(buckets)

    def _flush_entries(self, buckets: dict[str, dict[EncodableT, EncodableT]]) -> None:
        pipe = self.client.pipeline(transaction=False)
        for key, mapping in buckets.items():
            pipe.hset(key, mapping=mapping)
        pipe.execute()

    def memory(self) -> int:
        total = 0
        for key in self.client.scan_iter(f"{self.prefix}:*"):
            total += self.client.memory_usage(key) or 0
        return total


def models_index() -> Any:
    from django.db.models import F

    return F("index")


@lru_cache(maxsize=4)
def _redis(url: str, prefix: str) -> RedisBoards:
    return RedisBoards(url, prefix)


def backend() -> DbBoards | RedisBoards:
    """Redis when configured, the database otherwise."""
    if settings.REDIS_URL:
        return _redis(settings.REDIS_URL, settings.REDIS_PREFIX)
    return DbBoards()
