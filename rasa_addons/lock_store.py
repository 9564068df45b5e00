"""Rasa's Redis ticket lock, with every change to a lock made atomically.

Why: Rasa 3.6's `RedisLockStore` changes a conversation's lock by reading it,
changing it in Python and writing it back, in separate commands:
- `issue_ticket`: two replicas taking a ticket for one conversation at the same
  moment both read "no tickets", both write ticket 1, and both go ahead, so the
  conversation is processed twice at once: what the lock store is there to prevent;
- `cleanup` (finish serving, then delete the lock if nobody waits): a ticket issued
  between the check and the delete is deleted with the lock, and its holder fails
  with "Could not acquire lock" (LockError), so that message is not answered;
- `update_lock` (dropping expired tickets) can write back a lock without a ticket
  issued meanwhile.
With several replicas those are the lock store's whole purpose. (Our gateway also
holds a lock of its own per conversation, api/locks.py, so through the gateway the
first race needs a second way in, or a gateway lock that expired.)

What: the same store, same keys and same JSON (stock replicas and these share
locks), whose read-change-write runs as one Redis optimistic transaction: WATCH
the key, read, MULTI, write or delete, EXEC; if another client changed the key
meanwhile, EXEC fails and it runs again on what is there now (redis-py's
`Redis.transaction`). endpoints.scaled.yml: `lock_store: type:
rasa_addons.lock_store.AtomicRedisLockStore` with the stock Redis options.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# What a change returns: the lock to store (None: delete the key) and the caller's result.
Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any]]


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` whose ticket changes cannot interleave across replicas."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # loaded by module path from the endpoints file
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: Text, change: Change) -> Any:
        key = self.key_prefix + conversation_id

        def attempt(pipe: Any) -> Any:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            new, result = change(lock)
            pipe.multi()
            if new is None:
                pipe.delete(key)
            else:
                pipe.set(key, new.dumps())
            return result

        return self.red.transaction(attempt, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, change)
        except Exception as e:  # as the stock store: the processor reports a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{e}")

    def update_lock(self, conversation_id: Text) -> None:
        def change(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, change)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def change(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, change)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Give up the ticket and, in the same transaction, delete the lock if nobody else holds one."""

        def change(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], bool]:
            if lock is None:
                return None, False
            lock.remove_ticket_for(ticket_number)
            waiting = lock.is_someone_waiting()
            return (lock if waiting else None), not waiting

        deleted = self._change(conversation_id, change)
        if deleted:
            self._log_deletion(conversation_id, True)
