/**
 * The world-stats assistant: answers questions about the Gapminder data (population, life expectancy,
 * fertility of 62 countries, 1955–2005) in one sentence, in the language of the question. It works as a
 * retrieval-augmented generator:
 *
 * - **retrieval** looks the country up in an index of the dataset's *English* names by character-trigram
 *   similarity — so a question in German about "Deutschland" or in Spanish about "Reino Unido" may
 *   retrieve another country's rows. That weakness is real string matching on the real names, not a
 *   drawn probability, and it is why the non-English cohorts do worse;
 * - **generation** states the retrieved numbers in the language's template, with the slips a real LLM
 *   makes at the rates of GENERATION_ERRORS: reading the neighbouring five-year row, corrupting a number,
 *   shifting a population's decimal point, dropping the unit, answering in English, stopping mid-sentence.
 */
import { pick, type Rng } from '../random.ts';
import { weighted } from '../traffic-kit.ts';
import type { Gapminder, Metric } from './gapminder.ts';
import { countryName, formatValue, WORDING, type Language } from './language.ts';

export type QuestionType = 'value' | 'compare' | 'trend';

export interface Question {
  readonly type: QuestionType;
  readonly metric: Metric;
  /** English dataset names: one country, or two for `compare`. */
  readonly countries: readonly string[];
  /** One year, or two (ascending) for `trend`. */
  readonly years: readonly number[];
  readonly language: Language;
  readonly text: string;
}

export interface QuestionMix {
  readonly types: readonly (readonly [QuestionType, number])[];
  readonly metrics: readonly (readonly [Metric, number])[];
  readonly languages: readonly (readonly [Language, number])[];
}

export const QUESTION_MIX: QuestionMix = {
  types: [['value', 0.5], ['compare', 0.25], ['trend', 0.25]],
  metrics: [['life_expect', 0.4], ['pop', 0.35], ['fertility', 0.25]],
  languages: [['en', 0.6], ['es', 0.2], ['fr', 0.12], ['de', 0.08]],
};

export function drawQuestion(rng: Rng, data: Gapminder, mix: QuestionMix = QUESTION_MIX): Question {
  const type = weighted(rng, mix.types);
  const metric = weighted(rng, mix.metrics);
  const language = weighted(rng, mix.languages);
  const w = WORDING[language];
  const m = w.metric[metric];
  const a = pick(rng, data.countries);
  if (type === 'value') {
    const year = pick(rng, data.years);
    return { type, metric, countries: [a], years: [year], language, text: w.ask.value(m, countryName(a, language), year) };
  }
  if (type === 'compare') {
    let b = pick(rng, data.countries);
    while (b === a) b = pick(rng, data.countries);
    const year = pick(rng, data.years);
    return { type, metric, countries: [a, b], years: [year], language, text: w.ask.compare(m, countryName(a, language), countryName(b, language), year) };
  }
  let [y1, y2] = [pick(rng, data.years), pick(rng, data.years)];
  while (y1 === y2) y2 = pick(rng, data.years);
  if (y1 > y2) [y1, y2] = [y2, y1];
  return { type, metric, countries: [a], years: [y1, y2], language, text: w.ask.trend(m, countryName(a, language), y1, y2) };
}

/** Lower case, accents and punctuation removed: "Österreich" → "osterreich". */
export function normalizeName(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]+/g, ' ').trim();
}

