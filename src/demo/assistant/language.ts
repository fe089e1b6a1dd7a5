/**
 * What the assistant needs to speak four languages: the countries' names (the English names are those of
 * the dataset), the metrics' names and units, decimal separators and the answer templates. The judge
 * reads answers with the same tables.
 */
import type { Metric } from './gapminder.ts';

export type Language = 'en' | 'es' | 'fr' | 'de';
export const LANGUAGES: readonly Language[] = ['en', 'es', 'fr', 'de'];

/** Spanish, French and German names of the dataset's countries. */
const NAMES: Readonly<Record<string, readonly [string, string, string]>> = {
  'Afghanistan': ['Afganistán', 'Afghanistan', 'Afghanistan'],
  'Argentina': ['Argentina', 'Argentine', 'Argentinien'],
  'Australia': ['Australia', 'Australie', 'Australien'],
  'Austria': ['Austria', 'Autriche', 'Österreich'],
  'Bahamas': ['Bahamas', 'Bahamas', 'Bahamas'],
  'Bangladesh': ['Bangladés', 'Bangladesh', 'Bangladesch'],
  'Barbados': ['Barbados', 'Barbade', 'Barbados'],
  'Belgium': ['Bélgica', 'Belgique', 'Belgien'],
  'Bolivia': ['Bolivia', 'Bolivie', 'Bolivien'],
  'Brazil': ['Brasil', 'Brésil', 'Brasilien'],
  'Canada': ['Canadá', 'Canada', 'Kanada'],
  'Chile': ['Chile', 'Chili', 'Chile'],
  'China': ['China', 'Chine', 'China'],
  'Colombia': ['Colombia', 'Colombie', 'Kolumbien'],
  'Costa Rica': ['Costa Rica', 'Costa Rica', 'Costa Rica'],
  'Croatia': ['Croacia', 'Croatie', 'Kroatien'],
  'Cuba': ['Cuba', 'Cuba', 'Kuba'],
  'Dominican Republic': ['República Dominicana', 'République dominicaine', 'Dominikanische Republik'],
  'Ecuador': ['Ecuador', 'Équateur', 'Ecuador'],
  'Egypt': ['Egipto', 'Égypte', 'Ägypten'],
  'El Salvador': ['El Salvador', 'Salvador', 'El Salvador'],
  'Finland': ['Finlandia', 'Finlande', 'Finnland'],
  'France': ['Francia', 'France', 'Frankreich'],
  'Georgia': ['Georgia', 'Géorgie', 'Georgien'],
  'Germany': ['Alemania', 'Allemagne', 'Deutschland'],
  'Greece': ['Grecia', 'Grèce', 'Griechenland'],
  'Grenada': ['Granada', 'Grenade', 'Grenada'],
  'Haiti': ['Haití', 'Haïti', 'Haiti'],
  'Hong Kong, China': ['Hong Kong', 'Hong Kong', 'Hongkong'],
  'Iceland': ['Islandia', 'Islande', 'Island'],
  'India': ['India', 'Inde', 'Indien'],
  'Indonesia': ['Indonesia', 'Indonésie', 'Indonesien'],
  'Iran': ['Irán', 'Iran', 'Iran'],
  'Iraq': ['Irak', 'Irak', 'Irak'],
  'Ireland': ['Irlanda', 'Irlande', 'Irland'],
  'Israel': ['Israel', 'Israël', 'Israel'],
  'Italy': ['Italia', 'Italie', 'Italien'],
  'Jamaica': ['Jamaica', 'Jamaïque', 'Jamaika'],
  'Japan': ['Japón', 'Japon', 'Japan'],
  'Kenya': ['Kenia', 'Kenya', 'Kenia'],
  'Lebanon': ['Líbano', 'Liban', 'Libanon'],
  'Mexico': ['México', 'Mexique', 'Mexiko'],
  'Netherlands': ['Países Bajos', 'Pays-Bas', 'Niederlande'],
  'New Zealand': ['Nueva Zelanda', 'Nouvelle-Zélande', 'Neuseeland'],
  'Nigeria': ['Nigeria', 'Nigeria', 'Nigeria'],
  'North Korea': ['Corea del Norte', 'Corée du Nord', 'Nordkorea'],
  'Norway': ['Noruega', 'Norvège', 'Norwegen'],
  'Pakistan': ['Pakistán', 'Pakistan', 'Pakistan'],
  'Peru': ['Perú', 'Pérou', 'Peru'],
  'Philippines': ['Filipinas', 'Philippines', 'Philippinen'],
  'Poland': ['Polonia', 'Pologne', 'Polen'],
  'Portugal': ['Portugal', 'Portugal', 'Portugal'],
  'Rwanda': ['Ruanda', 'Rwanda', 'Ruanda'],
  'Saudi Arabia': ['Arabia Saudita', 'Arabie saoudite', 'Saudi-Arabien'],
  'South Africa': ['Sudáfrica', 'Afrique du Sud', 'Südafrika'],
  'South Korea': ['Corea del Sur', 'Corée du Sud', 'Südkorea'],
  'Spain': ['España', 'Espagne', 'Spanien'],
  'Switzerland': ['Suiza', 'Suisse', 'Schweiz'],
  'Turkey': ['Turquía', 'Turquie', 'Türkei'],
  'United Kingdom': ['Reino Unido', 'Royaume-Uni', 'Vereinigtes Königreich'],
  'United States': ['Estados Unidos', 'États-Unis', 'Vereinigte Staaten'],
  'Venezuela': ['Venezuela', 'Venezuela', 'Venezuela'],
};

