import { ClientEvent, ErrorCode, ServerEvent } from '@app/shared';
import { ChatClient } from '@app/testing';

import {
  ADMIN_TOKEN,
  type TestServer,
  startServer,
  waitUntilEmpty,
} from './support/test-server';

/** One sample's value from the Prometheus text, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${series} `) && !l.startsWith('#'));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('operations: metrics and readiness (real app, real SQLite)', () => {
  let server: TestServer;
  const clients: ChatClient[] = [];

  const scrape = async (token: string | null = ADMIN_TOKEN) => {
    const response = await fetch(`${server.url}/api/admin/metrics`, {
      headers: token === null ? {} : { Authorization: `Bearer ${token}` },
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      text: await response.text(),
    };
  };

  beforeAll(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await waitUntilEmpty(server);
  });
  afterAll(async () => {
    await server.close();
  });

  it("GET /api/admin/metrics: Node's process figures and the chat's own, in the Prometheus text format", async () => {
    const before = (await scrape()).text;
    const ann = await ChatClient.login(server.url, 'ann');
    const bo = await ChatClient.login(server.url, 'bo');
    clients.push(ann, bo);
    const said = ann.say('hello, metrics');
    await bo.until(
      () => bo.publicMessages().some((m) => m.clientId === said),
      'the public message',
    );
    ann.whisper('bo', 'psst');
    await bo.next(ServerEvent.PrivateMessageCreated);
    // a text that is not text: refused with a reason, counted by its code
    await ann.send(ClientEvent.MessageSend, {
      clientId: crypto.randomUUID(),
      text: 1 as unknown as string,
    });
    expect((await ann.nextError(ClientEvent.MessageSend)).code).toBe(
      ErrorCode.InvalidPayload,
    );

    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    // Prometheus's text format, version 0.0.4 (Express orders the parameters its own way)
    expect(type).toMatch(/^text\/plain;/);
    expect(type).toContain('version=0.0.4');
    const grew = (series: string) =>
      (sample(text, series) ?? 0) - (sample(before, series) ?? 0);
    expect(grew('fuv_messages_total{kind="public"}')).toBe(1);
    expect(grew('fuv_messages_total{kind="private"}')).toBe(1);
    // the public message reached both members, the private one sender and recipient
    expect(
      grew('fuv_deliveries_total{event="message:created"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(grew('fuv_refusals_total{code="invalid_payload"}')).toBe(1);
    expect(sample(text, 'fuv_connections')).toBe(2);
    expect(sample(text, 'fuv_members')).toBe(2);
    expect(sample(text, 'fuv_audit_queue_depth')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'fuv_file_bytes_stored')).toBe(0);
    expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    // nothing a client said becomes a label or a value
    expect(text).not.toContain('hello, metrics');
  });

  it('GET /api/admin/metrics needs the admin token; a scrape is not an audit row, a failed one is', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('wrong-token-wrong-token')).status).toBe(401);
    const logs = async () => {
      const response = await fetch(`${server.url}/api/admin/logs?limit=200`, {
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      return JSON.stringify(await response.json());
    };
    const countOf = (json: string, needle: string) =>
      json.split(needle).length - 1;
    const first = await logs();
    for (let i = 0; i < 5; i++) expect((await scrape()).status).toBe(200);
    const after = await logs();
    expect(countOf(after, '"path":"/api/admin/metrics"')).toBe(
      countOf(first, '"path":"/api/admin/metrics"'),
    );
    expect(countOf(after, 'admin_auth_failed')).toBeGreaterThanOrEqual(2);
  });

  it('GET /api/health/ready answers 200 while the database answers', async () => {
    const response = await fetch(`${server.url}/api/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });
});
