/**
 * Delivering what is queued when a model server stops. Listening for a signal replaces Node's default
 * action (terminate), so after closing the client the hook removes itself and, if nobody else listens
 * for that signal, raises it again: the process then ends exactly as it would have without the hook.
 */
import type { ClientStats, CloseResult } from './types.ts';

export interface ShutdownHookOptions {
  /** Default `['SIGTERM', 'SIGINT']`. */
  signals?: readonly NodeJS.Signals[];
  /** How long a signal waits for delivery before the process goes on ending. Default 5,000. */
  timeoutMs?: number;
  /** Also close when the event loop runs dry (`beforeExit`; not fired by `process.exit()`). Default true. */
  beforeExit?: boolean;
}

interface Closable {
  close(options?: { timeoutMs?: number }): Promise<CloseResult>;
  stats(): ClientStats;
}

export function installShutdownHooks(client: Closable, options: ShutdownHookOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const timeoutMs = options.timeoutMs ?? 5000;
  let closing = false;

  const reraise = (signal: NodeJS.Signals): void => {
    // Other listeners decide for themselves what the signal means (they have already run); alone,
    // we restore the default disposition and let it act.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      // A second signal while delivering: the operator does not want to wait.
      uninstall();
      reraise(signal);
      return;
    }
    closing = true;
    void client.close({ timeoutMs }).finally(() => {
      uninstall();
      reraise(signal);
    });
  };
  const onBeforeExit = (): void => {
    const s = client.stats();
    // Scheduling the close keeps the loop alive; afterwards nothing is held and the process exits.
    if (s.queued + s.inFlight > 0) void client.close({ timeoutMs });
  };

  for (const s of signals) process.on(s, onSignal);
  if (options.beforeExit !== false) process.on('beforeExit', onBeforeExit);

  function uninstall(): void {
    for (const s of signals) process.removeListener(s, onSignal);
    process.removeListener('beforeExit', onBeforeExit);
  }
  return uninstall;
}
