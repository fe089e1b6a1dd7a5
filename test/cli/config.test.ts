import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, resolveConfig, storeConfigOf } from '../../src/cli/config.ts';
import type { MlsloError } from '../../src/core/errors.ts';

test('flags override the file, which overrides the defaults; the result is frozen', () => {
  const c = resolveConfig({ port: 8000, host: '127.0.0.2', maxEventAge: '3d' }, { port: 9000 }, 'f.yaml');
  assert.equal(c.port, 9000);
  assert.equal(c.host, '127.0.0.2');
  assert.equal(c.maxEventAge, '3d');
  assert.equal(c.data, DEFAULT_CONFIG.data);
  assert.ok(Object.isFrozen(c));
});

test('unknown keys and bad values are errors naming the key', () => {
  assert.throws(() => resolveConfig({ prot: 1 } as never, {}, 'f.yaml'), (e: MlsloError) =>
    e.code === 'MLSLO_ERR_CONFIG_INVALID' && /f\.yaml: unknown key `prot`/.test(e.message));
  assert.throws(() => resolveConfig({ port: '80' } as never, {}, 'f.yaml'), /port must be integer/);
  assert.throws(() => resolveConfig({ maxEventAge: 'week' }, {}, 'f.yaml'), /maxEventAge must be a duration/);
});

test('store: clickhouse takes its block from file and flags key by key, the password from the environment', () => {
  const file = { store: 'clickhouse', clickhouse: { url: 'http://ch:8123', database: 'prod', password: 'in-file' } } as const;
  const c = resolveConfig(file, { clickhouse: { database: 'staging' } as never }, 'f.yaml', { MLSLO_CLICKHOUSE_PASSWORD: 's3cret' });
  assert.deepEqual(c.clickhouse, { url: 'http://ch:8123', database: 'staging', password: 's3cret' });
  assert.deepEqual(storeConfigOf(c), { store: 'clickhouse', data: DEFAULT_CONFIG.data, clickhouse: c.clickhouse });
  assert.ok(Object.isFrozen(c.clickhouse));
  // No environment password: the file's stands.
  assert.equal(resolveConfig(file, {}, 'f.yaml', {}).clickhouse?.password, 'in-file');
});

test('the default store is SQLite; switching back keeps a clickhouse block without using it', () => {
  assert.equal(DEFAULT_CONFIG.store, 'sqlite');
  assert.equal(DEFAULT_CONFIG.role, 'all');
  const c = resolveConfig({ store: 'sqlite', data: '/d', clickhouse: { url: 'http://ch:8123', database: 'prod' } }, {}, 'f.yaml', {});
  assert.deepEqual(storeConfigOf(c), { store: 'sqlite', data: '/d' });
});

test('store and role combinations that cannot work are refused, naming the keys', () => {
  const bad = (file: object, re: RegExp): void => {
    assert.throws(() => resolveConfig(file, {}, 'f.yaml', {}), (e: MlsloError) => e.code === 'MLSLO_ERR_CONFIG_INVALID' && re.test(e.message));
  };
  bad({ store: 'clickhouse' }, /store: clickhouse needs clickhouse\.url and clickhouse\.database/);
  bad({ store: 'clickhouse', clickhouse: { url: 'http://ch:8123' } }, /needs clickhouse\.url and clickhouse\.database/);
  bad({ store: 'postgres' }, /store must be equal to one of the allowed values/);
  bad({ clickhouse: { url: 'ch:8123', database: 'x' } }, /clickhouse\.url must match pattern/);
  bad({ clickhouse: { url: 'http://ch', database: 'x', pasword: 'typo' } }, /unknown key `clickhouse\.pasword`/);
  bad({ clickhouse: 'http://ch' }, /clickhouse must be object/);
  bad({ role: 'worker' }, /role must be equal to one of the allowed values/);
  bad({ role: 'api', demo: true }, /the demo runs in one process: it needs role all, not api/);
});
