/** Small, fast models shared by the demo tests (the full ones take seconds to train). */
import { trainFlightModel, type TrainOptions } from '../../src/demo/flight-model.ts';
import { loadFlights } from '../../src/demo/flights.ts';
import type { DemoModels } from '../../src/demo/start-demo.ts';

const SMALL: TrainOptions = { seed: 1, holdOut: 0.3, treeRows: 600, maxDepth: 3 };
let cached: DemoModels | undefined;

/** A production model and a canary (delayed flights oversampled 4×) on the same hold-out split. */
export function smallModels(): DemoModels {
  if (cached === undefined) {
    const flights = loadFlights();
    cached = {
      main: trainFlightModel(flights, SMALL),
      canary: trainFlightModel(flights, { ...SMALL, treeRows: 300, oversampleDelayed: 4 }),
    };
  }
  return cached;
}
