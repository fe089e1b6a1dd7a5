/** Loading, error and stale states, the same everywhere. */
import type { ComponentChildren } from 'preact';
import type { ApiError } from '../api/client.ts';
import type { Loadable } from '../api/use-api.ts';

export function Loading({ what }: { what: string }) {
  return <div class="loading" role="status" aria-live="polite">Loading {what}…</div>;
}

export function ErrorBox({ error, what }: { error: ApiError; what: string }) {
  return (
    <div class="error-box" role="alert">
      <div>
        <div><b>Could not load {what}.</b> <span class="detail">{error.message}</span></div>
        <code>{error.code}{error.status > 0 ? ` · HTTP ${error.status}` : ''}</code>
        {error.unauthenticated ? <div class="detail">Your key is no longer accepted: <a href="/login">sign in again</a>.</div> : null}
      </div>
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

/**
 * Renders `value` once loaded; the previous document stays (dimmed) while a new one loads, and a failed
 * refresh is reported above the last good document rather than replacing it.
 */
export function Async<T>({ value, what, children }: { value: Loadable<T>; what: string; children: (data: T) => ComponentChildren }) {
  switch (value.kind) {
    case 'loading':
      return <Loading what={what} />;
    case 'error':
      return <ErrorBox error={value.error} what={what} />;
    case 'ok':
      return (
        <div class={value.refreshing ? 'stale' : undefined} aria-busy={value.refreshing}>
          {value.error === undefined ? null : <ErrorBox error={value.error} what={`newer ${what} (showing the last good one)`} />}
          {children(value.data)}
        </div>
      );
  }
}
