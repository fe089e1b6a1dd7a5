/** Small, fast models shared by the demo tests (the full trees take seconds to train). */
import { loadGapminder } from '../../src/demo/assistant/gapminder.ts';
import { trainFlightModel, type TrainOptions } from '../../src/demo/classifier/flight-model.ts';
import { loadFlights } from '../../src/demo/classifier/flights.ts';
import { loadMovies } from '../../src/demo/ranker/movies.ts';
import { RANKER_CANARY_TRAIN, RANKER_TRAIN, trainRanker } from '../../src/demo/ranker/ranker-model.ts';
import type { DemoModels } from '../../src/demo/start-demo.ts';

const SMALL: TrainOptions = { seed: 1, holdOut: 0.3, treeRows: 600, maxDepth: 3 };
let cached: DemoModels | undefined;

/**
 * Small flight trees (a production model and a canary with delayed flights oversampled 4×, on the same
 * hold-out split), the real rankers (ridge regression trains in ~50 ms) and the Gapminder data.
 */
export function smallModels(): DemoModels {
  cached ??= {
    classifier: {
      main: trainFlightModel(loadFlights(), SMALL),
      canary: trainFlightModel(loadFlights(), { ...SMALL, treeRows: 300, oversampleDelayed: 4 }),
    },
    ranker: { main: trainRanker(loadMovies(), RANKER_TRAIN), canary: trainRanker(loadMovies(), RANKER_CANARY_TRAIN) },
    gapminder: loadGapminder(),
  };
  return cached;
}
