import { HubError } from '../domain/errors.js';
import { HS2022_CSV } from './data/hs2022.js';

/**
 * The Harmonized System 2022 nomenclature, as the repository ships it (src/trade/data/hs2022.ts,
 * from the `datasets/harmonized-system` data package, UN Comtrade's HS 2022 classification, PDDL
 * 1.0; see src/trade/data/README.md). Goods lines of a trade name a 6-digit subheading; the
 * verifier compares the codes of documents with the trade's.
 *
 * The text is parsed into one map the first time a code is looked up (about 7,000 entries, a few
 * milliseconds), and kept: importing this module costs nothing until a trade is checked.
 */

/** An HS code of the nomenclature: a chapter (2 digits), a heading (4) or a subheading (6). */
export interface HsEntry {
  readonly code: string;
  readonly description: string;
  readonly level: 2 | 4 | 6;
  /** The heading of a subheading, the chapter of a heading, the section (a Roman numeral) of a chapter. */
  readonly parent: string;
}

let entries: ReadonlyMap<string, HsEntry> | undefined;

function nomenclature(): ReadonlyMap<string, HsEntry> {
  if (entries !== undefined) return entries;
  const parsed = new Map<string, HsEntry>();
  for (const line of HS2022_CSV.split('\n')) {
    const first = line.indexOf(',');
    const second = line.indexOf(',', first + 1);
    if (first <= 0 || second < 0) continue;
    const code = line.slice(0, first);
    // Sections (Roman numerals) are parents of chapters only; codes are digits.
    if (!/^[0-9]+$/.test(code)) continue;
    const level = code.length;
    if (level !== 2 && level !== 4 && level !== 6)
      throw new Error(`bug: HS code ${code} in the shipped nomenclature`);
    parsed.set(code, {
      code,
      parent: line.slice(first + 1, second),
      description: line.slice(second + 1),
      level,
    });
  }
  entries = parsed;
  return parsed;
}

/** The nomenclature's entry for a chapter, heading or subheading code, or undefined. */
export function hsEntry(code: string): HsEntry | undefined {
  return nomenclature().get(code);
}

/**
 * Refuses anything but a 6-digit subheading of HS 2022 with `unknown_hs_code` naming `field`
 * (e.g. `lines/2/hs`), and says which part is wrong: the form, an unknown chapter or heading, or
 * an unknown subheading of a known heading.
 */
export function checkHsCode(code: string, field: string): void {
  if (typeof code !== 'string' || !/^[0-9]{6}$/.test(code))
    throw new HubError('unknown_hs_code', {
      field,
      message: `an HS code is a 6-digit subheading of HS 2022 (e.g. "100630"), not ${JSON.stringify(code)}`,
    });
  if (hsEntry(code) !== undefined) return;
  const chapter = code.slice(0, 2);
  const heading = code.slice(0, 4);
  const message =
    hsEntry(chapter) === undefined
      ? `${code}: HS 2022 has no chapter ${chapter}`
      : hsEntry(heading) === undefined
        ? `${code}: HS 2022 chapter ${chapter} has no heading ${heading}`
        : `${code}: HS 2022 heading ${heading} (${hsEntry(heading)?.description ?? ''}) has no subheading ${code}`;
  throw new HubError('unknown_hs_code', { field, message });
}
