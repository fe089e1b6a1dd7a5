import type { ServeConfig } from '../config.ts';
import { commandConfig, type StoreFlags } from '../store-flags.ts';
import { startServer } from '../../server/run.ts';
import type { ServerRole } from '../../server/roles.ts';

interface ServeFlags extends StoreFlags {
  port?: number; host?: string; specs?: string[]; demo?: boolean; demoSpeed?: number; maxEventAge?: string; role?: ServerRole; publicUrl?: string;
}

/** The serve-only flags given, as config keys (the store flags are store-flags.ts's). */
function serveFlagValues(flags: ServeFlags): Partial<ServeConfig> {
  const given: Partial<ServeConfig> = {};
  if (flags.port !== undefined) Object.assign(given, { port: flags.port });
  if (flags.host !== undefined) Object.assign(given, { host: flags.host });
  if (flags.specs !== undefined) Object.assign(given, { specs: flags.specs });
  if (flags.demo !== undefined) Object.assign(given, { demo: flags.demo });
  if (flags.demoSpeed !== undefined) Object.assign(given, { demoSpeed: flags.demoSpeed });
  if (flags.maxEventAge !== undefined) Object.assign(given, { maxEventAge: flags.maxEventAge });
  if (flags.role !== undefined) Object.assign(given, { role: flags.role });
  if (flags.publicUrl !== undefined) Object.assign(given, { publicUrl: flags.publicUrl });
  return given;
}

export async function serveCommand(flags: ServeFlags): Promise<void> {
  const cfg = await commandConfig(flags, serveFlagValues(flags));

  const server = await startServer(cfg);
  process.stdout.write(`mlslo listening on ${server.url}${cfg.role === 'all' ? '' : ` (role ${cfg.role}, store ${cfg.store})`}\n`);
  if (server.adminKey !== undefined) {
    process.stdout.write(`admin key (shown once): ${server.adminKey}\n`);
    process.stdout.write(`try:  MLSLO_URL=${server.url} MLSLO_KEY=${server.adminKey} ./bin/mlslo report flight-delay-classifier\n`);
    process.stdout.write(`or:   curl -H 'Authorization: Bearer ${server.adminKey}' ${server.url}/v1/services\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write('stopping…\n');
      server.close().then(resolve, (e: unknown) => {
        process.stderr.write(`mlslo: error while stopping: ${(e as Error).message}\n`);
        process.exitCode = 1;
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
