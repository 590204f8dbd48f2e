import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { Injectable } from '@nestjs/common';
import proxyAddr from 'proxy-addr';

import { AppConfigService } from '../config/app-config.service';
import { loadSecret } from '../crypto/secret-file';

/** Whether a TCP peer is one of the configured reverse proxies (proxy-addr's syntax). */
export function trustedProxies(
  proxies: readonly string[],
): (address: string, hop: number) => boolean {
  return proxyAddr.compile([...proxies]);
}

/**
 * Who a request comes from. Behind a reverse proxy every TCP peer is the proxy, so the client's
 * address is taken from X-Forwarded-For, but only the part appended by proxies we were told to
 * trust (TRUSTED_PROXIES, A47): a client cannot name itself someone else.
 */
@Injectable()
export class ClientAddressService {
  private readonly trust: (address: string, hop: number) => boolean;
  /** Per-install key: an address hash cannot be reversed by hashing every IPv4 address (A50). */
  private readonly hashKey: Buffer;

  constructor(configService: AppConfigService) {
    const { keysDir } = configService.config;
    this.trust = trustedProxies(configService.config.trustedProxies);
    this.hashKey = loadSecret(keysDir, 'address.key');
  }

  /** The client's address: the TCP peer, or what a trusted proxy forwarded for. */
  of(request: IncomingMessage): string {
    return proxyAddr(request, this.trust);
  }

  /** Whether a TCP peer is one of our proxies (its connections are many clients'). */
  isTrustedProxy(address: string): boolean {
    return this.trust(address, 0);
  }

  /** Tells connections from one place apart in logs without revealing the address. */
  hash(address: string): string {
    return createHmac('sha256', this.hashKey).update(address).digest('hex');
  }
}
