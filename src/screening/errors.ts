/** A list file that cannot be read: names the file, where in it (line or element) and why. */
export class ListFormatError extends Error {
  constructor(
    readonly file: string,
    readonly location: string,
    readonly reason: string,
  ) {
    super(`${file}: ${location}: ${reason}`);
    this.name = 'ListFormatError';
  }
}

/** A party that cannot be screened: names the field and why. */
export class ScreeningInputError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'ScreeningInputError';
  }
}
