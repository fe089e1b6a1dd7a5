// `spec.evals` (DESIGN §2.7): defaults, named and inline endpoints, and every problem with its location.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProblem, parseSpec, type SpecResult } from '../../src/spec/load-spec.ts';
import type { EndpointSpec, ServiceSpec } from '../../src/core/spec.ts';

function spec(body: string, task = 'classification', head = ''): SpecResult {
  return parseSpec(`apiVersion: mlslo/v1
kind: Service
metadata: {name: svc, owner: team-ml, oncall: team-sre, tier: 2}
spec:
  task: ${task}
${head}${body.split('\n').map((l) => `  ${l}`).join('\n')}
`, 'inline.yaml');
}

function ok(r: SpecResult): ServiceSpec {
  if (!r.ok) assert.fail(r.problems.map(formatProblem).join('\n'));
  return r.spec;
}

function problems(r: SpecResult): string[] {
  assert.equal(r.ok, false);
  return r.ok ? [] : r.problems.map(formatProblem);
}

const DEFAULT_ENDPOINT: Omit<EndpointSpec, 'url' | 'prediction'> = {
  method: 'POST', request: { input: '{{input}}' }, headers: {}, score: undefined, model: undefined, timeoutMs: 10_000, concurrency: 4, retries: 2,
};

test('without evals: no golden sets, no endpoints', () => {
  assert.deepEqual(ok(spec('')).evals, { goldenSets: [], endpoints: {} });
  assert.deepEqual(ok(spec('evals: {}')).evals, { goldenSets: [], endpoints: {} });
});

test('a golden set with an inline endpoint: every default applied', () => {
  const s = ok(spec(`evals:
  goldenSets:
    - name: core
      endpoint: {url: "http://127.0.0.1:9000/predict", prediction: "$.label"}`));
  assert.deepEqual(s.evals.goldenSets, [{
    name: 'core', schedule: '@daily', judge: undefined, maxDrop: 0.02, alpha: 0.05,
    endpoint: { ...DEFAULT_ENDPOINT, url: 'http://127.0.0.1:9000/predict', prediction: '$.label' },
  }]);
});

test('explicit values win; a golden set can name an endpoint of evals.endpoints', () => {
  const s = ok(spec(`evals:
  endpoints:
    candidate: {url: "https://models.example/v9", request: {features: "{{features}}", id: "req-{{id}}"}, prediction: "$.label"}
  goldenSets:
    - name: core
      endpoint:
        url: http://127.0.0.1:9000/predict
        method: PUT
        request: {x: "{{input}}", n: 3, tags: ["{{segment}}", null, true]}
        headers: {Authorization: "Bearer \${MODEL_TOKEN}"}
        prediction: "$.predictions[0].label"
        score: "$.predictions[0]['probability']"
        model: "$.model_version"
        timeoutMs: 5000
        concurrency: 8
        retries: 0
      schedule: "0 3 * * *"
      maxDrop: 0.05
      alpha: 0.01
    - {name: shadow_v9, endpoint: candidate}`));
  const candidate = { ...DEFAULT_ENDPOINT, url: 'https://models.example/v9', request: { features: '{{features}}', id: 'req-{{id}}' }, prediction: '$.label' };
  assert.deepEqual(s.evals.endpoints, { candidate });
  assert.deepEqual(s.evals.goldenSets, [
    {
      name: 'core', schedule: '0 3 * * *', judge: undefined, maxDrop: 0.05, alpha: 0.01,
      endpoint: {
        url: 'http://127.0.0.1:9000/predict', method: 'PUT', request: { x: '{{input}}', n: 3, tags: ['{{segment}}', null, true] },
        headers: { Authorization: 'Bearer ${MODEL_TOKEN}' }, prediction: '$.predictions[0].label', score: "$.predictions[0]['probability']",
        model: '$.model_version', timeoutMs: 5000, concurrency: 8, retries: 0,
      },
    },
    { name: 'shadow_v9', schedule: '@daily', judge: undefined, maxDrop: 0.02, alpha: 0.05, endpoint: candidate },
  ]);
});

