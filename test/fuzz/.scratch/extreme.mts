import { startTestServer } from '../../helpers/server.ts';
import { FUZZ_SPEC, NOW } from '../events.ts';
import { post } from '../http.ts';
const s = await startTestServer(FUZZ_SPEC, NOW, { logLevel: 'error' } as any);
const key = await s.key('ingest');
const read = await s.key('read');
const ts = new Date(NOW - 120000).toISOString();
const M = 1.7976931348623157e308;
let i = 0;
const inf = (svc: string, extra: object) => ({ kind: 'inference', id: `x${++i}`, service: svc, ts, status: 'ok', latencyMs: M, ...extra });
const out = (svc: string, rid: string, extra: object) => ({ kind: 'outcome', requestId: rid, id: `o${++i}`, service: svc, ts, source: 'ground_truth', samplingProb: 1e-12, ...extra });
const batches = [
  [inf('fz-reg', { prediction: { value: M } }), out('fz-reg', `x${i}`, { value: -M })],
  [inf('fz-reg', { prediction: { value: -M } }), out('fz-reg', `x${i}`, { value: M })],
  [inf('fz-gen', { prediction: { text: 'a' } }), out('fz-gen', `x${i}`, { source: 'judge', scores: { factuality: M, other: -M } })],
  [inf('fz-cls', { prediction: { label: 'fraud', score: 1, probabilities: { fraud: 1, legit: 1 } } }), out('fz-cls', `x${i}`, { label: 'fraud' })],
  [inf('fz-rank', { prediction: { items: Array.from({length: 1000}, (_, k) => k) } }), out('fz-rank', `x${i}`, { relevant: Array.from({length: 10000}, (_, k) => k) })],
  [inf('fz-cls', { prediction: { label: 1e300 } }), out('fz-cls', `x${i}`, { source: 'feedback', feedback: { clicked: true, dwellMs: M } })],
  [inf('fz-cls', { latencyMs: 5e-324, input: { tokens: M } })],
  [inf('fz-cls', { latencyMs: 0, input: { tokens: -M } , cohort: { region: 'x'.repeat(100000) } })],
];
for (const b of batches) {
  const a = await post(s.url, '/v1/events', Buffer.from(JSON.stringify(b)), { authorization: `Bearer ${key}`, 'content-type': 'application/json' });
  console.log(a.status, a.text.slice(0, 200));
}
for (const svc of ['fz-cls', 'fz-reg', 'fz-gen', 'fz-rank']) {
  for (const path of ['report', 'quality', 'series', 'drift']) {
    const r = await s.get(`/v1/services/${svc}/${path}`, read);
    if (r.status >= 500 || path === 'report') console.log(svc, path, r.status, JSON.stringify(r.json).slice(0, 150));
  }
}
await s.stop();
