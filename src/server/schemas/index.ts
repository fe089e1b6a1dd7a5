/**
 * Every schema module of the API. Each exported `…Schema` is a named component of the OpenAPI document
 * (src/server/openapi.ts), under its name less the suffix — `EvalRunSchema` is `#/components/schemas/EvalRun`,
 * as the dashboard's type is `EvalRun` — so a schema used by many routes is written once.
 */
export * from './alerts.ts';
export * from './baselines.ts';
export * from './common.ts';
export * from './drift.ts';
export * from './errors.ts';
export * from './evals.ts';
export * from './events.ts';
export * from './info.ts';
export * from './labeling.ts';
export * from './quality.ts';
export * from './report.ts';
export * from './series.ts';
export * from './services.ts';
export * from './status.ts';
