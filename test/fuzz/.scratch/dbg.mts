import { parseAllDocuments } from 'yaml';
import { findNode } from '../yaml.ts';
const text = '1e400\n-0\n...\n<<: *a';
const docs = parseAllDocuments(text);
console.log(Array.isArray(docs), (docs as any).length, (docs as any[]).map((d) => [d.range, d.errors.map((e: any) => e.message), String(d.contents?.constructor?.name)]));
for (const d of docs as any[]) console.log(findNode(d, '/<<'));
