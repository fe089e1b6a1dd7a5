/** Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): top functions by self time. */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTime {
  readonly name: string;
  readonly where: string;
  readonly ms: number;
  readonly share: number;
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf('/node_modules/');
  if (i >= 0) return url.slice(i + '/node_modules/'.length);
  const s = url.indexOf('/src/');
  if (s >= 0) return url.slice(s + 1);
  return url.replace(/^file:\/\//, '') || '(native)';
}

export function topSelfTime(file: string, n = 15): { totalMs: number; top: SelfTime[] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (node === undefined) return;
    const f = node.callFrame;
    if (f.functionName === '(idle)' || f.functionName === '(program)') return; // waiting, not working
    total += dt;
    const name = f.functionName || '(anonymous)';
    // Line numbers of tsx-transformed .ts files point into the transformed code: show the file only.
    const where = f.url === '' ? '' : f.url.endsWith('.ts') ? shortUrl(f.url) : `${shortUrl(f.url)}:${f.lineNumber + 1}`;
    const k = `${name}\u0000${where}`;
    const e = self.get(k) ?? { name, where, us: 0 };
    e.us += dt;
    self.set(k, e);
  });
  const top = [...self.values()].sort((a, b) => b.us - a.us).slice(0, n)
    .map((e) => ({ name: e.name, where: e.where, ms: e.us / 1000, share: total === 0 ? 0 : e.us / total }));
  return { totalMs: total / 1000, top };
}
