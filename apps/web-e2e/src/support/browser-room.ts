import type { Browser } from 'playwright-core';

import { type ChatPage, launchBrowser, openChat } from './browser';
import { type RunningServer, startBuiltServer } from '@app/testing';

/** A suite's browser and server: pages closed after each test, everything stopped at the end. */
export interface BrowserRoom {
  readonly server: RunningServer;
  readonly browser: Browser;
  /** A fresh browser profile on the app (`path` like `/admin`, or a whole URL). */
  open(pathOrUrl?: string): Promise<ChatPage>;
  /** Stops the server (SIGTERM, graceful); `startServer` brings it back on the same port, database and keys. */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
}

/** `env` adds to the built server's test settings (a longer resume grace, say). */
export function useBrowserRoom(env: NodeJS.ProcessEnv = {}): BrowserRoom {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const pages: ChatPage[] = [];

  beforeAll(async () => {
    server = await startBuiltServer({ env });
    browser = await launchBrowser();
  });

  afterEach(async () => {
    for (const chat of pages.splice(0)) {
      // the Content-Security-Policy never had to block anything the app itself does
      expect(
        chat.console.filter((line) =>
          /Content Security Policy|Refused to/i.test(line),
        ),
      ).toEqual([]);
      // whatever the test did, the page never talked to another origin (no CDN, no analytics)
      expect(
        chat.requests.filter(
          (url) =>
            !url.startsWith(chat.origin) &&
            !url.startsWith(`blob:${chat.origin}/`) &&
            !url.startsWith('data:'),
        ),
      ).toEqual([]);
      await chat.context.close();
    }
  });

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await server?.stop();
      server?.remove();
    }
  });

  const room: BrowserRoom = {
    get server() {
      if (!server) throw new Error('the room is only open inside tests');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('the room is only open inside tests');
      return browser;
    },
    async open(pathOrUrl = '') {
      const url = /^https?:/.test(pathOrUrl)
        ? pathOrUrl
        : room.server.url + pathOrUrl;
      const chat = await openChat(room.browser, url);
      pages.push(chat);
      return chat;
    },
    async stopServer() {
      await room.server.stop();
    },
    async startServer() {
      const { dir, port } = room.server;
      server = await startBuiltServer({ dir, port, env });
    },
  };
  return room;
}
