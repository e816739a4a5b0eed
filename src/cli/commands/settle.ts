import type { Command } from 'commander';
import { CLI_ACTOR } from '../../domain/actor.js';
import { currencyByCode } from '../../ledger/currency.js';
import { newTransferId } from '../../ledger/ids.js';
import type { CapStatus } from '../../settlement/caps.js';
import type { CurrencyNetting } from '../../settlement/netting.js';
import type { WindowRecord } from '../../settlement/windows.js';
import { capJson } from '../../views/caps.js';
import { positionsJson, windowJson } from '../../views/windows.js';
import type { CliContext, RegisterCommand } from '../context.js';
import { addDbOption, commandAction } from '../ledger-context.js';
import {
  parseAccountIdOption,
  parseAmountOption,
  parseCurrencyOption,
  parseReferenceOption,
  parseTransferIdOption,
} from '../options.js';
import { hubOperation, runHubCommand } from '../shared/hub.js';
import { groupDigits, humanAmountIn } from '../shared/human.js';
import { printJson, renderTable } from '../shared/output.js';

/**
 * Clearing and settlement at the command line (the operator's door): `vostro payment`, `vostro cap`,
 * `vostro window` and `vostro positions`. Every command goes through the same Hub services as the
 * API, so caps, windows and audit entries behave the same either way.
 */
export const registerSettlement: RegisterCommand = (program, context) => {
  registerPayment(
    program
      .command('payment')
      .description(
        'pay between participants’ accounts (interbank payments count against the payer bank’s net debit cap), fund accounts, post or void two-phase payments',
      ),
    context,
  );
  registerCap(
    program
      .command('cap')
      .description('set and show net debit caps per settling participant and currency'),
    context,
  );
  registerWindow(
    program
      .command('window')
      .description(
        'settlement windows: show, list, close (freezes its transfers), settle (writes the instructions)',
      ),
    context,
  );
  addDbOption(
    program
      .command('positions')
      .description(
        'multilateral (and with --bilateral, bilateral) net positions and settlement instructions of a closed window',
      )
      .argument('<window>', 'window id, e.g. INR-3')
      .option('--bilateral', 'also show bilateral positions and instructions')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (windowId: string, options: { bilateral?: boolean; json?: boolean; db?: string }) => {
        await runHubCommand(context, options.db, async (hub) => {
          const { window, netting } = await hubOperation(() => hub.windows.net(windowId), {
            window: '<window>',
          });
          if (options.json === true) printJson(context.io, positionsJson(window, netting));
          else printNetting(context, window, netting, options.bilateral === true);
        });
      },
    ),
  );
};

interface PayOptions {
  readonly from: string;
  readonly to: string;
  readonly amount: string;
  readonly id?: string;
  readonly reference?: string;
  readonly pending?: boolean;
  readonly json?: boolean;
  readonly db?: string;
}

