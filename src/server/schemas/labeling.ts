/**
 * The labeling queue (DESIGN §2.8, docs/labeling.md). Labeler keys use:
 * `GET /v1/labeling/queues`, `POST /v1/labeling/lease` (body `{service?}`), `POST /v1/labeling/items/{id}/label`,
 * `…/skip`, `…/flag`. Admin/read keys also use `POST /v1/services/{name}/labeling/sample` (run the sampler),
 * `GET /v1/services/{name}/labeling/agreement` and `GET /v1/services/{name}/calibration`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Count, IntervalSchema, IsoDay, IsoTime, LabelSchema, Nullable, Obj, TaskSchema } from './common.ts';

export const QueueSchema = Obj({
  service: Type.String(),
  task: TaskSchema,
  /** Items that still want a label from someone (not flagged, labels < needed). */
  open: Count,
  /** Of those, items this labeler can take now (no live lease by others, not acted on by this labeler). */
  available: Count,
  done: Count,
  flagged: Count,
});

export const QueuesResponseSchema = Obj({ queues: Type.Array(QueueSchema) });

/** What the form asks for, per task. */
export const LabelFormSchema = Type.Union([
  Obj({ kind: Type.Literal('class'), classes: Type.Array(LabelSchema) }),
  Obj({ kind: Type.Literal('relevance'), items: Type.Array(LabelSchema), gradeMax: Type.Integer({ minimum: 1 }) }),
  Obj({ kind: Type.Literal('value') }),
  Obj({ kind: Type.Literal('rubric'), criteria: Type.Array(Type.String()), max: Type.Integer({ minimum: 1 }) }),
]);

export const LeasedItemSchema = Obj({
  id: Type.String(),
  service: Type.String(),
  requestId: Type.String(),
  leasedUntil: IsoTime,
  /** The request as served: input, features, cohort, model, prediction (wire format). */
  request: Type.Unknown(),
  form: LabelFormSchema,
  /** The queue after this lease (so the UI can show progress). */
  remaining: Count,
});

/** Leasing when nothing is available answers `{item: null}`. */
export const LeaseResponseSchema = Obj({ item: Nullable(LeasedItemSchema) });

/**
 * A label as submitted (request body of `…/label`): exactly one of
 * `label` (classification), `grades` (ranking: item id → grade), `value` (regression), `scores` (generative rubric).
 */
export const LabelSubmissionSchema = Type.Union([
  Obj({ label: LabelSchema }),
  Obj({ grades: Type.Array(Obj({ item: LabelSchema, grade: Type.Integer({ minimum: 0 }) })) }),
  Obj({ value: Type.Number() }),
  Obj({ scores: Type.Record(Type.String(), Type.Number()) }),
]);

/** `POST /v1/labeling/lease`: the next item of one service's queue, or of any the key may label. */
export const LeaseRequestSchema = Obj({ service: Type.Optional(Type.String()) });

/** `POST /v1/labeling/items/{id}/flag`: why the item cannot be labeled. */
export const FlagRequestSchema = Obj({ note: Type.Optional(Type.String()) });

/** `POST /v1/labeling/items/{id}/skip` takes no field. */
export const SkipRequestSchema = Obj({});

export const LabelActionResponseSchema = Obj({
  itemId: Type.String(),
  action: Type.Union([Type.Literal('label'), Type.Literal('skip'), Type.Literal('flag')]),
  /** The human outcome stored for the request (action `label`), by its idempotency key. */
  outcome: Nullable(Type.String()),
});

export const SampleResponseSchema = Obj({
  service: Type.String(),
  day: IsoDay,
  candidates: Count,
  /** Items added to the queue (a request already queued is not added again). */
  queued: Count,
  allocation: Type.Array(Obj({
    stratum: Type.String(), size: Count, alreadyLabelled: Count, topUp: Count, proportional: Count, draw: Count,
  })),
});

export const KappaSchema = Obj({ value: Nullable(Type.Number()), n: Count, observed: Type.Number() });
export const AlphaSchema = Obj({ value: Nullable(Type.Number()), units: Count, pairable: Count });

export const AgreementResponseSchema = Obj({
  service: Type.String(),
  from: IsoTime,
  to: IsoTime,
  /** Items labeled by at least two labelers. */
  overlapItems: Count,
  /** Krippendorff's α over every labeler (nominal on verdicts and classes; interval on grades and scores). */
  alpha: AlphaSchema,
  /** Cohen's κ between the first two labels of each overlap item. */
  kappa: KappaSchema,
  labelers: Type.Array(Obj({
    labeler: Type.String(),
    labels: Count,
    skips: Count,
    flags: Count,
    /** κ of this labeler against the other label on the items they share. */
    kappa: KappaSchema,
  })),
});

export const ConfusionSchema = Obj({
  /** Automatic good & human good, automatic good & human bad, … */
  goodGood: Count, goodBad: Count, badGood: Count, badBad: Count,
});

export const CalibrationResponseSchema = Obj({
  service: Type.String(),
  from: IsoTime,
  to: IsoTime,
  /** Requests with a human verdict in the window. */
  humanJudged: Count,
  signals: Type.Array(Obj({
    /** `judge`, `feedback` (the proxy rule) or `ground_truth`. */
    signal: Type.String(),
    /** Requests with both this signal's verdict and a human one. */
    n: Count,
    agreement: Nullable(Obj({ value: Type.Number(), interval: IntervalSchema })),
    kappa: KappaSchema,
    confusion: ConfusionSchema,
    /** Judge scores per criterion vs the human verdict: mean score when the human said good / bad. */
    scores: Type.Array(Obj({ criterion: Type.String(), meanWhenGood: Nullable(Type.Number()), meanWhenBad: Nullable(Type.Number()) })),
  })),
});

export type Queue = Static<typeof QueueSchema>;
export type QueuesResponse = Static<typeof QueuesResponseSchema>;
export type LabelForm = Static<typeof LabelFormSchema>;
export type LeasedItem = Static<typeof LeasedItemSchema>;
export type LeaseResponse = Static<typeof LeaseResponseSchema>;
export type LabelSubmission = Static<typeof LabelSubmissionSchema>;
export type LeaseRequest = Static<typeof LeaseRequestSchema>;
export type FlagRequest = Static<typeof FlagRequestSchema>;
export type LabelActionResponse = Static<typeof LabelActionResponseSchema>;
export type SampleResponse = Static<typeof SampleResponseSchema>;
export type AgreementResponse = Static<typeof AgreementResponseSchema>;
export type CalibrationResponse = Static<typeof CalibrationResponseSchema>;
