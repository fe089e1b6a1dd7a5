import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TRAIN, trainFlightModel } from '../../src/demo/flight-model.ts';
import { loadFlights } from '../../src/demo/flights.ts';

test('the start-up tree beats always predicting the majority class on held-out flights', () => {
  const flights = loadFlights();
  const model = trainFlightModel(flights, DEFAULT_TRAIN);
  assert.equal(model.heldOut.length + model.train.length, flights.length);
  assert.equal(model.heldOut.length, 6000);
  const trainIds = new Set(model.train);
  assert.ok(model.heldOut.every((f) => !trainIds.has(f)), 'held-out rows are not trained on');

  let delayed = 0;
  for (const f of model.heldOut) if (f.delayed) delayed++;
  const baseline = Math.max(delayed, model.heldOut.length - delayed) / model.heldOut.length;
  let correct = 0;
  for (const f of model.heldOut) if (model.predict(f).delayed === f.delayed) correct++;
  const accuracy = correct / model.heldOut.length;
  assert.ok(accuracy > baseline, `accuracy ${accuracy} vs baseline ${baseline}`);
  assert.ok(model.heldOut.some((f) => model.predict(f).delayed), 'predicts some delays, not only the majority');
  for (const f of model.heldOut.slice(0, 200)) {
    const s = model.predict(f).score;
    assert.ok(s >= 0.5 && s <= 1, `score ${s}`);
  }
});
