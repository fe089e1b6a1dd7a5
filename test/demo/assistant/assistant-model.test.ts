import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  answerQuestion, createRetriever, drawQuestion, type GenerationErrors, type Question,
} from '../../../src/demo/assistant/assistant-model.ts';
import { loadGapminder } from '../../../src/demo/assistant/gapminder.ts';
import { credit, judgeAnswer } from '../../../src/demo/assistant/judge.ts';
import { countryName, LANGUAGES, WORDING } from '../../../src/demo/assistant/language.ts';
import { mulberry32 } from '../../../src/demo/random.ts';
import { assistantPassRate } from '../../../src/demo/start-demo.ts';

const data = loadGapminder();
const retrieve = createRetriever(data.countries);
const NO_ERRORS: GenerationErrors = {
  yearSlip: 0, numberSlip: 0, scaleSlip: 0, unitOmitted: 0, languageSlip: 0, truncated: { value: 0, compare: 0, trend: 0 },
};

test('gapminder.json: 62 countries every five years 1955–2005, in six regions', () => {
  assert.equal(data.rows.length, 682);
  assert.equal(data.countries.length, 62);
  assert.deepEqual(data.years, [1955, 1960, 1965, 1970, 1975, 1980, 1985, 1990, 1995, 2000, 2005]);
  assert.equal(data.regionOf('Kenya'), 'sub_saharan_africa');
  assert.equal(data.regionOf('Germany'), 'europe_central_asia');
  assert.equal(data.regionOf('Japan'), 'east_asia_pacific');
  assert.equal(data.get('Japan', 1980)?.life_expect, 76.57);
  for (const c of data.countries) for (const l of LANGUAGES) assert.notEqual(countryName(c, l), '', `${c} ${l}`);
});

test('the retriever finds every English name, and misreads the translated names it shares too few trigrams with', () => {
  for (const c of data.countries) assert.equal(retrieve(c), c);
  // Deterministic string matching on the real names: these counts are properties of the data.
  const found = Object.fromEntries(LANGUAGES.map((l) => [l, data.countries.filter((c) => retrieve(countryName(c, l)) === c).length]));
  assert.deepEqual(found, { en: 62, es: 50, fr: 52, de: 53 });
  assert.notEqual(retrieve('Deutschland'), 'Germany');
  assert.notEqual(retrieve('Reino Unido'), 'United Kingdom');
  assert.equal(retrieve('Japón'), 'Japan');
});

test('without generation slips, every answer in every language is judged fully faithful and well formed', () => {
  const rng = mulberry32(11);
  for (let i = 0; i < 3000; i++) {
    const q = drawQuestion(rng, data);
    // Retrieval misses are the other error source; keep to questions it resolves.
    if (q.countries.some((c) => retrieve(countryName(c, q.language)) !== c)) continue;
    const a = answerQuestion(rng, data, retrieve, q, NO_ERRORS);
    assert.deepEqual(judgeAnswer(data, q, a.text), { faithfulness: 1, format: 1 }, `${q.text} → ${a.text}`);
  }
});

function ask(partial: Partial<Question> & Pick<Question, 'type' | 'countries' | 'years'>): Question {
  return { metric: 'life_expect', language: 'en', text: '', ...partial };
}

test('the judge: partial credit between 2% and 10% off, zero for a wrong claim, format penalties', () => {
  assert.equal(credit(102, 100), 1);
  assert.equal(credit(110, 100), 0);
  assert.ok(Math.abs(credit(106, 100) - 0.5) < 1e-12);
  const q = ask({ type: 'value', countries: ['Japan'], years: [1980] });
  assert.deepEqual(judgeAnswer(data, q, 'In 1980, the life expectancy of Japan was 76.6 years.'), { faithfulness: 1, format: 1 });
  // 5% off (80.4 vs 76.57): (0.10 − 0.05) / 0.08 ≈ 0.62.
  assert.equal(judgeAnswer(data, q, 'In 1980, the life expectancy of Japan was 80.4 years.').faithfulness, 0.62);
  assert.deepEqual(judgeAnswer(data, q, 'In 1980, the life expectancy of Japan was 76.6.'), { faithfulness: 1, format: 0.75 });
  assert.equal(judgeAnswer(data, q, 'In 1980, the life expectancy of Japan was').format, 0.25);
  const es = { ...q, language: 'es' as const };
  assert.deepEqual(judgeAnswer(data, es, 'En 1980, la esperanza de vida de Japón era de 76,6 años.'), { faithfulness: 1, format: 1 });
  assert.equal(judgeAnswer(data, es, 'In 1980, the life expectancy of Japón was 76.6 years.').format, 0.5, 'answered in English');
  // Population in millions; a shifted decimal point earns nothing.
  const pop = ask({ type: 'value', metric: 'pop', countries: ['Japan'], years: [1980] });
  const millions = (data.get('Japan', 1980)!.pop / 1e6).toFixed(1); // ~117 million
  assert.equal(judgeAnswer(data, pop, `In 1980, the population of Japan was ${millions} million.`).faithfulness, 1);
  assert.equal(judgeAnswer(data, pop, `In 1980, the population of Japan was ${(Number(millions) / 10).toFixed(1)} million.`).faithfulness, 0);
  // Compare: naming the lower country as the higher is wrong whatever the numbers.
  const cmp = ask({ type: 'compare', countries: ['Japan', 'India'], years: [1980] });
  const india = data.get('India', 1980)!.life_expect.toFixed(1);
  assert.equal(judgeAnswer(data, cmp, `In 1980, Japan had the higher life expectancy: 76.6 years, against ${india} years in India.`).faithfulness, 1);
  assert.equal(judgeAnswer(data, cmp, `In 1980, India had the higher life expectancy: 76.6 years, against ${india} years in Japan.`).faithfulness, 0);
  // Trend: a rise called a fall.
  const trend = ask({ type: 'trend', countries: ['Japan'], years: [1960, 2000] });
  const [a, b] = [data.get('Japan', 1960)!.life_expect.toFixed(1), data.get('Japan', 2000)!.life_expect.toFixed(1)];
  assert.equal(judgeAnswer(data, trend, `The life expectancy of Japan rose from ${a} years in 1960 to ${b} years in 2000.`).faithfulness, 1);
  assert.equal(judgeAnswer(data, trend, `The life expectancy of Japan fell from ${a} years in 1960 to ${b} years in 2000.`).faithfulness, 0);
  assert.equal(WORDING.de.unit.fertility, 'Kindern pro Frau');
});

test('on real questions English passes ~93%, the other languages ~74%: the retriever\'s misses are the gap', () => {
  // 6,000 questions (~3,600 English, ~2,400 other): SE ≤ 0.006 and 0.009; measured 0.926–0.95 and 0.70–0.75
  // across seeds, so 0.9 and 0.8 hold with room.
  const p = assistantPassRate(data, 5, 6000);
  assert.ok(p.en > 0.9, `English ${p.en}`);
  assert.ok(p.other < 0.8 && p.other > 0.6, `other ${p.other}`);
  assert.ok(p.all > 0.8 && p.all < 0.9, `all ${p.all}`);
});
