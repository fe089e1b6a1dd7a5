/**
 * The long run of the kill -9 scenario (crash-scenario.ts): many more SIGKILLs, more clients, several
 * seeds. Not part of `npm test` (its name does not end in .test.ts); run it with `npm run test:soak`.
 * MLSLO_SOAK_ROUNDS and MLSLO_SOAK_SEEDS (comma-separated) override the defaults.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrashScenario } from './crash-scenario.ts';

const rounds = Number(process.env.MLSLO_SOAK_ROUNDS ?? '30');
const seeds = (process.env.MLSLO_SOAK_SEEDS ?? '1,2,3').split(',').map(Number);

for (const seed of seeds) {
  test(`soak: ${rounds} SIGKILLs under 6 concurrent clients, seed ${seed}`, { timeout: 4 * 3600_000 }, async (t) => {
    const report = await runCrashScenario({ seed, rounds, clients: 6, log: (l) => t.diagnostic(l) });
    t.diagnostic(JSON.stringify(report));
    assert.ok(report.stats.answersLost > 0);
  });
}
