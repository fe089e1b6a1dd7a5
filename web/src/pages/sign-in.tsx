/**
 * Sign in with an API key (a read or admin key). The key is checked against `GET /v1/services` before it
 * is kept, so a wrong or write-only key shows the server's own answer.
 */
import { useState } from 'preact/hooks';
import { ApiError, apiGet } from '../api/client.ts';
import type { ServicesResponse } from '../api/types.ts';
import { setKey } from '../lib/session.ts';

export function SignIn(props: { reason: string | null; onSignedIn: () => void }) {
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
      await apiGet<ServicesResponse>('/v1/services', { key: k });
      setKey(k);
      props.onSignedIn();
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
            A <b>read</b> (or admin) key: <code>mlslo keys create --role read</code>. It is kept in this tab only
            (sessionStorage) and sent to this server alone.
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
