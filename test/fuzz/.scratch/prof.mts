import { parseSpec, parseSpecDocuments } from '../../../src/spec/load-spec.ts';
import { parseAllDocuments } from 'yaml';
import { specTexts, YAML_TOKENS, problemProblems } from '../yaml.ts';
const seed = specTexts().find((s) => s.name.includes('fraud'))!.text;
for (const [i, tok] of YAML_TOKENS.entries()) {
  const at = seed.indexOf('spec:') + 6;
  const text = seed.slice(0, at) + tok + seed.slice(at);
  let t = performance.now();
  const r = parseSpec(text, 'f'); parseSpecDocuments(text, 'f');
  const a = performance.now() - t; t = performance.now();
  const probs = r.ok ? [] : r.problems;
  for (const p of probs) problemProblems(p, 'f', text);
  const b = performance.now() - t;
  if (a + b > 50) console.log(i, JSON.stringify(tok.slice(0, 30)), tok.length, 'parse', a.toFixed(0), 'check', b.toFixed(0), 'problems', probs.length);
}
