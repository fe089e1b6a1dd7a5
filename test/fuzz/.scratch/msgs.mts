// Collects messages of problems whose pointer names a missing member, to review them.
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { parseSpec } from '../../../src/spec/load-spec.ts';
import { findNode, pathsOf, specTexts, withValue, yamlValueArb, applyTextEdit, textEditArb } from '../yaml.ts';
const seeds = specTexts().filter((s) => parseDocument(s.text).errors.length === 0);
const seen = new Map<string, number>();
const visit = (text: string) => {
  const r = parseSpec(text, 'f');
  if (r.ok) return;
  for (const p of r.problems) {
    if (p.pointer === '' || p.message.startsWith('invalid YAML')) continue;
    const doc = parseDocument(text);
    const f = findNode(doc, p.pointer);
    if (f.kind !== "node" && !p.message.startsWith("missing")) { const k = `${f.kind}: ${p.pointer} ${p.line}:${p.column} ${p.message.slice(0, 150)} @@ ${JSON.stringify(text.split("\n")[p.line-1])}`; seen.set(k, (seen.get(k) ?? 0) + 1); }
  }
};
fc.assert(fc.property(fc.nat(), fc.nat(), yamlValueArb, (i, j, v) => { const s = seeds[i % seeds.length]!; const ps = pathsOf(parseDocument(s.text)); if (!ps.length) return; visit(withValue(s.text, ps[j % ps.length]!.path, v)); }), { numRuns: 3000, seed: 1 });
fc.assert(fc.property(fc.nat(), fc.array(textEditArb, { maxLength: 4 }), (i, es) => visit(es.reduce(applyTextEdit, seeds[i % seeds.length]!.text))), { numRuns: 3000, seed: 2 });
for (const s of seeds) visit(s.text);
console.log([...seen].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n}\t${k}`).join('\n'));
