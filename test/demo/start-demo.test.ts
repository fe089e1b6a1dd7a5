import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { CANARY } from '../../src/demo/classifier/incidents.ts';
import { CLASSIFIER_RATE, startDemo, type DemoOptions, type DemoTuning } from '../../src/demo/start-demo.ts';
import type { WireEvent } from '../../src/demo/wire.ts';
import { smallModels } from './fixtures.ts';

interface Post { readonly auth: string | undefined; readonly type: string | undefined; readonly events: WireEvent[] }
interface Baseline { readonly url: string | undefined; readonly auth: string | undefined; readonly rows: Array<Record<string, unknown>> }

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const SERVICES = ['flight-delay-classifier', 'movie-ranker', 'world-stats-assistant'];
const TUNING: Partial<DemoTuning> = { backfillHours: 30, backfillPerMinute: 4, recentHours: 0, livePerMinute: 600, tickMs: 5 };

/**
 * Runs the demo against a fake ingest endpoint (the first events POST answers 429) with a clock that
 * advances 2 s per read, until `livePosts` batches of live traffic arrived.
 */
async function run(livePosts: number, extra: Partial<DemoOptions> = {}): Promise<{
  posts: Post[]; baselines: Baseline[]; lines: string[]; anchor: number; answered429: boolean; clockStartedAfter: number | undefined;
}> {
  const posts: Post[] = [];
  const baselines: Baseline[] = [];
  let answered429 = false;
  let clockStartedAfter: number | undefined;
  let liveSeen = 0;
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
      if (clockStartedAfter !== undefined && ++liveSeen >= livePosts) controller.abort();
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
      startClock: () => { clockStartedAfter = posts.length; },
      ...extra,
    }, TUNING, smallModels());
  } finally {
    server.close();
  }
  return { posts, baselines, lines, anchor: start + 2_000, answered429, clockStartedAfter };
}

test('three services: baselines, back-filled history and live traffic reach a real HTTP endpoint as NDJSON', async () => {
  const { posts, baselines, lines, anchor, answered429, clockStartedAfter } = await run(12);
  assert.ok(answered429, 'the first attempt was refused, and retried');
  assert.ok(lines.some((l) => l.includes('429')));
  // The training samples went up first, one per service, as the drift baseline of the production model.
  assert.deepEqual(baselines.map((b) => b.url), [
    '/v1/services/flight-delay-classifier/baselines?model=tree-v3',
    '/v1/services/movie-ranker/baselines?model=ranker-v7',
    '/v1/services/world-stats-assistant/baselines?model=rag-v3',
  ]);
  assert.ok(baselines.every((b) => b.auth === 'Bearer k-test'));
  assert.deepEqual(Object.keys(baselines[0]!.rows[0]!).sort(),
    ['destination', 'distance', 'hour', 'origin', 'originDelayShare', 'prediction.label', 'prediction.score']);
  assert.deepEqual(Object.keys(baselines[1]!.rows[0]!).sort(), ['candidates', 'era', 'genre']);
  assert.deepEqual(Object.keys(baselines[2]!.rows[0]!).sort(), ['language', 'metric', 'promptTokens', 'questionType', 'region']);
  for (const p of posts) {
    assert.equal(p.auth, 'Bearer k-test');
    assert.equal(p.type, 'application/x-ndjson');
    assert.ok(p.events.length <= 5000);
  }
  // The clock starts once the history is in: every post before it is back-fill, every one after it live.
  assert.ok(clockStartedAfter !== undefined);
  const backfill = posts.slice(0, clockStartedAfter).flatMap((p) => p.events);
  const live = posts.slice(clockStartedAfter).flatMap((p) => p.events);
  const inferences = backfill.filter((e) => e.kind === 'inference');
  for (const service of SERVICES) {
    // ~4/min over 30 h (±50% diurnal averages out over a day and a quarter): ~7,200 per service, 1.5× that
    // for the classifier.
    const expected = 7200 * (service === 'flight-delay-classifier' ? CLASSIFIER_RATE : 1);
    const n = inferences.filter((e) => e.service === service).length;
    assert.ok(Math.abs(n / expected - 1) < 0.15, `${service}: ${n} back-filled requests`);
  }
  assert.ok(inferences.every((e) => Date.parse(e.ts) >= anchor - 30 * 3_600_000 && Date.parse(e.ts) < anchor));
  const canaryFrom = anchor + CANARY.startMin * 60_000;
  const fdc = inferences.filter((e) => e.service === 'flight-delay-classifier');
  assert.ok(fdc.every((e) => e.model === 'tree-v3' || (e.model === CANARY.model && Date.parse(e.ts) >= canaryFrom)));
  assert.ok(backfill.some((e) => e.kind === 'outcome') && backfill.every((e) => e.kind !== 'outcome' || Date.parse(e.ts) <= anchor));
  assert.ok(live.length > 0 && live.every((e) => Date.parse(e.ts) >= anchor));
  assert.deepEqual(new Set(live.filter((e) => e.kind === 'inference').map((e) => e.service)), new Set(SERVICES));
  const ids = [...backfill, ...live].map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  assert.equal(lines.filter((l) => l.includes('rejected 0')).length, 3, lines.join('\n'));
  // The timeline is printed before the live start, in real time at the default 10×.
  assert.ok(lines.some((l) => l.includes('10× faster than the wall clock')));
  assert.ok(lines.some((l) => /1:00 \(\+10 min\)\s+world-stats-assistant: GPU out of memory/.test(l)), lines.join('\n'));
});

test('a resumed demo keeps its baselines and back-fills only the gap since each service\'s last request', async () => {
  const start = Date.parse('2026-11-28T12:00:00.000Z') + 2_000;
  const lastServedMs = new Map([
    ['flight-delay-classifier', start - 30 * 60_000],
    ['movie-ranker', start - 5 * 60_000],
    ['world-stats-assistant', start - 40 * 3_600_000],
  ]);
  const { posts, baselines, lines, anchor, clockStartedAfter } = await run(1, { lastServedMs, speed: 1 });
  assert.equal(anchor, start);
  assert.deepEqual(baselines, [], 'services with history keep their baselines');
  const backfill = posts.slice(0, clockStartedAfter).flatMap((p) => p.events).filter((e) => e.kind === 'inference');
  for (const [service, from] of lastServedMs) {
    const ts = backfill.filter((e) => e.service === service).map((e) => Date.parse(e.ts));
    // The assistant's gap is longer than the 30 h of history the tuning back-fills.
    const expectedFrom = Math.max(from, anchor - 30 * 3_600_000);
    assert.ok(ts.length > 0 && ts.every((t) => t >= expectedFrom && t < anchor), service);
  }
  assert.ok(lines.some((l) => l.includes('flight-delay-classifier: back-filled 30 min')), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('server time is real time (demoSpeed 1)')));
});
