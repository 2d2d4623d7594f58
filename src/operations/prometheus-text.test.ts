import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Counter, exposition, gauge, Histogram } from './prometheus-text.js';

it('writes counters, histograms and gauges in the Prometheus text format', () => {
  const requests = new Counter('http_requests_total', 'Requests answered');
  requests.inc({ route: '/a', status: '200' });
  requests.inc({ route: '/a', status: '200' });
  requests.inc({ route: '/b "quoted"\\', status: '404' });
  const latency = new Histogram('latency_seconds', 'Latency', [0.1, 1]);
  latency.observe({ route: '/a' }, 0.05);
  latency.observe({ route: '/a' }, 0.5);
  latency.observe({ route: '/a' }, 3);
  const text = exposition([requests, latency, gauge('queue_length', 'Waiting\nnow', [{ value: 4 }, { labels: { pool: 'main' }, value: 0.5 }])]);
  assert.equal(
    text,
    [
      '# HELP http_requests_total Requests answered',
      '# TYPE http_requests_total counter',
      'http_requests_total{route="/a",status="200"} 2',
      'http_requests_total{route="/b \\"quoted\\"\\\\",status="404"} 1',
      '# HELP latency_seconds Latency',
      '# TYPE latency_seconds histogram',
      'latency_seconds_bucket{route="/a",le="0.1"} 1',
      'latency_seconds_bucket{route="/a",le="1"} 2',
      'latency_seconds_bucket{route="/a",le="+Inf"} 3',
      'latency_seconds_sum{route="/a"} 3.55',
      'latency_seconds_count{route="/a"} 3',
      '# HELP queue_length Waiting\\nnow',
      '# TYPE queue_length gauge',
      'queue_length 4',
      'queue_length{pool="main"} 0.5',
      '',
    ].join('\n'),
  );
});
