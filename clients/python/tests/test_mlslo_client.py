"""Unit tests of mlslo_client without a network: the HTTP call and the waits are replaced.

Run from the repository root: /usr/bin/python3 -m unittest discover -s clients/python/tests
"""
import gzip
import json
import os
import sys
import threading
import unittest
from email.utils import formatdate

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import mlslo_client as m  # noqa: E402

DEADLINE = 60.0  # generous: the machine is shared and noisy; nothing here asserts on elapsed time


def ev(i):
    return {"kind": "inference", "id": "e-%d" % i, "service": "svc", "status": "error", "errorType": "t%d" % i}


class FakeClient(m.MlsloClient):
    """Answers from a script of responses instead of the network and records what it would have sent.

    ``script`` is a function of the decoded batch (a list of events) returning (status, headers, body)
    or raising OSError; waits are recorded, not slept.
    """

    def __init__(self, script, **kw):
        kw.setdefault("flush_interval", 3600.0)
        super().__init__("http://127.0.0.1:9", "mlslo_test_key", **kw)
        self.script = script
        self.sent = []  # (batch, headers, status)
        self.waits = []
        self.lock = threading.Lock()

    def _post(self, body, headers):
        raw = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
        batch = json.loads(raw)
        status, hdrs, payload = self.script(batch)
        with self.lock:
            self.sent.append((batch, dict(headers), status))
        return status, hdrs, json.dumps(payload).encode() if payload is not None else b""

    def _sleep(self, delay):
        self.waits.append(delay)

    def delivered_ids(self):
        return [e["id"] for batch, _, status in self.sent if 200 <= status < 300 for e in batch]


def ok(batch):
    return 200, {}, {"accepted": len(batch), "duplicates": 0, "rejected": []}


class RetryAfterTest(unittest.TestCase):
    def test_delay_seconds(self):
        self.assertEqual(m.parse_retry_after("120"), 120.0)
        self.assertEqual(m.parse_retry_after(" 3 "), 3.0)
        self.assertEqual(m.parse_retry_after("0"), 0.0)

    def test_unreadable_is_none(self):
        for v in (None, "", "  ", "-1", "1.5", "soon", "12abc", "Wed, 99 Foo 2015 07:28:00 GMT"):
            self.assertIsNone(m.parse_retry_after(v), v)

    def test_http_date(self):
        now = 1445412480.0  # Wed, 21 Oct 2015 07:28:00 GMT
        self.assertEqual(m.parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=now), 30.0)
        self.assertEqual(m.parse_retry_after(formatdate(now + 90, usegmt=True), now=now), 90.0)
        # A date in the past means "now".
        self.assertEqual(m.parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now=now), 0.0)


class BackoffTest(unittest.TestCase):
    def test_full_jitter_bounds(self):
        # Ceilings 0.2, 0.4, 0.8, … capped at 30: the largest draw stays below, the smallest is 0.
        for attempt, ceiling in [(0, 0.2), (1, 0.4), (2, 0.8), (7, 25.6), (8, 30.0), (500, 30.0), (10 ** 9, 30.0)]:
            self.assertAlmostEqual(m.backoff_delay(attempt, 0.2, 30.0, rand=lambda: 1.0), ceiling)
            self.assertEqual(m.backoff_delay(attempt, 0.2, 30.0, rand=lambda: 0.0), 0.0)

    def test_random_draws_stay_in_range(self):
        import random
        r = random.Random(8)
        for attempt in range(40):
            ceiling = min(30.0, 0.2 * 2 ** attempt)
            for _ in range(50):
                d = m.backoff_delay(attempt, 0.2, 30.0, rand=r.random)
                self.assertTrue(0.0 <= d < ceiling, (attempt, d))


