import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestApi, type TestApi } from './api.test-helper.js';

interface Operation {
  operationId?: string;
  tags?: string[];
  responses?: Record<string, unknown>;
}
interface Description {
  info: { license?: { name?: string } };
  servers?: { url: string }[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
}

/**
 * What client generators and Redocly's recommended rules need of the description, checked here so
 * that a new route without them fails the unit tests (`npm run lint:openapi` runs Redocly itself):
 * every operation has a unique camelCase operationId, a described tag and a 4xx response.
 */
describe('the OpenAPI description', () => {
  let api: TestApi;
  let description: Description;
  let operations: { name: string; operation: Operation }[];

  before(async () => {
    api = await openTestApi();
    description = (await api.call({ method: 'GET', url: '/v1/openapi.json' })).json<Description>();
    operations = Object.entries(description.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        name: `${method.toUpperCase()} ${path}`,
        operation,
      })),
    );
  });
  after(async () => api.close());

  it('names every operation with a unique camelCase operationId', () => {
    assert.ok(operations.length >= 60, `only ${operations.length} operations`);
    const seen = new Map<string, string>();
    for (const { name, operation } of operations) {
      const id = operation.operationId;
      assert.ok(id !== undefined, `${name} has no operationId`);
      assert.match(id, /^[a-z][A-Za-z0-9]*$/, `${name}: operationId ${id} is not camelCase`);
      assert.equal(seen.get(id), undefined, `${name} and ${seen.get(id)} share operationId ${id}`);
      seen.set(id, name);
    }
  });

  it('describes every tag, and tags every operation with a described tag', () => {
    const tags = new Map((description.tags ?? []).map((tag) => [tag.name, tag.description]));
    for (const [name, text] of tags)
      assert.ok((text ?? '').length > 0, `tag ${name} has no description`);
    for (const { name, operation } of operations) {
      assert.ok((operation.tags ?? []).length > 0, `${name} has no tag`);
      for (const tag of operation.tags ?? [])
        assert.ok(tags.has(tag), `${name}: tag ${tag} is not declared with a description`);
    }
  });

  it('lists at least one 4xx response for every operation', () => {
    for (const { name, operation } of operations)
      assert.ok(
        Object.keys(operation.responses ?? {}).some((status) => /^4(\d\d|XX)$/.test(status)),
        `${name} lists no 4xx response`,
      );
  });

  it('has a licence and a server', () => {
    assert.equal(description.info.license?.name, 'Apache-2.0');
    assert.deepEqual(
      description.servers?.map((server) => server.url),
      ['/'],
    );
  });

  it('the 400 of the health and metrics routes is what they answer to text that cannot be stored', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics']) {
      // `call` checks each response against the description: the 400 and the 200 must both be listed.
      const refused = await api.call({ method: 'GET', url: `${url}?probe=%00`, key: null });
      assert.equal(refused.statusCode, 400, `${url}: ${refused.body}`);
      assert.equal(refused.json()['code'], 'invalid_text');
      const answered = await api.call({ method: 'GET', url, key: null });
      assert.equal(answered.statusCode, 200, `${url}: ${answered.body}`);
    }
  });
});
