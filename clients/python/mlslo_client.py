"""Send inference and outcome events to mlslo from a Python model server.

One file, standard library only, Python >= 3.9. ``record()`` only appends to a bounded in-memory queue;
a background daemon thread sends batches to ``POST /v1/events`` (DESIGN.md section 3.1) with one request
in flight, retries what can be retried and reports what cannot. See README.md next to this file.

    client = MlsloClient("https://mlslo.internal:8080", key=os.environ["MLSLO_KEY"])
    client.record({"kind": "inference", "id": request_id, "service": "fraud-scorer", ...})
"""
from __future__ import annotations

import atexit
import email.utils
import gzip as _gzip
import http.client
import itertools
import json
import logging
import math
import os
import random
import threading
import time
import urllib.error
import urllib.request
import weakref
from collections import deque
from typing import Any, Callable, Deque, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, TypeVar

__all__ = [
    "MlsloClient",
    "Rejection",
    "DeliveryError",
    "parse_retry_after",
    "backoff_delay",
    "split_batch",
    "MAX_BATCH_ITEMS",
    "MAX_RETRY_AFTER",
]
__version__ = "0.1.0"

#: The server's default item limit per request (DESIGN.md 3.1); ``max_batch_size`` may not exceed it.
MAX_BATCH_ITEMS = 10_000
#: A ``Retry-After`` longer than this (seconds) is treated as this: a misconfigured proxy must not stall
#: delivery for hours while the bounded queue silently drops everything behind it.
MAX_RETRY_AFTER = 300.0
#: How long ``close()`` waits by default, and so how long a normal interpreter exit may wait (seconds).
DEFAULT_CLOSE_TIMEOUT = 10.0

log = logging.getLogger("mlslo_client")
log.addHandler(logging.NullHandler())  # the application decides where warnings go (logging HOWTO, libraries)

T = TypeVar("T")


class Rejection(NamedTuple):
    """An event the server refused in a 200 response (partial success); it is not retried."""

    event: Any
    code: str
    message: str
    path: str


