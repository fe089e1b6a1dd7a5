/**
 * A real mlslo server in a process of its own, so a test can measure that process's memory: run with
 * `--expose-gc` and an IPC channel (child_process.fork). It answers `{ready: {url, key}}` once up, then
 * serves messages: `mem` (after a full GC: RSS, its peak since the last `reset`, heap and external bytes,
 * from /proc/self/status and process.memoryUsage), `reset` (the peak RSS is cleared through
 * /proc/self/clear_refs) and `stop`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { startTestServer } from '../helpers/server.ts';
import { FUZZ_SPEC, NOW } from './events.ts';

const MiB = 1024 * 1024;

function status(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m === null ? Number.NaN : (Number(m[1]) * 1024) / MiB;
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  g?.();
  g?.();
}

const server = await startTestServer(FUZZ_SPEC, NOW);
const key = await server.key('ingest');
process.send!({ ready: { url: server.url, key } });
process.on('message', (m: string) => {
  if (m === 'reset') {
    gc();
    // "5" resets the peak RSS (VmHWM) to the current RSS (Documentation/filesystems/proc.rst).
    writeFileSync('/proc/self/clear_refs', '5');
    process.send!({ reset: true });
  } else if (m === 'mem') {
    gc();
    const u = process.memoryUsage();
    process.send!({ mem: { rss: status('VmRSS'), peak: status('VmHWM'), heap: u.heapUsed / MiB, external: (u.external + u.arrayBuffers) / MiB } });
  } else if (m === 'stop') {
    void server.stop().then(() => process.exit(0));
  }
});
