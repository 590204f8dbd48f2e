import { ServerEvent } from '@app/shared';
import { ChatClient } from '@app/testing';
import type { Page } from 'playwright-core';

import { login, sendMessage } from './support/browser';
import { useBrowserRoom } from './support/browser-room';

const USERS = 150;
const MESSAGES = 300;
const pad = (n: number) => String(n).padStart(3, '0');

/** The numbers of the `line NNN` messages the page has in its DOM, in order. */
function renderedLines(page: Page): Promise<number[]> {
  return page
    .getByTestId('message')
    .filter({ hasText: /: line \d{3}/ })
    .evaluateAll((items) =>
      items.map((li) =>
        Number(/: line (\d{3})/.exec(li.textContent ?? '')![1]),
      ),
    );
}

/** Whether the message saying `wanted` is inside the list's visible box (not just in the DOM). */
function isInView(wanted: string): boolean {
  const list = document.querySelector('[data-testid="message-list"]')!;
  const item = [...list.querySelectorAll('[data-testid="message"]')].find(
    (li) => (li.textContent ?? '').includes(wanted),
  );
  if (!item) return false;
  const box = item.getBoundingClientRect();
  const view = list.getBoundingClientRect();
  return box.bottom > view.top && box.top < view.bottom;
}

function inView(page: Page, text: string): Promise<boolean> {
  return page.evaluate(isInView, text);
}

/** Scrolls the list to `top` until the rows there are laid out (estimates turn into measures). */
async function scrollListTo(page: Page, top: 'start' | number): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await page.getByTestId('message-list').evaluate((el, at) => {
      el.scrollTop = at === 'start' ? 0 : at;
    }, top);
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))),
    );
  }
}

describe('a large room in a real browser', () => {
  // one machine plays a crowd: the per-address limits meant for the internet are lifted
  const room = useBrowserRoom({
    RATE_HANDSHAKES_PER_MINUTE: '100000',
    RATE_ADDRESS_EVENTS_PER_SECOND: '100000',
    RATE_EVENTS_PER_SECOND: '1000',
    RATE_EVENTS_BURST: '1000',
    ROOM_DELIVERIES_PER_SECOND: '10000000',
  });
  const crowd: ChatClient[] = [];
  afterAll(() => crowd.forEach((c) => c.close()));

  it('the message list and the user list render only the rows in view, and scroll through all of them', async () => {
    const reader = await room.open();
    let { page } = reader;
    await login(reader, 'reader');
    for (let i = 0; i < USERS; i += 10)
      crowd.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, j) =>
            // only the one whispered to below records what it receives
            ChatClient.login(room.server.url, `user${pad(i + j)}`, {
              keep: i + j === USERS - 2,
              // the one the browser writes to privately opens end-to-end messages
              e2ee: i + j === USERS - 2,
            }),
          ),
        )),
      );
    await page.getByText(`Online (${USERS + 1})`).waitFor();
    const [talker] = crowd;
    for (let i = 0; i < MESSAGES; i++) talker.say(`line ${pad(i)}`);
    const last = `line ${pad(MESSAGES - 1)}`;
    await page.getByTestId('message').filter({ hasText: last }).waitFor();

    // the newest is in view, and only a window of the 400 entries exists in the DOM
    expect(await inView(page, last)).toBe(true);
    const rendered = await page.getByTestId('message').count();
    expect(rendered).toBeGreaterThan(20);
    expect(rendered).toBeLessThan(200);

    // back to the start: the first message is there, in view
    await scrollListTo(page, 'start');
    expect(await inView(page, 'user000 joined')).toBe(true);
    expect(await page.getByTestId('message').count()).toBeLessThan(200);

    // in the middle: the rendered rows run without a gap or a repeat, around what is in view
    const middle = await page
      .getByTestId('message-list')
      .evaluate((el) => el.scrollHeight * 0.6);
    await scrollListTo(page, middle);
    const lines = await renderedLines(page);
    expect(lines.length).toBeGreaterThan(10);
    expect(lines).toEqual(
      Array.from({ length: lines.length }, (_, i) => lines[0] + i),
    );
    expect(lines[0]).toBeGreaterThan(0);
    expect(lines.at(-1)).toBeLessThan(MESSAGES - 1);
    const visible = await Promise.all(
      lines.map((n) => inView(page, `line ${pad(n)}`)),
    );
    expect(visible.filter(Boolean).length).toBeGreaterThan(3);

    // scrolled up, a new message waits behind the button, which brings the reader to it
    talker.say('fresh news');
    const jump = page.getByTestId('new-messages-button');
    await jump.filter({ hasText: '1 new message' }).waitFor();
    await jump.click();
    await page.waitForFunction(() => {
      const list = document.querySelector('[data-testid="message-list"]')!;
      return list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    });
    // the rows at the end are rendered in the frame after the jump (the window follows the
    // scroll): the newest comes into view within a few frames, and the list stays at its end
    await page.waitForFunction(isInView, 'fresh news', { timeout: 5000 });
    expect(
      await page
        .getByTestId('message-list')
        .evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight),
    ).toBeLessThan(40);
    // a screen reader hears the newest message once, not the rows scrolled into view
    expect(
      await page.getByTestId('message-announcement').textContent(),
    ).toContain('user000: fresh news');

    // the user list of someone who arrives now gets only its first page: a window of rows, any
    // one found by the filter (the server searches), the last one reachable by scrolling
    const latecomer = await room.open();
    await login(latecomer, 'latecomer');
    ({ page } = latecomer);
    await page.getByText(`Online (${USERS + 2})`).waitFor();
    const users = page.getByTestId('user-list');
    expect(await page.getByTestId('user-item').count()).toBeLessThan(60);
    await page.getByTestId('user-filter').fill(`user${pad(USERS - 2)}`);
    await page
      .getByTestId('user-item')
      .filter({ hasText: `user${pad(USERS - 2)}` })
      .waitFor();
    expect(await page.getByTestId('user-item').count()).toBe(1);
    // choosing someone from the filtered list still starts a private conversation
    await page.getByTestId('user-item').click();
    await sendMessage(latecomer, 'found you');
    const whisper = await crowd[USERS - 2].next(
      ServerEvent.PrivateMessageCreated,
    );
    expect(whisper).toMatchObject({ from: 'latecomer', text: 'found you' });
    expect(whisper.e2ee?.kind).toBe('message');

    await page.getByTestId('user-filter').fill('');
    await page.getByTestId('user-item').first().waitFor();
    for (let i = 0; i < 10; i++) {
      await users.evaluate((el) => (el.scrollTop = el.scrollHeight));
      if (
        await page
          .getByTestId('user-item')
          .filter({ hasText: `user${pad(USERS - 1)}` })
          .count()
      )
        break;
      await page.waitForTimeout(200);
    }
    await page
      .getByTestId('user-item')
      .filter({ hasText: `user${pad(USERS - 1)}` })
      .waitFor();
    // the last row says where it stands among everyone online
    expect(
      await page
        .getByTestId('user-item')
        .filter({ hasText: `user${pad(USERS - 1)}` })
        .evaluate((el) => el.closest('li')?.getAttribute('aria-posinset')),
    ).toBe(String(USERS + 2));
  });
});