class SplitTest(unittest.TestCase):
    def test_halves(self):
        self.assertEqual(m.split_batch([1, 2, 3, 4, 5]), ([1, 2, 3], [4, 5]))
        self.assertEqual(m.split_batch([1, 2]), ([1], [2]))
        self.assertEqual(m.split_batch([1]), ([1], []))

    def test_413_splits_until_batches_fit(self):
        # The "server" takes at most 3 events a request. 10 → 413, 5 → 413, 3 ok, 2 ok, then the other
        # half of 10: 5 → 413, 3 ok, 2 ok.
        def script(batch):
            return (413, {}, {"error": {"code": "MLSLO_ERR_BODY_TOO_LARGE"}}) if len(batch) > 3 else ok(batch)

        c = FakeClient(script, max_batch_size=10)
        for i in range(10):
            c.record(ev(i))
        self.assertTrue(c.flush(DEADLINE))
        self.assertEqual([(len(b), s) for b, _, s in c.sent], [(10, 413), (5, 413), (3, 200), (2, 200), (5, 413), (3, 200), (2, 200)])
        self.assertEqual(c.delivered_ids(), ["e-%d" % i for i in range(10)])
        s = c.stats()
        self.assertEqual((s["accepted"], s["sent_batches"], s["failed"], s["retries"]), (10, 4, 0, 0))
        self.assertEqual(c.waits, [])  # a split is not a failure: no backoff
        # The limit was for those events: later batches are full size again.
        for i in range(10, 13):
            c.record(ev(i))
        self.assertTrue(c.flush(DEADLINE))
        self.assertEqual(len(c.sent[-1][0]), 3)
        c.close()

    def test_a_single_event_too_large_is_given_up(self):
        errors = []
        c = FakeClient(lambda b: (413, {}, None) if any(e["id"] == "e-1" for e in b) else ok(b),
                       max_batch_size=4, on_error=lambda err, events: errors.append((err.status, [e["id"] for e in events])))
        for i in range(4):
            c.record(ev(i))
        self.assertTrue(c.flush(DEADLINE))
        self.assertEqual(c.delivered_ids(), ["e-0", "e-2", "e-3"])
        self.assertEqual(errors, [(413, ["e-1"])])
        self.assertEqual(c.stats()["failed"], 1)
        c.close()


class QueueTest(unittest.TestCase):
    def test_full_queue_drops_the_oldest(self):
        c = FakeClient(ok, max_queue=3)
        for i in range(5):
            c.record(ev(i))
        s = c.stats()
        self.assertEqual((s["queued"], s["dropped"], s["in_flight"]), (3, 2, 0))
        self.assertTrue(c.flush(DEADLINE))
        self.assertEqual(c.delivered_ids(), ["e-2", "e-3", "e-4"])
        self.assertEqual(c.stats()["queued"], 0)
        c.close()

    def test_events_dropped_during_retries_are_not_sent(self):
        # The first attempt fails; while it is retried, the queue overflows: the retry takes the new head.
        gate = threading.Event()
        calls = []

        def script(batch):
            calls.append(len(batch))
            if len(calls) == 1:
                gate.wait(DEADLINE)  # hold the first request "in flight" while events are recorded
                raise OSError("connection refused")
            return ok(batch)

        c = FakeClient(script, max_queue=4, max_batch_size=4)
        for i in range(4):  # a full batch: sent at once
            c.record(ev(i))
        self._wait(lambda: c.stats()["in_flight"] == 4)
        for i in range(4, 7):  # evicts e-0..e-2 from the batch in flight
            c.record(ev(i))
        self.assertEqual(c.stats()["dropped"], 0)  # not yet: the request in flight may still deliver them
        gate.set()
        self.assertTrue(c.flush(DEADLINE))
        self.assertEqual(c.delivered_ids(), ["e-3", "e-4", "e-5", "e-6"])
        s = c.stats()
        self.assertEqual((s["dropped"], s["retries"], s["accepted"]), (3, 1, 4))
        c.close()

    def test_evicted_events_of_a_delivered_batch_are_not_counted_dropped(self):
        gate = threading.Event()
        c = FakeClient(lambda b: (gate.wait(DEADLINE), ok(b))[1], max_queue=4, max_batch_size=4)
        for i in range(4):
            c.record(ev(i))
        self._wait(lambda: c.stats()["in_flight"] == 4)
        c.record(ev(4))  # evicts e-0, which is in the request that then succeeds
        gate.set()
        self.assertTrue(c.flush(DEADLINE))
        self.assertEqual(c.delivered_ids(), ["e-0", "e-1", "e-2", "e-3", "e-4"])
        s = c.stats()
        self.assertEqual((s["dropped"], s["accepted"], s["queued"]), (0, 5, 0))
        c.close()

    def _wait(self, cond):
        import time
        end = time.monotonic() + DEADLINE
        while not cond():
            self.assertLess(time.monotonic(), end, "condition not reached")
            time.sleep(0.005)


