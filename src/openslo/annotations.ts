/**
 * The `mlslo/…` annotations `mlslo export openslo` writes and `mlslo import openslo` reads back: the
 * round-trip contract. OpenSLO annotations are "implementation metadata" (a string → string map), so
 * what OpenSLO has no field for — the dimension an SLO stands for, class conditions, excluded error
 * types, owner and tier — rides there; lists are JSON text. Annotation values from a file are input
 * like any other and are checked before use.
 */
import { Ajv } from 'ajv';
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const PREFIX = 'mlslo/';

export const ANNOTATION = {
  /** On an SLO: `errors`, `latency` or `quality` — which mlslo SLI the SLO stands for. */
  dimension: `${PREFIX}dimension`,
  /** On a latency SLO: JSON `[{name, when?}]`, the input classes in match order (thresholds are the objectives' values). */
  latencyClasses: `${PREFIX}latency-classes`,
  /** On an errors SLO: JSON list of the error types not counted (spec `errors.exclude`). */
  errorsExclude: `${PREFIX}errors-exclude`,
  /** On a quality SLO, for reference only (not read back): JSON list of the spec's quality objectives. */
  qualityObjectives: `${PREFIX}quality-objectives`,
  /** On the Service: the spec's metadata OpenSLO has no field for. */
  owner: `${PREFIX}owner`,
  oncall: `${PREFIX}oncall`,
  tier: `${PREFIX}tier`,
  task: `${PREFIX}task`,
  /** On the Service, only when the spec sets a composite objective other than the derived one. */
  compositeObjective: `${PREFIX}composite-objective`,
  /** On the Service, for reference only: JSON list of the cohort attributes. */
  cohorts: `${PREFIX}cohorts`,
  /** On an AlertCondition: the short window of the multiwindow row (OpenSLO has one lookback window). */
  shortWindow: `${PREFIX}short-window`,
} as const;

export const DIMENSIONS = ['errors', 'latency', 'quality'] as const;
export type SloDimension = (typeof DIMENSIONS)[number];

const LatencyClasses = Type.Array(Type.Object({ name: Type.String({ minLength: 1 }), when: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }), { minItems: 1 });
const StringList = Type.Array(Type.String({ minLength: 1 }));

export type AnnotatedClass = Static<typeof LatencyClasses>[number];

const ajv = new Ajv();

/** Parses a JSON annotation against a schema; a reason when it is not JSON or not of that shape. */
function parseJson<T extends TSchema>(schema: T, what: string) {
  const check = ajv.compile<Static<T>>(schema);
  return (text: string): { ok: true; value: Static<T> } | { ok: false; why: string } => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, why: `is not JSON; expected ${what}` };
    }
    return check(value) ? { ok: true, value } : { ok: false, why: `expected ${what}` };
  };
}

export const parseLatencyClasses = parseJson(LatencyClasses, 'a list of {"name": …, "when": …} with at least one class');
export const parseStringList = parseJson(StringList, 'a list of non-empty strings');
