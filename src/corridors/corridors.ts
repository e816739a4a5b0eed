import type { CompiledEdge } from './network.js';

/**
 * The named India–Russia corridors. A route belongs to a corridor when it uses at least one edge the
 * corridor requires and none it excludes; the comparison finds the best such route per corridor.
 */
export interface CorridorDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly requires: (edge: CompiledEdge) => boolean;
  readonly excludes: (edge: CompiledEdge) => boolean;
}

const hasTag = (tag: string) => (edge: CompiledEdge) => edge.spec.tags?.includes(tag) ?? false;
const passes = (chokepointId: string) => (edge: CompiledEdge) =>
  edge.chokepointIds.includes(chokepointId);
const isCaspian = (edge: CompiledEdge) => edge.spec.mode === 'caspian';
const any =
  (...tests: ((edge: CompiledEdge) => boolean)[]) =>
  (edge: CompiledEdge) =>
    tests.some((test) => test(edge));

export const corridors: readonly CorridorDefinition[] = [
  {
    id: 'suez',
    name: 'Suez (Baltic / Barents)',
    description: 'deep sea through Bab-el-Mandeb, Suez and Gibraltar to St Petersburg or Murmansk',
    requires: passes('suez'),
    excludes: any(hasTag('black-sea'), hasTag('instc'), hasTag('nsr')),
  },
  {
    id: 'cape',
    name: 'Cape of Good Hope (Baltic / Barents)',
    description:
      'deep sea round the Cape of Good Hope and through Gibraltar to the Baltic or Murmansk, clear of the Red Sea',
    requires: passes('cape-of-good-hope'),
    excludes: any(hasTag('black-sea'), hasTag('instc'), hasTag('nsr'), passes('suez')),
  },
  {
    id: 'instc-west',
    name: 'INSTC west (Azerbaijan)',
    description: 'sea to Bandar Abbas, Iranian rail, road Rasht–Astara, Azerbaijani rail to Russia',
    requires: hasTag('instc-west'),
    excludes: any(isCaspian, hasTag('instc-east'), passes('suez')),
  },
  {
    id: 'instc-caspian',
    name: 'INSTC Caspian crossing',
    description:
      'sea to Bandar Abbas, Iranian rail or road to Anzali, ship across the Caspian to Astrakhan or Makhachkala',
    requires: isCaspian,
    excludes: any(hasTag('instc-west'), hasTag('instc-east'), passes('suez')),
  },
  {
    id: 'instc-east',
    name: 'INSTC east (Turkmenistan / Kazakhstan)',
    description: 'sea to Bandar Abbas, rail through Turkmenistan and Kazakhstan to Astrakhan',
    requires: hasTag('instc-east'),
    excludes: any(isCaspian, hasTag('instc-west'), passes('suez')),
  },
  {
    id: 'cvmc',
    name: 'Chennai–Vladivostok + Trans-Siberian',
    description:
      'Eastern Maritime Corridor through Malacca to Vladivostok, then the Trans-Siberian railway',
    requires: hasTag('cvmc'),
    excludes: any(hasTag('nsr'), passes('suez')),
  },
  {
    id: 'nsr',
    name: 'Northern Sea Route',
    description:
      'through Malacca and the Russian Arctic to Murmansk; July–November, ice class or escort',
    requires: hasTag('nsr'),
    excludes: passes('suez'),
  },
  {
    id: 'black-sea',
    name: 'Black Sea (Novorossiysk)',
    description: 'deep sea through Suez and the Bosporus to Novorossiysk, then rail',
    requires: hasTag('black-sea'),
    excludes: any(hasTag('instc'), hasTag('nsr')),
  },
];
