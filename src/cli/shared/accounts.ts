import type { AccountId } from '../../ledger/ids.js';
import type { Account } from '../../ledger/model.js';
import { RefusedError, type LedgerSession } from '../ledger-context.js';

/** Looks an account up; a missing one ends the command with exit code 1 and names what was missing. */
export async function requireAccount(
  session: LedgerSession,
  id: AccountId,
  role: string,
): Promise<Account> {
  const [account] = await session.ledger.lookupAccounts([id]);
  if (account === undefined)
    throw new RefusedError(`${role} ${id} does not exist in ${session.dbPath}`);
  return account;
}
