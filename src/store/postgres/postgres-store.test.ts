import pg from 'pg';
import { contentionCases, POISON } from '../conformance/contention.cases.js';
import { crashCases } from '../conformance/crash.cases.js';
import { eventCases } from '../conformance/events.cases.js';
import { flowCases } from '../conformance/flows.cases.js';
import type { StoreFactory } from '../conformance/fixtures.js';
import { modelCases } from '../conformance/model.cases.js';
import { recordCases } from '../conformance/records.cases.js';
import { resultCodeCases } from '../conformance/result-codes.cases.js';
import { searchCases } from '../conformance/search.cases.js';
import { tallyCases } from '../conformance/tallies.cases.js';
import { textCases } from '../conformance/text.cases.js';
import { tradeCases } from '../conformance/trade.cases.js';
import type { LedgerStore } from '../store.js';
import { PostgresStore } from './postgres-store.js';
import { postgresTests, testDatabaseUrl } from './test-database.js';

/** The conformance suite on a real PostgreSQL server, each store in a schema of its own. */
await postgresTests('postgres conformance', (schemas) => {
  const urls = new Map<LedgerStore, string>();
  const postgresFactory: StoreFactory = {
    name: 'postgres',
    open: async () => {
      const url = schemas.next();
      const store = await PostgresStore.open({ url, poolMax: 2 });
      urls.set(store, url);
      return store;
    },
  };
  resultCodeCases(postgresFactory);
  modelCases(postgresFactory);
  recordCases(postgresFactory);
  searchCases(postgresFactory);
  tallyCases(postgresFactory, 10);
  flowCases(postgresFactory);
  const poison = async (store: LedgerStore): Promise<void> => {
    const schema = (store as PostgresStore).schema;
    const client = new pg.Client({ connectionString: testDatabaseUrl(process.env) });
    await client.connect();
    try {
      await client.query(
        `CREATE FUNCTION "${schema}".poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'poisoned reference'; END $$`,
      );
      await client.query(
        `CREATE TRIGGER poison BEFORE INSERT ON "${schema}".transfers FOR EACH ROW WHEN (NEW.reference = '${POISON}') EXECUTE FUNCTION "${schema}".poison()`,
      );
    } finally {
      await client.end();
    }
  };
  contentionCases(postgresFactory, poison);
  // A second store on the same schema writes at the same time, as a second process would.
  eventCases(postgresFactory, poison, {
    openSecond: (store) => PostgresStore.open({ url: urls.get(store) ?? '', poolMax: 2 }),
  });
  textCases(postgresFactory, 30);
  tradeCases(postgresFactory);
  const crashUrl = schemas.next();
  crashCases('postgres', () => crashUrl);
});
