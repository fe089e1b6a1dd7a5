/** The dashboard's root: session guard, the key's role, server clock, routing. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, apiGet, whenUnauthenticated } from './api/client.ts';
import type { InfoResponse, Role, WhoamiResponse } from './api/types.ts';
import { useTicker } from './api/use-api.ts';
import { ErrorBox, Loading } from './components/async.tsx';
import { Layout, type NavLink } from './components/layout.tsx';
import { labelingPath, navigate, useLocation } from './lib/router.ts';
import type { ServerClock } from './lib/server-clock.ts';
import { clearKey, getKey, getRole, setRole } from './lib/session.ts';
import { LabelPage } from './pages/labeling/label-page.tsx';
import { Queues } from './pages/labeling/queues.tsx';
import { Overview } from './pages/overview.tsx';
import { ServicePage } from './pages/service/service-page.tsx';
import { SignIn } from './pages/sign-in.tsx';

/** Where to go after signing in: a path of ours only (never an absolute URL from the query string). */
function nextPath(q: URLSearchParams): string {
  const next = q.get('next');
  return next !== null && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** A labeler key reads nothing but its queues: the service pages would only show 403s. */
const labelerOnly = (role: Role | null): boolean => role === 'labeler';
/** Who may lease items (the server's rule: labeler, and admin always). */
const mayLabel = (role: Role | null): boolean => role === 'labeler' || role === 'admin';

export function App() {
  const loc = useLocation();
  const [key, setKeyState] = useState(getKey);
  const [role, setRoleState] = useState<Role | null>(getRole);
  const [whoError, setWhoError] = useState<ApiError | undefined>(undefined);
  const [clock, setClock] = useState<ServerClock | undefined>(undefined);
  const [info, setInfo] = useState<InfoResponse | undefined>(undefined);
  const tick = useTicker(60_000, key !== null);

  useEffect(() => whenUnauthenticated(() => {
    clearKey();
    setKeyState(null);
    setRoleState(null);
    navigate(`/login?reason=expired&next=${encodeURIComponent(window.location.pathname + window.location.search)}`, { replace: true });
  }), []);

  // The key's role and the server's clock; then, for keys that may read it, /v1/info (the version).
  useEffect(() => {
    if (key === null) return undefined;
    const ctrl = new AbortController();
    apiGet<WhoamiResponse>('/v1/whoami', { signal: ctrl.signal }).then(
      (who) => {
        setRole(who.role);
        setRoleState(who.role);
        setWhoError(undefined);
        setClock({ info: who, readAt: Date.now() });
        if (who.role === 'read' || who.role === 'admin') {
          apiGet<InfoResponse>('/v1/info', { signal: ctrl.signal }).then((i) => setInfo(i), () => undefined);
        }
      },
      (e: unknown) => {
        if (!ctrl.signal.aborted && e instanceof ApiError && !e.unauthenticated) setWhoError(e);
      },
    );
    return () => ctrl.abort();
  }, [key, tick]);

  const route = loc.route;
  useEffect(() => {
    if (key === null && route.page !== 'login') {
      navigate(`/login?next=${encodeURIComponent(loc.path + (loc.query.toString() === '' ? '' : `?${loc.query.toString()}`))}`, { replace: true });
    } else if (key !== null && labelerOnly(role) && (route.page === 'overview' || route.page === 'service')) {
      navigate(labelingPath(), { replace: true });
    }
  }, [key, role, route.page, loc]);

  useEffect(() => {
    const name = route.page === 'service' ? route.name
      : route.page === 'label' ? `Labeling ${route.name}`
      : route.page === 'queues' ? 'Labeling'
      : route.page === 'login' ? 'Sign in' : 'Services';
    document.title = `${name} · mlslo`;
  }, [route]);

  if (route.page === 'login' || key === null) {
    return (
      <SignIn
        reason={loc.query.get('reason')}
        onSignedIn={(who) => {
          setKeyState(getKey());
          setRoleState(who.role);
          setClock({ info: who, readAt: Date.now() });
          const next = nextPath(loc.query);
          navigate(labelerOnly(who.role) && !next.startsWith('/labeling') ? labelingPath() : next, { replace: true });
        }}
      />
    );
  }

  const signOut = (): void => {
    clearKey();
    setKeyState(null);
    setRoleState(null);
    setInfo(undefined);
    navigate('/login', { replace: true });
  };
  const links: NavLink[] = role === 'admin'
    ? [{ label: 'Services', href: '/', current: route.page === 'overview' || route.page === 'service' }, { label: 'Labeling', href: labelingPath(), current: route.page === 'queues' || route.page === 'label' }]
    : [];
  const frame = (crumbs: ReadonlyArray<{ label: string; href?: string }>, body: ComponentChildren) => (
    <Layout crumbs={crumbs} info={info} links={links} onSignOut={signOut}>{body}</Layout>
  );

  if (role === null) {
    return frame([{ label: 'Signing in' }], whoError === undefined ? <Loading what="your key's role" /> : <div class="panel"><ErrorBox error={whoError} what="your key's role" /></div>);
  }
  if (role === 'ingest') {
    return frame([{ label: 'Ingest key' }], <div class="panel"><div class="empty">This is an <b>ingest</b> key: it may send events, not read them. Sign out and sign in with a read, admin or labeler key.</div></div>);
  }
  if (labelerOnly(role) && (route.page === 'overview' || route.page === 'service')) return frame([{ label: 'Labeling' }], <Loading what="your queues" />);

  switch (route.page) {
    case 'overview':
      return frame([{ label: 'Services' }], <Overview />);
    case 'service':
      return frame([{ label: 'Services', href: '/' }, { label: route.name }], <ServicePage name={route.name} loc={loc} clock={clock} />);
    case 'queues':
      return frame([{ label: 'Labeling' }], <Queues mayLabel={mayLabel(role)} />);
    case 'label':
      return frame(
        [{ label: 'Labeling', href: labelingPath() }, { label: route.name }],
        mayLabel(role) ? <LabelPage key={route.name} service={route.name} clock={clock} /> : <Queues mayLabel={false} />,
      );
    case 'not-found':
      return frame([{ label: 'Not found' }], <div class="panel"><div class="empty">No page here. <a href="/">Back to the start</a>.</div></div>);
  }
}