/** The country's name in `lang` (the dataset's English name for `en`, or when none is listed). */
export function countryName(country: string, lang: Language): string {
  const names = NAMES[country];
  if (lang === 'en' || names === undefined) return country;
  return names[lang === 'es' ? 0 : lang === 'fr' ? 1 : 2];
}

interface Wording {
  readonly metric: Readonly<Record<Metric, string>>;
  readonly unit: Readonly<Record<Metric, string>>;
  readonly decimal: '.' | ',';
  readonly value: (m: string, country: string, year: number, v: string, unit: string) => string;
  readonly compare: (m: string, winner: string, loser: string, year: number, vw: string, vl: string, unit: string) => string;
  readonly trend: (m: string, country: string, rose: boolean, y1: number, v1: string, y2: number, v2: string, unit: string) => string;
  readonly ask: {
    readonly value: (m: string, country: string, year: number) => string;
    readonly compare: (m: string, a: string, b: string, year: number) => string;
    readonly trend: (m: string, country: string, y1: number, y2: number) => string;
  };
}

/** French article and agreement: `taux` is masculine, `espérance` and `population` feminine. */
function fr(metric: string): { np: string; e: string; it: string; highest: string } {
  if (metric.startsWith('taux')) return { np: `le ${metric}`, e: '', it: 'il', highest: 'le plus élevé' };
  return { np: metric.startsWith('e') || metric.startsWith('é') ? `l'${metric}` : `la ${metric}`, e: 'le', it: 'elle', highest: 'la plus élevée' };
}

