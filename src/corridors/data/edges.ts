import type { EdgeSpec, LonLat, Mode, Season } from '../model.js';

type EdgeOptions = Omit<EdgeSpec, 'id' | 'from' | 'to' | 'mode' | 'status' | 'sourceIds'> & {
  readonly status?: EdgeSpec['status'];
  readonly sourceIds?: readonly string[];
};

/** Builds an edge whose id says its mode and ends; land edges without a distance are estimates. */
function edge(mode: Mode, from: string, to: string, options: EdgeOptions = {}): EdgeSpec {
  const estimated = options.distanceKm === undefined && options.lane === undefined;
  const laneSources =
    options.lane === undefined ? [] : ['vostro-sea-lanes', 'searoute-py-reference'];
  const sourceIds = [
    ...(options.sourceIds ?? []),
    ...laneSources,
    ...(estimated ? ['vostro-estimate'] : []),
    'vostro-cost-model',
  ];
  return {
    id: `${mode}:${from}-${to}`,
    from,
    to,
    mode,
    status: 'operational',
    ...options,
    sourceIds,
  };
}
const sea = (from: string, to: string, options: EdgeOptions) => edge('sea', from, to, options);
const caspian = (from: string, to: string, options: EdgeOptions) =>
  edge('caspian', from, to, options);
const rail = (from: string, to: string, options: EdgeOptions = {}) =>
  edge('rail', from, to, options);
const road = (from: string, to: string, options: EdgeOptions = {}) =>
  edge('road', from, to, options);

// Reusable stretches of sea lane (waypoint ids, in the direction India → Russia).
const arabianSeaToSuez = [
  'socotra-north',
  'gulf-of-aden',
  'bab-el-mandeb',
  'red-sea-south',
  'red-sea-central',
  'red-sea-north',
  'gulf-of-suez',
  'suez',
  'ismailia',
  'port-said',
];
const mediterraneanToDover = [
  'crete-south',
  'malta-channel',
  'cape-bon',
  'algeria-offshore',
  'cabo-de-gata',
  'gibraltar',
  'cape-st-vincent',
  'finisterre',
  'ushant',
  'english-channel',
  'dover',
];
const northSeaToBaltic = [
  'jutland-offshore',
  'hanstholm',
  'skagen',
  'kattegat',
  'great-belt',
  'fehmarn-belt',
  'kadet-channel',
  'bornholmsgat',
  'gotland-east',
  'hiiumaa-north',
  'gulf-of-finland-west',
  'gulf-of-finland-central',
  'gulf-of-finland-east',
  'kronstadt',
];
const norwayToKola = [
  'north-sea-north',
  'stad',
  'norwegian-sea',
  'lofoten-west',
  'andoya-north',
  'north-cape',
  'kola-approach',
];
const aegeanToBlackSea = [
  'kasos-strait',
  'mykonos-ikaria',
  'lesbos-west',
  'dardanelles',
  'marmara',
  'bosporus',
  'bosporus-north',
];
const gulfOfOman = ['gulf-of-oman', 'hormuz', 'bandar-abbas-roads'];
const malaccaToKorea = [
  'great-channel',
  'malacca-north',
  'malacca-central',
  'singapore-strait',
  'south-china-sea-south',
  'vietnam-offshore',
  'south-china-sea-north',
  'taiwan-strait',
  'east-china-sea',
];
const northernSeaRoute = [
  'tsugaru-strait',
  'kuril-offshore',
  'kamchatka-south',
  'kamchatka-east',
  'cape-navarin',
  'bering-strait',
  'chukchi-sea',
  'long-strait',
  'east-siberian-sea',
  'east-siberian-sea-west',
  'laptev-strait',
  'laptev-sea',
  'laptev-sea-west',
  'vilkitsky-strait',
  'kara-sea-east',
  'kara-sea',
  'kara-sea-west',
  'kara-gate',
  'barents-sea',
  'kola-approach',
];
const anzaliToAbsheron = ['caspian-south', 'absheron-east'];

