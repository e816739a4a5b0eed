/**
 * The values of the screening engine: a loaded list (a snapshot of its entries), a party to screen,
 * and a hit. Plain data: a snapshot can be kept, hashed and compared as it is.
 */

/** The list formats a loader exists for (loaders/registry.ts). */
export type ListFormat = 'un' | 'ofac';

export type EntityKind = 'person' | 'organisation' | 'vessel' | 'aircraft';

/**
 * How a list gives a name: the entry's primary name; a strong alias ("a.k.a.", UN quality
 * "Good"); a weak alias (UN quality "Low", OFAC's a.k.a.'s in remarks), which OFAC does not expect
 * to be screened on its own and which therefore scores lower; or the name in its original script.
 */
export type NameQuality = 'primary' | 'strong' | 'weak' | 'original-script';

export interface ListName {
  readonly name: string;
  readonly quality: NameQuality;
}

/** A date of birth as lists give them: a year, a month or a day; a range; "approximately". */
export interface DateOfBirth {
  readonly year: number;
  readonly month?: number;
  readonly day?: number;
  /** Last year of a range ("BETWEEN 1962 AND 1964", OFAC "DOB 1962 to 1964"). */
  readonly toYear?: number;
  readonly approximate?: boolean;
}

export type IdentifierType = 'imo' | 'passport' | 'national-id';

export interface Identifier {
  readonly type: IdentifierType;
  /** As written in the list. */
  readonly value: string;
  /** Country key (countries.ts) of the issuing country, when the list gives it. */
  readonly country?: string;
}

export interface ListEntry {
  /** The list's own identifier of the entry (UN reference number, OFAC entity number). */
  readonly id: string;
  readonly kind: EntityKind;
  /** The primary name first. */
  readonly names: readonly ListName[];
  readonly datesOfBirth: readonly DateOfBirth[];
  /** Country keys (countries.ts): nationalities, citizenship, addresses, place of birth, flag. */
  readonly countries: readonly string[];
  readonly identifiers: readonly Identifier[];
  /** Sanctions programmes or regimes (UN list type, OFAC programme). */
  readonly programmes: readonly string[];
}

/** One loaded list file (or file set): a value that names exactly what was screened against. */
export interface Snapshot {
  readonly format: ListFormat;
  /** `format@sha256`: names the snapshot in every hit. */
  readonly id: string;
  /** Publication date or time as the file states it; null when the format does not say. */
  readonly publishedAt: string | null;
  /** SHA-256 (hex) of the file's bytes; of the files' hashes in order for a file set. */
  readonly sha256: string;
  readonly files: readonly {
    readonly name: string;
    readonly sha256: string;
    readonly bytes: number;
  }[];
  readonly entryCount: number;
  readonly entries: readonly ListEntry[];
}

/** Someone or something to screen. Only `name` is required. */
export interface Party {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly kind?: EntityKind;
  /** YYYY, YYYY-MM or YYYY-MM-DD. */
  readonly dateOfBirth?: string;
  /** ISO 3166 alpha-2 codes or country names. */
  readonly countries?: readonly string[];
  readonly identifiers?: readonly Identifier[];
}

/** Which part of a party and a list entry agreed (or, for the `-mismatch` ones, disagreed). */
export type MatchedField =
  | 'name'
  | 'alias'
  | 'weak-alias'
  | 'original-script'
  | 'date-of-birth'
  | 'country'
  | 'imo'
  | 'passport'
  | 'national-id'
  | 'date-of-birth-mismatch'
  | 'country-mismatch'
  | 'identifier-mismatch'
  | 'kind-mismatch';

export interface Hit {
  readonly snapshot: string;
  readonly format: ListFormat;
  readonly entryId: string;
  readonly entryName: string;
  readonly kind: EntityKind;
  /** The list name (primary or alias) that matched best, and the party's name that met it. */
  readonly matchedName: string;
  readonly queryName: string;
  /** Final score in [0, 1], after the features below. */
  readonly score: number;
  /** Name similarity alone, in [0, 1]. */
  readonly nameScore: number;
  readonly fields: readonly MatchedField[];
}
