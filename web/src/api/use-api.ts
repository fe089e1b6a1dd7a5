/**
 * Loading an API document into a component. A new path (another window, another as-of) keeps the old
 * document on screen, dimmed, until the new one arrives, so the page does not jump; a failed refresh
 * of the same path keeps the last good document and says it is stale.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiError, apiGet } from './client.ts';

export type Loadable<T> =
  | { readonly kind: 'loading' }
  | { readonly kind: 'error'; readonly error: ApiError }
  /** `refreshing`: a newer document is on its way; `error`: the last refresh failed. */
  | { readonly kind: 'ok'; readonly data: T; readonly refreshing: boolean; readonly error: ApiError | undefined };

function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, 'CLIENT', (e as Error).message);
}

/** `path` null: nothing to load (yet). `tick`: bump it to reload the same path (auto-refresh). */
export function useApi<T>(path: string | null, tick = 0): Loadable<T> {
  const [state, setState] = useState<Loadable<T>>({ kind: 'loading' });
  const shownPath = useRef<string | null>(null);

  // A layout effect starts the request right after render, not a frame later.
  useLayoutEffect(() => {
    if (path === null) return undefined;
    const ctrl = new AbortController();
    const samePath = shownPath.current === path;
    setState((s) => (s.kind === 'ok' ? { ...s, refreshing: true } : s.kind === 'loading' ? s : { kind: 'loading' }));
    apiGet<T>(path, { signal: ctrl.signal }).then(
      (data) => {
        shownPath.current = path;
        setState({ kind: 'ok', data, refreshing: false, error: undefined });
      },
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        const error = asApiError(e);
        setState((s) => (samePath && s.kind === 'ok' ? { ...s, refreshing: false, error } : { kind: 'error', error }));
      },
    );
    return () => ctrl.abort();
  }, [path, tick]);

  return path === null ? { kind: 'loading' } : state;
}

/**
 * A counter that goes up every `everyMs` while `enabled` and the tab is visible, and once more when the
 * tab becomes visible again — the dashboard's auto-refresh for "now" views.
 */
export function useTicker(everyMs: number, enabled: boolean): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!enabled) return undefined;
    const bump = (): void => {
      if (document.visibilityState === 'visible') setTick((t) => t + 1);
    };
    const timer = window.setInterval(bump, everyMs);
    document.addEventListener('visibilitychange', bump);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', bump);
    };
  }, [everyMs, enabled]);
  return tick;
}
