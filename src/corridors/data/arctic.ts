import type { LonLat } from '../model.js';

/**
 * The Northern Sea Route, which the searoute-py network does not have: the project's curated lane
 * from the Barents Sea to the Chukchi Sea (positions from nautical charts' well-known fairways;
 * sources `crrel-nsr`, `liquisearch-nsr-ports`). Each stretch is one named passage of
 * `passages.ts`; the ends are joined to the nearest node of the sea network when it is built.
 */
export const arcticLane: readonly {
  readonly passage: string;
  readonly points: readonly LonLat[];
}[] = [
  {
    passage: 'nsr-kara-gate',
    points: [
      [45.0, 70.2],
      [58.0, 70.45],
      [66.0, 71.7],
    ],
  },
  {
    passage: 'nsr-vilkitsky',
    points: [
      [66.0, 71.7],
      [80.0, 75.3],
      [93.0, 77.0],
      [104.5, 77.95],
      [115.0, 76.6],
    ],
  },
  {
    passage: 'nsr-laptev-straits',
    points: [
      [115.0, 76.6],
      [128.0, 74.8],
      [141.0, 73.15],
      [150.0, 72.3],
    ],
  },
  {
    passage: 'nsr-long-strait',
    points: [
      [150.0, 72.3],
      [163.0, 71.2],
      [179.5, 70.2],
      [-172.0, 67.8],
    ],
  },
];

/**
 * Canals the searoute-py network lacks, each one passage, joined at both ends to the nearest lane:
 * the Kiel Canal (Nord-Ostsee-Kanal), Brunsbüttel on the Elbe to Kiel-Holtenau, 98 km (source
 * `kiel-canal`), which the Hamburg–Baltic feeders use.
 */
export const canals: readonly {
  readonly passage: string;
  readonly km: number;
  readonly points: readonly LonLat[];
}[] = [
  {
    passage: 'kiel-canal',
    km: 98,
    points: [
      [9.14, 53.89],
      [9.42, 54.03],
      [9.69, 54.31],
      [10.15, 54.37],
    ],
  },
];
