/**
 * Cleanup on every way out: normal end, an uncaught error, Ctrl-C (SIGINT) or SIGTERM. Handlers run once,
 * last registered first, synchronously (temp dirs are removed with rmSync, children get SIGTERM).
 */
type Handler = () => void;

const handlers: Handler[] = [];
let installed = false;
let ran = false;

function runAll(): void {
  if (ran) return;
  ran = true;
  for (const h of handlers.reverse()) {
    try {
      h();
    } catch {
      // best effort: keep cleaning the rest
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, cleaning up\n`);
      runAll();
      process.exit(130);
    });
  }
}

/** Registers `h`; returns a function that runs it now (once) and unregisters it. */
export function onCleanup(h: Handler): () => void {
  install();
  handlers.push(h);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const i = handlers.indexOf(h);
    if (i >= 0) handlers.splice(i, 1);
    h();
  };
}

/**
 * Lets the event loop turn (signals are delivered there). Long benchmark loops whose awaits resolve
 * synchronously (better-sqlite3 underneath) call this between iterations, outside the timed region, so
 * Ctrl-C is handled promptly.
 */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
