import { randomUUID } from 'node:crypto';

import {
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { Subject } from 'rxjs';
import type { Server } from 'socket.io';

import { AppConfigService } from '../config/app-config.service';
import { loadSecret } from '../crypto/secret-file';
import { guardAdapter } from './adapter-guard';
import { ClusterSeal, type SealedClusterEvent } from './cluster-seal';
import type { ClusterEvents, ClusterRequests } from './cluster-events';
import { MetricsService } from '../metrics/metrics.service';
import { InstancesRepository } from './instances.repository';

/** Missed heartbeats after which an instance counts as gone. */
const MISSED_BEATS = 3;

/**
 * This instance among the others sharing the chat (REDIS_URL). Events travel between instances
 * as plain payloads over the Socket.IO Redis streams adapter (`serverSideEmit`): session keys
 * never leave the instance holding the socket, each instance seals for its own sockets. Who is
 * alive is kept in the database, with the claims, so a dead instance's claims can be released.
 * Without REDIS_URL this is one instance alone: nothing is sent and no heartbeat runs.
 */
@Injectable()
export class ClusterService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Cluster');
  /** This process; claims in the database name it. */
  readonly instanceId = randomUUID();
  /** After each heartbeat: time to reconcile what other instances hold and sent. */
  readonly tick$ = new Subject<void>();
  /**
   * This instance was taken for dead (its heartbeat came too late, its row was removed) and is
   * back: the claims of its members were orphaned and must be taken back.
   */
  readonly revived$ = new Subject<void>();
  private readonly redis?: Redis;
  private readonly seal?: ClusterSeal;
  private server?: Server;
  private heartbeat?: NodeJS.Timeout;
  private wasReady = false;
  private readonly handlers: [
    string,
    (sealed: unknown, reply?: unknown) => void,
  ][] = [];

  constructor(
    private readonly configService: AppConfigService,
    private readonly instances: InstancesRepository,
    metrics: MetricsService,
  ) {
    const cluster = configService.config.cluster;
    if (!cluster) return;
    // each instance is scraped on its own; its figures say which one they are
    metrics.label(this.instanceId);
    this.seal = new ClusterSeal(
      loadSecret(configService.config.keysDir, 'cluster.key'),
      this.instanceId,
    );
    // commands wait while Redis is away (no retry limit) and go out when it returns; the
    // adapter's stream reader resumes from its last offset
    this.redis = new Redis(cluster.redisUrl, { maxRetriesPerRequest: null });
    this.redis.on('ready', () => {
      this.logger.log('Redis connected');
      this.wasReady = true;
    });
    // logged once per outage, never with the URL (it may hold a password); ioredis retries
    this.redis.on('close', () => {
      if (!this.wasReady) return;
      this.wasReady = false;
      this.logger.warn('Redis unreachable; serving local users only');
    });
    this.redis.on('error', () => undefined);
  }

  get enabled(): boolean {
    return this.redis !== undefined;
  }

  /** `degraded` while Redis is unreachable: local users are served, other instances' are not. */
  get status(): 'ok' | 'degraded' {
    return !this.redis || this.redis.status === 'ready' ? 'ok' : 'degraded';
  }

  /** The heartbeat's horizon: an instance not seen since then is gone. */
  get aliveSince(): number {
    const beat = this.configService.config.cluster?.heartbeatMs ?? 0;
    return Date.now() - MISSED_BEATS * beat;
  }

  async onModuleInit(): Promise<void> {
    const cluster = this.configService.config.cluster;
    if (!cluster) return;
    await this.instances.beat(this.instanceId, Date.now());
    this.heartbeat = setInterval(() => void this.beat(), cluster.heartbeatMs);
    this.heartbeat.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    if (!this.redis) return;
    // gone at once: the others release (or adopt on resume) our claims at their next heartbeat
    await this.instances.beat(this.instanceId, 0).catch(() => undefined);
    this.redis.disconnect();
  }

  /** Puts the Socket.IO server on the Redis adapter and listens for the other instances. */
  bind(server: Server): void {
    if (!this.redis) return;
    this.server = server;
    const prefix = this.configService.config.cluster?.redisPrefix;
    server.adapter(
      guardAdapter(
        createAdapter(this.redis, {
          streamName: prefix,
          channelPrefix: prefix,
          sessionKeyPrefix: `${prefix}:session:`,
        }),
        this.logger,
      ),
    );
    for (const [event, handler] of this.handlers) server.on(event, handler);
  }

  /** Tells every other instance; lost if Redis is unreachable (callers heal from the database). */
  publish<E extends keyof ClusterEvents>(
    event: E,
    payload: ClusterEvents[E],
  ): void {
    if (this.seal)
      this.server?.serverSideEmit(event, this.seal.seal(event, payload));
  }

  on<E extends keyof ClusterEvents>(
    event: E,
    handler: (payload: ClusterEvents[E]) => void,
  ): void {
    this.listen(event, (sealed) => {
      const payload = this.open(event, sealed);
      if (payload !== undefined) handler(payload as ClusterEvents[E]);
    });
  }

  /**
   * Asks every other instance and collects their answers: all of them, or those in by the
   * adapter's timeout (5 s). With Redis unreachable, or nobody else there, none.
   */
  request<E extends keyof ClusterRequests>(
    event: E,
    payload: ClusterRequests[E]['ask'],
  ): Promise<ClusterRequests[E]['answer'][]> {
    const server = this.server;
    const seal = this.seal;
    if (!server || !seal || this.status === 'degraded')
      return Promise.resolve([]);
    const ask = seal.seal(event, payload);
    return new Promise((resolve) => {
      server.serverSideEmit(event, ask, (_error: unknown, answers: unknown[]) =>
        resolve(
          (answers ?? [])
            // an answer is bound to this very request: one to another cannot be passed off
            .map((a) => this.open(`${event}:answer`, a, ask.n))
            .filter((a) => a !== undefined) as ClusterRequests[E]['answer'][],
        ),
      );
    });
  }

  answer<E extends keyof ClusterRequests>(
    event: E,
    handler: (
      payload: ClusterRequests[E]['ask'],
    ) => ClusterRequests[E]['answer'],
  ): void {
    this.listen(event, (sealed, reply) => {
      const payload = this.open(event, sealed);
      if (payload === undefined || typeof reply !== 'function' || !this.seal)
        return;
      const answer = handler(payload as ClusterRequests[E]['ask']);
      (reply as (sealed: unknown) => void)(
        this.seal.seal(
          `${event}:answer`,
          answer,
          (sealed as SealedClusterEvent).n,
        ),
      );
    });
  }

  /** An event from another instance, opened; undefined (and logged) if it is not genuine. */
  private open(event: string, sealed: unknown, bound?: string): unknown {
    const payload = this.seal?.open(event, sealed, bound);
    if (payload === undefined)
      this.logger.warn(`dropped a cluster event "${event}" that did not open`);
    return payload;
  }

  private listen(
    event: string,
    handler: (sealed: unknown, reply?: unknown) => void,
  ): void {
    this.handlers.push([event, handler]);
    this.server?.on(event, handler);
  }

  private async beat(): Promise<void> {
    try {
      if (!(await this.instances.beat(this.instanceId, Date.now()))) {
        this.logger.warn(
          'this instance was taken for dead (a late heartbeat); taking its users back',
        );
        this.revived$.next();
      }
      await this.instances.reap(this.aliveSince);
      this.tick$.next();
    } catch (error) {
      this.logger.warn(`heartbeat failed: ${(error as Error).message}`);
    }
  }
}