test('generative: a judge is required; an inline judge sends input, output and expected by default', () => {
  const head = '  quality: {criteria: "factuality >= 0.8 && policy == 1"}\n';
  assert.deepEqual(problems(spec(`evals:
  goldenSets:
    - {name: core, endpoint: {url: "http://127.0.0.1:9000/chat", prediction: "$.text"}}`, 'generative', head)), [
    'inline.yaml:9:9: /spec/evals/goldenSets/0/judge: missing required field `judge`: a generative golden set is scored by a judge endpoint that returns the scores the verdict criteria name',
  ]);
  const s = ok(spec(`evals:
  goldenSets:
    - name: core
      endpoint: {url: "http://127.0.0.1:9000/chat", prediction: "$.text"}
      judge: {url: "http://127.0.0.1:9001/judge", prediction: "$.scores"}`, 'generative', head));
  assert.deepEqual(s.evals.goldenSets[0]!.judge, {
    ...DEFAULT_ENDPOINT, url: 'http://127.0.0.1:9001/judge', prediction: '$.scores',
    request: { input: '{{input}}', output: '{{output}}', expected: '{{expected}}' },
  });
});

test('endpoint problems: url, JSONPaths, templates, headers, bounds — all of them, each at its place', () => {
  assert.deepEqual(problems(spec(`evals:
  endpoints:
    Bad: {url: "ftp://x", prediction: "label", timeoutMs: 0, concurrency: 65, retries: 11, method: GET, tls: true}
  goldenSets:
    - name: core
      endpoint:
        url: http://127.0.0.1:9000/predict
        prediction: "$.items[*]"
        score: "$['p'][0"
        model: "$..version"
        request: {a: "{{inptu}}", b: "x {{ input }}", c: "{{features}}", d: "{{input"}
        headers: {"x y": a, X-Key: "\${1x}", x-key: b}`)), [
    'inline.yaml:8:12: /spec/evals/endpoints/Bad: endpoint name `Bad` must start with a lowercase letter or digit and hold at most 63 lowercase letters, digits, `_` or `-`',
    'inline.yaml:8:18: /spec/evals/endpoints/Bad/url: must be an http or https URL, got `ftp://x`',
    'inline.yaml:8:42: /spec/evals/endpoints/Bad/prediction: invalid JSONPath `label`: a JSONPath starts with `$`, e.g. `$.label` or `$.predictions[0].label`',
    'inline.yaml:8:61: /spec/evals/endpoints/Bad/timeoutMs: must be a whole number ≥ 1, got 0',
    'inline.yaml:8:77: /spec/evals/endpoints/Bad/concurrency: must be at most 64, got 65',
    'inline.yaml:8:90: /spec/evals/endpoints/Bad/retries: must be at most 10, got 11',
    'inline.yaml:8:102: /spec/evals/endpoints/Bad/method: must be `POST` or `PUT`, got `GET`; did you mean `PUT`?',
    'inline.yaml:8:107: /spec/evals/endpoints/Bad/tls: unknown field `tls`',
    'inline.yaml:13:32: /spec/evals/goldenSets/0/endpoint/prediction: invalid JSONPath `$.items[*]`: wildcards (`[*]`) are not supported; select one value',
    "inline.yaml:14:25: /spec/evals/goldenSets/0/endpoint/score: invalid JSONPath `$['p'][0`: missing closing `]`",
    'inline.yaml:15:21: /spec/evals/goldenSets/0/endpoint/model: invalid JSONPath `$..version`: recursive descent (`..`) is not supported; write the full path',
    'inline.yaml:16:25: /spec/evals/goldenSets/0/endpoint/request/a: unknown placeholder `{{inptu}}`: a template here can use `input`, `expected`, `segment` or `id`; did you mean `input`?',
    'inline.yaml:16:43: /spec/evals/goldenSets/0/endpoint/request/b: `{{ input }}` is not a placeholder; write a path without spaces, such as `{{input}}` or `{{input.text}}`',
    'inline.yaml:16:61: /spec/evals/goldenSets/0/endpoint/request/c: unknown placeholder `{{features}}`: a template here can use `input`, `expected`, `segment` or `id`',
    'inline.yaml:16:80: /spec/evals/goldenSets/0/endpoint/request/d: unclosed placeholder: `{{` without `}}`',
    'inline.yaml:17:28: /spec/evals/goldenSets/0/endpoint/headers/x y: `x y` is not a valid HTTP header name',
    'inline.yaml:17:39: /spec/evals/goldenSets/0/endpoint/headers/X-Key: `${1x}` is not an environment reference; write `${NAME}` with a letter or `_` first, then letters, digits or `_`',
    'inline.yaml:17:54: /spec/evals/goldenSets/0/endpoint/headers/x-key: duplicate header `x-key` (header names are case-insensitive)',
  ]);
});

