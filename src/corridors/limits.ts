/** Upper bounds on every query, so that no input can make the planner work without end. */
export const limits = {
  /** Routes returned by one query (Yen's K). */
  alternativesMax: 5,
  /** Heap pops over all the searches of one query, Yen's spur searches included. */
  expansionsMax: 50_000,
  /** Entries in `avoid`. */
  avoidMax: 32,
  /** Places in `via`. */
  viaMax: 4,
  /** Length of any string field, before it is looked up. */
  textLengthMax: 100,
  /** Departure dates accepted: far enough for planning, near enough to be meaningful. */
  yearMin: 2000,
  yearMax: 2100,
} as const;