class ResponseTest(unittest.TestCase):
    def test_partial_success_reports_rejected_items(self):
        got = []

        def script(batch):
            return 200, {}, {"accepted": 2, "duplicates": 1, "rejected": [
                {"index": 1, "code": "invalid_type", "message": "must be number", "path": "/latencyMs"}]}

        c = FakeClient(script, on_rejected=got.extend)
        for i in range(4):
            c.record(ev(i))
        self.assertTrue(c.flush(DEADLINE))
        self.assertEqual(got, [m.Rejection(ev(1), "invalid_type", "must be number", "/latencyMs")])
        s = c.stats()
        self.assertEqual((s["accepted"], s["duplicates"], s["rejected"], s["retries"], s["sent_batches"]), (2, 1, 1, 0, 1))
        c.close()

    def test_retry_after_is_honoured_and_capped(self):
        answers = [(429, {"retry-after": "7"}, None), (503, {"retry-after": formatdate(usegmt=True)}, None),
                   (503, {"retry-after": "86400"}, None), (500, {}, None)]

        def script(batch):
            return answers.pop(0) if answers else ok(batch)

        c = FakeClient(script, backoff_initial=0.5, backoff_max=4.0)
        c._random = lambda: 1.0
        c.record(ev(0))
        self.assertTrue(c.flush(DEADLINE))
        # 7 s as told; an HTTP-date of now is at most a second or so; a day is capped; no header → backoff
        # ceiling of the 4th retry, 0.5 · 2³ = 4.
        self.assertEqual(c.waits[0], 7.0)
        self.assertLessEqual(c.waits[1], 1.0)
        self.assertEqual(c.waits[2:], [m.MAX_RETRY_AFTER, 4.0])
        self.assertEqual(c.stats()["retries"], 4)
        self.assertEqual(c.delivered_ids(), ["e-0"])
        c.close()

    def test_network_errors_are_retried_with_backoff(self):
        n = []

        def script(batch):
            n.append(1)
            if len(n) <= 3:
                raise ConnectionRefusedError("refused")
            return ok(batch)

        c = FakeClient(script, backoff_initial=0.25, backoff_max=0.6)
        c._random = lambda: 1.0
        c.record(ev(0))
        self.assertTrue(c.flush(DEADLINE))
        self.assertEqual(c.waits, [0.25, 0.5, 0.6])
        self.assertEqual(c.stats()["retries"], 3)
        c.close()

    def test_other_4xx_drop_the_batch(self):
        errors = []
        c = FakeClient(lambda b: (401, {}, {"error": {"code": "MLSLO_ERR_UNAUTHENTICATED", "message": "bad key"}}),
                       on_error=lambda err, events: errors.append((err.status, err.code, len(events))))
        for i in range(3):
            c.record(ev(i))
        self.assertTrue(c.flush(DEADLINE))
        self.assertEqual(errors, [(401, "MLSLO_ERR_UNAUTHENTICATED", 3)])
        s = c.stats()
        self.assertEqual((s["failed"], s["retries"], s["accepted"], s["queued"]), (3, 0, 0, 0))
        self.assertEqual(len(c.sent), 1)
        c.close()

    def test_callback_errors_do_not_stop_the_sender(self):
        def boom(_):
            raise RuntimeError("user bug")

        c = FakeClient(lambda b: (200, {}, {"accepted": 0, "duplicates": 0, "rejected": [
            {"index": 0, "code": "x", "message": "y", "path": "/"}]}), on_rejected=boom)
        c.record(ev(0))
        self.assertTrue(c.flush(DEADLINE))
        c.record(ev(1))
        self.assertTrue(c.flush(DEADLINE))
        self.assertEqual(len(c.sent), 2)
        c.close()