test('golden set problems: names, references, schedules, thresholds, judge on a non-generative task', () => {
  assert.deepEqual(problems(spec(`evals:
  endpoints:
    candidate: {url: "http://127.0.0.1:9000/predict", prediction: "$.label"}
  goldenSets:
    - {name: core, endpoint: candidate, judge: candidate}
    - {name: core, endpoint: candiate, schedule: "61 * * * *", maxDrop: 1}
    - {name: Core, endpoint: candidate, schedule: "@dayly", alpha: 0}
    - {name: y, endpoint: candidate, schedule: "0 0 3 * * *"}
    - {name: z, endpoint: candidate, schedule: "0 3 ? * *", maxdrop: 0.1}
    - {endpoint: 3}`)), [
    'inline.yaml:10:43: /spec/evals/goldenSets/0/judge: `judge` applies only to generative services; a classification golden set is scored against `expected`',
    'inline.yaml:11:16: /spec/evals/goldenSets/1/name: duplicate golden set name `core`',
    'inline.yaml:11:32: /spec/evals/goldenSets/1/endpoint: `candiate` is not an endpoint declared in `evals.endpoints` (declared: `candidate`); did you mean `candidate`?',
    'inline.yaml:11:52: /spec/evals/goldenSets/1/schedule: invalid cron expression `61 * * * *`: invalid value for minute: 61',
    'inline.yaml:11:75: /spec/evals/goldenSets/1/maxDrop: must be between 0 and 1, exclusive, got 1',
    'inline.yaml:12:16: /spec/evals/goldenSets/2/name: golden set name `Core` must start with a lowercase letter or digit and hold at most 63 lowercase letters, digits, `_` or `-`',
    'inline.yaml:12:53: /spec/evals/goldenSets/2/schedule: unknown schedule `@dayly`; nicknames are `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily` or `@hourly`; did you mean `@daily`?',
    'inline.yaml:12:70: /spec/evals/goldenSets/2/alpha: must be between 0 and 1, exclusive, got 0',
    'inline.yaml:13:50: /spec/evals/goldenSets/3/schedule: must be a cron expression with five fields (minute hour day-of-month month day-of-week, UTC) such as `0 3 * * *`, or `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily` or `@hourly`; got 6 fields',
    'inline.yaml:14:50: /spec/evals/goldenSets/4/schedule: `?` is not supported in schedules; write `*`',
    'inline.yaml:14:63: /spec/evals/goldenSets/4/maxdrop: unknown field `maxdrop`; did you mean `maxDrop`?',
    'inline.yaml:15:9: /spec/evals/goldenSets/5/name: missing required field `name`',
    'inline.yaml:15:20: /spec/evals/goldenSets/5/endpoint: must be the name of an endpoint in `evals.endpoints` or a mapping with `url` and `prediction`, got `3`',
  ]);
});

test('schedules croner accepts pass through unchanged', () => {
  for (const schedule of ['@hourly', '@weekly', '*/15 * * * *', '0 3 * * 1-5', '30 2 1 * *', '0 3 L * *']) {
    const s = ok(spec(`evals: {goldenSets: [{name: core, schedule: "${schedule}", endpoint: {url: "http://127.0.0.1:1/p", prediction: "$"}}]}`));
    assert.equal(s.evals.goldenSets[0]!.schedule, schedule);
  }
});

test('an invalid named endpoint is reported once, not again where a golden set uses it', () => {
  assert.deepEqual(problems(spec(`evals:
  endpoints:
    candidate: {url: "http://127.0.0.1:9000/predict"}
  goldenSets:
    - {name: core, endpoint: candidate}`)), [
    'inline.yaml:8:18: /spec/evals/endpoints/candidate/prediction: missing required field `prediction`: the JSONPath of the prediction in the response, such as `$.label`',
  ]);
});

test('the other sections are still checked next to a bad evals section', () => {
  const r = spec('evals: {goldenSets: core}\nlabeling: {dailyBudget: 0}');
  assert.deepEqual(problems(r), [
    'inline.yaml:6:23: /spec/evals/goldenSets: must be a list, got the string `core`',
    'inline.yaml:7:27: /spec/labeling/dailyBudget: must be a whole number ≥ 1, got 0',
  ]);
});
