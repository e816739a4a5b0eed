import { Type, type Static } from '@sinclair/typebox';
import { ROTATION_GRACE_MAX_SECONDS } from '../access/api-keys.js';
import { ROLES_OPENED_LATER } from '../participants/accounts.js';
import { PARTICIPANT_KINDS } from '../participants/participant.js';
import { CurrencyCode, IsoTime, PageLimit, PlainText, StringEnum } from './schemas.js';

/**
 * Schemas of the hub's routes: participants, API keys, the audit log. Like schemas.ts, they
 * validate requests, shape responses and are published in `/v1/openapi.json`; unknown fields are
 * refused.
 */
const strict = { additionalProperties: false } as const;

const PARTICIPANT_ID_PATTERN = '^[a-z][a-z0-9-]{1,39}$';
export const ParticipantId = Type.String({
  pattern: PARTICIPANT_ID_PATTERN,
  minLength: 2,
  maxLength: 40,
  description: 'a lower-case letter, then 1 to 39 lower-case letters, digits or hyphens',
  examples: ['sbi'],
});
const BIC_PATTERN = '^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$';
const Bic = Type.String({
  pattern: BIC_PATTERN,
  description:
    'its BIC (ISO 9362: 8 or 11 capitals and digits), how ISO 20022 messages name it; unique across the hub (the 8-character form and its XXX branch are one institution); banks, FX providers and the hub only',
  examples: ['SBININBBXXX'],
});
const KEY_ID_PATTERN = '^[0-9a-f]{16}$';
export const KeyId = Type.String({
  pattern: KEY_ID_PATTERN,
  minLength: 16,
  maxLength: 16,
  description: 'the public part of an API key: 16 hex digits',
  examples: ['3f9a0c7e5b2d4186'],
});

/** Kinds a participant may be created with through the API; the hub itself is opened by the hub. */
const CREATABLE_KINDS = PARTICIPANT_KINDS.filter((kind) => kind !== 'hub');
const LATER_ROLES = [...new Set(Object.values(ROLES_OPENED_LATER).flat())];

export const ParticipantCreate = Type.Object(
  {
    id: ParticipantId,
    name: PlainText({ minLength: 1, maxLength: 120 }),
    kind: StringEnum(CREATABLE_KINDS, {
      description:
        'bank, fx_provider, corporate, or customs (a customs authority: it holds no money accounts)',
    }),
    country: Type.String({
      pattern: '^[A-Z]{2}$',
      description: 'ISO 3166-1 alpha-2; a bank or a customs authority is in IN or RU',
    }),
    bank: Type.Optional(
      Type.Unsafe<string>({
        ...ParticipantId,
        description: 'for a corporate: the bank that keeps its accounts',
      }),
    ),
    currencies: Type.Array(CurrencyCode, {
      maxItems: 8,
      description:
        'currencies it holds accounts in (one to eight; none for a customs authority); its accounts are opened in each',
    }),
    bic: Type.Optional(Bic),
  },
  strict,
);
export type ParticipantCreate = Static<typeof ParticipantCreate>;

export const ParticipantChange = Type.Object(
  {
    bic: Type.Unsafe<string | null>({
      type: ['string', 'null'],
      pattern: BIC_PATTERN,
      description: 'its BIC, or null to take it away',
      examples: ['SBININBBXXX'],
    }),
  },
  { ...strict, description: 'what to change: for now, the BIC' },
);
export type ParticipantChange = Static<typeof ParticipantChange>;

const Iban = Type.String({
  pattern: '^[A-Za-z]{2}[0-9]{2}[A-Za-z0-9 ]{11,40}$',
  maxLength: 42,
  description:
    'an IBAN (ISO 13616), spaces allowed as people write it; stored without spaces, in capitals, after its mod-97 check',
  examples: ['DE89 3704 0044 0532 0130 00'],
});
const OtherIdentifier = Type.String({
  minLength: 1,
  maxLength: 34,
  pattern: '^[\\x21-\\x7e][\\x20-\\x7e]*$',
  description:
    'another identifier (ISO 20022 Othr/Id): 1 to 34 printable ASCII characters; not 32 hex digits, which is the account’s own id and needs no registration',
  examples: ['SRVA-000123'],
});
export const AccountIdentifier = Type.Object(
  { iban: Type.Optional(Iban), other: Type.Optional(OtherIdentifier) },
  {
    ...strict,
    description:
      'exactly one of iban and other: how ISO 20022 messages name the account (Acct/Id/IBAN or Acct/Id/Othr/Id); unique across the hub',
  },
);
export type AccountIdentifier = Static<typeof AccountIdentifier>;

