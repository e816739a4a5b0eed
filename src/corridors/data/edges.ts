import type { EdgeSpec, LonLat, Mode, Season, SeaService, SeaServiceRule } from '../model.js';

type EdgeOptions = Omit<EdgeSpec, 'id' | 'from' | 'to' | 'mode' | 'status' | 'sourceIds'> & {
  readonly status?: EdgeSpec['status'];
  readonly sourceIds?: readonly string[];
};

/** Builds a land edge whose id says its mode and ends; one without a distance is an estimate. */
function edge(mode: Mode, from: string, to: string, options: EdgeOptions = {}): EdgeSpec {
  const estimated = options.distanceKm === undefined;
  const sourceIds = [
    ...(options.sourceIds ?? []),
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
const rail = (from: string, to: string, options: EdgeOptions = {}) =>
  edge('rail', from, to, options);
const road = (from: string, to: string, options: EdgeOptions = {}) =>
  edge('road', from, to, options);

/**
 * Seasons of the waters a port lies on. The NSR's season belongs to its passages (`nsrSeason`); the
 * Volga–Caspian ship channel's to the Volga delta ports, so every voyage to or from them has it.
 */
export const nsrSeason: Season = {
  openMonths: [7, 8, 9, 10, 11],
  iceClassMonths: [7, 8, 9, 10, 11],
  note: 'Northern Sea Route: open about July–November, only for ice-class ships or with icebreaker escort',
};
export const nsrSourceIds = ['crrel-nsr', 'gcaptain-nsr-season', 'liquisearch-nsr-ports'];
const volgaCaspianIce: Season = {
  openMonths: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  iceClassMonths: [],
  convoyMonths: [12, 1, 2, 3],
  convoyExtraDays: 3,
  note: 'Volga–Caspian channel freezes mid-December to early March: icebreaker convoys, about 3 extra days',
};
export const portSeasons: Readonly<
  Record<string, { readonly season: Season; readonly sourceIds: readonly string[] }>
> = {
  RUASF: {
    season: volgaCaspianIce,
    sourceIds: [
      'rosmorport-caspian-ice',
      'seanews-caspian-ice-end',
      'portnews-volga-caspian-channel',
    ],
  },
  RUOLY: {
    season: volgaCaspianIce,
    sourceIds: [
      'rosmorport-caspian-ice',
      'seanews-caspian-ice-end',
      'portnews-volga-caspian-channel',
    ],
  },
};

/**
 * What the sea network cannot know about services between two seas: no direct service (a week's
 * transshipment at a hub on the way) or calls at ports on the way. Every voyage between a port of
 * one side and a port of the other gets it, so no port of a sea is favoured over its neighbour.
 */
export const seaServiceRules: readonly SeaServiceRule[] = [
  {
    between: [
      ['arabian-sea', 'bay-of-bengal', 'gulf'],
      ['baltic', 'barents'],
    ],
    extraDays: 7,
    transshipsAt: 'a Gulf or North European hub',
    note: 'no direct service: about a week extra for transshipment at a Gulf or North European hub',
    sourceIds: ['liquisearch-nsr-ports'],
  },
  {
    between: [['arabian-sea', 'bay-of-bengal', 'gulf'], ['black-sea']],
    extraDays: 5,
    transshipsAt: 'an eastern Mediterranean or Turkish hub',
    note: 'transshipment in the eastern Mediterranean or Turkey',
  },
  {
    between: [['arabian-sea', 'bay-of-bengal'], ['russian-pacific']],
    extraDays: 5,
    note: 'calls at intermediate ports',
    sourceIds: ['portnews-cvmc'],
  },
  {
    between: [['north-sea'], ['baltic']],
    extraDays: 1,
    note: 'Baltic feeder',
  },
];

/**
 * The sea services the corridors are made of, drawn as the sea links of the network map. The
 * planner can sail between any two seaports of the same sea; these pairs add corridor tags and
 * sources, and say which voyages the map shows.
 */
export const seaServices: readonly SeaService[] = [
  // India to the Baltic, the Barents Sea and the Black Sea, and the hubs on the way.
  { from: 'INNSA', to: 'RULED' },
  { from: 'INMAA', to: 'RULED' },
  { from: 'INNSA', to: 'RUULU' },
  { from: 'INNSA', to: 'NLRTM' },
  { from: 'NLRTM', to: 'RULED' },
  { from: 'AEJEA', to: 'RULED' },
  { from: 'INNSA', to: 'AEJEA' },
  { from: 'DEHAM', to: 'RUULU' },
  { from: 'INNSA', to: 'RUMMK', sourceIds: ['liquisearch-nsr-ports'] },
  { from: 'INNSA', to: 'RUNVS' },
  { from: 'INMUN', to: 'RUNVS' },
  // India to Iran (INSTC).
  { from: 'INNSA', to: 'IRBND', tags: ['instc'] },
  { from: 'INBOM', to: 'IRBND', tags: ['instc'] },
  { from: 'INMUN', to: 'IRBND', tags: ['instc'] },
  { from: 'INIXY', to: 'IRBND', tags: ['instc'] },
  { from: 'INNSA', to: 'IRZBR', tags: ['instc'] },
  { from: 'INMUN', to: 'IRZBR', tags: ['instc'] },
  // The Chennai–Vladivostok corridor, the Far East and the Northern Sea Route.
  { from: 'INMAA', to: 'RUVVO', sourceIds: ['portnews-cvmc'] },
  { from: 'INNSA', to: 'RUVVO', sourceIds: ['portnews-cvmc'] },
  { from: 'INCCU', to: 'RUVVO', sourceIds: ['portnews-cvmc'] },
  { from: 'INVTZ', to: 'RUVYP', sourceIds: ['portnews-cvmc'] },
  { from: 'INMAA', to: 'RUNJK', sourceIds: ['portnews-cvmc'] },
  { from: 'INMAA', to: 'CNSHA' },
  { from: 'CNSHA', to: 'RUVVO' },
  { from: 'CNSHA', to: 'JPYOK' },
  { from: 'CNSHA', to: 'NLRTM' },
  { from: 'RUVVO', to: 'RUMMK', sourceIds: ['liquisearch-nsr-ports'] },
  // Caspian crossings.
  { from: 'IRBAZ', to: 'RUASF', tags: ['instc'], sourceIds: ['defencejournal-instc'] },
  { from: 'IRBAZ', to: 'RUOLY', tags: ['instc'], sourceIds: ['defencejournal-instc'] },
  { from: 'IRBAZ', to: 'RUMCX', tags: ['instc'], sourceIds: ['defencejournal-instc'] },
  { from: 'IRBAZ', to: 'aktau', tags: ['instc'] },
  { from: 'AZBAK', to: 'aktau' },
  { from: 'AZBAK', to: 'TMKRW' },
];

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
  rail('INCCU', 'INTKD'),
  rail('INVTZ', 'INMAA'),
  rail('INVTZ', 'INCCU'),
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
  rail('RUNJK', 'RUVVO', { gaugeMm: 1520 }),
  rail('RUVYP', 'RUNJK', { gaugeMm: 1520 }),
  rail('RUULU', 'RULED', { gaugeMm: 1520 }),
  rail('RUULU', 'RUMOW', { gaugeMm: 1520 }),
  road('RUOLY', 'RUASF'),
  rail('RUOLY', 'RUASF', { gaugeMm: 1520 }),
];
