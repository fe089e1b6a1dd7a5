/**
 * Time compression for `mlslo serve --demo`. With a speed factor s (config `demoSpeed`, default 10; 1 is
 * real time) the server's clock — and the demo traffic's, which reads the same clock — runs
 *
 *     server(t) = anchor + (t − t₀) × s          (t real time, t₀ the real start)
 *
 * so burn windows, alert `for` durations and label delays pass s times faster: the 1h/5m page row of a
 * 30-day policy watches six real minutes at 10×. t₀ is when the demo's live traffic starts; until then
 * (training, uploading baselines, back-filling history) server time stands at the anchor.
 *
 * **Restarts.** Compressed time runs ahead of the wall clock: after 30 real minutes at 10× the data dir
 * holds events 4.5 hours "in the future". A restarted demo on the same data directory therefore does not
 * start from the wall clock (its new events would land before the old ones, and the alert states would see
 * time run backwards) but resumes: the anchor is the later of the wall clock and the newest instant the
 * store holds (last inference, last alert evaluation), and each service back-fills only the gap since its
 * last request (at most the usual 48 hours). History accumulates across runs and stays consistent, the
 * scripted live story plays again from the new anchor, and a fresh data directory behaves exactly as a
 * first run. The price: a demo data directory is ahead of real time, so keep it apart from the data of a
 * real (uncompressed) server — `npm start` uses its own default, `./data`, only for the demo.
 */
import type { Store } from '../store/port.ts';

export const DEFAULT_DEMO_SPEED = 10;

export interface CompressedClock {
  /** Server time: the anchor until `start()`, then `anchor + (real − realStart) × speed`. */
  readonly now: () => number;
  /** Sets the real start to now; later calls do nothing. */
  readonly start: () => void;
}

/**
 * The demo's clock. It stands still at the anchor until started — the demo starts it once the history
 * is back-filled, so the live story's "one real minute after start" counts from when live traffic flows,
 * however long training and the back-fill took.
 */
export function compressedClock(anchorMs: number, speed: number, realNow: () => number = Date.now): CompressedClock {
  let realStart: number | undefined;
  return {
    now: () => (realStart === undefined ? anchorMs : anchorMs + Math.floor((realNow() - realStart) * speed)),
    start: () => { realStart ??= realNow(); },
  };
}

export interface DemoResume {
  /** Where server time starts: the later of the wall clock and the newest stored instant. */
  readonly anchorMs: number;
  /** Per service, the end of the last minute it served in the stored history (absent: none). */
  readonly lastServedMs: ReadonlyMap<string, number>;
}

type ResumeStore = Pick<Store, 'lastInferenceSeq' | 'readInferencesAfter' | 'loadAlerts' | 'readRollups'>;

/** How far back the stored history is searched for each service's last request. */
const LOOKBACK_MS = 8 * 86_400_000;

export async function resumeDemo(store: ResumeStore, services: readonly string[], realNowMs: number): Promise<DemoResume> {
  let newest = realNowMs;
  const seq = await store.lastInferenceSeq();
  if (seq > 0) {
    for (const t of await store.readInferencesAfter({ afterSeq: seq - 1, limit: 1 })) newest = Math.max(newest, t.event.ts);
  }
  for (const a of await store.loadAlerts()) newest = Math.max(newest, a.updatedAt);
  // Whole seconds, strictly after everything stored.
  const anchorMs = Math.floor(newest / 1000) * 1000 + 1000;
  const lastServedMs = new Map<string, number>();
  if (seq > 0) {
    for (const service of services) {
      // Hour buckets find the last hour cheaply; its minute buckets then find the last minute.
      const hours = await store.readRollups({ service, resolution: 'h', from: anchorMs - LOOKBACK_MS, to: anchorMs + 3_600_000, cohorts: false, sketches: false });
      if (hours.length === 0) continue;
      const lastHour = Math.max(...hours.map((r) => r.bucket));
      const minutes = await store.readRollups({ service, resolution: 'm', from: lastHour, to: lastHour + 3_600_000, cohorts: false, sketches: false });
      const lastMinute = minutes.length === 0 ? lastHour + 3_540_000 : Math.max(...minutes.map((r) => r.bucket));
      lastServedMs.set(service, Math.min(anchorMs, lastMinute + 60_000));
    }
  }
  return { anchorMs, lastServedMs };
}
