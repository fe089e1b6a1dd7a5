/** Synthetic inference traffic for alerting tests: events of service `scorer`, model v1. */
const MIN = 60_000;
let seq = 0;

/**
 * 20 requests a minute over [from, to) (minute starts); in minutes where `burst(t)` holds, half of them
 * (every even second) fail with gpu_oom. Ids are unique across the whole test process.
 */
export function gpuOomTraffic(from: number, to: number, burst: (t: number) => boolean): unknown[] {
  const out: unknown[] = [];
  for (let t = from; t < to; t += MIN) {
    for (let i = 0; i < 20; i++) {
      const ts = new Date(t + i * 1000).toISOString();
      const id = `traffic-${seq++}`;
      out.push(burst(t) && i % 2 === 0
        ? { kind: 'inference', id, service: 'scorer', model: 'v1', ts, status: 'error', errorType: 'gpu_oom' }
        : { kind: 'inference', id, service: 'scorer', model: 'v1', ts, status: 'ok', latencyMs: 50, prediction: { label: 'x' } });
    }
  }
  return out;
}
