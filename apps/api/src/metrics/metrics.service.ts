import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What an operator graphs (`GET /api/admin/metrics`, Prometheus text): Node's process metrics
 * (CPU, memory, event-loop lag, GC) and the chat's own. A registry per server, not prom-client's
 * global one: a test process may hold several servers. Labels take values from fixed sets only
 * (message kinds, event names, limit scopes), never from what a client sent.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  /** Messages accepted, by kind (`public` stored, `private` relayed end to end). */
  readonly messages = new Counter({
    name: 'fuv_messages_total',
    help: 'Chat messages accepted on this instance, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  /** Sealed frames written to connections, by event. */
  readonly deliveries = new Counter({
    name: 'fuv_deliveries_total',
    help: 'Server events delivered to connections of this instance, by event',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly handshakeFailures = new Counter({
    name: 'fuv_handshake_failures_total',
    help: 'Connections refused during the key exchange or its admission checks, by reason code',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** Commands refused with a reason, by its code (`rate_limited`: a rate limit said no). */
  readonly refusals = new Counter({
    name: 'fuv_refusals_total',
    help: 'Client commands refused, by error code (rate_limited, quota_exceeded, invalid_payload, ...)',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Which instance of a cluster these figures are from (one scrape target each). */
  label(instance: string): void {
    // not `instance`: Prometheus sets that one itself, from the scrape target
    this.registry.setDefaultLabels({ fuv_instance: instance });
  }

  /** A figure its owner reads at scrape time (queue depths, open connections). */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