const nsrSeason: Season = {
  openMonths: [7, 8, 9, 10, 11],
  iceClassMonths: [7, 8, 9, 10, 11],
  note: 'Northern Sea Route: open about July–November, only for ice-class ships or with icebreaker escort',
};
const volgaCaspianIce: Season = {
  openMonths: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  iceClassMonths: [],
  convoyMonths: [12, 1, 2, 3],
  convoyExtraDays: 3,
  note: 'Volga–Caspian channel freezes mid-December to early March: icebreaker convoys, about 3 extra days',
};
const caspianIceSources = [
  'rosmorport-caspian-ice',
  'seanews-caspian-ice-end',
  'portnews-volga-caspian-channel',
];
const suezTransshipment =
  'no direct service: about a week extra for transshipment at a Gulf or North European hub';
const iranRailKmPerDay = 350;
const centralAsiaRailKmPerDay = 450;
const transSiberianVia: readonly LonLat[] = [
  [60.6, 56.84],
  [73.37, 54.98],
  [82.92, 55.03],
  [92.87, 56.01],
  [104.28, 52.29],
  [113.5, 52.03],
  [135.07, 48.48],
];

export const edges: readonly EdgeSpec[] = [
  // India: feeder roads and rail to the ports.
  road('INBOM', 'INNSA'),
  road('INIXY', 'INMUN'),
  rail('INTKD', 'INNSA', { speedKmPerDay: 450, sourceIds: ['wdfc-length'] }),
  rail('INTKD', 'INMUN', { speedKmPerDay: 450, sourceIds: ['wdfc-length'] }),
  rail('INNSA', 'INMAA', { speedKmPerDay: 450 }),
  // Deep sea: Suez to the Baltic, the Barents Sea and the Black Sea.
  sea('INNSA', 'RULED', {
    lane: [...arabianSeaToSuez, ...mediterraneanToDover, 'dutch-offshore', ...northSeaToBaltic],
    extraDays: 7,
    note: suezTransshipment,
  }),
  sea('INMAA', 'RULED', {
    lane: [
      'sri-lanka-east',
      'dondra-head',
      ...arabianSeaToSuez,
      ...mediterraneanToDover,
      'dutch-offshore',
      ...northSeaToBaltic,
    ],
    extraDays: 7,
    note: suezTransshipment,
  }),
  sea('INNSA', 'NLRTM', { lane: [...arabianSeaToSuez, ...mediterraneanToDover, 'maas-approach'] }),
  sea('NLRTM', 'RULED', {
    lane: ['maas-approach', 'dutch-offshore', ...northSeaToBaltic],
    extraDays: 1,
    note: 'Baltic feeder from Rotterdam',
  }),
  sea('INNSA', 'RUMMK', {
    lane: [...arabianSeaToSuez, ...mediterraneanToDover, ...norwayToKola],
    extraDays: 7,
    note: suezTransshipment,
    sourceIds: ['liquisearch-nsr-ports'],
  }),
  sea('INNSA', 'RUNVS', {
    lane: [...arabianSeaToSuez, ...aegeanToBlackSea],
    extraDays: 5,
    tags: ['black-sea'],
    note: 'transshipment in the eastern Mediterranean or Turkey',
  }),
  // Deep sea: India to Iran.
  sea('INNSA', 'IRBND', { lane: ['ras-al-hadd', ...gulfOfOman], tags: ['instc'] }),
  sea('INBOM', 'IRBND', { lane: ['ras-al-hadd', ...gulfOfOman], tags: ['instc'] }),
  sea('INMUN', 'IRBND', {
    lane: ['kutch-mouth', 'gulf-of-oman-entrance', 'hormuz', 'bandar-abbas-roads'],
    tags: ['instc'],
  }),
  sea('INIXY', 'IRBND', {
    lane: ['kutch-mouth', 'gulf-of-oman-entrance', 'hormuz', 'bandar-abbas-roads'],
    tags: ['instc'],
  }),
  sea('INNSA', 'IRZBR', { lane: ['arabian-sea-north'], tags: ['instc'] }),
  sea('INMUN', 'IRZBR', { lane: ['kutch-mouth'], tags: ['instc'] }),
  // Deep sea: the Chennai–Vladivostok corridor, the Far East cross-checks and the Northern Sea Route.
  sea('INMAA', 'RUVVO', {
    lane: [...malaccaToKorea, 'korea-strait', 'sea-of-japan'],
    extraDays: 5,
    tags: ['cvmc'],
    note: 'calls at intermediate ports',
    sourceIds: ['portnews-cvmc'],
  }),
  sea('INNSA', 'RUVVO', {
    lane: ['lakshadweep-sea', 'dondra-head', ...malaccaToKorea, 'korea-strait', 'sea-of-japan'],
    extraDays: 5,
    tags: ['cvmc'],
    note: 'calls at intermediate ports',
    sourceIds: ['portnews-cvmc'],
  }),
  sea('INMAA', 'CNSHA', { lane: [...malaccaToKorea, 'yangtze-approach'] }),
  sea('CNSHA', 'RUVVO', { lane: ['yangtze-approach', 'korea-strait', 'sea-of-japan'] }),
  sea('CNSHA', 'JPYOK', {
    lane: ['yangtze-approach', 'osumi-strait', 'shikoku-south', 'uraga-approach'],
  }),
  sea('CNSHA', 'NLRTM', {
    lane: [
      'yangtze-approach',
      ...[...malaccaToKorea].reverse(),
      'dondra-head',
      ...arabianSeaToSuez,
      ...mediterraneanToDover,
      'maas-approach',
    ],
  }),
  sea('RUVVO', 'RUMMK', {
    lane: northernSeaRoute,
    season: nsrSeason,
    tags: ['nsr'],
    sourceIds: ['crrel-nsr', 'gcaptain-nsr-season', 'liquisearch-nsr-ports'],
  }),
  // Caspian crossings.
  caspian('IRBAZ', 'RUASF', {
    lane: [
      ...anzaliToAbsheron,
      'caspian-central-west',
      'caspian-north',
      'volga-caspian-channel',
      'volga-delta',
    ],
    season: volgaCaspianIce,
    tags: ['instc'],
    sourceIds: ['defencejournal-instc', ...caspianIceSources],
  }),
  caspian('IRBAZ', 'RUMCX', {
    lane: [...anzaliToAbsheron, 'makhachkala-roads'],
    tags: ['instc'],
    sourceIds: ['defencejournal-instc'],
  }),
  caspian('IRBAZ', 'aktau', {
    lane: [...anzaliToAbsheron, 'caspian-central-east'],
    tags: ['instc'],
  }),
  caspian('AZBAK', 'aktau', { lane: ['baku-bay', 'absheron-east', 'caspian-central-east'] }),
  caspian('AZBAK', 'TMKRW', { lane: ['baku-bay'] }),
  // Iran: the railway from the Gulf to the Caspian, and the road that carries the Rasht–Astara gap.
  rail('IRBND', 'IRTHR', { speedKmPerDay: iranRailKmPerDay, gaugeMm: 1435, tags: ['instc'] }),
  road('IRBND', 'IRTHR', { tags: ['instc'] }),
  rail('IRTHR', 'qazvin', { speedKmPerDay: iranRailKmPerDay, gaugeMm: 1435 }),
  road('IRTHR', 'qazvin'),
  rail('qazvin', 'rasht', {
    distanceKm: 164,
    speedKmPerDay: iranRailKmPerDay,
    gaugeMm: 1435,
    sourceIds: ['trend-qazvin-rasht', 'osjd-qazvin-rasht'],
  }),
  road('qazvin', 'rasht'),
  rail('rasht', 'IRBAZ', {
    distanceKm: 37,
    status: 'under-construction',
    gaugeMm: 1435,
    note: 'Rasht–Caspian port railway: commissioning announced for 2023, not confirmed',
    sourceIds: ['urdupoint-rasht-caspian'],
  }),
  road('rasht', 'IRBAZ'),
  rail('rasht', 'astara', {
    distanceKm: 162,
    status: 'under-construction',
    gaugeMm: 1435,
    tags: ['instc-west'],
    note: 'Rasht–Astara railway under construction (completion projected about 2028)',
    sourceIds: ['interbellum-rasht-astara', 'realtribune-rasht-astara'],
  }),
  road('rasht', 'astara', {
    tags: ['instc-west'],
    note: 'road carries the Rasht–Astara gap until the railway is built',
    sourceIds: ['interbellum-rasht-astara'],
  }),
  rail('IRTHR', 'gorgan', { speedKmPerDay: iranRailKmPerDay, gaugeMm: 1435 }),
  rail('gorgan', 'incheh-borun', {
    distanceKm: 85,
    speedKmPerDay: iranRailKmPerDay,
    gaugeMm: 1435,
    tags: ['instc-east'],
    sourceIds: ['azvision-kti-railway'],
  }),
  rail('IRBND', 'IRMHD', { speedKmPerDay: iranRailKmPerDay, gaugeMm: 1435 }),
  rail('IRMHD', 'sarakhs', {
    speedKmPerDay: iranRailKmPerDay,
    gaugeMm: 1435,
    tags: ['instc-east'],
  }),
  road('IRZBR', 'zahedan'),
  road('zahedan', 'IRMHD'),
  // Azerbaijan: broad gauge from Astara to the Russian border.
  rail('astara', 'AZBAK', {
    speedKmPerDay: 400,
    gaugeMm: 1520,
    tags: ['instc-west'],
    sourceIds: ['railwaygazette-astara'],
  }),
  road('astara', 'AZBAK', { tags: ['instc-west'] }),
  rail('AZBAK', 'yalama-samur', { speedKmPerDay: 400, gaugeMm: 1520, tags: ['instc-west'] }),
  road('AZBAK', 'yalama-samur', { tags: ['instc-west'] }),
  // Turkmenistan and Kazakhstan: the eastern INSTC branch (Kazakhstan–Turkmenistan–Iran railway).
  rail('incheh-borun', 'bereket', {
    speedKmPerDay: centralAsiaRailKmPerDay,
    gaugeMm: 1520,
    tags: ['instc-east'],
    sourceIds: ['tass-kti-railway'],
  }),
  rail('bereket', 'serhetyaka-bolashak', {
    speedKmPerDay: centralAsiaRailKmPerDay,
    gaugeMm: 1520,
    tags: ['instc-east'],
    sourceIds: ['tass-kti-railway'],
  }),
  rail('sarakhs', 'bereket', {
    speedKmPerDay: centralAsiaRailKmPerDay,
    gaugeMm: 1520,
    tags: ['instc-east'],
    drawVia: [
      [60.37, 37.38],
      [58.38, 37.95],
    ],
  }),
  rail('TMKRW', 'bereket', { speedKmPerDay: centralAsiaRailKmPerDay, gaugeMm: 1520 }),
  rail('serhetyaka-bolashak', 'uzen', {
    distanceKm: 120,
    speedKmPerDay: centralAsiaRailKmPerDay,
    gaugeMm: 1520,
    tags: ['instc-east'],
    sourceIds: ['tass-kti-railway'],
  }),
  rail('uzen', 'aktau', { speedKmPerDay: centralAsiaRailKmPerDay, gaugeMm: 1520 }),
  rail('uzen', 'beyneu', {
    speedKmPerDay: centralAsiaRailKmPerDay,
    gaugeMm: 1520,
    tags: ['instc-east'],
  }),
  rail('beyneu', 'aksaraiskaya', {
    speedKmPerDay: centralAsiaRailKmPerDay,
    gaugeMm: 1520,
    tags: ['instc-east'],
    drawVia: [[51.92, 47.1]],
  }),
  // Russia.
  rail('yalama-samur', 'RUMCX', { gaugeMm: 1520 }),
  road('yalama-samur', 'RUMCX'),
  rail('RUMCX', 'RUMOW', { gaugeMm: 1520, drawVia: [[39.72, 47.23]] }),
  rail('RUMCX', 'RUASF', { gaugeMm: 1520 }),
  rail('aksaraiskaya', 'RUASF', { gaugeMm: 1520 }),
  rail('RUASF', 'RUMOW', { gaugeMm: 1520, drawVia: [[44.5, 48.7]] }),
  road('RUASF', 'RUMOW'),
  rail('RULED', 'RUMOW', { gaugeMm: 1520 }),
  road('RULED', 'RUMOW'),
  rail('RUNVS', 'RUMOW', { gaugeMm: 1520, drawVia: [[39.72, 47.23]] }),
  rail('RUMMK', 'RUMOW', { gaugeMm: 1520, drawVia: [[34.35, 61.79]] }),
  rail('RUVVO', 'RUMOW', {
    distanceKm: 9289,
    speedKmPerDay: 850,
    gaugeMm: 1520,
    tags: ['transsib'],
    drawVia: [...transSiberianVia].reverse(),
    note: 'Trans-Siberian Railway',
    sourceIds: ['transsib-length'],
  }),
];
