import { PARTICIPANT_ID } from '../../participants/participant.js';
import { keyFileOf } from '../../documents/key-file.js';
import { generateKeyPair } from '../../documents/signature.js';
import type { RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { commandAction } from '../ledger-context.js';
import { jsonText, writeNewFile } from '../shared/files.js';
import { printJson } from '../shared/output.js';

/**
 * `vostro signing-key generate`: an issuer makes its own hybrid signing key (ML-DSA-65 and
 * Ed25519) on its own machine. The secret half goes to a file only its owner can read (0600), never
 * to the hub; what is printed (and written to `--public-out`) is the public half, which the hub's
 * operator registers with `vostro issuer key-add`. No database is opened.
 */
export const registerSigningKey: RegisterCommand = (program, context) => {
  const signingKey = program
    .command('signing-key')
    .description(
      'signing keys for trade documents (ML-DSA-65 + Ed25519), made and kept by their issuer; the hub only ever sees public keys',
    );
  signingKey
    .command('generate')
    .description(
      'generate a key pair into a new file readable only by you (0600; an existing file is never overwritten), and print the key id and the public key to register',
    )
    .requiredOption('--issuer <id>', 'the issuer id the key is registered under, e.g. maersk')
    .requiredOption('--out <file>', 'the key file to create (it holds the secret key)')
    .option('--public-out <file>', 'also write the public key to register to this new file')
    .option('--json', 'print the key id and public key as JSON')
    .action(
      commandAction(
        context,
        async (options: { issuer: string; out: string; publicOut?: string; json?: boolean }) => {
          if (!PARTICIPANT_ID.test(options.issuer))
            throw new UsageError(
              `--issuer: "${options.issuer.slice(0, 64)}" is not an issuer id: a lower-case letter, then 1 to 39 lower-case letters, digits or hyphens (as participant ids)`,
            );
          if (options.publicOut !== undefined && options.publicOut === options.out)
            throw new UsageError('--public-out: must be another file than --out');
          const pair = generateKeyPair();
          const file = keyFileOf(pair, options.issuer);
          writeNewFile('--out', options.out, jsonText(file), 0o600);
          const registration = {
            issuer: options.issuer,
            keyId: pair.keyId,
            publicKey: pair.publicKey,
          };
          if (options.publicOut !== undefined)
            writeNewFile('--public-out', options.publicOut, jsonText(registration));
          if (options.json === true) {
            printJson(context.io, registration);
            return;
          }
          context.io.out(
            `key id: ${pair.keyId}\nsecret key: ${options.out} (mode 0600; keep it there, never send it)\npublic key to register${options.publicOut === undefined ? '' : ` (also in ${options.publicOut})`}:\n${jsonText(registration)}`,
          );
          context.io.err(
            `next: the hub's operator registers it with \`vostro issuer key-add --issuer ${options.issuer} --public-key <file holding the public key> --valid-from … --valid-to …\`\n`,
          );
        },
      ),
    );
};
