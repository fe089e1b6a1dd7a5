/** The dashboard's root: session guard, server clock, routing. */
import { useEffect, useState } from 'preact/hooks';
import { apiGet, whenUnauthenticated } from './api/client.ts';
import type { InfoResponse } from './api/types.ts';
import { useTicker } from './api/use-api.ts';
import { Layout } from './components/layout.tsx';
import { navigate, useLocation } from './lib/router.ts';
import type { ServerClock } from './lib/server-clock.ts';
import { clearKey, getKey } from './lib/session.ts';
import { Overview } from './pages/overview.tsx';
import { ServicePage } from './pages/service/service-page.tsx';
import { SignIn } from './pages/sign-in.tsx';

/** Where to go after signing in: a path of ours only (never an absolute URL from the query string). */
function nextPath(q: URLSearchParams): string {
  const next = q.get('next');
  return next !== null && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function App() {
  const loc = useLocation();
  const [key, setKeyState] = useState(getKey);
  const [clock, setClock] = useState<ServerClock | undefined>(undefined);
  const tick = useTicker(60_000, key !== null);

  useEffect(() => whenUnauthenticated(() => {
    clearKey();
    setKeyState(null);
    navigate(`/login?reason=expired&next=${encodeURIComponent(window.location.pathname + window.location.search)}`, { replace: true });
  }), []);

  useEffect(() => {
    if (key === null) return undefined;
    const ctrl = new AbortController();
    // /v1/info is optional for the dashboard: without it, "now" is the browser's clock.
    apiGet<InfoResponse>('/v1/info', { signal: ctrl.signal }).then((info) => setClock({ info, readAt: Date.now() }), () => undefined);
    return () => ctrl.abort();
  }, [key, tick]);

  const route = loc.route;
  useEffect(() => {
    if (key === null && route.page !== 'login') {
      navigate(`/login?next=${encodeURIComponent(loc.path + (loc.query.toString() === '' ? '' : `?${loc.query.toString()}`))}`, { replace: true });
    }
  }, [key, route.page, loc]);

  useEffect(() => {
    const name = route.page === 'service' ? route.name : route.page === 'login' ? 'Sign in' : 'Services';
    document.title = `${name} · mlslo`;
  }, [route]);

  if (route.page === 'login' || key === null) {
    return (
      <SignIn
        reason={loc.query.get('reason')}
        onSignedIn={() => {
          setKeyState(getKey());
          navigate(nextPath(loc.query), { replace: true });
        }}
      />
    );
  }

  const signOut = (): void => {
    clearKey();
    setKeyState(null);
    navigate('/login', { replace: true });
  };
  const info = clock?.info;

  switch (route.page) {
    case 'overview':
      return <Layout crumbs={[{ label: 'Services' }]} info={info} onSignOut={signOut}><Overview /></Layout>;
    case 'service':
      return (
        <Layout crumbs={[{ label: 'Services', href: '/' }, { label: route.name }]} info={info} onSignOut={signOut}>
          <ServicePage name={route.name} loc={loc} clock={clock} />
        </Layout>
      );
    case 'not-found':
      return (
        <Layout crumbs={[{ label: 'Not found' }]} info={info} onSignOut={signOut}>
          <div class="panel"><div class="empty">No page here. <a href="/">Back to the services</a>.</div></div>
        </Layout>
      );
  }
}
