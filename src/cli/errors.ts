/**
 * A malformed command line (an unknown value, a missing option): printed as `error: …` with exit
 * code 2. It lives in its own file so that command files can import it without importing
 * program.ts, which imports every command (an import cycle breaks loading a command on its own).
 */
export class UsageError extends Error {}
