/** DESIGN §5: notification targets on private, loopback, link-local or unique-local addresses are refused unless allowed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTarget, privateAddressKind } from '../../../src/engine/notify/target-guard.ts';

test('address classes', () => {
  const cases: Array<[string, string | undefined]> = [
    ['127.0.0.1', 'loopback'], ['127.8.9.1', 'loopback'], ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'], ['169.254.169.254', 'link-local'], ['0.0.0.0', 'unspecified'], ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['::1', 'loopback'], ['::', 'unspecified'], ['fd00::1', 'unique-local'], ['fc12::1', 'unique-local'], ['fe80::1', 'link-local'],
    ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'], ['::ffff:a9fe:a9fe', 'link-local'], ['64:ff9b::10.0.0.1', 'private'],
    ['8.8.8.8', undefined], ['172.32.0.1', undefined], ['1.1.1.1', undefined], ['2606:4700::1111', undefined], ['::ffff:8.8.8.8', undefined],
  ];
  for (const [a, why] of cases) assert.equal(privateAddressKind(a), why, a);
});

test('literal IPs are checked directly; host names through DNS (every address)', async () => {
  const noDns = (): Promise<never> => Promise.reject(new Error('no DNS expected'));
  assert.deepEqual(await checkTarget('http://8.8.8.8/hook', false, noDns), { ok: true });
  const lo = await checkTarget('http://127.0.0.1:9093/', false, noDns);
  assert.equal(lo.ok, false);
  assert.match(!lo.ok ? lo.reason : '', /host 127\.0\.0\.1 is a loopback address; set allowPrivateTargets: true/);
  assert.equal((await checkTarget('http://[::1]:80/x', false, noDns)).ok, false);
  assert.equal((await checkTarget('http://[::ffff:127.0.0.1]/', false, noDns)).ok, false, 'IPv4-mapped loopback');
  assert.equal((await checkTarget('http://2130706433/', false, noDns)).ok, false, 'decimal IPv4 is normalised by the URL parser');
  const mixed = await checkTarget('https://hooks.example/SECRET', false, () => Promise.resolve([{ address: '93.184.216.34' }, { address: '10.0.0.5' }]));
  assert.equal(mixed.ok, false);
  assert.ok(!mixed.ok && !mixed.reason.includes('SECRET'), 'the reason never quotes the path');
  assert.match(!mixed.ok ? mixed.reason : '', /hooks\.example resolves to 10\.0\.0\.5, a private address/);
  assert.deepEqual(await checkTarget('https://hooks.example/x', false, () => Promise.resolve([{ address: '93.184.216.34' }])), { ok: true });
  // The real resolver: localhost is loopback.
  assert.equal((await checkTarget('http://localhost:9/', false)).ok, false);
  await assert.rejects(checkTarget('https://hooks.example/x', false, () => Promise.reject(new Error('ENOTFOUND'))), /ENOTFOUND/, 'DNS failures are retried, not refused');
});

test('allowed when the serve config says so; never a non-http scheme', async () => {
  assert.deepEqual(await checkTarget('http://127.0.0.1:9/', true), { ok: true });
  assert.equal((await checkTarget('file:///etc/passwd', true)).ok, false);
  assert.equal((await checkTarget('not a url', true)).ok, false);
});
