/**
 * A real Prometheus (Debian's `prometheus` package, 2.42) on loopback for integration tests: started from
 * its binary with a config and rule files in a temp folder, TSDB there too, and stopped with it.
 * Tests check `PROMETHEUS_MISSING` first and skip (with the install command) when the binary is absent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './wait.ts';

const BIN = '/usr/bin/prometheus';
const INSTALL = 'apt-get install -y --no-install-recommends prometheus';

export const PROMETHEUS_MISSING: string | false = existsSync(BIN) ? false : `${BIN} is not installed; install it with: ${INSTALL}`;

export interface PromAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly state: 'pending' | 'firing';
  readonly activeAt: string;
  readonly value: string;
}

export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

export interface Prometheus {
  readonly url: string;
  /** An instant query now; NaN samples come back as NaN. */
  query(expr: string): Promise<PromSample[]>;
  /** Active (pending or firing) alerts. */
  alerts(): Promise<PromAlert[]>;
  stop(): Promise<void>;
}

export interface PrometheusSetup {
  /** prometheus.yml without `rule_files` (added here). */
  readonly config: string;
  /** Rule files by name. */
  readonly rules: Readonly<Record<string, string>>;
}

export async function startPrometheus(setup: PrometheusSetup): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-prom-'));
  const ruleFiles = Object.entries(setup.rules).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
  writeFileSync(join(dir, 'prometheus.yml'), `${setup.config}\nrule_files:\n${ruleFiles.map((f) => `  - ${JSON.stringify(f)}`).join('\n')}\n`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let stderr = '';
  const proc: ChildProcess = spawn(BIN, [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-20_000);
  });
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('Prometheus to be ready', async () => {
      if (proc.exitCode !== null) throw new Error(`prometheus exited (${proc.exitCode}): ${stderr}`);
      try {
        return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    }, 60_000);
  } catch (e) {
    await stop();
    throw e;
  }

  const api = async (path: string): Promise<any> => {
    const res = await fetch(`${url}${path}`);
    const body = (await res.json()) as { status: string; data: unknown; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error ?? res.status}`);
    return body.data;
  };
  return {
    url,
    async query(expr) {
      const data = (await api(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    async alerts() {
      return ((await api('/api/v1/alerts')) as { alerts: PromAlert[] }).alerts;
    },
    stop,
  };
}
