import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { HubError } from '../../domain/errors.js';
import type { AccountId } from '../../ledger/ids.js';
import {
  ibanChecksumValid,
  parseAccountIdentifier,
  type AccountIdentifier as Identifier,
} from '../../participants/identifiers.js';
import { actorOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { AccountIdentifier, ParticipantAccount } from '../hub-schemas.js';
import { notFound } from '../problems.js';
import { commonErrors, problemResponse, StringEnum, Uuid } from '../schemas.js';

const strict = { additionalProperties: false } as const;
const Params = Type.Object({ id: Uuid }, strict);
type Params = Static<typeof Params>;
const IdentifierParams = Type.Object(
  {
    id: Uuid,
    identifier: Type.String({
      minLength: 1,
      maxLength: 42,
      description:
        'the IBAN (spaces and case as written) or other identifier to remove; a value that passes the IBAN check is taken as an IBAN unless scheme=other',
    }),
  },
  strict,
);
type IdentifierParams = Static<typeof IdentifierParams>;
const RemoveQuery = Type.Object(
  {
    scheme: Type.Optional(
      StringEnum(['iban', 'other'] as const, {
        description:
          'which kind of identifier the value is (default: iban when it passes the IBAN check)',
      }),
    ),
  },
  strict,
);
type RemoveQuery = Static<typeof RemoveQuery>;

const refused = {
  404: problemResponse(
    'no such participant account (or, for a participant key, not one it owns or keeps), or, to remove, the account has not this identifier',
  ),
  409: problemResponse('the identifier is another account’s (identifier_exists)'),
};

/**
 * How ISO 20022 messages name an account besides its own id: IBANs and other identifiers
 * (`Acct/Id/IBAN`, `Acct/Id/Othr/Id`), unique across the hub. The operator registers them for any
 * participant account, a participant key for the accounts it owns or keeps (its customers’, the
 * vostro accounts held at it); any other account is answered as missing. Audited.
 */
export function accountIdentifierRoutes(context: ApiContext): FastifyPluginAsync {
  const registry = context.participants;
  return async (app) => {
    app.post<{ Params: Params; Body: AccountIdentifier }>(
      '/accounts/:id/identifiers',
      {
        config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
        schema: {
          tags: ['participants'],
          operationId: 'addAccountIdentifier',
          summary:
            'Register an IBAN (checked by ISO 13616 mod 97) or another identifier for a participant account (201; 200 when the account has it already)',
          params: Params,
          body: AccountIdentifier,
          response: {
            200: ParticipantAccount,
            201: ParticipantAccount,
            ...refused,
            ...commonErrors,
          },
        },
      },
      async (request, reply) => {
        const id = request.params.id.toLowerCase() as AccountId;
        // Checked here first, so that a refusal names the body's own field (/iban, /other).
        const identifier = parseAccountIdentifier(request.body, '');
        const before = await registry.account(id);
        const had =
          before === undefined
            ? false
            : ((await registry.find(before.participant))?.accounts
                .find((account) => account.id === id)
                ?.identifiers?.some((existing) => same(existing, identifier)) ?? false);
        const account = await registry
          .addAccountIdentifier(id, identifier, actorOf(request))
          .catch(renamed(id, bodyField(identifier)));
        return reply.code(had ? 200 : 201).send(account);
      },
    );

    app.delete<{ Params: IdentifierParams; Querystring: RemoveQuery }>(
      '/accounts/:id/identifiers/:identifier',
      {
        config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
        schema: {
          tags: ['participants'],
          operationId: 'removeAccountIdentifier',
          summary: 'Remove an IBAN or other identifier from an account',
          params: IdentifierParams,
          querystring: RemoveQuery,
          response: { 200: ParticipantAccount, ...refused, ...commonErrors },
        },
      },
      async (request) => {
        const id = request.params.id.toLowerCase() as AccountId;
        const value = request.params.identifier;
        const scheme =
          request.query.scheme ??
          (ibanChecksumValid(value.replaceAll(' ', '').toUpperCase()) ? 'iban' : 'other');
        const rename: (error: unknown) => never = renamed(id, 'path.identifier');
        let identifier: Identifier;
        try {
          identifier = parseAccountIdentifier(
            scheme === 'iban' ? { iban: value } : { other: value },
          );
        } catch (error) {
          rename(error);
        }
        return registry.removeAccountIdentifier(id, identifier, actorOf(request)).catch(rename);
      },
    );
  };
}

function same(a: Identifier, b: Identifier): boolean {
  return 'iban' in a ? 'iban' in b && a.iban === b.iban : 'other' in b && a.other === b.other;
}

function bodyField(identifier: Identifier): string {
  return 'iban' in identifier ? '/iban' : '/other';
}

/**
 * The registry's refusals in the request's terms: an account it does not know (or may not show
 * this key) is the 404 of every account route; the identifier is the body's field or the path's.
 */
function renamed(id: AccountId, field: string): (error: unknown) => never {
  return (error) => {
    if (!(error instanceof HubError)) throw error;
    if (error.code === 'account_not_found') throw notFound('account', id);
    if (error.field?.startsWith('identifier') === true)
      throw new HubError(error.code, { field, message: error.message });
    throw error;
  };
}
