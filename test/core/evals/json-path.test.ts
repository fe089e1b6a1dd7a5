import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseJsonPath, selectJsonPath, type JsonPathSegment } from '../../../src/core/evals/json-path.ts';
import { renderTemplate, scanPlaceholders } from '../../../src/core/evals/template.ts';

function segments(path: string): readonly JsonPathSegment[] {
  const r = parseJsonPath(path);
  if (!r.ok) assert.fail(`${path}: ${r.message}`);
  return r.segments;
}

function error(path: string): [string, number] {
  const r = parseJsonPath(path);
  assert.equal(r.ok, false, path);
  return r.ok ? ['', -1] : [r.message, r.offset];
}

const name = (n: string): JsonPathSegment => ({ kind: 'name', name: n });
const index = (i: number): JsonPathSegment => ({ kind: 'index', index: i });

test('the subset: $, .name, [\'name\'], ["name"], [N], [-N]', () => {
  assert.deepEqual(segments('$'), []);
  assert.deepEqual(segments('$.label'), [name('label')]);
  assert.deepEqual(segments('$.predictions[0].label'), [name('predictions'), index(0), name('label')]);
  assert.deepEqual(segments("$['model-version']"), [name('model-version')]);
  assert.deepEqual(segments('$["a b"][12]["c"]'), [name('a b'), index(12), name('c')]);
  assert.deepEqual(segments("$['it\\'s']"), [name("it's")]);
  assert.deepEqual(segments('$["back\\\\slash"]'), [name('back\\slash')]);
  assert.deepEqual(segments("$['']"), [name('')]);
  assert.deepEqual(segments('$.items[-1]'), [name('items'), index(-1)]);
  assert.deepEqual(segments('$._x1.über'), [name('_x1'), name('über')]);
});

test('outside the subset: each error says what and where', () => {
  assert.deepEqual(error('label'), ['a JSONPath starts with `$`, e.g. `$.label` or `$.predictions[0].label`', 0]);
  assert.deepEqual(error(''), ['a JSONPath starts with `$`, e.g. `$.label` or `$.predictions[0].label`', 0]);
  assert.deepEqual(error('$.'), ["expected a name after `.`; write other names in brackets, e.g. `['model-version']`", 2]);
  assert.deepEqual(error('$.1abc'), ["expected a name after `.`; write other names in brackets, e.g. `['model-version']`", 2]);
  assert.deepEqual(error('$..label'), ['recursive descent (`..`) is not supported; write the full path', 2]);
  assert.deepEqual(error('$.*'), ['wildcards (`.*`) are not supported; select one value', 2]);
  assert.deepEqual(error('$.items[*]'), ['wildcards (`[*]`) are not supported; select one value', 8]);
  assert.deepEqual(error('$[?(@.x > 1)]'), ['filter and script expressions are not supported', 2]);
  assert.deepEqual(error('$[(@.length-1)]'), ['filter and script expressions are not supported', 2]);
  assert.deepEqual(error('$[01]'), ['expected an integer index or a quoted name inside `[…]`, got `01`', 2]);
  assert.deepEqual(error('$[1'), ['missing closing `]`', 1]);
  assert.deepEqual(error("$['a"), ["unterminated name: missing closing '", 2]);
  assert.deepEqual(error("$['a'"), ['expected `]` after the quoted name', 5]);
  assert.deepEqual(error("$['a'x]"), ['expected `]` after the quoted name', 5]);
  assert.deepEqual(error("$['a\\nb']"), ["only \\' and \\\\ are escapes inside a quoted name", 4]);
  assert.deepEqual(error('$label'), ["unexpected `l`; expected `.name`, `['name']` or `[N]`", 1]);
  assert.deepEqual(error('$.a b'), ["unexpected ` `; expected `.name`, `['name']` or `[N]`", 3]);
  assert.equal(error(`$${'.a'.repeat(501)}`)[0], 'a JSONPath must be at most 1000 characters');
});

test('selecting: present values, and undefined for every kind of absence', () => {
  const doc = { label: 'fraud', n: 0, none: null, predictions: [{ label: 'a', p: 0.9 }, { label: 'b' }], 'model-version': 'v8' };
  assert.equal(selectJsonPath(segments('$'), doc), doc);
  assert.equal(selectJsonPath(segments('$.label'), doc), 'fraud');
  assert.equal(selectJsonPath(segments('$.n'), doc), 0);
  assert.equal(selectJsonPath(segments('$.none'), doc), null);
  assert.equal(selectJsonPath(segments('$.predictions[0].p'), doc), 0.9);
  assert.equal(selectJsonPath(segments('$.predictions[-1].label'), doc), 'b');
  assert.equal(selectJsonPath(segments("$['model-version']"), doc), 'v8');
  for (const p of ['$.missing', '$.predictions[2]', '$.predictions[-3]', '$.predictions.label', '$.label[0]', '$.label.x', '$.none.x', '$[0]',
    '$.constructor', '$.__proto__', '$.toString', '$.predictions.length']) {
    assert.equal(selectJsonPath(segments(p), doc), undefined, p);
  }
  assert.equal(selectJsonPath(segments('$[1]'), ['x', 'y']), 'y');
  assert.equal(selectJsonPath(segments('$.a'), 'text'), undefined);
});

test('property: a path written from segments parses back to them and selects what it names', () => {
  const seg = fc.oneof(
    fc.string({ maxLength: 8 }).map((s): JsonPathSegment => ({ kind: 'name', name: s })),
    fc.integer({ min: -5, max: 20 }).map((i): JsonPathSegment => ({ kind: 'index', index: i })),
  );
  fc.assert(fc.property(fc.array(seg, { maxLength: 6 }), (segs) => {
    const text = `$${segs.map((s) => (s.kind === 'index' ? `[${s.index}]` : `['${s.name.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}']`)).join('')}`;
    assert.deepEqual(segments(text), segs);
  }));
});

test('templates: a whole-string placeholder keeps the value, others interpolate as text', () => {
  const data = { input: { text: 'hi', n: 3, tags: ['a', 'b'] }, id: 'ex-1', expected: null, features: { amount: 12.5 } };
  assert.deepEqual(renderTemplate({ input: '{{input}}' }, data), { input: data.input });
  assert.deepEqual(renderTemplate({ q: 'Q: {{input.text}} ({{id}}, n={{input.n}}, {{input.tags}}, [{{missing}}])', t: '{{input.tags.1}}', m: '{{missing.x}}' }, data), {
    q: 'Q: hi (ex-1, n=3, ["a","b"], [])', t: 'b', m: null,
  });
  assert.deepEqual(renderTemplate(['{{features.amount}}', 1, true, null, { deep: ['{{expected}}'] }], data), [12.5, 1, true, null, { deep: [null] }]);
  assert.equal(renderTemplate('no placeholders', data), 'no placeholders');
  assert.equal(renderTemplate('{{ input }}', data), '{{ input }}');
  assert.equal(renderTemplate('{{input.constructor}}', data), null);
});

test('placeholder scan: positions, and the first malformed placeholder', () => {
  assert.deepEqual(scanPlaceholders('a {{x.y}} b {{z}}'), { ok: true, placeholders: [{ path: ['x', 'y'], start: 2, end: 9 }, { path: ['z'], start: 12, end: 17 }] });
  assert.deepEqual(scanPlaceholders('{{x}'), { ok: false, message: 'unclosed placeholder: `{{` without `}}`', offset: 0 });
  assert.deepEqual(scanPlaceholders('ok {{}}'), { ok: false, offset: 3, message: '`{{}}` is not a placeholder; write a path without spaces, such as `{{input}}` or `{{input.text}}`' });
});
