import type { Database, Statement } from 'better-sqlite3';

/**
 * Runs a statement over many rows in chunks of up to `rowsPerStatement` rows each, one prepared
 * statement per chunk size. Multi-row statements cross from JavaScript into SQLite once per chunk
 * instead of once per row, which is what makes batches of thousands of rows cheap.
 */
export class ChunkedStatement {
  private readonly prepared = new Map<number, Statement>();

  constructor(
    private readonly db: Database,
    private readonly rowsPerStatement: number,
    private readonly columnsPerRow: number,
    private readonly sqlFor: (rowCount: number) => string,
  ) {}

  /** Runs over `params`, a flat list of `columnsPerRow` values per row. */
  run(params: readonly unknown[]): void {
    const perChunk = this.rowsPerStatement * this.columnsPerRow;
    for (let start = 0; start < params.length; start += perChunk) {
      const chunk = params.length <= perChunk ? params : params.slice(start, start + perChunk);
      this.statement(chunk.length / this.columnsPerRow).run(chunk);
    }
  }

  /** Runs one statement over `params`, which holds at most `rowsPerStatement` rows. */
  runChunk(params: readonly unknown[]): void {
    if (params.length > this.rowsPerStatement * this.columnsPerRow)
      throw new Error(
        `bug: ${params.length} parameters for one statement of ${this.rowsPerStatement} rows`,
      );
    this.statement(params.length / this.columnsPerRow).run(params);
  }

  /** Like run, but collects the rows each chunk returns. */
  all<Row>(params: readonly unknown[]): Row[] {
    const perChunk = this.rowsPerStatement * this.columnsPerRow;
    const rows: Row[] = [];
    for (let start = 0; start < params.length; start += perChunk) {
      const chunk = params.slice(start, start + perChunk);
      for (const row of this.statement(chunk.length / this.columnsPerRow).all(chunk))
        rows.push(row as Row);
    }
    return rows;
  }

  private statement(rowCount: number): Statement {
    let statement = this.prepared.get(rowCount);
    if (statement === undefined) {
      statement = this.db.prepare(this.sqlFor(rowCount));
      this.prepared.set(rowCount, statement);
    }
    return statement;
  }
}

export function placeholders(rowCount: number, columnsPerRow: number): string {
  const row = `(${new Array(columnsPerRow).fill('?').join(', ')})`;
  return new Array(rowCount).fill(row).join(', ');
}
