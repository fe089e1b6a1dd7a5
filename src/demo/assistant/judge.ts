/**
 * The assistant's judge: scores an answer against the real Gapminder numbers, as an evaluation pipeline
 * with access to the data would (DESIGN §2.7 external evals post these as `source: judge`).
 *
 * - `faithfulness` ∈ [0, 1]: every number the question asks for must be stated. Each earns full credit
 *   within 2% of the truth (the rounding the answers use), none beyond 10%, linearly in between; the
 *   score is their mean, and 0 when the answer's claim is wrong (the wrong country is named the higher,
 *   or a rise is called a fall).
 * - `format` ∈ [0, 1]: 1, less 0.5 when the answer is not in the question's language, 0.25 when the unit is
 *   missing, 0.5 when it stops mid-sentence.
 *
 * The spec's criteria (`faithfulness >= 0.8 && format >= 0.75`) make a request good.
 */
import type { Gapminder, Metric } from './gapminder.ts';
import type { Question } from './assistant-model.ts';
import { countryName, LANGUAGES, WORDING, type Language } from './language.ts';

export interface Scores {
  readonly faithfulness: number;
  readonly format: number;
}

/** Relative error with full credit, and with none. */
export const FULL_CREDIT_ERR = 0.02;
export const NO_CREDIT_ERR = 0.1;

/** Words that tell the direction of a trend, per language. */
const DIRECTION: Readonly<Record<Language, { readonly up: string; readonly down: string }>> = {
  en: { up: 'rose', down: 'fell' },
  es: { up: 'subió', down: 'bajó' },
  fr: { up: 'augmenté', down: 'baissé' },
  de: { up: 'stieg', down: 'sank' },
};

export function credit(stated: number, truth: number): number {
  const err = Math.abs(stated - truth) / Math.max(Math.abs(truth), 1e-9);
  if (err <= FULL_CREDIT_ERR) return 1;
  if (err >= NO_CREDIT_ERR) return 0;
  return (NO_CREDIT_ERR - err) / (NO_CREDIT_ERR - FULL_CREDIT_ERR);
}

/** Function words of each language's answers; a language is told by how many of its words a text uses. */
const MARKERS: Readonly<Record<Language, ReadonlySet<string>>> = {
  en: new Set(['the', 'of', 'was', 'had', 'higher', 'against', 'from', 'to', 'rose', 'fell']),
  es: new Set(['la', 'de', 'era', 'tenía', 'más', 'alta', 'frente', 'subió', 'bajó']),
  fr: new Set(['le', 'la', 'était', 'avait', 'plus', 'contre', 'a', 'augmenté', 'baissé', 'à']),
  de: new Set(['die', 'lag', 'von', 'bei', 'hatte', 'mit', 'höhere', 'gegenüber', 'stieg', 'sank', 'auf']),
};

/** The language the answer is written in, by its function words and the metric's name; undefined when unclear. */
export function answerLanguage(text: string, metric: Metric): Language | undefined {
  const words = (text.toLowerCase().match(/[\p{L}]+/gu) ?? []);
  let best: Language | undefined;
  let bestScore = 0;
  for (const l of LANGUAGES) {
    const named = text.toLowerCase().includes(WORDING[l].metric[metric].toLowerCase()) ? 2 : 0;
    const score = named + words.filter((w) => MARKERS[l].has(w)).length;
    if (score > bestScore) [best, bestScore] = [l, score];
  }
  return best;
}

function hasWord(text: string, phrase: string): boolean {
  return new RegExp(`(^|[\\s(])${phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[\\s.,:;)]|$)`, 'u').test(text);
}

/**
 * The numbers an answer states, in order, as values in the dataset's unit (population in people): the
 * question's years are not values, and both decimal separators are read.
 */
export function statedValues(text: string, q: Question): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/\d+(?:[.,]\d+)?/g)) {
    const token = m[0];
    if (!/[.,]/.test(token) && q.years.includes(Number(token))) continue;
    const v = Number(token.replace(',', '.'));
    out.push(q.metric === 'pop' ? v * 1e6 : v);
  }
  return out;
}

export function judgeAnswer(data: Gapminder, q: Question, text: string): Scores {
  return { faithfulness: faithfulness(data, q, text), format: formatScore(q, text) };
}

function truth(data: Gapminder, q: Question, country: string, year: number): number {
  const row = data.get(country, year);
  if (row === undefined) throw new RangeError(`no gapminder row for ${country} ${year}`);
  return row[q.metric];
}

function faithfulness(data: Gapminder, q: Question, text: string): number {
  const stated = statedValues(text, q);
  let expected: number[];
  let claimOk = true;
  if (q.type === 'value') {
    expected = [truth(data, q, q.countries[0]!, q.years[0]!)];
  } else if (q.type === 'compare') {
    const [a, b] = [q.countries[0]!, q.countries[1]!];
    // The answer names the country it finds higher first.
    const named = [a, b].map((c) => ({ c, at: text.indexOf(countryName(c, q.language)) })).filter((x) => x.at >= 0).sort((x, y) => x.at - y.at);
    const first = named[0]?.c ?? a;
    const second = first === a ? b : a;
    expected = [truth(data, q, first, q.years[0]!), truth(data, q, second, q.years[0]!)];
    claimOk = named.length > 0 && expected[0]! >= expected[1]!;
  } else {
    expected = [truth(data, q, q.countries[0]!, q.years[0]!), truth(data, q, q.countries[0]!, q.years[1]!)];
    const lang = answerLanguage(text, q.metric) ?? q.language;
    const rose = expected[1]! > expected[0]!;
    const says = DIRECTION[lang];
    if (expected[1] !== expected[0]) claimOk = text.includes(rose ? says.up : says.down);
  }
  if (!claimOk) return 0;
  const credits = expected.map((t, i) => (stated[i] === undefined ? 0 : credit(stated[i], t)));
  return Math.round((credits.reduce((s, c) => s + c, 0) / credits.length) * 100) / 100;
}

function formatScore(q: Question, text: string): number {
  let score = 1;
  if (answerLanguage(text, q.metric) !== q.language) score -= 0.5;
  const unit = WORDING[answerLanguage(text, q.metric) ?? q.language].unit[q.metric];
  if (!hasWord(text, unit)) score -= 0.25;
  if (!text.endsWith('.')) score -= 0.5;
  return Math.max(0, score);
}
