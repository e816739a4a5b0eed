import assert from 'node:assert/strict';
import { it } from 'node:test';
import { RequestMetrics } from './metrics.js';

it('request metrics: one counter line and cumulative histogram buckets per series, label values escaped', () => {
  const metrics = new RequestMetrics();
  metrics.observe('GET', '/v1/accounts/:id', 200, 0.0004);
  metrics.observe('GET', '/v1/accounts/:id', 200, 0.02);
  metrics.observe('GET', '/v1/accounts/:id', 200, 7);
  metrics.observe('POST', 'a"b\\c\nd', 404, 0.001);
  const lines = metrics.exposition().split('\n');
  const series = '{method="GET",route="/v1/accounts/:id",status="200"';
  const odd = '{method="POST",route="a\\"b\\\\c\\nd",status="404"';
  for (const expected of [
    '# TYPE vostro_http_requests_total counter',
    `vostro_http_requests_total${series}} 3`,
    `vostro_http_requests_total${odd}} 1`,
    '# TYPE vostro_http_request_duration_seconds histogram',
    `vostro_http_request_duration_seconds_bucket${series},le="0.0005"} 1`,
    `vostro_http_request_duration_seconds_bucket${series},le="0.01"} 1`,
    `vostro_http_request_duration_seconds_bucket${series},le="0.025"} 2`,
    `vostro_http_request_duration_seconds_bucket${series},le="5"} 2`,
    `vostro_http_request_duration_seconds_bucket${series},le="+Inf"} 3`,
    `vostro_http_request_duration_seconds_sum${series}} 7.0204`,
    `vostro_http_request_duration_seconds_count${series}} 3`,
    `vostro_http_request_duration_seconds_bucket${odd},le="0.001"} 1`,
  ])
    assert.ok(lines.includes(expected), `missing: ${expected}\n${lines.join('\n')}`);
  // Every sample line is `name{labels} value`, with no raw newline inside a label value.
  for (const line of lines.filter((text) => text !== '' && !text.startsWith('#')))
    assert.match(line, /^[a-z_]+\{[^\n]*\} [0-9.e+-]+$/, line);
});
