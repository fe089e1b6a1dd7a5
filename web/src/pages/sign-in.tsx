/**
 * Sign in with an API key (read, admin or labeler). The key is checked against `GET /v1/whoami` before it
 * is kept, so a wrong key shows the server's own answer; an ingest key is refused here (it reads nothing),
 * and the role decides the first page (a labeler's queue, everyone else's services).
 */
import { useState } from 'preact/hooks';
import { ApiError, apiGet } from '../api/client.ts';
import type { WhoamiResponse } from '../api/types.ts';
import { setKey } from '../lib/session.ts';

export function SignIn(props: { reason: string | null; onSignedIn: (who: WhoamiResponse) => void }) {
  const [key, setKeyText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const k = key.trim();
    if (k === '') return;
    setBusy(true);
    setError(undefined);
    try {
      const who = await apiGet<WhoamiResponse>('/v1/whoami', { key: k });
      if (who.role === 'ingest') throw new ApiError(403, 'MLSLO_ERR_FORBIDDEN', 'an ingest key may send events but read nothing; use a read, admin or labeler key');
      setKey(k, who.role);
      props.onSignedIn(who);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'CLIENT', (err as Error).message));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="signin">
      <div class="panel">
        <header><h1 style={{ fontSize: '1.3rem' }}>Sign in to mlslo</h1></header>
        <form onSubmit={(e) => void submit(e)}>
          {props.reason === 'expired' ? <p class="t-warn">Your key was not accepted any more. Sign in again.</p> : null}
          <label for="api-key">API key</label>
          <input
            id="api-key" type="password" autocomplete="off" spellcheck={false} placeholder="mlslo_…" required autoFocus
            value={key} onInput={(e) => setKeyText((e.currentTarget).value)}
            aria-describedby="key-help" aria-invalid={error === undefined ? undefined : true}
          />
          <p id="key-help">
            A <b>read</b> or admin key for the dashboard, a <b>labeler</b> key for the labeling queue
            (<code>mlslo keys create --role read|labeler</code>). It is kept in this tab only (sessionStorage) and
            sent to this server alone.
          </p>
          {error === undefined ? null : (
            <div class="error-box" role="alert">
              <div>
                <div><b>{error.unauthenticated ? 'The server refused this key.' : error.status === 403 ? 'This key may not read.' : 'Could not sign in.'}</b> <span class="detail">{error.message}</span></div>
                <code>{error.code}{error.status > 0 ? ` · HTTP ${error.status}` : ''}</code>
              </div>
            </div>
          )}
          <div><button class="btn primary" type="submit" disabled={busy}>{busy ? 'Checking…' : 'Sign in'}</button></div>
        </form>
      </div>
    </main>
  );
}
