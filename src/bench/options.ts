/**
 * Command-line options of the benchmark scripts (`npm run bench:settlement`, `bench:http`,
 * `bench:postgres`, `bench:netting`, `bench:routes`): `--help` prints the usage; an unknown
 * option, a missing value, a number that is not a whole number in range or a scenario that does
 * not exist is refused with a message naming the option, and the process exits with status 2
 * before anything runs. Every script calls `benchOptions` before it does anything else.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs in strict mode, with `--help`/`-h` recognised; throws UsageError for what it refuses. */
export function parseBenchArgs<const O extends Options>(argv: readonly string[], options: O) {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A whole number from `minimum` to `maximum`, given in decimal digits (underscores allowed). */
export function integerOption(
  name: string,
  text: string | undefined,
  minimum: number,
  maximum: number,
): number {
  const value =
    text !== undefined && /^\d[\d_]*$/.test(text) ? Number(text.replaceAll('_', '')) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < minimum || value > maximum) {
    throw new UsageError(
      `--${name} must be a whole number from ${minimum.toLocaleString('en')} to ${maximum.toLocaleString('en')}, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** One of `choices`. */
export function choiceOption<const C extends string>(
  name: string,
  text: string | undefined,
  choices: readonly C[],
): C {
  if (text === undefined || !(choices as readonly string[]).includes(text)) {
    throw new UsageError(
      `--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(text)}`,
    );
  }
  return text as C;
}

/**
 * Runs `read` (which parses and checks the options) for a script's top level: `--help` prints
 * `usage` and exits 0; a UsageError prints its message and the usage to stderr and exits 2.
 */
export function benchOptions<T>(
  usage: string,
  read: (argv: readonly string[]) => T,
  argv: readonly string[] = process.argv.slice(2),
): T {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage.trim()}\n`);
    process.exit(0);
  }
  try {
    return read(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n\n${usage.trim()}\n`);
    process.exit(2);
  }
}
