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
});
