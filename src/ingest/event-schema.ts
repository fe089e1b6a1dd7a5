/**
 * JSON Schemas of the two event kinds on the wire (DESIGN §3.1). They check shape only; what a schema
 * cannot say well (timestamps, status-dependent fields, prediction and payload variants) is checked in
 * validate-event.ts. The schemas also document the format (they feed the OpenAPI document).
 */
const label = { type: ['string', 'integer'] } as const;
const attrs = { type: 'object', additionalProperties: { type: ['number', 'string', 'boolean'] } } as const;

export const inferenceSchema = {
  type: 'object',
  required: ['kind', 'id', 'service', 'ts', 'status'],
  additionalProperties: false,
  properties: {
    kind: { const: 'inference' },
    id: { type: 'string', minLength: 1, maxLength: 256 },
    service: { type: 'string', minLength: 1, maxLength: 63 },
    model: { type: 'string', maxLength: 128 },
    ts: { type: 'string' },
    latencyMs: { type: 'number', minimum: 0 },
    status: { enum: ['ok', 'error'] },
    errorType: { type: 'string', minLength: 1, maxLength: 64 },
    input: { type: 'object', additionalProperties: { type: ['number', 'string'] } },
    cohort: attrs,
    features: { type: 'object', additionalProperties: { type: ['number', 'string', 'boolean', 'null'] } },
    prediction: { type: 'object' },
  },
} as const;

export const predictionSchemas = {
  label: {
    type: 'object', required: ['label'], additionalProperties: false,
    properties: {
      label,
      score: { type: 'number', minimum: 0, maximum: 1 },
      probabilities: { type: 'object', additionalProperties: { type: 'number', minimum: 0, maximum: 1 } },
    },
  },
  items: { type: 'object', required: ['items'], additionalProperties: false, properties: { items: { type: 'array', items: label, maxItems: 1000 } } },
  value: { type: 'object', required: ['value'], additionalProperties: false, properties: { value: { type: 'number' } } },
  text: { type: 'object', additionalProperties: false, properties: { text: { type: 'string' } } },
} as const;

export const outcomeSchema = {
  type: 'object',
  required: ['kind', 'requestId', 'service', 'ts', 'source'],
  additionalProperties: false,
  properties: {
    kind: { const: 'outcome' },
    id: { type: 'string', minLength: 1, maxLength: 256 },
    requestId: { type: 'string', minLength: 1, maxLength: 256 },
    service: { type: 'string', minLength: 1, maxLength: 63 },
    ts: { type: 'string' },
    source: { enum: ['human', 'ground_truth', 'judge', 'feedback'] },
    // (0, 1] in DESIGN §3.1, floored at one in a trillion: the weight 1/p enters the rollups squared,
    // and below ~1e-154 that square overflows to Infinity (then NaN), which storage cannot hold.
    samplingProb: { type: 'number', minimum: 1e-12, maximum: 1 },
    annotator: { type: 'string', minLength: 1, maxLength: 128 },
    label,
    relevant: { type: 'array', items: label, maxItems: 10000 },
    value: { type: 'number' },
    scores: { type: 'object', additionalProperties: { type: 'number' } },
    feedback: {
      type: 'object', additionalProperties: false,
      properties: { clicked: { type: 'boolean' }, dwellMs: { type: 'number', minimum: 0 }, followUp: { type: 'boolean' } },
    },
  },
} as const;

export const OUTCOME_PAYLOADS = ['label', 'relevant', 'value', 'scores', 'feedback'] as const;
