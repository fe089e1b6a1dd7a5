/**
 * US Census regions for the airports of the vega-datasets flights sample (the ~110 busiest origins cover
 * ~97% of its rows); the rest fold into `other`, so cohort cardinality stays small. Hawaii, Alaska and
 * the territories are `noncontiguous`: their delay profile differs from the mainland's.
 */
const REGIONS: Readonly<Record<string, readonly string[]>> = {
  northeast: ['EWR', 'PHL', 'LGA', 'BOS', 'PIT', 'JFK', 'BDL', 'PVD', 'BUF', 'ROC', 'ALB', 'MHT', 'SYR',
    'PWM', 'ISP', 'MDT', 'BTV', 'HPN', 'ABE', 'ERI', 'AVP', 'ELM', 'ITH', 'SWF', 'BGR', 'ORH', 'BGM'],
  midwest: ['ORD', 'STL', 'DTW', 'MSP', 'MCI', 'CLE', 'MDW', 'CMH', 'IND', 'MKE', 'OMA', 'DAY', 'GRR',
    'DSM', 'ICT', 'CID', 'MSN', 'FSD', 'MBS', 'GRB', 'LNK', 'LAN', 'AZO', 'TOL', 'MLI', 'FWA', 'CMI',
    'DLH', 'LSE', 'FAR', 'BMI', 'RST', 'FNT', 'DBQ', 'BIS', 'RAP', 'CAK', 'SBN', 'EVV', 'PIA', 'SUX',
    'MOT', 'GFK', 'MQT', 'SGF'],
  south: ['DFW', 'ATL', 'CLT', 'IAH', 'MCO', 'BWI', 'MIA', 'DCA', 'TPA', 'CVG', 'MEM', 'BNA', 'HOU', 'FLL',
    'MSY', 'IAD', 'DAL', 'SAT', 'RDU', 'AUS', 'JAX', 'RSW', 'OKC', 'ELP', 'TUL', 'PBI', 'SDF', 'ORF', 'BHM',
    'LIT', 'GSO', 'RIC', 'JAN', 'GSP', 'MAF', 'LBB', 'CHS', 'HSV', 'AMA', 'BTR', 'CAE', 'TYS', 'HRL',
    'SHV', 'MFE', 'SRQ', 'PNS', 'SAV', 'MYR', 'XNA', 'ILE', 'CRP', 'EYW', 'DAB', 'SJT', 'MLU', 'GGG',
    'MOB', 'ILM', 'LAW', 'FSM', 'AVL', 'LFT', 'TXK', 'TYR', 'ACT', 'LEX', 'SPS', 'ABI', 'CLL', 'LRD',
    'GPT', 'BPT', 'ROA', 'CRW', 'CHA', 'BRO', 'TRI', 'VPS', 'TLH', 'FAY', 'APF', 'MLB'],
  west: ['LAX', 'PHX', 'LAS', 'DEN', 'SFO', 'SEA', 'SAN', 'SLC', 'SJC', 'OAK', 'PDX', 'ONT', 'SNA', 'ABQ',
    'SMF', 'RNO', 'BUR', 'TUS', 'GEG', 'PSP', 'COS', 'BOI', 'SBA', 'LGB', 'BIL', 'EGE', 'PSC', 'GTF',
    'FCA', 'FAT', 'MSO', 'MRY', 'JAC', 'SBP', 'BFL', 'HLN', 'MFR', 'EUG', 'BZN', 'MTJ', 'DRO', 'GUC', 'HDN'],
  noncontiguous: ['HNL', 'SJU', 'ANC', 'OGG', 'KOA', 'LIH', 'ITO', 'FAI', 'STT', 'JNU', 'KTN', 'WRG', 'OME',
    'CDV', 'PSG', 'DUT', 'SIT', 'OTZ', 'BQN', 'BRW', 'BET', 'STX', 'SCC', 'YAK', 'ADQ'],
};

const REGION_OF = new Map<string, string>(
  Object.entries(REGIONS).flatMap(([region, codes]) => codes.map((code) => [code, region] as const)),
);

export function regionOf(airport: string): string {
  return REGION_OF.get(airport) ?? 'other';
}

export type Haul = 'short' | 'medium' | 'long';

/** Short < 500 mi, medium < 1500 mi, long beyond: the usual airline stage-length bands. */
export function haulOf(distanceMiles: number): Haul {
  if (distanceMiles < 500) return 'short';
  if (distanceMiles < 1500) return 'medium';
  return 'long';
}
