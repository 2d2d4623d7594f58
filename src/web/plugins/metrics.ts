import { createHash, timingSafeEqual } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import fp from 'fastify-plugin';
import type { Database } from '../../db/database.js';
import { databaseFigures } from '../../operations/database-figures.js';
import { Counter, exposition, gauge, Histogram, type MetricFamily, sampled } from '../../operations/prometheus-text.js';
import type { Services } from '../../services.js';

/** Seconds: most pages answer in milliseconds; a booking turn or an invoice run may take seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * `/metrics` in Prometheus's text format, for each process (scrape every instance, not the proxy):
 * requests by route and status and their latency, the booking line, the job queue, the outbox, the
 * database pools, the process. Asked for with `Authorization: Bearer <METRICS_TOKEN>`; without that
 * setting the route does not exist (404), so nothing about the installation shows by default.
 */
export const metrics = fp<{ services: Services }>(
  async (app, { services }) => {
    const requests = new Counter('portail_http_requests_total', 'HTTP requests answered, by route, method and status.');
    const latency = new Histogram(
      'portail_http_request_duration_seconds',
      'Time from a request’s arrival to its answer, by route and method.',
      LATENCY_BUCKETS,
    );
    app.addHook('onResponse', (request, reply, done) => {
      // The route's pattern (with the authority's prefix taken off), never the address itself: a
      // series per household or per mistyped address would grow without end.
      const route = request.routeOptions.url ?? 'unmatched';
      requests.inc({ route, method: request.method, status: String(reply.statusCode) });
      latency.observe({ route, method: request.method }, reply.elapsedTime / 1000);
      done();
    });

    const token = services.config.metricsToken;
    if (!token) return;
    const expected = digest(token);
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    app.addHook('onClose', async () => loopDelay.disable());

    app.get('/metrics', async (request, reply) => {
      reply.header('cache-control', 'no-store');
      // Compared as digests of equal length, in constant time: the answer's timing tells nothing of the token.
      const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (!given || !timingSafeEqual(digest(given), expected)) {
        return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').type('text/plain; charset=utf-8').send('unauthorized\n');
      }
      const gate = app.bookingGate;
      const now = gate.current();
      const figures = await databaseFigures(services.db);
      const families: MetricFamily[] = [
        requests,
        latency,
        sampled('counter', 'portail_booking_admitted_total', 'Booking requests let into their authority’s line.', [{ value: gate.totals.admitted }]),
        sampled('counter', 'portail_booking_turned_away_total', 'Booking requests answered 503: line full on arrival, or their turn too late.', [
          { labels: { reason: 'line_full' }, value: gate.totals.lineFull },
          { labels: { reason: 'wait_too_long' }, value: gate.totals.shed },
        ]),
        sampled('counter', 'portail_booking_turns_total', 'Turns of the booking lines (one transaction each).', [{ value: gate.totals.turns }]),
        gauge('portail_booking_in_progress', 'Booking requests let in and not answered yet (BOOKING_QUEUE per authority at most).', [
          { value: now.inProgress },
        ]),
        gauge('portail_booking_waiting', 'Booking submissions waiting for their turn.', [{ value: now.waiting }]),
        gauge(
          'portail_jobs',
          'Background jobs by queue and state.',
          figures.jobs.map(({ queue, state, count }) => ({ labels: { queue, state }, value: count })),
        ),
        gauge('portail_outbox_pending', 'Emails of the outbox still to send.', [{ value: figures.outbox.pending }]),
        gauge('portail_outbox_failed', 'Emails given up after their last try.', [{ value: figures.outbox.failed }]),
        gauge('portail_outbox_oldest_pending_seconds', 'Age of the oldest email still to send (0 when none).', [
          { value: figures.outbox.oldestPendingSeconds },
        ]),
        ...poolFamilies(services.db),
        ...processFamilies(loopDelay.percentile(99) / 1e9),
      ];
      loopDelay.reset();
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(exposition(families));
    });
  },
  { name: 'metrics', dependencies: ['booking-line'] },
);

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function poolFamilies(db: Database): MetricFamily[] {
  const pools = [
    { pool: 'main', figures: db.poolFigures?.() },
    { pool: 'priority', figures: db.priority === db ? undefined : db.priority.poolFigures?.() },
  ].filter((entry) => entry.figures !== undefined);
  if (pools.length === 0) return [];
  const family = (name: string, help: string, value: (figures: { total: number; idle: number; waiting: number }) => number) =>
    gauge(
      name,
      help,
      pools.map(({ pool, figures }) => ({ labels: { pool }, value: value(figures!) })),
    );
  return [
    family('portail_db_pool_connections', 'Connections open in the pool.', (figures) => figures.total),
    family('portail_db_pool_idle', 'Connections open and idle.', (figures) => figures.idle),
    family('portail_db_pool_waiting', 'Queries waiting for a connection.', (figures) => figures.waiting),
  ];
}

function processFamilies(loopDelayP99Seconds: number): MetricFamily[] {
  const cpu = process.cpuUsage();
  return [
    sampled('counter', 'process_cpu_seconds_total', 'CPU time used by the process (user and system).', [{ value: (cpu.user + cpu.system) / 1e6 }]),
    gauge('process_resident_memory_bytes', 'Resident memory of the process.', [{ value: process.memoryUsage().rss }]),
    gauge('process_start_time_seconds', 'When the process started (Unix time).', [{ value: Math.round(Date.now() / 1000 - process.uptime()) }]),
    gauge('nodejs_eventloop_delay_p99_seconds', 'Event loop delay, 99th percentile since the last scrape.', [{ value: loopDelayP99Seconds }]),
  ];
}
