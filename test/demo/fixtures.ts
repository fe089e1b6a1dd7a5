/** A small, fast model shared by the demo tests (the full one takes seconds to train). */
import { trainFlightModel, type FlightModel } from '../../src/demo/flight-model.ts';
import { loadFlights } from '../../src/demo/flights.ts';

let cached: FlightModel | undefined;

export function smallModel(): FlightModel {
  cached ??= trainFlightModel(loadFlights(), { seed: 1, holdOut: 0.3, treeRows: 600, maxDepth: 3 });
  return cached;
}