export const ParticipantAccount = Type.Object(
  {
    id: Type.String({
      description: 'the ledger account id (derived from participant, currency and role)',
    }),
    role: Type.String({
      description:
        'settlement, cap, fx_liquidity, customer, vostro, nostro, investment, suspense, …',
    }),
    currency: Type.String(),
    heldAt: Type.Optional(
      Type.String({
        description: 'for vostro and nostro accounts: the bank that keeps the account',
      }),
    ),
    identifiers: Type.Optional(
      Type.Array(
        Type.Object(
          { iban: Type.Optional(Type.String()), other: Type.Optional(Type.String()) },
          strict,
        ),
        { description: 'the IBANs and other identifiers it answers to in ISO 20022 messages' },
      ),
    ),
  },
  strict,
);

export const Participant = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    country: Type.String(),
    bank: Type.Optional(Type.String()),
    currencies: Type.Array(Type.String()),
    status: StringEnum(['active', 'suspended'] as const),
    bic: Type.Optional(Type.String()),
    createdAt: Type.String(),
    accounts: Type.Array(ParticipantAccount),
  },
  strict,
);

export const AccountOpen = Type.Object(
  {
    role: StringEnum(LATER_ROLES, {
      description:
        'vostro, nostro, investment or suspense (which a participant may open depends on its kind)',
    }),
    currency: CurrencyCode,
    heldAt: Type.Optional(
      Type.Unsafe<string>({
        ...ParticipantId,
        description:
          'for vostro and nostro accounts: the bank that keeps the account (required for them, refused for others)',
      }),
    ),
  },
  strict,
);
export type AccountOpen = Static<typeof AccountOpen>;

export const ParticipantParams = Type.Object({ id: ParticipantId }, strict);
export type ParticipantParams = Static<typeof ParticipantParams>;
export const ParticipantListQuery = Type.Object(
  { after: Type.Optional(ParticipantId), limit: Type.Optional(PageLimit) },
  strict,
);
export type ParticipantListQuery = Static<typeof ParticipantListQuery>;

const Label = PlainText({
  maxLength: 80,
  description: 'what the key is for, e.g. "treasury back office"',
});
const RoleName = StringEnum(['operator', 'participant', 'auditor'] as const);

export const KeyInfo = Type.Object(
  {
    keyId: KeyId,
    role: RoleName,
    participant: Type.Optional(
      Type.String({ description: 'the participant a participant key acts for' }),
    ),
    label: Type.String(),
    status: StringEnum(['active', 'rotating', 'revoked'] as const, {
      description: 'rotating: replaced, and accepted until revokedAt',
    }),
    createdAt: IsoTime,
    createdBy: Type.String({ description: 'who issued it (an actor id)' }),
    revokedAt: Type.Optional(Type.String({ description: 'when it stops or stopped working' })),
    revokedBy: Type.Optional(Type.String()),
    replacedBy: Type.Optional(Type.String({ description: 'the key issued by rotating this one' })),
    rotatedFrom: Type.Optional(Type.String({ description: 'the key this one replaced' })),
  },
  { ...strict, description: 'an API key as listings show it: never the secret, salt or hash' },
);

/** Who the presented key is (GET /v1/me): what the dashboard shows and offers follows its role. */
export const Caller = Type.Object(
  {
    actor: Type.String({
      description:
        'the actor the audit log names for this key: its participant id, or operator or auditor',
    }),
    role: RoleName,
    participant: Type.Optional(
      Type.String({ description: 'the participant a participant key acts for' }),
    ),
    keyId: KeyId,
    label: Type.String(),
    status: StringEnum(['active', 'rotating'] as const, {
      description: 'rotating: replaced, and accepted until revokedAt',
    }),
    revokedAt: Type.Optional(
      Type.String({ description: 'for a rotating key: when it stops working' }),
    ),
  },
  { ...strict, description: 'the API key this request was made with, never its secret' },
);

