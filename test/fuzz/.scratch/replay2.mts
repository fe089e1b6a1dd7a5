import fc from 'fast-check';
import { appendFileSync } from 'node:fs';
import { startTestServer } from '../../helpers/server.ts';
import { Ledger, opArb, shapeArb } from '../batches.ts';
import { FUZZ_SPEC, NOW } from '../events.ts';
import { post } from '../http.ts';
const s = await startTestServer(FUZZ_SPEC, NOW, { logLevel: 'error' } as any);
const key = await s.key('ingest');
const ledger = new Ledger('h');
let n = 0, bad = 0;
await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), shapeArb, async (ops, shape) => {
  const req = ledger.build(ops, { ...shape, gzip: false });
  const a = await post(s.url, '/v1/events', req.body, { authorization: `Bearer ${key}`, ...req.headers });
  n++;
  if (a.status >= 500) { bad++; appendFileSync('/tmp/fz/bad-bodies.txt', req.body.toString('utf8') + '\n=====\n'); }
  if (a.status === 200) ledger.commit(req);
}), { seed: Number(process.argv[2] ?? 0x5eed11), numRuns: 400, endOnFailure: true });
console.error('requests', n, '5xx', bad);
await s.stop();
