import { TestBed } from '@angular/core/testing';

import type { ChatEntry } from '../chat-entry.model';
import { MessageListComponent } from './message-list.component';

describe('MessageListComponent', () => {
  function render(entries: ChatEntry[]): HTMLElement {
    const fixture = TestBed.createComponent(MessageListComponent);
    fixture.componentRef.setInput('entries', entries);
    fixture.detectChanges();
    return fixture.nativeElement as HTMLElement;
  }

  const at = new Date(2026, 0, 2, 9, 5, 7).toISOString();

  it('shows each kind as the acceptance contract says, with an HH:MM:SS time', () => {
    const element = render([
      { key: 'g1', kind: 'global', at, from: 'alice', text: 'hi all' },
      {
        key: 'p1',
        kind: 'private',
        at,
        from: 'alice',
        to: 'bob',
        text: 'hi bob',
      },
      { key: 's1', kind: 'system', at, text: 'carol joined the chat' },
    ]);
    const messages = [...element.querySelectorAll('[data-testid="message"]')];
    const text = (el: Element) => el.textContent?.replace(/\s+/g, ' ').trim();
    expect(messages.map((m) => m.getAttribute('data-kind'))).toEqual([
      'global',
      'private',
      'system',
    ]);
    expect(text(messages[0])).toBe('(Global) (09:05:07) alice: hi all');
    expect(text(messages[1])).toBe('(Private) (09:05:07) alice → bob: hi bob');
    expect(text(messages[2])).toBe('(09:05:07) carol joined the chat');
    expect(
      messages[0].querySelector('[data-testid="message-time"]')?.textContent,
    ).toBe('09:05:07');
  });

  it('P6: renders markup as text', () => {
    const element = render([
      {
        key: 'g1',
        kind: 'global',
        at,
        from: '<b>x</b>',
        text: '<img src=x onerror=alert(1)>',
      },
    ]);
    expect(element.querySelector('img, b')).toBeNull();
    expect(element.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  it('puts a day separator before the first entry of each day, and the full date in the time tooltip', () => {
    const day = (d: number, h: number) =>
      new Date(2026, 0, d, h, 0, 0).toISOString();
    const element = render([
      { key: 'a', kind: 'global', at: day(1, 23), from: 'a', text: '1' },
      { key: 'b', kind: 'global', at: day(2, 0), from: 'a', text: '2' },
      { key: 'c', kind: 'system', at: day(2, 12), text: '3' },
      { key: 'd', kind: 'global', at: day(4, 8), from: 'a', text: '4' },
    ]);
    const items = [...element.querySelectorAll('li[data-testid]')].map((li) =>
      li.getAttribute('data-testid'),
    );
    expect(items).toEqual([
      'day-separator',
      'message',
      'day-separator',
      'message',
      'message',
      'day-separator',
      'message',
    ]);
    const separators = element.querySelectorAll(
      '[data-testid="day-separator"]',
    );
    expect(separators[0].textContent).toContain('2026');
    const time = element.querySelector('[data-testid="message-time"]');
    expect(time?.textContent).toBe('23:00:00');
    expect(time?.getAttribute('title')).toContain('2026');
  });
});
