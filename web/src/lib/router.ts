/**
 * A small history router. The URL is the state worth sharing — page, window, as-of, cohort attribute —
 * so every view reads its parameters from here and changes them by navigating, never by local state.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { readonly page: 'login' }
  | { readonly page: 'overview' }
  | { readonly page: 'service'; readonly name: string }
  /** The labeling queues, and one service's queue item by item. */
  | { readonly page: 'queues' }
  | { readonly page: 'label'; readonly name: string }
  | { readonly page: 'not-found' };

export interface Location {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly route: Route;
}

export function parseRoute(path: string): Route {
  if (path === '/' || path === '/services' || path === '/services/') return { page: 'overview' };
  if (path === '/login') return { page: 'login' };
  if (path === '/labeling' || path === '/labeling/') return { page: 'queues' };
  const m = /^\/(services|labeling)\/([^/]+)\/?$/.exec(path);
  if (m !== null) {
    try {
      const name = decodeURIComponent(m[2]!);
      return m[1] === 'services' ? { page: 'service', name } : { page: 'label', name };
    } catch {
      return { page: 'not-found' };
    }
  }
  return { page: 'not-found' };
}

function current(): Location {
  const { pathname, search } = window.location;
  return { path: pathname, query: new URLSearchParams(search), route: parseRoute(pathname) };
}

const listeners = new Set<() => void>();

function notify(): void {
  for (const l of listeners) l();
}

window.addEventListener('popstate', notify);

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const before = window.location.pathname;
  if (opts.replace === true) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  if (window.location.pathname !== before) window.scrollTo(0, 0);
  notify();
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const l = (): void => setLoc(current());
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return loc;
}

export function labelingPath(name?: string): string {
  return name === undefined ? '/labeling' : `/labeling/${encodeURIComponent(name)}`;
}

export function servicePath(name: string, query?: URLSearchParams): string {
  const q = query?.toString() ?? '';
  return `/services/${encodeURIComponent(name)}${q === '' ? '' : `?${q}`}`;
}

/** The current URL with some query parameters set (a value of undefined removes one). */
export function withQuery(loc: Location, changes: Readonly<Record<string, string | undefined>>): string {
  const q = new URLSearchParams(loc.query);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  return `${loc.path}${s === '' ? '' : `?${s}`}`;
}

/**
 * Same-origin link clicks go through the router; modified clicks (new tab, etc.) keep the browser's
 * behaviour. Use as `onClick` of an `<a href>`, so links stay real links (middle-click, copy address).
 */
export function linkHandler(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.currentTarget as HTMLElement).closest('a');
  if (a === null || a.target === '_blank' || a.origin !== window.location.origin) return;
  e.preventDefault();
  navigate(`${a.pathname}${a.search}${a.hash}`);
}