class DeliveryError(Exception):
    """Why a batch was given up: ``status`` is the HTTP status (None when there was no response),
    ``code`` the server's error code (e.g. ``MLSLO_ERR_UNAUTHENTICATED``) when it sent one."""

    def __init__(self, message: str, status: Optional[int] = None, code: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


# --- pure helpers (unit-tested) ---------------------------------------------------------------------


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` header (RFC 9110 10.2.3): delay-seconds or an HTTP-date.

    Returns None when the header is absent or unreadable (the caller then uses its own backoff), and 0
    for a date in the past. ``now`` is the current Unix time, for tests. The result is not capped.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None:  # RFC 9110 dates are GMT; a date without a zone is not one
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def backoff_delay(attempt: int, initial: float, maximum: float, rand: Callable[[], float] = random.random) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(maximum, initial * 2**attempt)).

    ``attempt`` counts from 0 for the first retry. Full jitter ("Exponential Backoff And Jitter", AWS
    Architecture Blog, 2015) spreads clients that failed together so they do not retry together.
    """
    ceiling = min(maximum, initial * math.pow(2.0, min(max(attempt, 0), 64)))
    return rand() * ceiling


def split_batch(batch: Sequence[T]) -> Tuple[List[T], List[T]]:
    """Halves of a batch the server refused as too large (413), the first half the larger, order kept."""
    mid = (len(batch) + 1) // 2
    return list(batch[:mid]), list(batch[mid:])


# --- the client ---------------------------------------------------------------------------------------


class _Entry:
    __slots__ = ("seq", "event", "data")

    def __init__(self, seq: int, event: Any, data: str) -> None:
        self.seq = seq
        self.event = event
        self.data = data


class _Outcome(NamedTuple):
    kind: str  # "delivered" | "retry" | "too_large" | "failed"
    status: Optional[int] = None
    body: Any = None
    retry_after: Optional[float] = None
    error: Optional[DeliveryError] = None


_RETRYABLE = frozenset({408, 429})
_clients: "weakref.WeakSet[MlsloClient]" = weakref.WeakSet()


def _reset_after_fork() -> None:
    for c in list(_clients):
        c._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


class MlsloClient:
    """Batches events to mlslo in a background thread. ``record`` is safe to call from many threads.

    :param url: the mlslo base URL (``http://host:port``); ``/v1/events`` is appended unless present.
    :param key: an API key with the ``ingest`` role.
    :param max_batch_size: events per request, at most 10,000.
    :param flush_interval: seconds between sends of a partial batch; a full batch goes at once.
    :param max_queue: events held at most (waiting and in flight); when full the oldest are dropped.
    :param gzip: compress request bodies (``Content-Encoding: gzip``).
    :param timeout: seconds for one HTTP request.
    :param backoff_initial: the first retry's backoff ceiling, in seconds; it doubles per retry ...
    :param backoff_max: ... up to this.
    :param on_rejected: called with a list of :class:`Rejection` for items the server refused.
    :param on_error: called with ``(DeliveryError, events)`` when a batch is given up.

    Callbacks run in the sender thread; exceptions they raise are logged and ignored.
    """

    def __init__(
        self,
        url: str,
        key: str,
        max_batch_size: int = 500,
        flush_interval: float = 1.0,
        max_queue: int = 10_000,
        gzip: bool = True,
        timeout: float = 10.0,
        backoff_initial: float = 0.2,
        backoff_max: float = 30.0,
        on_rejected: Optional[Callable[[List[Rejection]], Any]] = None,
        on_error: Optional[Callable[[DeliveryError, List[Any]], Any]] = None,
    ) -> None:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValueError("url must be an http:// or https:// URL, got %r" % (url,))
        if not isinstance(key, str) or not key:
            raise ValueError("key must be a non-empty API key")
        if not isinstance(max_batch_size, int) or not 1 <= max_batch_size <= MAX_BATCH_ITEMS:
            raise ValueError("max_batch_size must be an integer in [1, %d]" % MAX_BATCH_ITEMS)
        if not isinstance(max_queue, int) or max_queue < 1:
            raise ValueError("max_queue must be a positive integer")
        for name, v in (("flush_interval", flush_interval), ("timeout", timeout), ("backoff_initial", backoff_initial)):
            if not v > 0:
                raise ValueError("%s must be positive" % name)
        if not backoff_max >= backoff_initial:
            raise ValueError("backoff_max must be >= backoff_initial")

        base = url.rstrip("/")
        self._endpoint = base if base.endswith("/v1/events") else base + "/v1/events"
        self._key = key
        self._max_batch_size = max_batch_size
        self._flush_interval = float(flush_interval)
        self._max_queue = max_queue
        self._gzip = bool(gzip)
        self._timeout = float(timeout)
        self._backoff_initial = float(backoff_initial)
        self._backoff_max = float(backoff_max)
        self._on_rejected = on_rejected
        self._on_error = on_error
        self._random: Callable[[], float] = random.random
        self._opener = urllib.request.build_opener()
        self._init_state()
        _clients.add(self)
        atexit.register(self._atexit)

    def _init_state(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._queue: Deque[_Entry] = deque()
        self._seq = 0  # the last sequence number given to an event
        self._send_through = 0  # partial batches are sent while the head's seq is <= this
        self._splits: List[Tuple[int, int]] = []  # after 413s: (last seq of the refused batch, size limit)
        self._inflight_n = 0
        self._inflight_last = 0
        self._evicted = 0  # events of the in-flight batch dropped from the queue meanwhile
        self._flush_waiters = 0
        self._closed = False
        self._abort = False
        self._thread: Optional[threading.Thread] = None
        self._dropping = False
        self._stats = {
            "sent_batches": 0,
            "accepted": 0,
            "duplicates": 0,
            "rejected": 0,
            "dropped": 0,
            "retries": 0,
            "failed": 0,
        }

    def _after_fork(self) -> None:
        # The parent's sender thread does not exist here and its lock may be held: start over. The
        # parent still delivers what it had queued, so the child's copy of the queue is discarded.
        closed = self._closed
        self._init_state()
        self._closed = closed

    # --- public API ------------------------------------------------------------------------------

    def record(self, event: Mapping[str, Any]) -> None:
        """Queues one event. Never blocks on the network and never raises because of it.

        Raises TypeError or ValueError only for an event that cannot be sent at all: not a mapping,
        or not JSON-serialisable (NaN and infinity included, which JSON cannot express). The event is
        serialised here, so later changes to the dict do not affect what is sent.
        """
        if not isinstance(event, Mapping):
            raise TypeError("an event must be a mapping, got %s" % type(event).__name__)
        data = json.dumps(event if isinstance(event, dict) else dict(event), separators=(",", ":"), allow_nan=False)
        warn = None
        with self._cond:
            if self._closed:
                self._stats["dropped"] += 1
                if not self._dropping:
                    self._dropping = True
                    warn = "record() after close(): events are dropped"
            else:
                self._seq += 1
                self._queue.append(_Entry(self._seq, event, data))
                evicted = 0
                while len(self._queue) > self._max_queue:
                    old = self._queue.popleft()
                    evicted += 1
                    if self._inflight_n and old.seq <= self._inflight_last:
                        self._evicted += 1  # dropped only if that request fails; see _deliver_head
                    else:
                        self._stats["dropped"] += 1
                if evicted and not self._dropping:
                    self._dropping = True
                    warn = "mlslo queue full (%d events): dropping the oldest" % self._max_queue
                elif not evicted:
                    self._dropping = False
                self._ensure_thread_locked()
                if len(self._queue) >= self._max_batch_size or (evicted and self._flush_waiters):
                    self._cond.notify_all()
        if warn:
            log.warning(warn)

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Sends what is queued now, without waiting for the interval, and blocks until all of it is
        delivered or given up. Returns False if ``timeout`` (seconds) passed first. With no timeout and
        the server unreachable, this waits until it comes back."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if threading.current_thread() is self._thread:
            return False  # called from a callback: the sender cannot wait for itself
        with self._cond:
            target = self._seq
            self._send_through = max(self._send_through, target)
            if self._queue:
                self._ensure_thread_locked()
            self._cond.notify_all()
            self._flush_waiters += 1
            try:
                while self._queue and self._queue[0].seq <= target:
                    if self._thread is None or not self._thread.is_alive():
                        return False
                    if deadline is None:
                        self._cond.wait()
                    else:
                        left = deadline - time.monotonic()
                        if left <= 0:
                            return False
                        self._cond.wait(left)
            finally:
                self._flush_waiters -= 1
        return True

    def close(self, timeout: Optional[float] = DEFAULT_CLOSE_TIMEOUT) -> bool:
        """Flushes, then stops the sender thread. Events recorded afterwards are dropped (counted).

        Waits at most ``timeout`` seconds (None: without limit). If time runs out, the request in
        flight is let finish and everything still queued is given up (counted in ``failed``, reported
        to ``on_error``); returns False. Called automatically at a normal interpreter exit.
        """
        try:
            atexit.unregister(self._atexit)
        except Exception:  # pragma: no cover - interpreter shutting down
            pass
        with self._cond:
            self._closed = True
            self._send_through = self._seq
            if self._queue:
                self._ensure_thread_locked()
            self._cond.notify_all()
            thread = self._thread
        if thread is None or thread is threading.current_thread():
            return not self._queue
        thread.join(timeout)
        if not thread.is_alive():
            return True
        with self._cond:
            self._abort = True
            self._cond.notify_all()
        return False

    def stats(self) -> Dict[str, int]:
        """Counters: ``queued`` and ``in_flight`` are events now; the rest are totals since start —
        ``sent_batches`` (requests answered 2xx), ``accepted``, ``duplicates``, ``rejected`` (events, as
        the server counted them), ``dropped`` (events lost to the full queue or recorded after close),
        ``retries`` (requests retried), ``failed`` (events given up: 4xx, too large, or unsent at close)."""
        with self._cond:
            s = dict(self._stats)
            s["in_flight"] = self._inflight_n
            s["queued"] = len(self._queue) - (self._inflight_n - self._evicted)
        return s

    def __enter__(self) -> "MlsloClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- the sender thread -----------------------------------------------------------------------

    def _atexit(self) -> None:
        self.close(DEFAULT_CLOSE_TIMEOUT)

    def _ensure_thread_locked(self) -> None:
        if self._thread is None or (not self._thread.is_alive() and not self._abort):
            thread = threading.Thread(target=self._run, name="mlslo-client-sender", daemon=True)
            try:
                thread.start()
            except RuntimeError as e:  # e.g. "can't create new thread at interpreter shutdown"
                log.error("mlslo: cannot start the sender thread: %s", e)
                return
            self._thread = thread

    def _run(self) -> None:
        next_tick = time.monotonic() + self._flush_interval
        while True:
            abandoned: Optional[List[Any]] = None
            with self._cond:
                while True:
                    if self._abort:
                        abandoned = [e.event for e in self._queue]
                        self._queue.clear()
                        self._splits.clear()
                        self._stats["failed"] += len(abandoned)
                        self._cond.notify_all()
                        break
                    if not self._queue and self._closed:
                        return
                    now = time.monotonic()
                    if now >= next_tick:
                        self._send_through = max(self._send_through, self._seq)
                        next_tick = now + self._flush_interval
                    q = self._queue
                    if q and (len(q) >= self._max_batch_size or self._splits or q[0].seq <= self._send_through):
                        break
                    self._cond.wait(next_tick - now)
            if abandoned is not None:
                if abandoned:
                    err = DeliveryError("close() timed out before these events were delivered")
                    log.error("mlslo: %d events given up: %s", len(abandoned), err)
                    self._call(self._on_error, err, abandoned)
                return
            try:
                self._deliver_head()
            except Exception:  # never let the thread die: the model server would silently stop reporting
                log.exception("mlslo client: unexpected error in the sender")
                self._sleep(self._backoff_initial)

    def _take_batch_locked(self) -> List[_Entry]:
        head = self._queue[0].seq
        while self._splits and self._splits[-1][0] < head:
            self._splits.pop()
        until, limit = self._splits[-1] if self._splits else (self._seq, self._max_batch_size)
        return [e for e in itertools.islice(self._queue, limit) if e.seq <= until]

    def _deliver_head(self) -> None:
        """Sends the batch at the head of the queue until it is delivered or given up. The batch is
        re-read from the queue before each attempt, so events dropped meanwhile are not sent."""
        attempt = 0
        while True:
            with self._cond:
                if self._abort or not self._queue:
                    return
                batch = self._take_batch_locked()
                self._inflight_n = len(batch)
                self._inflight_last = batch[-1].seq
                self._evicted = 0
            out = self._attempt(batch)
            rejections: List[Rejection] = []
            with self._cond:
                evicted = self._evicted
                self._inflight_n = 0
                self._evicted = 0
                last = batch[-1].seq
                if out.kind == "delivered":
                    self._pop_through_locked(last)
                    self._stats["sent_batches"] += 1
                    rejections = self._count_response_locked(batch, out.body)
                elif out.kind == "too_large" and len(batch) > 1:
                    self._stats["dropped"] += evicted
                    self._splits.append((last, len(split_batch(batch)[0])))
                elif out.kind == "retry":
                    self._stats["dropped"] += evicted
                    self._stats["retries"] += 1
                else:  # failed, or a single event too large to ever be accepted
                    self._pop_through_locked(last)
                    self._stats["failed"] += len(batch)
                self._cond.notify_all()
            if rejections:
                self._call(self._on_rejected, rejections)
            if out.kind == "retry":
                delay = min(out.retry_after, MAX_RETRY_AFTER) if out.retry_after is not None else backoff_delay(
                    attempt, self._backoff_initial, self._backoff_max, self._random)
                if attempt == 0:
                    log.warning("mlslo: sending %d events failed (%s); retrying", len(batch), out.error)
                attempt += 1
                self._sleep(delay)
                continue
            if out.kind == "too_large" and len(batch) > 1:
                continue
            if out.kind in ("failed", "too_large"):
                err = out.error or DeliveryError("batch given up", out.status)
                log.error("mlslo: %d events given up: %s", len(batch), err)
                self._call(self._on_error, err, [e.event for e in batch])
            elif attempt:
                log.info("mlslo: delivered after %d retries", attempt)
            return

    def _pop_through_locked(self, last: int) -> None:
        q = self._queue
        while q and q[0].seq <= last:
            q.popleft()

    def _count_response_locked(self, batch: List[_Entry], body: Any) -> List[Rejection]:
        if not isinstance(body, dict) or not isinstance(body.get("accepted"), int):
            self._stats["accepted"] += len(batch)  # a 2xx means durable, whatever the body says
            return []
        self._stats["accepted"] += body["accepted"]
        dup = body.get("duplicates")
        self._stats["duplicates"] += dup if isinstance(dup, int) else 0
        out: List[Rejection] = []
        for r in body.get("rejected") or []:
            if not isinstance(r, dict):
                continue
            i = r.get("index")
            event = batch[i].event if isinstance(i, int) and 0 <= i < len(batch) else None
            out.append(Rejection(event, str(r.get("code", "")), str(r.get("message", "")), str(r.get("path", ""))))
        self._stats["rejected"] += len(out)
        return out

    def _attempt(self, batch: List[_Entry]) -> _Outcome:
        body = ("[" + ",".join(e.data for e in batch) + "]").encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "Authorization": "Bearer " + self._key,
            "User-Agent": "mlslo-python/" + __version__,
        }
        if self._gzip:
            body = _gzip.compress(body, compresslevel=6, mtime=0)
            headers["Content-Encoding"] = "gzip"
        try:
            status, resp_headers, payload = self._post(body, headers)
        except (OSError, http.client.HTTPException, ValueError) as e:  # URLError and timeouts are OSErrors
            return _Outcome("retry", error=DeliveryError("network error: %s" % (e,)))
        parsed = _json_or_none(payload)
        if 200 <= status < 300:
            return _Outcome("delivered", status, parsed)
        err = _error_from(status, parsed)
        if status == 413:
            return _Outcome("too_large", status, parsed, error=err)
        if status in _RETRYABLE or status >= 500:
            return _Outcome("retry", status, parsed, parse_retry_after(resp_headers.get("retry-after")), err)
        return _Outcome("failed", status, parsed, error=err)

    def _post(self, body: bytes, headers: Dict[str, str]) -> Tuple[int, Dict[str, str], bytes]:
        """One HTTP POST: (status, headers with lower-case names, body). Raises on network errors."""
        req = urllib.request.Request(self._endpoint, data=body, headers=headers, method="POST")
        try:
            with self._opener.open(req, timeout=self._timeout) as resp:
                return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
        except urllib.error.HTTPError as e:
            try:
                payload = e.read()
            except (OSError, http.client.HTTPException):
                payload = b""
            hdrs = {k.lower(): v for k, v in e.headers.items()} if e.headers is not None else {}
            return e.code, hdrs, payload

    def _sleep(self, delay: float) -> None:
        """Waits ``delay`` seconds; cut short only when close() gives up."""
        end = time.monotonic() + delay
        with self._cond:
            while not self._abort:
                left = end - time.monotonic()
                if left <= 0:
                    return
                self._cond.wait(left)

    @staticmethod
    def _call(fn: Optional[Callable[..., Any]], *args: Any) -> None:
        if fn is None:
            return
        try:
            fn(*args)
        except Exception:
            log.exception("mlslo client: callback %r raised", fn)


def _json_or_none(payload: bytes) -> Any:
    try:
        return json.loads(payload.decode("utf-8")) if payload else None
    except ValueError:
        return None


def _error_from(status: int, body: Any) -> DeliveryError:
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, dict):
        code = err.get("code")
        msg = err.get("message")
        return DeliveryError("HTTP %d: %s" % (status, msg or code), status, code if isinstance(code, str) else None)
    return DeliveryError("HTTP %d" % status, status)
