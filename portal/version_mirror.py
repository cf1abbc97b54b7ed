"""公开数据版本的 Redis 副本: the public data versions also in Redis, for hosts that ask for them on every request.

The versions stay in the database (portal.services.common.public_version): moved in the transaction of each change,
they are never ahead of or behind the data. With PUBLIC_VERSION_REDIS_URL set, a commit that moved them also
copies the new numbers to Redis, and a worker reads them there (one GET of a few keys) instead of from the database.
With PUBLIC_VERSION_SECONDS = 0 every host then shows a change at its next request for about the cost of the
database read once per second it replaces.

The copy only ever moves forward: a key is set to a number only when it holds none or a smaller one, so copies
written in any order by several hosts (and by workers that found a key missing and copied the database's numbers)
leave the largest. Each key expires PUBLIC_VERSION_REDIS_TTL seconds after it was last written: if Redis missed a
copy (it was down at that commit), a worker reads the database again within that time and copies what it found. A
worker that cannot reach Redis reads the database, as without it.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .services.common.public_version import SCOPES, Versions

#: app.extensions key of the app's VersionMirror (absent without PUBLIC_VERSION_REDIS_URL)
KEY = "portal.version_mirror"
#: the key of a scope's copy: "number|changed_at" (ISO 8601, or empty when the scope never moved)
REDIS_KEY = "portal:public_version:{scope}"
#: set KEYS[1] to ARGV[1]|ARGV[2] for ARGV[3] seconds unless it holds a larger number (then only renew its time)
_FORWARD = """
local current = redis.call('GET', KEYS[1])
if current then
  local number = tonumber(string.match(current, '^(%d+)|'))
  if number and number > tonumber(ARGV[1]) then
    redis.call('EXPIRE', KEYS[1], ARGV[3])
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'EX', ARGV[3])
return 1
"""
log = logging.getLogger(__name__)


class VersionMirror:
    def __init__(self, url: str, ttl: int) -> None:
        import redis

        self._errors: tuple[type[Exception], ...] = (redis.RedisError,)
        self._redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self._forward = self._redis.register_script(_FORWARD)
        self._ttl = ttl
        self._keys = [REDIS_KEY.format(scope=scope) for scope in SCOPES]

    def publish(self, versions: Versions) -> None:
        """Copy versions forward (a failure is logged: the copy then catches up within the keys' lifetime)."""
        stamp = versions.changed_at.isoformat() if versions.changed_at else ""
        try:
            with self._redis.pipeline(transaction=False) as pipe:
                for key, number in zip(self._keys, versions.numbers, strict=True):
                    self._forward(keys=[key], args=[number, stamp, self._ttl], client=pipe)
                pipe.execute()
        except self._errors as error:
            log.warning("公开数据版本未能写入 Redis（%s），各主机将在 %s 秒内从数据库读取。", type(error).__name__,
                        self._ttl)

    def read(self) -> Versions | None:
        """The copied versions, or None when a key is missing or Redis cannot be reached (read the database)."""
        try:
            values: list[bytes | None] = list(self._redis.mget(self._keys))  # type: ignore[arg-type]  # not async
        except self._errors as error:
            log.warning("无法从 Redis 读取公开数据版本（%s），改从数据库读取。", type(error).__name__)
            return None
        numbers, stamps = [], []
        for value in values:
            if value is None:
                return None
            number, _, stamp = value.decode().partition("|")
            numbers.append(int(number))
            if stamp:
                stamps.append(datetime.fromisoformat(stamp))
        return Versions(tuple(numbers), max(stamps) if stamps else None)


def from_config(config: Mapping[str, Any]) -> VersionMirror | None:
    url = config.get("PUBLIC_VERSION_REDIS_URL")
    return VersionMirror(url, int(config["PUBLIC_VERSION_REDIS_TTL"])) if url else None
