import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';

import type { ChatEntry } from './chat-entry.model';
import { UnreadTracker } from './unread.tracker';

describe('UnreadTracker', () => {
  const at = new Date(2026, 0, 2, 9, 0, 0).toISOString();
  const from = (key: string, who = 'alice'): ChatEntry => ({
    key,
    kind: 'global',
    at,
    from: who,
    text: key,
  });
  let tracker: UnreadTracker;
  let title: Title;
  let history: ChatEntry[];
  const add = (...entries: ChatEntry[]) => {
    history = [...history, ...entries];
    tracker.update(history);
    TestBed.tick();
  };

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [UnreadTracker] });
    title = TestBed.inject(Title);
    title.setTitle('FUV Secure Chat');
    tracker = TestBed.inject(UnreadTracker);
    history = [];
  });

  it('counts what arrives while scrolled away, marks the first, and shows the count in the title', () => {
    add(from('g1'));
    expect(tracker.count()).toBe(0);
    tracker.following.set(false);
    add(from('g2'), { key: 's1', kind: 'system', at, text: 'bob joined' });
    add(from('g3'));
    expect(tracker.count()).toBe(2);
    expect(tracker.firstUnread()).toBe('g2');
    expect(title.getTitle()).toBe('(2) FUV Secure Chat');

    // back at the bottom: read, but the line stays where the new ones began
    tracker.following.set(true);
    TestBed.tick();
    expect(tracker.count()).toBe(0);
    expect(tracker.firstUnread()).toBe('g2');
    expect(title.getTitle()).toBe('FUV Secure Chat');

    // away again: the line moves to what is new now
    tracker.following.set(false);
    add(from('g4'));
    expect(tracker.firstUnread()).toBe('g4');
    // something I send: I have read what came before it
    add({ ...from('g5', 'me'), mine: true });
    expect(tracker.firstUnread()).toBeUndefined();
    expect(title.getTitle()).toBe('FUV Secure Chat');
  });
});
