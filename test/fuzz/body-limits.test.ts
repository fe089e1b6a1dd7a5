/**
 * DESIGN §5: "gzip bombs and oversize bodies are refused with bounded memory". A real server runs in a
 * process of its own (server-child.ts); bombs of a few KB to 1 MB that inflate to 64 MiB – 1 GiB, and
 * oversize plain and chunked bodies, are each refused with 413 `MLSLO_ERR_BODY_TOO_LARGE`, and the
 * server process's peak RSS (Linux VmHWM, reset before the bombs) grows by less than a stated bound —
 * a fixed number of body limits, far below what inflating any one bomb would take. Nothing is timed.
 * Then the limits' edges on a small-limit server: exactly the limit passes, one byte or item more is 413.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { FUZZ_SPEC, NOW, toJson } from './events.ts';
import { chunkedBody, post, raw } from './http.ts';

const MiB = 1024 * 1024;
const LIMIT = 10 * MiB; // the default body limit, which the child server runs with
/**
 * Peak RSS growth allowed while all bombs are refused: the raw body (≤ 1 limit), the inflate output
 * (≤ 1 limit) and garbage of earlier refusals not yet collected, with room for V8's heap growth.
 */
const PEAK_BOUND_MIB = 8 * (LIMIT / MiB);
/** Heap + external growth allowed after everything is refused and collected: nothing is kept. */
const RETAINED_BOUND_MIB = 16;

interface Mem { rss: number; peak: number; heap: number; external: number }

let child: ChildProcess;
let url: string;
let key: string;

function ask<T>(message: string, field: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (field in m) {
        child.off('message', on);
        resolve(m[field] as T);
      }
    };
    child.on('message', on);
    child.send(message);
  });
}

const linux = existsSync('/proc/self/clear_refs');

before(async () => {
  child = fork(new URL('./server-child.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  ({ url, key } = await new Promise<{ url: string; key: string }>((resolve, reject) => {
    child.once('message', (m: { ready?: { url: string; key: string } }) => (m.ready === undefined ? reject(new Error('no ready')) : resolve(m.ready)));
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  }));
});
after(async () => {
  await ask('stop', 'never').catch(() => undefined);
});

/** 64 MiB of spaces: about 64 KiB of gzip (zlib's ratio tops out near 1030:1). */
const bomb64 = gzipSync(Buffer.alloc(64 * MiB, 0x20), { level: 9 });

