import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestApi, type TestApi } from './api.test-helper.js';

/**
 * Query strings are text; parameters the schemas declare as integers or numbers are converted from
 * plain decimal text before validation (bodies are never coerced). Every such parameter of every
 * route is found in the published description, so a route added later is covered too.
 */
describe('numeric query parameters', () => {
  let api: TestApi;
  before(async () => (api = await openTestApi({ rateLimitPerSecond: 0 })));
  after(async () => api.close());

  it('/v1/surplus?windows=3 and utcOffsetMinutes are accepted as numbers', async () => {
    const byWindow = await api.call({ method: 'GET', url: '/v1/surplus?windows=3' });
    assert.equal(byWindow.statusCode, 200, byWindow.body);
    const daily = await api.call({
      method: 'GET',
      url: '/v1/surplus?from=2025-01-01&to=2025-01-03&utcOffsetMinutes=330',
    });
    assert.equal(daily.statusCode, 200, daily.body);
    const west = await api.call({
      method: 'GET',
      url: '/v1/surplus?from=2025-01-01&to=2025-01-03&utcOffsetMinutes=-300',
    });
    assert.equal(west.statusCode, 200, west.body);
  });

  it('refuses what is not plain decimal text, or out of range, naming the parameter', async () => {
    for (const value of [
      'abc',
      '0x10',
      '1e2',
      '%203',
      '3.5',
      '',
      '3&windows=4',
      '00003',
      '0',
      '10001',
      '99999999999999999999',
    ]) {
      const response = await api.call({ method: 'GET', url: `/v1/surplus?windows=${value}` });
      assert.equal(response.statusCode, 400, `windows=${value}: ${response.body}`);
      assert.equal(response.json()['errors'][0]['field'], 'query.windows', `windows=${value}`);
    }
  });

  it('every integer or number query parameter in the description is taken from decimal text', async () => {
    const description = (await api.call({ method: 'GET', url: '/v1/openapi.json' })).json();
    let found = 0;
    for (const [path, methods] of Object.entries(
      description['paths'] as Record<
        string,
        Record<
          string,
          {
            parameters?: {
              in: string;
              name: string;
              schema: { type?: string; minimum?: number };
            }[];
          }
        >
      >,
    )) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const parameter of operation.parameters ?? []) {
          if (
            parameter.in !== 'query' ||
            (parameter.schema.type !== 'integer' && parameter.schema.type !== 'number')
          )
            continue;
          found += 1;
          const url = `${path.replace(/\{[^}]+\}/g, 'x')}?${parameter.name}=${Math.max(1, parameter.schema.minimum ?? 1)}`;
          const response = await api.app.inject({
            method: method.toUpperCase() as 'GET',
            url,
            headers: { authorization: `Bearer ${api.operatorKey}` },
          });
          const fields =
            response.statusCode === 400
              ? (response.json()['errors'] ?? []).map(
                  (error: { field: string; reason: string }) => `${error.field}: ${error.reason}`,
                )
              : [];
          assert.ok(
            !fields.some((field: string) => field.startsWith(`query.${parameter.name}:`)),
            `${method.toUpperCase()} ${url}: ${fields.join('; ')}`,
          );
        }
      }
    }
    assert.ok(found >= 2, `numeric query parameters found: ${found}`);
  });
});
