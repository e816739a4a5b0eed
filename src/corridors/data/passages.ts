import type { Passage } from '../model.js';

/**
 * The named passages of the sea network: straits, canals and capes a route can be asked to avoid,
 * and that a season or the Red Sea switch can close. The searoute-py network names most of them on
 * its own edges (`marnet.json`); the Danish straits and the Kiel Canal are recognised by where the
 * edge lies (scripts/sea-marnet.mjs), and the Northern Sea Route's four segments are the project's
 * curated Arctic lane (`arctic.ts`). `countries` lists only the states whose own waters the passage
 * is, so that avoiding a country avoids them too. `at` places the name on a map.
 */
export const passages: readonly Passage[] = [
  {
    id: 'suez',
    name: 'Suez Canal',
    at: [32.45, 30.3],
    countries: ['EG'],
    aliases: ['suez canal'],
  },
  {
    id: 'bab-el-mandeb',
    name: 'Bab-el-Mandeb',
    at: [43.4, 12.6],
    countries: [],
    aliases: ['bab el mandeb', 'red sea'],
  },
  { id: 'hormuz', name: 'Strait of Hormuz', at: [56.55, 26.5], countries: ['IR', 'OM'] },
  {
    id: 'malacca',
    name: 'Strait of Malacca',
    at: [100.2, 3.6],
    countries: [],
    aliases: ['strait of malacca', 'singapore strait'],
  },
  { id: 'sunda', name: 'Sunda Strait', at: [105.8, -6.0], countries: ['ID'] },
  {
    id: 'cape-of-good-hope',
    name: 'Cape of Good Hope',
    at: [18.5, -35.0],
    countries: [],
    aliases: ['cape', 'good hope', 'cape route'],
  },
  { id: 'gibraltar', name: 'Strait of Gibraltar', at: [-5.6, 35.95], countries: [] },
  { id: 'dardanelles', name: 'Dardanelles', at: [26.4, 40.2], countries: ['TR'] },
  {
    id: 'bosporus',
    name: 'Bosporus',
    at: [29.05, 41.1],
    countries: ['TR'],
    aliases: ['bosphorus', 'turkish straits'],
  },
  {
    id: 'danish-straits',
    name: 'Danish straits (Skagen, Kattegat, the Belts)',
    at: [11.0, 56.2],
    countries: ['DK'],
    aliases: ['danish straits', 'skagen', 'skagerrak', 'kattegat', 'great belt', 'oresund'],
  },
  { id: 'kiel-canal', name: 'Kiel Canal', at: [9.6, 54.1], countries: ['DE'], aliases: ['kiel'] },
  {
    id: 'bering',
    name: 'Bering Strait',
    at: [-169.2, 65.9],
    countries: [],
    aliases: ['bering strait'],
  },
  {
    id: 'nsr-kara-gate',
    name: 'Northern Sea Route: Kara Gate',
    at: [58.0, 70.45],
    countries: ['RU'],
    aliases: ['kara gate'],
    group: 'nsr',
  },
  {
    id: 'nsr-vilkitsky',
    name: 'Northern Sea Route: Vilkitsky Strait',
    at: [104.5, 77.95],
    countries: ['RU'],
    aliases: ['vilkitsky', 'vilkitsky strait'],
    group: 'nsr',
  },
  {
    id: 'nsr-laptev-straits',
    name: 'Northern Sea Route: Dmitry Laptev and Sannikov straits',
    at: [141.0, 73.15],
    countries: ['RU'],
    aliases: ['laptev strait', 'sannikov strait'],
    group: 'nsr',
  },
  {
    id: 'nsr-long-strait',
    name: 'Northern Sea Route: Long Strait',
    at: [179.5, 70.2],
    countries: ['RU'],
    aliases: ['long strait'],
    group: 'nsr',
  },
];

/** Names that stand for a group of passages: avoiding "nsr" avoids every NSR segment. */
export const passageGroups: Readonly<
  Record<string, { readonly name: string; readonly aliases: readonly string[] }>
> = {
  nsr: { name: 'Northern Sea Route', aliases: ['northern sea route', 'arctic'] },
};
