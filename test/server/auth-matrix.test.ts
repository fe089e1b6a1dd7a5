/**
 * Keys are scoped (DESIGN §5, issue 9 item 6), checked over EVERY operation of the OpenAPI document the
 * server serves — a route added later is in the matrix without anyone writing a line for it:
 *
 * - no key, a malformed header, an unknown key, a key one character off, and a key revoked (by the
 *   `mlslo keys revoke` command's code, from another store connection, while the server runs) → 401;
 * - each role an operation's `security` does not list → 403 (ingest on read and admin routes, labeler
 *   outside labeling, read on admin and ingest routes), each role it lists and admin → past the check;
 * - a key scoped to another service → 403 on every operation about one service, its own scope passes;
 * - lists filtered to a scoped key's service, `?service=` and a body's `service` cannot widen it, events
 *   for another service are refused item by item (`forbidden_service`) and stored nowhere;
 * - notification targets on loopback, private, link-local (the metadata address), unique-local and
 *   IPv4-mapped addresses are refused unless allowPrivateTargets, and end to end nothing is sent there;
 * - `mlslo serve` logging at debug into a captured stream never writes a key.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { keysRevokeCommand } from '../../src/cli/commands/keys.ts';
import { checkTarget, privateAddressKind } from '../../src/engine/notify/target-guard.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Role } from '../../src/store/port.ts';
import { runCli } from '../helpers/cli.ts';
import { labelItems } from '../helpers/labeling.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const YESTERDAY = Date.parse('2026-11-27T00:00:00Z');
const MIN = 60_000;
const ROLES: readonly Role[] = ['ingest', 'read', 'labeler'];
const BIN = fileURLToPath(new URL('../../bin/mlslo', import.meta.url));
const iso = (t: number): string => new Date(t).toISOString();
/** The public id of a key `mlslo_<id>_<secret>`. */
const keyId = (key: string): string => key.split('_')[1]!;

function serviceSpec(name: string, hook: string): string {
  return `
apiVersion: mlslo/v1
kind: Service
metadata: {name: ${name}, owner: ${name}-ml, oncall: sre-${name}, tier: 1, public: true}
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.999, latency: 0.99, quality: 0.8}
  latency: {classes: [{name: all, thresholdMs: 1000}]}
  quality: {minSamples: 2}
  labeling: {dailyBudget: 20, overlap: 0}
  notify:
    oncall: {webhook: ${hook}}
`;
}

let seq = 0;
/** 20 requests a minute over [from, to) for `service`; in minutes where `burst` holds, half fail. */
function traffic(service: string, from: number, to: number, burst: (t: number) => boolean): unknown[] {
  const out: unknown[] = [];
  for (let t = from; t < to; t += MIN) {
    for (let i = 0; i < 20; i++) {
      const ts = iso(t + i * 1000);
      const id = `${service}-${seq++}`;
      out.push(burst(t) && i % 2 === 0
        ? { kind: 'inference', id, service, model: 'v1', ts, status: 'error', errorType: 'gpu_oom' }
        : { kind: 'inference', id, service, model: 'v1', ts, status: 'ok', latencyMs: 50, prediction: { label: 'x', score: 0.7 } });
    }
  }
  return out;
}

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly roles: readonly Role[] | undefined;
  readonly query: readonly string[];
  readonly body: { type: string; text: string } | undefined;
}

/** Every operation of an OpenAPI document: its roles (`undefined`: no key), required query parameters, and a small body of its first media type. */
function operationsOf(doc: any): Operation[] {
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const security = op.security as Array<Record<string, Role[]>>;
      assert.ok(Array.isArray(security), `${method} ${path} states its security`);
      const type = op.requestBody === undefined ? undefined : Object.keys(op.requestBody.content)[0]!;
      const text = type === undefined ? '' : type.includes('ndjson') ? '{"a":1}\n' : type.includes('csv') ? 'a\n1\n' : '{}';
      const query = ((op.parameters ?? []) as Array<{ name: string; in: string; required?: boolean }>).filter((p) => p.in === 'query' && p.required === true).map((p) => p.name);
      out.push({ method: method.toUpperCase(), path, roles: security.length === 0 ? undefined : security[0]!.apiKey, query, body: type === undefined ? undefined : { type, text } });
    }
  }
  return out;
}

