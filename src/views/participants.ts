import type { ParticipantRecord } from '../participants/registry.js';

/**
 * A participant and the accounts it holds, as the API (`GET /v1/participants/{id}`) and the CLI's
 * `participant … --json` show it (the API's schema drops anything it does not list).
 */
export function participantJson(record: ParticipantRecord) {
  return {
    ...record,
    currencies: [...record.currencies],
    accounts: record.accounts.map(({ identifiers, ...account }) => ({
      ...account,
      ...(identifiers === undefined
        ? {}
        : { identifiers: identifiers.map((name) => ({ ...name })) }),
    })),
  };
}
