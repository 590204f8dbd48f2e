import { readFileSync } from 'node:fs';

import type { Page } from 'playwright-core';

import { type ChatPage, login, sendMessage } from './support/browser';
import { useBrowserRoom } from './support/browser-room';
import { ADMIN_TOKEN } from '@app/testing';

/** axe-core's browser bundle, evaluated in the page (DevTools evaluation, not a page script). */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Best-practice rules, moderate in axe's scale, that a screen-reader user navigates by. */
const LANDMARKS = ['landmark-one-main', 'page-has-heading-one'];

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Serious and critical violations of every WCAG 2.0 and 2.1 A and AA rule on the page as it is
 * now, and of the two landmark rules a screen-reader user navigates by (one `main`, one `h1`).
 */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: Document,
            options: object,
          ): Promise<{ violations: Violation[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
      },
      // best-practice rules, moderate in axe's scale: counted as serious here
      rules: {
        'landmark-one-main': { enabled: true },
        'page-has-heading-one': { enabled: true },
      },
      resultTypes: ['violations'],
    });
    return result.violations;
  });
  return violations
    .filter(
      (v) =>
        v.impact === 'serious' ||
        v.impact === 'critical' ||
        LANDMARKS.includes(v.id),
    )
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(' ')} (${n.failureSummary ?? ''})`)
          .join(', ')}`,
    );
}

/** The violations in the light and in the dark theme (the system's preference, as emulated). */
async function seriousViolationsInBothThemes(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    // colours fade between themes (form field labels): judge them once they have settled
    await page.waitForFunction(() =>
      document
        .getAnimations()
        .every(
          (a) => !(a instanceof CSSTransition) || a.playState !== 'running',
        ),
    );
    found.push(
      ...(await seriousViolations(page)).map((v) => `${colorScheme}: ${v}`),
    );
  }
  return found;
}

/** Waits until the page's background is dark (or light): the theme took effect. */
async function themeIs(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.waitForFunction(
    (wanted) => {
      const rgb = (
        getComputedStyle(document.body).backgroundColor.match(/[\d.]+/g) ?? []
      )
        .slice(0, 3)
        .map(Number);
      const dark = rgb.reduce((a, b) => a + b, 0) / 3 < 96;
      return dark === (wanted === 'dark');
    },
    theme,
    { timeout: 5000 },
  );
}

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1000, height: 700 };

describe('accessibility: no serious or critical axe violations, light and dark', () => {
  const room = useBrowserRoom();

  it('the login page, on a desktop and on a phone', async () => {
    const chat = await room.open();
    await chat.page.getByTestId('login-button').waitFor();
    expect(await seriousViolationsInBothThemes(chat.page)).toEqual([]);
    await chat.page.setViewportSize(PHONE);
    expect(await seriousViolationsInBothThemes(chat.page)).toEqual([]);
  });

  /** A chat holding public, private, system and file entries, as `viewer` sees it. */
  async function busyChat(
    viewerName: string,
    otherName: string,
  ): Promise<ChatPage> {
    const viewer = await room.open();
    const other = await room.open();
    await login(viewer, viewerName);
    await login(other, otherName);
    await viewer.page
      .getByTestId('user-item')
      .filter({ hasText: otherName })
      .waitFor();
    await sendMessage(other, `a public message for @${viewerName}`);
    await other.page.getByTestId('message-input').fill(`/w ${viewerName} psst`);
    await other.page.getByTestId('message-input').press('Enter');
    await other.page.getByTestId('file-input').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('some notes'),
    });
    for (const kind of ['global', 'private', 'system', 'file'])
      await viewer.page
        .locator(`[data-testid="message"][data-kind="${kind}"]`)
        .first()
        .waitFor();
    await viewer.page.getByTestId('file-offer').waitFor();
    // and a reaction under the public message
    const message = viewer.page
      .getByTestId('message')
      .filter({ hasText: 'a public message' });
    await message.hover();
    await message.getByTestId('reaction-button').click();
    await viewer.page
      .getByTestId('emoji-picker')
      .getByTitle('grinning', { exact: true })
      .first()
      .click();
    await message.getByTestId('reaction').waitFor();
    return viewer;
  }

  it('the chat page with public, private, system and file entries, on a desktop and on a phone', async () => {
    const viewer = await busyChat('ada', 'ben');
    await viewer.page.setViewportSize(DESKTOP);
    expect(await seriousViolationsInBothThemes(viewer.page)).toEqual([]);
    await viewer.page.setViewportSize(PHONE);
    expect(await seriousViolationsInBothThemes(viewer.page)).toEqual([]);
  });

  it('the open emoji picker, on a desktop and on a phone', async () => {
    const chat = await room.open();
    await login(chat, 'cleo');
    await chat.page.getByTestId('emoji-button').click();
    await chat.page.getByTestId('emoji-picker').waitFor();
    // its category lists render lazily: wait until emoji are there
    await chat.page
      .getByTestId('emoji-picker')
      .getByTitle('grinning', { exact: true })
      .first()
      .waitFor();
    expect(await seriousViolationsInBothThemes(chat.page)).toEqual([]);
    await chat.page.setViewportSize(PHONE);
    await chat.page.getByTestId('emoji-picker').waitFor();
    expect(await seriousViolationsInBothThemes(chat.page)).toEqual([]);
  });

  it('the admin page, signed in', async () => {
    const admin = await room.open('/admin');
    await admin.page.getByTestId('admin-token-input').waitFor();
    expect(await seriousViolationsInBothThemes(admin.page)).toEqual([]);
    await admin.page.setViewportSize(PHONE);
    expect(await seriousViolationsInBothThemes(admin.page)).toEqual([]);
    await admin.page.setViewportSize(DESKTOP);
    await admin.page.getByTestId('admin-token-input').fill(ADMIN_TOKEN);
    await admin.page.getByTestId('admin-login-button').click();
    await admin.page.getByTestId('log-row').first().waitFor();
    expect(await seriousViolationsInBothThemes(admin.page)).toEqual([]);
    await admin.page.setViewportSize(PHONE);
    expect(await seriousViolationsInBothThemes(admin.page)).toEqual([]);
  });

  it('the theme follows the system until the toggle is used, and the choice is remembered in this browser', async () => {
    const chat = await room.open();
    const page = chat.page;
    await page.emulateMedia({ colorScheme: 'dark' });
    const toggle = page.getByTestId('theme-toggle');
    await toggle.waitFor();
    await themeIs(page, 'dark');
    await page
      .locator('[data-testid="theme-toggle"][aria-pressed="true"]')
      .waitFor();
    await page.emulateMedia({ colorScheme: 'light' });
    await themeIs(page, 'light');

    // chosen: dark, whatever the system says, also after a reload and in the chat itself
    await toggle.click();
    await themeIs(page, 'dark');
    await page.reload();
    await login(chat, 'dora');
    await themeIs(page, 'dark');
    await page.getByTestId('theme-toggle').click();
    await themeIs(page, 'light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await themeIs(page, 'light');

    // another browser has its own choice: none yet, so the system's
    const other = await room.open();
    await other.page.emulateMedia({ colorScheme: 'dark' });
    await other.page.getByTestId('theme-toggle').waitFor();
    await themeIs(other.page, 'dark');
  });
});
