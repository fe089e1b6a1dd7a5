/**
 * A real Alertmanager (Debian's prometheus-alertmanager, 0.25) on loopback for integration tests: started
 * with the given routing config and storage under a fresh temp folder, clustering off; stopped and removed
 * with `stop()`. Tests check `ALERTMANAGER_MISSING` first and skip, with the install command, without it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './wait.ts';

const BIN = '/usr/bin/prometheus-alertmanager';
const INSTALL = 'apt-get install -y --no-install-recommends prometheus-alertmanager';

export const ALERTMANAGER_MISSING: string | false = existsSync(BIN) ? false : `${BIN} is not installed; install it with: ${INSTALL}`;

export interface AlertmanagerServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts Alertmanager with `configYaml` (its `alertmanager.yml`) and waits until it is ready. */
export async function startAlertmanager(configYaml: string): Promise<AlertmanagerServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-am-'));
  writeFileSync(join(dir, 'am.yml'), configYaml);
  const port = await freePort();
  let stderr = '';
  const am = spawn(BIN, [`--config.file=${join(dir, 'am.yml')}`, `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: ['ignore', 'ignore', 'pipe'] });
  am.stderr.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-20_000); });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (am.exitCode === null && am.signalCode === null) {
      const exited = new Promise((r) => am.once('exit', r));
      am.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('Alertmanager to be ready', async () => {
      if (am.exitCode !== null) throw new Error(`alertmanager exited: ${stderr}`);
      try {
        return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop };
}
