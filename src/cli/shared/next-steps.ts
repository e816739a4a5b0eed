import { isPostgresUrl, maskPassword } from '../../store/open-store.js';

/**
 * How the example commands `init` and `start` print name the database the user gave with `--db`:
 * a SQLite path is repeated as `--db <path>`; a PostgreSQL URL, which may hold a password, is
 * named through `$VOSTRO_DATABASE_URL`, so the examples begin by setting it: the URL itself when
 * it holds no password, else the URL with its password shown as *** and a note to put it back.
 */
export function databaseArguments(dbOption: string | undefined): {
  readonly exportLines: readonly string[];
  readonly db: string;
} {
  if (dbOption === undefined) return { exportLines: [], db: '' };
  if (!isPostgresUrl(dbOption)) return { exportLines: [], db: ` --db ${dbOption}` };
  const masked = maskPassword(dbOption);
  const note =
    masked === dbOption
      ? '# the URL you gave --db'
      : '# the URL you gave --db, its password shown as ***: put the password back';
  return {
    exportLines: [`  export VOSTRO_DATABASE_URL=${shellQuoted(masked)}   ${note}`],
    db: ' --db "$VOSTRO_DATABASE_URL"',
  };
}

/** In single quotes, as a POSIX shell reads it back: a quote inside is closed, escaped and reopened. */
function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
