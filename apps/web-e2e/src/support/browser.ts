import {
  type Browser,
  type BrowserContext,
  type Page,
  chromium,
} from 'playwright-core';

/** Debian's Chromium; never a downloaded browser. */
const EXECUTABLE = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: EXECUTABLE,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface ChatPage {
  context: BrowserContext;
  page: Page;
  /** The origin the page was opened on: every request must stay on it. */
  origin: string;
  /** Everything the page printed to its console. */
  console: string[];
  /** Every URL the page requested. */
  requests: string[];
}

/** A fresh browser profile (its own storage), like a second person on another machine. */
export async function openChat(
  browser: Browser,
  url: string,
): Promise<ChatPage> {
  const context = await browser.newContext({
    viewport: { width: 1000, height: 700 },
  });
  const page = await context.newPage();
  const consoleLines: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => consoleLines.push(message.text()));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(url);
  return {
    context,
    page,
    origin: new URL(url).origin,
    console: consoleLines,
    requests,
  };
}

export async function login(chat: ChatPage, username: string): Promise<void> {
  const { page } = chat;
  await page.getByTestId('username-input').fill(username);
  await page.getByTestId('login-button').click();
  await page.getByTestId('message-list').waitFor();
}

export async function sendMessage(chat: ChatPage, text: string): Promise<void> {
  await chat.page.getByTestId('message-input').fill(text);
  await chat.page.getByTestId('send-button').click();
}

/** A value the page keeps in its vault (IndexedDB `fuv-chat`, store `vault`). */
export function readVault<T>(
  chat: ChatPage,
  key: string,
): Promise<T | undefined> {
  return chat.page.evaluate(
    (key) =>
      new Promise<T | undefined>((done, fail) => {
        const opening = indexedDB.open('fuv-chat');
        opening.onerror = () => fail(opening.error);
        opening.onsuccess = () => {
          const read = opening.result
            .transaction('vault')
            .objectStore('vault')
            .get(key);
          read.onsuccess = () => done(read.result as T | undefined);
        };
      }),
    key,
  );
}

export function writeVault(
  chat: ChatPage,
  key: string,
  value: unknown,
): Promise<void> {
  return chat.page.evaluate(
    ([key, value]) =>
      new Promise<void>((done, fail) => {
        const opening = indexedDB.open('fuv-chat');
        opening.onerror = () => fail(opening.error);
        opening.onsuccess = () => {
          const transaction = opening.result.transaction('vault', 'readwrite');
          transaction.objectStore('vault').put(value, key as string);
          transaction.oncomplete = () => done();
        };
      }),
    [key, value] as const,
  );
}
