"""Drives mlslo_client against a real mlslo for test/client/python-client.test.ts.

    MLSLO_URL=… MLSLO_KEY=… MLSLO_SERVICE=… MLSLO_TS=2026-11-28T09:59:00Z \\
        /usr/bin/python3 clients/python/tests/scenarios.py NAME [COUNT]

Every event is an error inference whose errorType is unique (``<service>-<index>``), so the server's
report (errors.byType) shows exactly which events were stored, and how often. Prints one JSON object a
line: ``{"phase": …}`` when the test should act (e.g. bring the proxy back), and at the end
``{"done": NAME, "stats": …, "flushed": …, "rejected": […], "errors": […]}``.
"""
import atexit
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import mlslo_client  # noqa: E402

WAIT = 120.0  # seconds: generous on a shared, noisy machine; the Node test has its own deadline

URL = os.environ["MLSLO_URL"]
KEY = os.environ["MLSLO_KEY"]
SERVICE = os.environ["MLSLO_SERVICE"]
TS = os.environ["MLSLO_TS"]

rejected = []
errors = []


def emit(obj):
    print(json.dumps(obj), flush=True)


def event(i):
    return {"kind": "inference", "id": "%s-%05d" % (SERVICE, i), "service": SERVICE, "model": "v1", "ts": TS,
            "status": "error", "errorType": "%s-%05d" % (SERVICE, i)}


def client(**kw):
    kw.setdefault("on_rejected", lambda rs: rejected.extend(
        {"id": r.event.get("id") if r.event else None, "code": r.code, "message": r.message, "path": r.path} for r in rs))
    kw.setdefault("on_error", lambda err, events: errors.append(
        {"status": err.status, "code": err.code, "message": err.message, "events": len(events)}))
    return mlslo_client.MlsloClient(URL, KEY, **kw)


def wait_for(c, what, cond):
    end = time.monotonic() + WAIT
    while not cond(c.stats()):
        if time.monotonic() > end:
            emit({"phase": "timeout", "waiting_for": what, "stats": c.stats()})
            sys.exit(3)
        time.sleep(0.01)


def finish(name, c, flushed):
    emit({"done": name, "stats": c.stats(), "flushed": flushed, "rejected": rejected, "errors": errors})


def main(name, n):
    quick = dict(flush_interval=0.05, backoff_initial=0.05, backoff_max=0.2)
    if name in ("batching", "batching-plain"):
        # Only full batches go before flush(): the interval is an hour.
        c = client(max_batch_size=100, flush_interval=3600.0, gzip=name == "batching")
        for i in range(n):
            c.record(event(i))
        flushed = c.flush(WAIT)
    elif name == "retry-after":
        # Backoff alone would wait up to an hour: finishing in time means Retry-After was honoured.
        c = client(flush_interval=0.05, backoff_initial=3600.0, backoff_max=3600.0)
        for i in range(n):
            c.record(event(i))
        flushed = c.flush(WAIT)
    elif name == "backoff":
        c = client(**quick)
        for i in range(n):
            c.record(event(i))
        flushed = c.flush(WAIT)
    elif name == "down":
        # The server is unreachable when this starts; the test brings it back after "retrying".
        c = client(max_batch_size=100, **quick)
        for i in range(n):
            c.record(event(i))
        wait_for(c, "two refused attempts", lambda s: s["retries"] >= 2)
        emit({"phase": "retrying", "stats": c.stats()})
        flushed = c.flush(WAIT)
    elif name == "bounded":
        # max_queue 10 while unreachable: the first events are sent (and refused) while the rest arrive.
        c = client(max_queue=10, **quick)
        for i in range(5):
            c.record(event(i))
        wait_for(c, "a refused attempt", lambda s: s["retries"] >= 1)
        for i in range(5, n):
            c.record(event(i))
        retries = c.stats()["retries"]
        wait_for(c, "more refused attempts", lambda s: s["retries"] >= retries + 2)
        emit({"phase": "retrying", "stats": c.stats()})
        flushed = c.flush(WAIT)
    elif name in ("partial", "unauthorized"):
        c = client(**quick)
        for i in range(n):
            e = event(i)
            if name == "partial" and i == 1:
                e["latencyMs"] = "12"
            if name == "partial" and i == 3:
                e["lantency"] = 3
            c.record(e)
        flushed = c.flush(WAIT)
    elif name == "split":
        # The server's body limit is smaller than a batch of n: 413s until the halves fit.
        c = client(max_batch_size=n, gzip=False, **quick)
        for i in range(n):
            c.record(event(i))
        flushed = c.flush(WAIT)
    elif name == "atexit":
        # Neither flush() nor close(): the interval is an hour and the batch is never full, so only the
        # client's exit hook sends. This hook is registered first, so it runs after the client's (LIFO).
        holder = {}
        atexit.register(lambda: finish(name, holder["c"], None))
        c = holder["c"] = client(flush_interval=3600.0)
        for i in range(n):
            c.record(event(i))
        emit({"phase": "recorded", "stats": c.stats()})
        return
    else:
        raise SystemExit("unknown scenario %r" % name)
    finish(name, c, flushed)
    c.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 30)