function registerPayment(payment: Command, context: CliContext): void {
  addDbOption(
    payment
      .command('create')
      .description('pay from one participant account to another in the same currency')
      .requiredOption('--from <account-id>', 'the paying account')
      .requiredOption('--to <account-id>', 'the receiving account')
      .requiredOption(
        '--amount <amount>',
        'decimal major units in the accounts’ currency, e.g. 12500.00',
      )
      .option('--id <uuid>', 'the payment id (idempotency key); a new UUIDv7 when absent')
      .option('--reference <text>', 'free text, at most 64 characters')
      .option('--pending', 'reserve now; post or void later with `vostro payment post|void <id>`')
      .option('--json', 'print the result as JSON'),
  ).action(
    commandAction(context, async (options: PayOptions) => {
      const payer = parseAccountIdOption('--from', options.from);
      const payee = parseAccountIdOption('--to', options.to);
      const id =
        options.id === undefined ? newTransferId() : parseTransferIdOption('--id', options.id);
      const reference = parseReferenceOption('--reference', options.reference);
      await runHubCommand(context, options.db, async (hub) => {
        const entry = await hub.participants.account(payer);
        const currency = currencyByCode(entry?.currency ?? 'INR');
        if (currency === undefined) throw new Error('bug: account currency');
        const amount = parseAmountOption('--amount', options.amount, currency);
        const result = await hubOperation(
          () =>
            hub.payments.pay(
              { id, payer, payee, amount, reference, pending: options.pending === true },
              CLI_ACTOR,
            ),
          { payer: '--from', payee: '--to', amount: '--amount', id: '--id' },
        );
        if (options.json === true) printJson(context.io, result);
        else
          context.io.out(
            `payment ${result.id} ${result.status}${result.interbank ? ' (interbank: counts against the payer bank’s cap)' : ''}, ${result.transferIds.length} transfer(s)\n`,
          );
      });
    }),
  );
  for (const action of ['post', 'void'] as const) {
    addDbOption(
      payment
        .command(action)
        .description(`${action} every leg of a two-phase payment together`)
        .argument('<payment-id>', 'the payment id')
        .option('--json', 'print as JSON'),
    ).action(
      commandAction(context, async (idText: string, options: { json?: boolean; db?: string }) => {
        const id = parseTransferIdOption('<payment-id>', idText);
        await runHubCommand(context, options.db, async (hub) => {
          const result = await hubOperation(() => hub.payments.resolve(id, action, CLI_ACTOR), {
            id: '<payment-id>',
          });
          if (options.json === true) printJson(context.io, result);
          else
            context.io.out(
              `payment ${id} ${action === 'post' ? 'posted' : 'voided'} (${result.status})\n`,
            );
        });
      }),
    );
  }
  addDbOption(
    payment
      .command('fund')
      .description(
        'record money entering the hub for an account (prefunding a bank, liquidity for an FX provider, a deposit for a customer)',
      )
      .requiredOption('--account <account-id>', 'the account to credit')
      .requiredOption('--amount <amount>', 'decimal major units')
      .option('--id <uuid>', 'idempotency key')
      .option('--reference <text>', 'free text, at most 64 characters')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (options: {
        account: string;
        amount: string;
        id?: string;
        reference?: string;
        json?: boolean;
        db?: string;
      }) => {
        const account = parseAccountIdOption('--account', options.account);
        const id =
          options.id === undefined ? newTransferId() : parseTransferIdOption('--id', options.id);
        const reference = parseReferenceOption('--reference', options.reference ?? 'funding');
        await runHubCommand(context, options.db, async (hub) => {
          const entry = await hub.participants.account(account);
          const currency = currencyByCode(entry?.currency ?? 'INR');
          if (currency === undefined) throw new Error('bug: account currency');
          const amount = parseAmountOption('--amount', options.amount, currency);
          const result = await hubOperation(
            () => hub.payments.fund({ id, account, amount, reference }, CLI_ACTOR),
            { account: '--account', amount: '--amount', id: '--id' },
          );
          if (options.json === true) printJson(context.io, result);
          else
            context.io.out(
              `funded ${account} with ${humanAmountIn(amount, currency)} ${currency.code} (${result.status})\n`,
            );
        });
      },
    ),
  );
}

function registerCap(cap: Command, context: CliContext): void {
  addDbOption(
    cap
      .command('set')
      .description('set a settling participant’s net debit cap in a currency (audited)')
      .requiredOption('--participant <id>', 'a bank or FX provider')
      .requiredOption('--currency <code>', 'ISO 4217 code')
      .requiredOption('--amount <amount>', 'the cap in decimal major units, e.g. 5000000.00')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (options: {
        participant: string;
        currency: string;
        amount: string;
        json?: boolean;
        db?: string;
      }) => {
        const currency = parseCurrencyOption('--currency', options.currency);
        const amount = parseAmountOption('--amount', options.amount, currency);
        await runHubCommand(context, options.db, async (hub) => {
          const status = await hubOperation(
            () => hub.caps.set(options.participant, currency.code, amount, CLI_ACTOR),
            { participant: '--participant', currency: '--currency', cap: '--amount' },
          );
          printCap(context, status, options.json === true);
        });
      },
    ),
  );
  addDbOption(
    cap
      .command('show')
      .description('a participant’s cap, headroom left and net position in the open window')
      .requiredOption('--participant <id>', 'a bank or FX provider')
      .requiredOption('--currency <code>', 'ISO 4217 code')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (options: { participant: string; currency: string; json?: boolean; db?: string }) => {
        const currency = parseCurrencyOption('--currency', options.currency);
        await runHubCommand(context, options.db, async (hub) => {
          const status = await hubOperation(
            () => hub.caps.status(options.participant, currency.code),
            { participant: '--participant', currency: '--currency' },
          );
          printCap(context, status, options.json === true);
        });
      },
    ),
  );
}

function printCap(context: CliContext, status: CapStatus, json: boolean): void {
  const view = capJson(status);
  if (json) {
    printJson(context.io, view);
    return;
  }
  context.io.out(
    `${view.participant} ${view.currency}: cap ${groupDigits(view.cap)}, headroom ${groupDigits(view.headroom)}, net in the open window ${groupDigits(view.net)}\n`,
  );
}