export const WORDING: Readonly<Record<Language, Wording>> = {
  en: {
    metric: { life_expect: 'life expectancy', pop: 'population', fertility: 'fertility rate' },
    unit: { life_expect: 'years', pop: 'million', fertility: 'children per woman' },
    decimal: '.',
    value: (m, c, y, v, u) => `In ${y}, the ${m} of ${c} was ${v} ${u}.`,
    compare: (m, w, l, y, vw, vl, u) => `In ${y}, ${w} had the higher ${m}: ${vw} ${u}, against ${vl} ${u} in ${l}.`,
    trend: (m, c, rose, y1, v1, y2, v2, u) => `The ${m} of ${c} ${rose ? 'rose' : 'fell'} from ${v1} ${u} in ${y1} to ${v2} ${u} in ${y2}.`,
    ask: {
      value: (m, c, y) => `What was the ${m} of ${c} in ${y}?`,
      compare: (m, a, b, y) => `Which had the higher ${m} in ${y}, ${a} or ${b}?`,
      trend: (m, c, y1, y2) => `How did the ${m} of ${c} change between ${y1} and ${y2}?`,
    },
  },
  es: {
    metric: { life_expect: 'esperanza de vida', pop: 'población', fertility: 'tasa de fecundidad' },
    unit: { life_expect: 'años', pop: 'millones', fertility: 'hijos por mujer' },
    decimal: ',',
    value: (m, c, y, v, u) => `En ${y}, la ${m} de ${c} era de ${v} ${u}.`,
    compare: (m, w, l, y, vw, vl, u) => `En ${y}, ${w} tenía la ${m} más alta: ${vw} ${u}, frente a ${vl} ${u} en ${l}.`,
    trend: (m, c, rose, y1, v1, y2, v2, u) => `La ${m} de ${c} ${rose ? 'subió' : 'bajó'} de ${v1} ${u} en ${y1} a ${v2} ${u} en ${y2}.`,
    ask: {
      value: (m, c, y) => `¿Cuál era la ${m} de ${c} en ${y}?`,
      compare: (m, a, b, y) => `¿Qué país tenía la ${m} más alta en ${y}, ${a} o ${b}?`,
      trend: (m, c, y1, y2) => `¿Cómo cambió la ${m} de ${c} entre ${y1} y ${y2}?`,
    },
  },
  fr: {
    metric: { life_expect: 'espérance de vie', pop: 'population', fertility: 'taux de fécondité' },
    unit: { life_expect: 'ans', pop: 'millions', fertility: 'enfants par femme' },
    decimal: ',',
    value: (m, c, y, v, u) => `${c}, ${y} : ${fr(m).np} était de ${v} ${u}.`,
    compare: (m, w, l, y, vw, vl, u) => `En ${y}, ${w} avait ${fr(m).np} ${fr(m).highest} : ${vw} ${u}, contre ${vl} ${u} (${l}).`,
    trend: (m, c, rose, y1, v1, y2, v2, u) => `${c} : ${fr(m).np} a ${rose ? 'augmenté' : 'baissé'}, de ${v1} ${u} en ${y1} à ${v2} ${u} en ${y2}.`,
    ask: {
      value: (m, c, y) => `${c} : quel${fr(m).e} était ${fr(m).np} en ${y} ?`,
      compare: (m, a, b, y) => `Qui avait ${fr(m).np} ${fr(m).highest} en ${y} : ${a} ou ${b} ?`,
      trend: (m, c, y1, y2) => `${c} : comment ${fr(m).np} a-t-${fr(m).it} évolué entre ${y1} et ${y2} ?`,
    },
  },
  de: {
    metric: { life_expect: 'Lebenserwartung', pop: 'Bevölkerung', fertility: 'Geburtenrate' },
    // Dative plural: "bei 70,1 Jahren", "von 2,5 Kindern pro Frau".
    unit: { life_expect: 'Jahren', pop: 'Millionen', fertility: 'Kindern pro Frau' },
    decimal: ',',
    value: (m, c, y, v, u) => `${y} lag die ${m} von ${c} bei ${v} ${u}.`,
    compare: (m, w, l, y, vw, vl, u) => `${y} hatte ${w} mit ${vw} ${u} die höhere ${m}, gegenüber ${vl} ${u} in ${l}.`,
    trend: (m, c, rose, y1, v1, y2, v2, u) => `Die ${m} von ${c} ${rose ? 'stieg' : 'sank'} von ${v1} ${u} (${y1}) auf ${v2} ${u} (${y2}).`,
    ask: {
      value: (m, c, y) => `Wie hoch war die ${m} von ${c} im Jahr ${y}?`,
      compare: (m, a, b, y) => `Wer hatte ${y} die höhere ${m}, ${a} oder ${b}?`,
      trend: (m, c, y1, y2) => `Wie hat sich die ${m} von ${c} zwischen ${y1} und ${y2} verändert?`,
    },
  },
};

/**
 * Decimals a value is stated with: life expectancy to 0.1 year, fertility to 0.01 child, population in
 * millions to three significant digits or more (Barbados: 0.232 million), so rounding stays within 0.5%.
 */
export function decimals(metric: Metric, value: number): number {
  if (metric === 'life_expect') return 1;
  if (metric === 'fertility') return 2;
  return value < 1 ? 3 : value < 10 ? 2 : 1;
}

/** A metric's value as the assistant states it: population in millions, the language's decimal separator. */
export function formatValue(metric: Metric, raw: number, lang: Language): string {
  const v = metric === 'pop' ? raw / 1e6 : raw;
  const s = v.toFixed(decimals(metric, v));
  return WORDING[lang].decimal === ',' ? s.replace('.', ',') : s;
}