function trigrams(s: string): Set<string> {
  const t = ` ${normalizeName(s)} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= t.length; i++) out.add(t.slice(i, i + 3));
  return out;
}

/**
 * The retriever's country lookup: the dataset country whose English name is most similar to `mention`
 * by the Dice coefficient of character trigrams (ties: the first in alphabetical order).
 */
export function createRetriever(countries: readonly string[]): (mention: string) => string {
  const index = countries.map((c) => [c, trigrams(c)] as const);
  const cache = new Map<string, string>();
  return (mention) => {
    const hit = cache.get(mention);
    if (hit !== undefined) return hit;
    const q = trigrams(mention);
    let best = countries[0] ?? mention;
    let bestSim = -1;
    for (const [c, g] of index) {
      let shared = 0;
      for (const x of q) if (g.has(x)) shared++;
      const sim = (2 * shared) / (q.size + g.size);
      if (sim > bestSim) [best, bestSim] = [c, sim];
    }
    cache.set(mention, best);
    return best;
  };
}

/** Rates of the generation slips, per answer. */
export interface GenerationErrors {
  /** Reads the neighbouring five-year row for one of the facts. */
  readonly yearSlip: number;
  /** States one number up to 25% off. */
  readonly numberSlip: number;
  /** Population only: the decimal point moves one place. */
  readonly scaleSlip: number;
  readonly unitOmitted: number;
  /** Non-English questions only: the answer comes in English. */
  readonly languageSlip: number;
  /** The answer stops mid-sentence at the token limit: per question type. */
  readonly truncated: Readonly<Record<QuestionType, number>>;
}

export const GENERATION_ERRORS: GenerationErrors = {
  yearSlip: 0.03,
  numberSlip: 0.02,
  scaleSlip: 0.03,
  unitOmitted: 0.04,
  languageSlip: 0.05,
  truncated: { value: 0.01, compare: 0.01, trend: 0.05 },
};

export interface Answer {
  readonly text: string;
  /** System prompt, question and retrieved rows. */
  readonly promptTokens: number;
  readonly outputTokens: number;
  /** The countries retrieval resolved the question's mentions to. */
  readonly retrieved: readonly string[];
}

/** Tokens of the instructions every prompt starts with, and of one retrieved dataset row. */
const SYSTEM_TOKENS = 160;
const ROW_TOKENS = 42;

export function tokensOf(text: string): number {
  return Math.ceil(text.split(/\s+/).filter((w) => w !== '').length * 1.35);
}

export function answerQuestion(rng: Rng, data: Gapminder, retrieve: (mention: string) => string, q: Question,
  errors: GenerationErrors = GENERATION_ERRORS): Answer {
  const retrieved = q.countries.map((c) => retrieve(countryName(c, q.language)));
  const lang: Language = q.language !== 'en' && rng() < errors.languageSlip ? 'en' : q.language;
  const w = WORDING[lang];
  const m = w.metric[q.metric];
  const unit = rng() < errors.unitOmitted ? '' : w.unit[q.metric];
  // The facts as the model reads them, with its slips.
  const slipAt = rng() < errors.yearSlip ? Math.floor(rng() * 2) : -1;
  const numberAt = rng() < errors.numberSlip ? Math.floor(rng() * 2) : -1;
  const scaleAt = q.metric === 'pop' && rng() < errors.scaleSlip ? Math.floor(rng() * 2) : -1;
  const read = (i: number, country: string, year: number): number => {
    const y = i === slipAt ? neighbourYear(rng, data, year) : year;
    let v = data.get(country, y)?.[q.metric] ?? data.get(country, year)?.[q.metric] ?? 0;
    if (i === numberAt) v *= 0.75 + 0.5 * rng();
    if (i === scaleAt) v *= rng() < 0.5 ? 10 : 0.1;
    return v;
  };
  const fmt = (v: number): string => formatValue(q.metric, v, lang);
  const say = (mention: string): string => countryName(mention, q.language);
  let text: string;
  if (q.type === 'value') {
    text = w.value(m, say(q.countries[0]!), q.years[0]!, fmt(read(0, retrieved[0]!, q.years[0]!)), unit);
  } else if (q.type === 'compare') {
    const [va, vb] = [read(0, retrieved[0]!, q.years[0]!), read(1, retrieved[1]!, q.years[0]!)];
    const [a, b] = [say(q.countries[0]!), say(q.countries[1]!)];
    text = va >= vb ? w.compare(m, a, b, q.years[0]!, fmt(va), fmt(vb), unit) : w.compare(m, b, a, q.years[0]!, fmt(vb), fmt(va), unit);
  } else {
    const [y1, y2] = [q.years[0]!, q.years[1]!];
    const [v1, v2] = [read(0, retrieved[0]!, y1), read(1, retrieved[0]!, y2)];
    text = w.trend(m, say(q.countries[0]!), v2 >= v1, y1, fmt(v1), y2, fmt(v2), unit);
  }
  text = text.replace(/ {2,}/g, ' ').replace(/ ([.,:;])/g, (s, p: string) => (p === ':' && lang === 'fr' ? s : p));
  if (rng() < errors.truncated[q.type]) text = text.slice(0, Math.floor(text.length * (0.4 + 0.3 * rng()))).trimEnd();
  const rows = q.type === 'value' ? 3 : q.type === 'compare' ? 6 : data.years.length;
  return { text, promptTokens: SYSTEM_TOKENS + tokensOf(q.text) + rows * ROW_TOKENS, outputTokens: tokensOf(text), retrieved };
}

function neighbourYear(rng: Rng, data: Gapminder, year: number): number {
  const options = [year - 5, year + 5].filter((y) => data.years.includes(y));
  return options.length === 0 ? year : pick(rng, options);
}