/** The operations that act on one service, found by their path: the service comes from the name, or the id of a thing that belongs to one. */
const SERVICE_PARAMS = ['{name}', '/v1/alerts/{id}', '/v1/evals/{id}', '/v1/labeling/items/{id}'];
const aboutOneService = (op: Operation): boolean => SERVICE_PARAMS.some((p) => op.path.includes(p));

/** Query parameters an operation requires, with a value each (a new required parameter must be added here). */
const REQUIRED_QUERY: Readonly<Record<string, string>> = { from: iso(NOW - 60 * MIN), to: iso(NOW) };

describe('auth matrix over every operation of the OpenAPI document', () => {
  let s: TestServer;
  let hook: Receiver;
  let ops: Operation[];
  let admin: string;
  const unscoped = new Map<Role, string>();
  const ownScope = new Map<Role, string>();
  const otherScope = new Map<Role, string>();
  const ids = { alert: 'alpha/burn/errors/page', evalRun: '', item: '' };

  before(async () => {
    hook = await startReceiver();
    s = await startTestServer(`${serviceSpec('alpha', `${hook.url}/alpha`)}---${serviceSpec('beta', `${hook.url}/beta`)}`, NOW, { notifyInterval: '1h', evalInterval: '1h' });
    admin = await s.key('admin');
    for (const role of ROLES) {
      unscoped.set(role, await s.key(role));
      ownScope.set(role, await s.key(role, 'alpha'));
      otherScope.set(role, await s.key(role, 'beta'));
    }
    // Both services burn (alerts, history and deliveries for each), and alpha has yesterday's traffic to label.
    for (const svc of ['alpha', 'beta']) {
      const events = [...traffic(svc, YESTERDAY + 600 * MIN, YESTERDAY + 620 * MIN, () => false), ...traffic(svc, NOW - 60 * MIN, NOW, (t) => t >= NOW - 10 * MIN)];
      const r = await s.post(JSON.stringify(events), admin);
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.rejected, []);
    }
    await s.evaluate();
    await s.dispatch();
    const sample = await s.get('/v1/alerts', admin);
    assert.ok(sample.json.alerts.some((a: any) => a.id === ids.alert), 'alpha pages');
    assert.equal((await fetch(`${s.url}/v1/services/alpha/labeling/sample?day=2026-11-27`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } })).status, 200);
    const items = await labelItems(s, 'alpha');
    assert.ok(items.length > 0);
    ids.item = items[0]!.id;
    const store = await openStore(join(s.dir, 'data'));
    try {
      ids.evalRun = await store.createEvalRun({ service: 'alpha', kind: 'golden', name: 'smoke', goldenSetId: 'g1', trigger: 'api', startedAt: NOW, model: '', total: 1 });
    } finally {
      await store.close();
    }

    const live = await s.get('/openapi.json');
    assert.equal(live.status, 200);
    ops = operationsOf(live.json);
    // The committed document says the same (test/server/openapi.test.ts checks the rest of it).
    const committed = operationsOf(JSON.parse(readFileSync(fileURLToPath(new URL('../../docs/openapi.json', import.meta.url)), 'utf8')));
    assert.deepEqual(ops.map((o) => [o.method, o.path, o.roles]), committed.map((o) => [o.method, o.path, o.roles]));
    assert.ok(ops.length >= 30, `${ops.length} operations`);
  });

  after(async () => {
    await s?.stop();
    await hook?.close();
  });

  /** The operation's URL about alpha (or about nothing), with its required query parameters. */
  function urlOf(op: Operation): string {
    const path = op.path
      .replace('{name}', 'alpha')
      .replace('{set}', 'smoke')
      .replace('{id}', encodeURIComponent(op.path.startsWith('/v1/alerts/') ? ids.alert : op.path.startsWith('/v1/evals/') ? ids.evalRun : ids.item));
    assert.ok(!path.includes('{'), `a value for every parameter of ${op.path}`);
    return `${s.url}${path}`;
  }

  async function call(op: Operation, authorization: string | undefined, url = urlOf(op)): Promise<{ status: number; json: any }> {
    const headers: Record<string, string> = {};
    if (authorization !== undefined) headers.authorization = authorization;
    if (op.body !== undefined) headers['content-type'] = op.body.type;
    const u = new URL(url);
    for (const k of op.query) {
      assert.ok(REQUIRED_QUERY[k] !== undefined, `a value for the required query parameter ${k} of ${op.path}`);
      if (!u.searchParams.has(k)) u.searchParams.set(k, REQUIRED_QUERY[k]);
    }
    const res = await fetch(u, { method: op.method, headers, ...(op.body === undefined ? {} : { body: op.body.text }) });
    const text = await res.text();
    let json: any = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON (the status page, /metrics)
    }
    return { status: res.status, json };
  }

  const what = (op: Operation, who: string, r: { status: number; json: any }): string => `${op.method} ${op.path} with ${who}: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`;

  function assertRefused(op: Operation, who: string, r: { status: number; json: any }, status: 401 | 403): void {
    assert.equal(r.status, status, what(op, who, r));
    assert.equal(r.json.error.code, status === 401 ? 'MLSLO_ERR_UNAUTHENTICATED' : 'MLSLO_ERR_FORBIDDEN', what(op, who, r));
  }

  function assertPassed(op: Operation, who: string, r: { status: number; json: any }): void {
    assert.ok(r.status !== 401 && r.status !== 403 && r.status < 500, what(op, who, r));
  }

  test('every operation that takes a key: none, malformed, unknown, one character off, or revoked → 401', async () => {
    const revoked = await s.key('admin');
    const keyed = ops.filter((o) => o.roles !== undefined);
    // Before: the key works, and is known to the server (it was used).
    for (const op of keyed) assertPassed(op, 'the admin key', await call(op, `Bearer ${revoked}`));
    await keysRevokeCommand(keyId(revoked), { data: join(s.dir, 'data') });
    assert.equal(process.exitCode ?? 0, 0);

    const good = unscoped.get('read')!;
    const offByOne = `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`;
    const unknown = `mlslo_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    const cases: Array<[string, string | undefined]> = [
      ['no Authorization header', undefined],
      ['an empty bearer', 'Bearer '],
      ['another scheme', `Basic ${Buffer.from(`x:${good}`).toString('base64')}`],
      ['two tokens', `Bearer ${good} ${good}`],
      ['an unknown key', `Bearer ${unknown}`],
      ['a key one character off', `Bearer ${offByOne}`],
      ['a revoked admin key', `Bearer ${revoked}`],
    ];
    for (const op of keyed) {
      for (const [who, header] of cases) assertRefused(op, who, await call(op, header), 401);
    }
  });

  test('every operation: roles its security does not list → 403; roles it lists, and admin, pass', async () => {
    let refusals = 0;
    for (const op of ops.filter((o) => o.roles !== undefined)) {
      for (const role of ROLES) {
        const r = await call(op, `Bearer ${unscoped.get(role)!}`);
        if (op.roles!.includes(role)) assertPassed(op, `an unscoped ${role} key`, r);
        else {
          assertRefused(op, `an unscoped ${role} key`, r, 403);
          refusals++;
        }
      }
      assertPassed(op, 'an admin key', await call(op, `Bearer ${admin}`));
    }
    // The families the brief names are all in the matrix: ingest on read and admin routes, labeler
    // outside labeling, read on admin routes.
    const listing = (role: Role) => ops.filter((o) => o.roles?.includes(role) === true);
    assert.ok(listing('read').length >= 15 && listing('ingest').length >= 3 && listing('labeler').length >= 5, 'every role has its routes');
    assert.ok(ops.some((o) => o.roles?.length === 1 && o.roles[0] === 'admin'), 'admin-only routes exist');
    assert.ok(refusals >= 60, `${refusals} refusals`);
  });

  test('every operation about one service: a key scoped to another service → 403, its own scope passes', async () => {
    const scoped = ops.filter((o) => o.roles !== undefined && aboutOneService(o));
    assert.ok(scoped.length >= 20, `${scoped.length} operations about one service`);
    for (const op of scoped) {
      for (const role of op.roles!.filter((r): r is Role => r !== 'admin')) {
        assertRefused(op, `a ${role} key scoped to beta`, await call(op, `Bearer ${otherScope.get(role)!}`), 403);
        assertPassed(op, `a ${role} key scoped to alpha`, await call(op, `Bearer ${ownScope.get(role)!}`));
      }
    }
  });

  test('service names cannot be enumerated: a missing service answers as an existing one until the key passes', async () => {
    const scoped = ops.filter((o) => o.roles !== undefined && o.path.includes('{name}'));
    assert.ok(scoped.length >= 18, `${scoped.length} operations with a service in the path`);
    const missing = (op: Operation): string => urlOf(op).replace('/v1/services/alpha', '/v1/services/nope');
    for (const op of scoped) {
      assertRefused(op, 'no key, a missing service', await call(op, undefined, missing(op)), 401);
      assertRefused(op, 'no key, an existing service', await call(op, undefined), 401);
      const role = op.roles!.find((r): r is Role => r !== 'admin');
      if (role !== undefined) assertRefused(op, `a ${role} key scoped to beta, a missing service`, await call(op, `Bearer ${otherScope.get(role)!}`, missing(op)), 403);
      const r = await call(op, `Bearer ${admin}`, missing(op));
      assert.equal(r.status, 404, what(op, 'the admin key, a missing service', r));
    }
  });

  test('operations about every service: a scoped key sees its own only; ?service= and a body cannot widen it', async () => {
    const beta = (role: Role): string => `Bearer ${otherScope.get(role)!}`;
    const op = (method: string, path: string): Operation => {
      const o = ops.find((x) => x.method === method && x.path === path);
      assert.ok(o !== undefined, `${method} ${path} is in the document`);
      return o;
    };
    const checks: Record<string, () => Promise<void>> = {
      'GET /metrics': async () => {
        // Metrics span every service: a scoped key is refused outright.
        assertRefused(op('GET', '/metrics'), 'a read key scoped to beta', await call(op('GET', '/metrics'), beta('read')), 403);
      },
      'GET /v1/alerts': async () => {
        const o = op('GET', '/v1/alerts');
        const r = await call(o, beta('read'));
        assert.equal(r.status, 200);
        assert.ok(r.json.alerts.length > 0 && r.json.alerts.every((a: any) => a.service === 'beta'), what(o, 'beta read', r));
        const widened = await call(o, beta('read'), `${s.url}/v1/alerts?service=alpha`);
        assert.ok(widened.status === 400 || (widened.status === 200 && widened.json.alerts.every((a: any) => a.service === 'beta')), what(o, '?service=alpha', widened));
      },
      'GET /v1/alerts/history': async () => {
        const o = op('GET', '/v1/alerts/history');
        const r = await call(o, beta('read'));
        assert.ok(r.json.transitions.length > 0 && r.json.transitions.every((t: any) => t.service === 'beta'), what(o, 'beta read', r));
        assertRefused(o, '?service=alpha', await call(o, beta('read'), `${s.url}/v1/alerts/history?service=alpha`), 403);
      },
      'GET /v1/retrain': async () => {
        const o = op('GET', '/v1/retrain');
        const r = await call(o, beta('read'));
        assert.equal(r.status, 200);
        assert.ok(r.json.requests.every((x: any) => x.service === 'beta'), what(o, 'beta read', r));
        assertRefused(o, '?service=alpha', await call(o, beta('read'), `${s.url}/v1/retrain?service=alpha`), 403);
      },
      'GET /v1/services': async () => {
        const o = op('GET', '/v1/services');
        const r = await call(o, beta('read'));
        assert.deepEqual(r.json.services.map((x: any) => x.name), ['beta'], what(o, 'beta read', r));
        const widened = await call(o, beta('read'), `${s.url}/v1/services?service=alpha`);
        assert.ok(widened.status === 400 || JSON.stringify(widened.json.services.map((x: any) => x.name)) === '["beta"]', what(o, '?service=alpha', widened));
      },
      'GET /v1/info': async () => {
        assert.equal((await call(op('GET', '/v1/info'), beta('read'))).status, 200, 'the server, not a service');
      },
      'GET /v1/whoami': async () => {
        const r = await call(op('GET', '/v1/whoami'), beta('ingest'));
        assert.deepEqual([r.status, r.json.role, r.json.service], [200, 'ingest', 'beta']);
      },
      'GET /v1/labeling/queues': async () => {
        const r = await call(op('GET', '/v1/labeling/queues'), beta('labeler'));
        assert.deepEqual(r.json.queues.map((q: any) => q.service), ['beta']);
      },
      'POST /v1/labeling/lease': async () => {
        const o = op('POST', '/v1/labeling/lease');
        const smuggled = await fetch(`${s.url}/v1/labeling/lease`, {
          method: 'POST', headers: { authorization: beta('labeler'), 'content-type': 'application/json' }, body: JSON.stringify({ service: 'alpha' }),
        });
        assertRefused(o, 'a beta labeler asking for alpha in the body', { status: smuggled.status, json: await smuggled.json() }, 403);
        const plain = await call(o, beta('labeler'));
        assert.equal(plain.status, 200);
        assert.ok(plain.json.item === null || plain.json.item.service === 'beta', what(o, 'beta labeler', plain));
      },
      'POST /v1/events': async () => {
        // The tenant never comes from the body: an ingest key scoped to alpha sends events for beta.
        const before = await s.get('/v1/services/beta/report?window=1d', admin);
        const items = [...traffic('alpha', NOW - 2 * MIN, NOW - MIN, () => false).slice(0, 2), ...traffic('beta', NOW - 2 * MIN, NOW - MIN, () => false).slice(0, 3)];
        const r = await s.post(JSON.stringify(items), ownScope.get('ingest')!);
        assert.equal(r.status, 200);
        assert.equal(r.json.accepted, 2);
        assert.deepEqual(r.json.rejected.map((x: any) => [x.index, x.code, x.path]), [[2, 'forbidden_service', '/service'], [3, 'forbidden_service', '/service'], [4, 'forbidden_service', '/service']]);
        const afterwards = await s.get('/v1/services/beta/report?window=1d', admin);
        assert.deepEqual(afterwards.json.errors, before.json.errors, 'nothing was stored for beta');
      },
    };
    const global = ops.filter((o) => o.roles !== undefined && !aboutOneService(o)).map((o) => `${o.method} ${o.path}`).sort();
    assert.deepEqual(global, Object.keys(checks).sort(), 'every operation about every service has its scope check here');
    for (const check of Object.values(checks)) await check();
  });

  test('operations without a key answer without one', async () => {
    const open = ops.filter((o) => o.roles === undefined);
    assert.deepEqual(open.map((o) => o.path).sort(), ['/healthz', '/openapi.json', '/status', '/status.json']);
    for (const op of open) assert.equal((await call(op, undefined)).status, 200, `${op.method} ${op.path}`);
  });
});

describe('notification targets on private networks are refused unless allowed', () => {
  const REFUSED: ReadonlyArray<[string, RegExp]> = [
    ['http://127.0.0.1:9/hook', /loopback/],
    ['http://127.1/hook', /loopback/],
    ['http://2130706433/hook', /loopback/],
    ['http://[::1]/hook', /loopback/],
    ['http://localhost/hook', /loopback/],
    ['http://10.1.2.3/hook', /private/],
    ['http://172.16.0.1/hook', /private/],
    ['http://172.31.255.254/hook', /private/],
    ['http://192.168.1.10/hook', /private/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://169.254.10.20/hook', /link-local/],
    ['http://[fe80::1]/hook', /link-local/],
    ['http://[fc00::1]/hook', /unique-local/],
    ['http://[fd12:3456:789a::1]/hook', /unique-local/],
    ['http://[::ffff:127.0.0.1]/hook', /loopback/],
    ['http://[::ffff:10.0.0.1]/hook', /private/],
    ['http://[::ffff:169.254.169.254]/hook', /link-local/],
    ['http://[::ffff:192.168.0.1]/hook', /private/],
    ['http://0.0.0.0/hook', /unspecified/],
    ['http://[::]/hook', /unspecified/],
  ];

  test('each address class, in every spelling, is refused with its reason; allowed with allowPrivateTargets', async () => {
    for (const [url, why] of REFUSED) {
      const r = await checkTarget(url, false);
      assert.equal(r.ok, false, url);
      if (!r.ok) {
        assert.match(r.reason, why, url);
        assert.match(r.reason, /allowPrivateTargets: true/);
      }
      assert.deepEqual(await checkTarget(url, true), { ok: true }, `${url} with allowPrivateTargets`);
    }
    // The edges of the ranges are public.
    for (const a of ['172.15.255.255', '172.32.0.1', '169.253.255.255', '11.0.0.1', '192.169.0.1', '2001:4860:4860::8888']) {
      assert.equal(privateAddressKind(a), undefined, a);
    }
    assert.deepEqual(await checkTarget('http://93.184.216.34/hook', false), { ok: true });
    assert.equal((await checkTarget('file:///etc/passwd', true)).ok, false, 'only http and https, even when private targets are allowed');
  });

  test('end to end: a server without allowPrivateTargets sends nothing to a live loopback receiver or the metadata address', async () => {
    const rx = await startReceiver();
    const spec = `
apiVersion: mlslo/v1
kind: Service
metadata: {name: alpha, owner: alpha-ml, oncall: sre-alpha, tier: 1}
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.999, latency: 0.99, quality: 0.8}
  latency: {classes: [{name: all, thresholdMs: 1000}]}
  notify:
    oncall:
      webhook: ${rx.url}/hook
      slack: http://[::ffff:127.0.0.1]:${rx.port}/slack
      alertmanager: http://169.254.169.254/
      pagerduty: {routingKey: R0UTINGKEY}
`;
    const s = await startTestServer(spec, NOW, {
      allowPrivateTargets: false, notifyInterval: '1h', evalInterval: '1h', notifyTimeout: '2s', pagerdutyUrl: `http://[::1]:${rx.port}/v2/enqueue`,
    });
    try {
      const admin = await s.key('admin');
      await s.post(JSON.stringify(traffic('alpha', NOW - 60 * MIN, NOW, (t) => t >= NOW - 10 * MIN)), admin);
      await s.evaluate();
      const pass = await s.dispatch();
      assert.ok(pass.claimed >= 4 && pass.failed === pass.claimed, JSON.stringify(pass));
      assert.equal(rx.requests.length, 0, 'nothing reached the loopback receiver');
      const log = await s.get(`/v1/alerts/${encodeURIComponent('alpha/burn/errors/page')}/deliveries`, admin);
      assert.deepEqual(log.json.deliveries.map((d: any) => d.channel).sort(), ['alertmanager', 'pagerduty', 'slack', 'webhook']);
      for (const d of log.json.deliveries) {
        assert.equal(d.status, 'failed');
        assert.match(d.lastError, /^MLSLO_ERR_TARGET_REFUSED: .*(loopback|link-local)/, d.lastError);
      }
    } finally {
      await s.stop();
      await rx.close();
    }
  });
});

