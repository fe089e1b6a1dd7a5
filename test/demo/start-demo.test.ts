import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { CANARY } from '../../src/demo/incidents.ts';
import { DEFAULT_TUNING, startDemo } from '../../src/demo/start-demo.ts';
import type { WireEvent } from '../../src/demo/wire.ts';
import { smallModels } from './fixtures.ts';

interface Post { readonly auth: string | undefined; readonly type: string | undefined; readonly events: WireEvent[] }

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

test('backfill and live traffic reach a real HTTP endpoint as NDJSON, retrying after 429', async () => {
  const posts: Post[] = [];
  const baselines: Array<{ url: string | undefined; auth: string | undefined; rows: Array<Record<string, unknown>> }> = [];
  let answered429 = false;
  const controller = new AbortController();
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      if (req.url?.includes('/baselines') === true) {
        const rows = body.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
        baselines.push({ url: req.url, auth: req.headers.authorization, rows });
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ rows: rows.length }));
        return;
      }
      if (!answered429) {
        answered429 = true;
        res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' }).end('{"error":"busy"}');
        return;
      }
      const events = body.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as WireEvent);
      posts.push({ auth: req.headers.authorization, type: req.headers['content-type'], events });
      res.writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ accepted: events.length, duplicates: 0, rejected: [] }));
      // Stop once the live stream has delivered a batch after the backfill.
      if (posts.length >= 3) controller.abort();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const start = Date.parse('2026-11-28T12:00:00.000Z');
  let clock = start;
  const lines: string[] = [];
  try {
    await startDemo({
      url: `http://127.0.0.1:${port}`,
      ingestKey: 'k-test',
      now: () => (clock += 2_000),
      log: (l) => lines.push(l),
      signal: controller.signal,
    }, { ...DEFAULT_TUNING, backfillHours: 30, backfillPerMinute: 4, livePerMinute: 600, tickMs: 5 }, smallModels());
  } finally {
    server.close();
  }

  assert.ok(answered429, 'the first attempt was refused');
  // The training sample went up first, as the drift baseline of tree-v3: features and the model's prediction.
  assert.equal(baselines.length, 1);
  assert.equal(baselines[0]!.url, '/v1/services/flight-delay-classifier/baselines?model=tree-v3');
  assert.equal(baselines[0]!.auth, 'Bearer k-test');
  assert.deepEqual(Object.keys(baselines[0]!.rows[0]!).sort(),
    ['destination', 'distance', 'hour', 'origin', 'originDelayShare', 'prediction.label', 'prediction.score']);
  assert.ok(lines.some((l) => l.includes('as the drift baseline')));
  assert.ok(posts.length >= 3);
  for (const p of posts) {
    assert.equal(p.auth, 'Bearer k-test');
    assert.equal(p.type, 'application/x-ndjson');
    assert.ok(p.events.length <= 5000);
  }
  const backfill = posts.slice(0, 2).flatMap((p) => p.events);
  // ~4/min over 30 h is ~7,200 requests: two batches, the first full.
  assert.equal(posts[0]?.events.length, 5000);
  const anchor = start + 2_000;
  const inferences = backfill.filter((e) => e.kind === 'inference');
  assert.ok(inferences.length > 6000 && inferences.length < 8500, `${inferences.length} backfilled requests`);
  assert.ok(inferences.every((e) => Date.parse(e.ts) >= anchor - 30 * 3_600_000 && Date.parse(e.ts) < anchor));
  const canaryFrom = anchor - CANARY.startAgoMin * 60_000;
  assert.ok(inferences.every((e) => e.model === 'tree-v3' || (e.model === CANARY.model && Date.parse(e.ts) >= canaryFrom)));
  const inWindow = inferences.filter((e) => Date.parse(e.ts) >= canaryFrom);
  const share = inWindow.filter((e) => e.model === CANARY.model).length / inWindow.length;
  // 30% canary, plus the 20 minutes of the failed promotion at 100%.
  assert.ok(share > 0.25 && share < 0.4, `canary share ${share}`);
  assert.ok(lines.some((l) => l.includes('tree-v4 canary')), lines.join('\n'));
  assert.ok(backfill.some((e) => e.kind === 'outcome'));
  assert.ok(backfill.every((e) => e.kind !== 'outcome' || Date.parse(e.ts) <= anchor));
  const live = posts.slice(2).flatMap((p) => p.events);
  assert.ok(live.length > 0 && live.every((e) => Date.parse(e.ts) >= anchor));
  const ids = [...backfill, ...live].map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  assert.ok(lines.some((l) => l.includes('rejected 0')), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('429')));
});