function registerWindow(window: Command, context: CliContext): void {
  addDbOption(
    window
      .command('show')
      .description('the open window of a currency, or a window by id')
      .argument('<currency-or-window>', 'INR, or a window id such as INR-3')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(context, async (target: string, options: { json?: boolean; db?: string }) => {
      await runHubCommand(context, options.db, async (hub) => {
        const found = /^[A-Z]{3}$/.test(target)
          ? await hubOperation(() => hub.windows.current(target), {
              currency: '<currency-or-window>',
            })
          : await hubOperation(() => hub.windows.get(target), { window: '<currency-or-window>' });
        printWindows(context, [found], options.json === true);
      });
    }),
  );
  addDbOption(
    window
      .command('list')
      .description('the windows of a currency, oldest first')
      .argument('<currency>', 'ISO 4217 code')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(context, async (currency: string, options: { json?: boolean; db?: string }) => {
      await runHubCommand(context, options.db, async (hub) => {
        printWindows(
          context,
          await hubOperation(() => hub.windows.list(currency), { currency: '<currency>' }),
          options.json === true,
        );
      });
    }),
  );
  addDbOption(
    window
      .command('close')
      .description(
        'close the open window of a currency (every transfer before this moment is in it, every later one in the next) and open the next',
      )
      .argument('<currency>', 'ISO 4217 code')
      .option(
        '--window <id>',
        'refuse unless this is the open window (guards against closing twice)',
      )
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (currency: string, options: { window?: string; json?: boolean; db?: string }) => {
        await runHubCommand(context, options.db, async (hub) => {
          const { closed, opened } = await hubOperation(
            () => hub.windows.close(currency, CLI_ACTOR, options.window),
            { currency: '<currency>', window: '--window' },
          );
          if (options.json === true)
            printJson(context.io, { closed: windowJson(closed), opened: windowJson(opened) });
          else context.io.out(`closed ${closed.id}; ${opened.id} is open\n`);
        });
      },
    ),
  );
  addDbOption(
    window
      .command('settle')
      .description(
        'write the settlement instructions of a closed window as transfers, all or none, and mark it settled',
      )
      .argument('<window>', 'window id, e.g. INR-3')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(context, async (windowId: string, options: { json?: boolean; db?: string }) => {
      await runHubCommand(context, options.db, async (hub) => {
        const { window, netting } = await hubOperation(
          () => hub.windows.settle(windowId, CLI_ACTOR),
          { window: '<window>' },
        );
        if (options.json === true) printJson(context.io, positionsJson(window, netting));
        else
          context.io.out(
            `settled ${window.id}: ${window.settlementTransfers?.length ?? 0} settlement transfer(s)\n`,
          );
      });
    }),
  );
}

function printWindows(context: CliContext, windows: readonly WindowRecord[], json: boolean): void {
  if (json) {
    printJson(context.io, windows.map(windowJson));
    return;
  }
  const rows = windows.map((window) => [
    window.id,
    window.status,
    window.openedAtIso,
    window.closedAtIso ?? '',
    window.settledAtIso ?? '',
  ]);
  context.io.out(renderTable(['window', 'status', 'opened', 'closed', 'settled'], rows));
}

function printNetting(
  context: CliContext,
  window: WindowRecord,
  netting: CurrencyNetting | undefined,
  bilateral: boolean,
): void {
  const view = positionsJson(window, netting);
  context.io.out(
    `${window.id} (${window.status}): ${view.transfers} interbank transfer(s), gross ${groupDigits(view.gross)}, moved ${groupDigits(view.moved)} ${window.currency}, netting efficiency ${view.efficiency ?? 'n/a'}\n`,
  );
  context.io.out(
    renderTable(
      ['participant', 'paid', 'received', 'net'],
      view.positions.map((position) => [
        position.participant,
        groupDigits(position.debits),
        groupDigits(position.credits),
        groupDigits(position.net),
      ]),
      [1, 2, 3],
    ),
  );
  context.io.out(
    renderTable(
      ['instruction', 'participant', 'amount'],
      view.instructions.map((instruction) => [
        instruction.kind === 'pay_in' ? 'pays the hub' : 'is paid by the hub',
        instruction.participant,
        groupDigits(instruction.amount),
      ]),
      [2],
    ),
  );
  if (bilateral)
    context.io.out(
      renderTable(
        ['payer', 'payee', 'bilateral net'],
        view.bilateralInstructions.map((instruction) => [
          instruction.payer,
          instruction.payee,
          groupDigits(instruction.amount),
        ]),
        [2],
      ),
    );
}
