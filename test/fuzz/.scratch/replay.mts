import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { startTestServer } from '/work/main/test/helpers/server.ts';
import { Ledger, opArb, shapeArb } from '/work/main/test/fuzz/batches.ts';
import { FUZZ_SPEC, NOW } from '/work/main/test/fuzz/events.ts';
import { post } from '/work/main/test/fuzz/http.ts';
const s = await startTestServer(FUZZ_SPEC, NOW, { logLevel: 'error' } as any);
const key = await s.key('ingest');
const ledger = new Ledger('h');
let n = 0;
await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), shapeArb, async (ops, shape) => {
  const req = ledger.build(ops, shape);
  const a = await post(s.url, '/v1/events', req.body, { authorization: `Bearer ${key}`, ...req.headers });
  n++;
  if (a.status >= 500) { writeFileSync('/tmp/fz/bad.bin', req.body); writeFileSync('/tmp/fz/bad.json', JSON.stringify(req.headers)); throw new Error('500 at ' + n); }
  if (a.status === 200) ledger.commit(req);
}), { seed: 0x5eed11, numRuns: 150, endOnFailure: true });
await s.stop();