const keyText = Type.String({
  description:
    'the whole API key, vostro_<keyId>_<secret>: shown in this response only, never again; send it as Authorization: Bearer <key>',
});

export const IssuedKey = Type.Object(
  { ...KeyInfo.properties, key: keyText },
  { ...strict, description: 'a new key with its secret, shown once' },
);
export const RotatedKey = Type.Object(
  { ...KeyInfo.properties, key: keyText, previous: KeyInfo },
  { ...strict, description: 'the new key, shown once, and the key it replaces' },
);

export const StaffKeyIssue = Type.Object(
  {
    role: StringEnum(['operator', 'auditor'] as const, {
      description: 'operator: everything; auditor: every read, no writes',
    }),
    label: Type.Optional(Label),
  },
  strict,
);
export type StaffKeyIssue = Static<typeof StaffKeyIssue>;

export const ParticipantKeyIssue = Type.Object(
  {
    role: Type.Optional(
      StringEnum(['participant'] as const, {
        description: 'participant (the default and, for now, the only role of a participant key)',
      }),
    ),
    label: Type.Optional(Label),
  },
  strict,
);
export type ParticipantKeyIssue = Static<typeof ParticipantKeyIssue>;

export const KeyRotate = Type.Object(
  {
    graceSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: ROTATION_GRACE_MAX_SECONDS,
        description:
          'how long the old key keeps working (default 0: it stops at once; at most 7 days)',
      }),
    ),
  },
  strict,
);
export type KeyRotate = Static<typeof KeyRotate>;

export const KeyParams = Type.Object({ keyId: KeyId }, strict);
export type KeyParams = Static<typeof KeyParams>;
export const KeyListQuery = Type.Object(
  {
    role: Type.Optional(RoleName),
    participant: Type.Optional(ParticipantId),
    after: Type.Optional(KeyId),
    limit: Type.Optional(PageLimit),
  },
  strict,
);
export type KeyListQuery = Static<typeof KeyListQuery>;
export const OwnKeyListQuery = Type.Object(
  { after: Type.Optional(KeyId), limit: Type.Optional(PageLimit) },
  strict,
);
export type OwnKeyListQuery = Static<typeof OwnKeyListQuery>;

export const AuditEntry = Type.Object(
  {
    seq: Type.String({
      pattern: '^[1-9][0-9]{0,18}$',
      description: 'position in the log; the cursor for after',
    }),
    at: IsoTime,
    actor: Type.String({
      description: 'a participant id, operator or auditor (API keys), cli (the command line)',
    }),
    role: Type.String(),
    keyId: Type.Optional(Type.String({ description: 'the API key used (its public id)' })),
    requestId: Type.Optional(
      Type.String({
        description: 'the request id (X-Request-Id), to find the request in the logs',
      }),
    ),
    action: Type.String({ examples: ['transfers.create', 'participants.create', 'keys.revoke'] }),
    target: Type.Optional(
      Type.String({
        description: 'the main thing acted on: an account, transfer, participant or key id',
      }),
    ),
    detail: Type.Object(
      {},
      {
        additionalProperties: true,
        description: 'the rest of what was asked: counts, amounts as strings, roles',
      },
    ),
  },
  strict,
);

export const AuditQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({
        pattern: '^(0|[1-9][0-9]{0,18})$',
        description: 'only entries after this seq (the next of the previous page)',
      }),
    ),
    actor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'only entries of this actor: a participant id, operator, auditor or cli',
      }),
    ),
    target: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description:
          'only entries about this: a payment, quote or transfer id, a participant id, … (the whole target, not a prefix)',
      }),
    ),
    limit: Type.Optional(PageLimit),
  },
  strict,
);
export type AuditQuery = Static<typeof AuditQuery>;
