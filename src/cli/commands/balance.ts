import type { Account } from '../../ledger/model.js';
import { accountKindName } from '../../ledger/model.js';
import { currencyCode } from '../../views/amounts.js';
import { accountBalanceJson, availableMinor, netPostedMinor } from '../../views/accounts.js';
import type { RegisterCommand } from '../context.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import { addDbOption, commandAction, runLedgerCommand } from '../ledger-context.js';
import { parseAccountIdOption } from '../options.js';
import { requireAccount } from '../shared/accounts.js';
import { humanAmountWithCode } from '../shared/human.js';
import { printJson, renderTable } from '../shared/output.js';

/** `vostro balance <account-id>`: the four balances of one account and what they net to. */
export const registerBalance: RegisterCommand = (program, context) => {
  addDbOption(
    program
      .command('balance')
      .description(
        'show the posted and pending debits and credits of an account and its net balance (credits − debits)',
      )
      .argument('<account-id>', 'the account id (UUID)')
      .option(
        '--json',
        'print the balances as JSON, as GET /v1/accounts/{id}/balance answers (amounts as decimal strings)',
      ),
  ).action(
    commandAction(context, async (idText: string, options: { json?: boolean; db?: string }) => {
      const id = parseAccountIdOption('<account-id>', idText);
      await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
        const account = await requireAccount(session, id, 'account');
        if (options.json === true)
          printJson(context.io, accountBalanceJson(account, session.ledger.clock.nowNs()));
        else printBalance(context.io, account);
        return ExitCode.ok;
      });
    }),
  );
};

function printBalance(io: CliIo, account: Account): void {
  const amount = (minor: bigint): string => humanAmountWithCode(minor, account.ledger);
  io.out(
    `${account.id}  ${account.owner} ${accountKindName(account.code)} ${currencyCode(account.ledger)}\n`,
  );
  const rows = [
    ['posted', amount(account.debitsPosted), amount(account.creditsPosted)],
    ['pending', amount(account.debitsPending), amount(account.creditsPending)],
  ];
  io.out(renderTable(['', 'debits', 'credits'], rows, [1, 2]));
  io.out(`balance (credits − debits, posted): ${amount(netPostedMinor(account))}\n`);
  io.out(`available (less pending debits):    ${amount(availableMinor(account))}\n`);
}