describe('keys are never logged', () => {
  test('`mlslo serve` at log level debug: requests with every kind of key, and no key string in its output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlslo-keylog-'));
    const data = join(dir, 'data');
    writeFileSync(join(dir, 'spec.yaml'), serviceSpec('alpha', 'http://127.0.0.1:9/hook'));
    writeFileSync(join(dir, 'mlslo.yaml'), `port: 0\ndata: ${data}\nspecs: [${join(dir, 'spec.yaml')}]\nlogLevel: debug\nevalInterval: 1h\nnotifyInterval: 1h\n`);
    const child = spawn(process.execPath, [BIN, 'serve', '--config', join(dir, 'mlslo.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await waitFor('the server URL', () => /listening on (http:\/\/\S+)/.exec(output)?.[1], 60_000);
      const keys: string[] = [];
      for (const args of [['--role', 'admin'], ['--role', 'read'], ['--role', 'ingest', '--service', 'alpha'], ['--role', 'labeler'], ['--role', 'read', '--service', 'beta']]) {
        const r = await runCli(['keys', 'create', ...args, '--data', data]);
        assert.equal(r.code, 0, r.stderr);
        keys.push(r.stdout.trim());
      }
      const revoked = keys[1]!;
      await keysRevokeCommand(keyId(revoked), { data });
      const unknown = `mlslo_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
      const send = async (path: string, key: string, init: RequestInit = {}): Promise<number> => {
        const res = await fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'x-api-key': key, ...(init.headers as Record<string, string> | undefined) } });
        await res.arrayBuffer();
        return res.status;
      };
      const statuses = new Set<number>();
      for (const key of [...keys, unknown, `${keys[0]!}x`]) {
        for (const path of ['/v1/services', '/v1/services/alpha/report', '/v1/services/nope/report', '/v1/whoami', '/metrics', '/v1/nope', '/healthz', '/status']) {
          statuses.add(await send(path, key));
        }
        statuses.add(await send('/v1/events', key, { method: 'POST', body: '[{"kind":"inference",', headers: { 'content-type': 'application/json' } }));
        statuses.add(await send('/v1/events', key, { method: 'POST', body: JSON.stringify(traffic('alpha', NOW - MIN, NOW, () => true).slice(0, 2)), headers: { 'content-type': 'application/json' } }));
      }
      for (const s of [200, 400, 401, 403, 404]) assert.ok(statuses.has(s), `answered ${s} too (${[...statuses].join(', ')})`);
      child.kill('SIGINT');
      assert.equal(await exited, 0, output.slice(-2000));
      // The log is really at debug: requests are in it.
      assert.match(output, /incoming request/);
      assert.match(output, /\/v1\/services\/alpha\/report/);
      for (const key of [...keys, unknown]) {
        const secret = key.split('_').slice(2).join('_');
        assert.ok(!output.includes(secret), `the secret of ${keyId(key)} is in the server's output`);
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
