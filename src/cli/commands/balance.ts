import type { Account } from '../../ledger/model.js';
import { accountKindName } from '../../ledger/model.js';
import {
  amountText,
  availableMinor,
  balancesJson,
  currencyCode,
  netPostedMinor,
} from '../format.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import {
  addDbOption,
  commandAction,
  printJson,
  renderTable,
  runLedgerCommand,
} from '../ledger-context.js';
import { parseAccountIdOption } from '../options.js';
import type { RegisterCommand } from '../program.js';
import { requireAccount } from './account.js';

/** `vostro balance <account-id>`: the four balances of one account and what they net to. */
export const registerBalance: RegisterCommand = (program, context) => {
  addDbOption(
    program
      .command('balance')
      .description(
        'show the posted and pending debits and credits of an account and its net balance (credits − debits)',
      )
      .argument('<account-id>', 'the account id (UUID)')
      .option('--json', 'print the balances as JSON (amounts as decimal strings)'),
  ).action(
    commandAction(context, async (idText: string, options: { json?: boolean; db?: string }) => {
      const id = parseAccountIdOption('<account-id>', idText);
      await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
        const account = await requireAccount(session, id, 'account');
        printBalance(context.io, account, options.json === true);
        return ExitCode.ok;
      });
    }),
  );
};

export function printBalance(io: CliIo, account: Account, json: boolean): void {
  const currency = currencyCode(account.ledger);
  if (json) {
    printJson(io, {
      accountId: account.id,
      owner: account.owner,
      kind: accountKindName(account.code),
      currency,
      ...balancesJson(account),
    });
    return;
  }
  const amount = (minor: bigint): string => `${amountText(minor, account.ledger)} ${currency}`;
  io.out(`${account.id}  ${account.owner} ${accountKindName(account.code)} ${currency}\n`);
  const rows = [
    ['posted', amount(account.debitsPosted), amount(account.creditsPosted)],
    ['pending', amount(account.debitsPending), amount(account.creditsPending)],
  ];
  io.out(renderTable(['', 'debits', 'credits'], rows, [1, 2]));
  io.out(`balance (credits − debits, posted): ${amount(netPostedMinor(account))}\n`);
  io.out(`available (less pending debits):    ${amount(availableMinor(account))}\n`);
}
