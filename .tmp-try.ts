import { parseSpec, formatProblem } from './src/spec/load-spec.ts';
const t = `apiVersion: mlslo/v1
kind: Service
metadata: {name: svc, owner: team-ml, oncall: team-sre, tier: 2}
spec:
  task: generative
  cohorts: [region, language]
  quality: {criteria: "factuality >= 0.8 && policy == 1 && factuality <= 1"}
  evals:
    endpoints:
      judge: {url: "http://127.0.0.1:9001/judge", prediction: "$.scores"}
    goldenSets:
      - name: core
        endpoint: {url: "http://127.0.0.1:9000/p", prediction: "$.text"}
        judge: judge
  labeling:
    dailyBudget: 20
`;
const r = parseSpec(t, 'x.yaml');
console.log(r.ok ? JSON.stringify([r.spec.evals, r.spec.labeling], null, 1) : r.problems.map(formatProblem).join('\n'));