class WireTest(unittest.TestCase):
    def test_gzip_headers_and_batches(self):
        c = FakeClient(ok, max_batch_size=4)
        for i in range(10):
            c.record(ev(i))
        self.assertTrue(c.flush(DEADLINE))
        self.assertEqual([len(b) for b, _, _ in c.sent], [4, 4, 2])
        for _, h, _ in c.sent:
            self.assertEqual(h["Content-Encoding"], "gzip")
            self.assertEqual(h["Content-Type"], "application/json")
            self.assertEqual(h["Authorization"], "Bearer mlslo_test_key")
        c.close()
        c2 = FakeClient(ok, gzip=False)
        c2.record(ev(0))
        self.assertTrue(c2.flush(DEADLINE))
        self.assertNotIn("Content-Encoding", c2.sent[0][1])
        c2.close()

    def test_record_refuses_what_cannot_be_sent(self):
        c = FakeClient(ok)
        with self.assertRaises(ValueError):
            c.record({"latencyMs": float("nan")})
        with self.assertRaises(TypeError):
            c.record({"ts": object()})
        with self.assertRaises(TypeError):
            c.record(["not", "a", "mapping"])
        self.assertEqual(c.stats()["queued"], 0)
        c.close()

    def test_events_are_snapshotted_at_record(self):
        c = FakeClient(ok)
        e = ev(0)
        c.record(e)
        e["errorType"] = "changed"
        self.assertTrue(c.flush(DEADLINE))
        self.assertEqual(c.sent[0][0][0]["errorType"], "t0")
        c.close()

    def test_record_after_close_is_dropped(self):
        c = FakeClient(ok)
        c.record(ev(0))
        self.assertTrue(c.close(DEADLINE))
        c.record(ev(1))
        s = c.stats()
        self.assertEqual((s["accepted"], s["dropped"]), (1, 1))
        self.assertEqual(c.delivered_ids(), ["e-0"])

    def test_options_are_validated(self):
        for kw in ({"max_batch_size": 10_001}, {"max_batch_size": 0}, {"max_queue": 0}, {"flush_interval": 0},
                   {"backoff_initial": 2.0, "backoff_max": 1.0}):
            with self.assertRaises(ValueError, msg=kw):
                m.MlsloClient("http://x", "k", **kw)
        with self.assertRaises(ValueError):
            m.MlsloClient("ftp://x", "k")


class CloseTest(unittest.TestCase):
    def test_close_gives_up_after_its_timeout(self):
        errors = []

        class Sleepy(FakeClient):
            def _sleep(self, delay):
                m.MlsloClient._sleep(self, delay)  # a real wait, cut short by close()

        c = Sleepy(lambda b: (503, {"retry-after": "3600"}, None), on_error=lambda err, events: errors.append(len(events)))
        for i in range(3):
            c.record(ev(i))
        c.flush(0.0)  # send now, do not wait
        self.assertFalse(c.close(0.05))  # stuck behind an hour-long Retry-After
        thread = c._thread
        thread.join(DEADLINE)
        self.assertFalse(thread.is_alive())
        self.assertEqual(errors, [3])
        s = c.stats()
        self.assertEqual((s["failed"], s["queued"], s["accepted"]), (3, 0, 0))


class ConcurrencyTest(unittest.TestCase):
    def test_many_threads_record(self):
        c = FakeClient(ok, max_batch_size=97)
        per, n_threads = 1000, 8

        def work(t):
            for i in range(per):
                c.record(ev(t * per + i))

        threads = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertTrue(c.flush(DEADLINE))
        ids = c.delivered_ids()
        self.assertEqual(len(ids), per * n_threads)
        self.assertEqual(set(ids), {"e-%d" % i for i in range(per * n_threads)})
        self.assertTrue(all(len(b) <= 97 for b, _, _ in c.sent))
        s = c.stats()
        self.assertEqual((s["accepted"], s["dropped"], s["queued"], s["in_flight"]), (8000, 0, 0, 0))
        c.close()


if __name__ == "__main__":
    unittest.main()
