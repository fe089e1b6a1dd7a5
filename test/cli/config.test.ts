import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/cli/config.ts';
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
