/**
 * The real lists in ../shared/fixtures/sanctions (beside the project's root; see its README):
 * the UN consolidated list of 2026-02-27 and a 2021 OFAC SDN legacy CSV set. For tests, the
 * evaluation and the benchmark, never as current lists.
 */
import { fileURLToPath } from 'node:url';
import { loadList } from '../loaders/registry.js';
import type { Snapshot } from '../types.js';

export const SANCTIONS_FIXTURES = fileURLToPath(
  new URL('../../../../shared/fixtures/sanctions/', import.meta.url),
);

export const UN_FILE = `${SANCTIONS_FIXTURES}un-consolidated-2026-02-27.xml`;
export const OFAC_FILES = ['sdn', 'alt', 'add'].map(
  (part) => `${SANCTIONS_FIXTURES}ofac-${part}.csv`,
);
export const CROSS_SCRIPT_FILE = `${SANCTIONS_FIXTURES}cross-script-pairs.csv`;

export function loadFixtureLists(): { un: Snapshot; ofac: Snapshot } {
  return { un: loadList('un', [UN_FILE]), ofac: loadList('ofac', OFAC_FILES) };
}
