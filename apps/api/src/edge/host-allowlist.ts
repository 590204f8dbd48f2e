import type { IncomingMessage } from 'node:http';

/**
 * Answers only to the names it is published under (A49): a DNS-rebinding page that points its
 * own name at our address still sends its own name as Host, and is refused.
 */
export class HostAllowlist {
  private readonly hosts: ReadonlySet<string>;

  constructor(hosts: readonly string[]) {
    this.hosts = new Set(hosts);
  }

  allows(request: IncomingMessage): boolean {
    const host = request.headers.host;
    if (!host) return false;
    return this.hosts.has(hostName(host));
  }
}

/** `Example.org:8080` → `example.org`; `[::1]:8080` → `::1`. */
export function hostName(header: string): string {
  const host = header.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
