import { ADMIN_TOKEN, type RunningServer } from '@app/testing';

export interface AuditEvent {
  detail: Record<string, unknown>;
}

/**
 * The server's private-message audit events once there are `count` of them (rows are written in
 * batches: asked again for up to 5 s), through the admin API as an administrator reads them.
 */
export async function privateMessageEvents(
  server: RunningServer,
  count: number,
): Promise<AuditEvent[]> {
  let events: AuditEvent[] = [];
  for (let i = 0; i < 50 && events.length < count; i++) {
    const response = await fetch(
      `${server.url}/api/admin/logs?type=message_private&limit=20`,
      { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } },
    );
    events = ((await response.json()) as { events: AuditEvent[] }).events;
    if (events.length < count) await new Promise((r) => setTimeout(r, 100));
  }
  return events;
}