test('gzip bombs and oversize bodies: 413 each, and the server process\'s memory stays bounded', { skip: !linux && 'needs /proc (Linux)', timeout: 600_000 }, async () => {
  const send = (body: Buffer, headers: Record<string, string> = {}) => post(url, '/v1/events', body, { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers });
  const item = toJson({ kind: 'inference', id: 'warm-1', service: 'fz-cls', ts: '2026-11-28T09:00:00Z', status: 'ok', latencyMs: 1 });
  // Warm up every path once (zlib, the 413 path, a store write), so one-time allocations are not counted.
  assert.equal((await send(Buffer.from(`[${item}]`))).status, 200);
  assert.equal((await send(bomb64, { 'content-encoding': 'gzip' })).status, 413);
  await ask('reset', 'reset');
  const before = await ask<Mem>('mem', 'mem');

  const members16 = Buffer.concat(Array.from({ length: 16 }, () => bomb64)); // ~1 MiB inflating to 1 GiB
  const bombs: Array<[string, Buffer, Record<string, string>]> = [
    ['64 MiB from 64 KiB', bomb64, { 'content-encoding': 'gzip' }],
    ['1 GiB from 1 MiB (16 gzip members)', members16, { 'content-encoding': 'gzip' }],
    ['64 MiB as NDJSON', bomb64, { 'content-encoding': 'gzip', 'content-type': 'application/x-ndjson' }],
    ['just over the limit', gzipSync(Buffer.alloc(LIMIT + 1, 0x20)), { 'content-encoding': 'gzip' }],
  ];
  let inflatable = 0;
  for (let round = 0; round < 5; round++) {
    for (const [name, body, headers] of bombs) {
      const a = await send(body, headers);
      assert.equal(a.status, 413, `${name}: ${a.text.slice(0, 200)}`);
      assert.equal(a.json.error.code, 'MLSLO_ERR_BODY_TOO_LARGE', name);
      inflatable += name.startsWith('1 GiB') ? 1024 : name.startsWith('64') ? 64 : LIMIT / MiB;
    }
    // Plain bodies over the limit, declared and chunked, sent in full: the server refuses them and
    // closes, which may reset the connection under the rest of the upload (status 0, answer unread).
    const head = `POST /v1/events HTTP/1.1\nHost: x\nAuthorization: Bearer ${key}\nContent-Type: application/json\nConnection: close\n`;
    assert.ok([413, 0].includes((await send(Buffer.alloc(5 * LIMIT, 0x20))).status));
    assert.ok([413, 0].includes((await raw(url, `${head}Transfer-Encoding: chunked\n`, Buffer.concat([chunkedBody(3 * LIMIT), Buffer.from('0\r\n\r\n')]))).status));
    // The same two, stopping where the answer can be read: 413.
    assert.equal((await raw(url, `${head}Content-Length: ${5 * LIMIT}\n`, Buffer.alloc(0), false)).status, 413);
    assert.equal((await raw(url, `${head}Transfer-Encoding: chunked\n`, chunkedBody(LIMIT + 16), false)).status, 413);
  }
  const peak = await ask<Mem>('mem', 'mem');
  const growth = peak.peak - before.rss;
  const retained = peak.heap + peak.external - (before.heap + before.external);
  console.log(`# memory: RSS ${before.rss.toFixed(1)} MiB before; peak ${peak.peak.toFixed(1)} MiB while refusing bombs that would inflate to ${inflatable} MiB in all `
    + `(growth ${growth.toFixed(1)} MiB, bound ${PEAK_BOUND_MIB}); heap+external retained ${retained.toFixed(1)} MiB (bound ${RETAINED_BOUND_MIB})`);
  assert.ok(growth < PEAK_BOUND_MIB, `peak RSS grew ${growth.toFixed(1)} MiB`);
  assert.ok(retained < RETAINED_BOUND_MIB, `${retained.toFixed(1)} MiB retained`);
  // Still serving.
  assert.equal((await send(Buffer.from(`[${item.replace('warm-1', 'warm-2')}]`))).json.accepted, 1);
});

test('the limits\' edges: exactly the limit passes; one byte or one item more is 413', async () => {
  const maxBytes = 64 * 1024;
  const s: TestServer = await startTestServer(FUZZ_SPEC, NOW, { maxBodyBytes: maxBytes, maxItems: 100 });
  try {
    const k = await s.key('ingest');
    const send = (body: Buffer | string, headers: Record<string, string> = {}) => post(s.url, '/v1/events', Buffer.from(body), { authorization: `Bearer ${k}`, 'content-type': 'application/json', ...headers });
    const padded = (n: number) => `[1${' '.repeat(n - 3)}]`; // a one-item JSON array of exactly n bytes
    const code = (a: { json: any }) => a.json?.error?.code as string | undefined;
    assert.equal((await send(padded(maxBytes))).status, 200);
    assert.equal(code(await send(padded(maxBytes + 1))), 'MLSLO_ERR_BODY_TOO_LARGE');
    assert.equal((await send(gzipSync(padded(maxBytes)), { 'content-encoding': 'gzip' })).status, 200);
    assert.equal(code(await send(gzipSync(padded(maxBytes + 1)), { 'content-encoding': 'gzip' })), 'MLSLO_ERR_BODY_TOO_LARGE');
    const items = (n: number) => `[${Array(n).fill('1').join(',')}]`;
    assert.equal((await send(items(100))).json.rejected.length, 100);
    assert.equal(code(await send(items(101))), 'MLSLO_ERR_TOO_MANY_ITEMS');
    const lines = (n: number) => Array(n).fill('1').join('\n\n');
    assert.equal((await send(lines(100), { 'content-type': 'application/x-ndjson' })).json.rejected.length, 100);
    assert.equal(code(await send(lines(101), { 'content-type': 'application/x-ndjson' })), 'MLSLO_ERR_TOO_MANY_ITEMS');
  } finally {
    await s.stop();
  }
});
