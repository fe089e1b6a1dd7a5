/**
 * `mlslo/client`: send inference and outcome events from a model server to mlslo (docs/clients.md).
 * Dependency-free: node:zlib, the global fetch and timers only.
 */
export { MlsloClient } from './client.ts';
export { RETRY_AFTER_CAP_MS } from './backoff.ts';
export type { ShutdownHookOptions } from './shutdown-hooks.ts';
export {
  MlsloClientError,
  type BackoffOptions,
  type ClientErrorCode,
  type ClientStats,
  type CloseResult,
  type FetchLike,
  type InferenceEvent,
  type Label,
  type MlsloClientOptions,
  type MlsloEvent,
  type OutcomeEvent,
  type Prediction,
  type RejectedEvent,
} from './types.ts';
