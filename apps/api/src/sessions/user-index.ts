import {
  Limits,
  type UserPayload,
  compareUsernames,
  usernameMatches,
} from '@app/shared';

interface Entry {
  sessionId: string;
  user: UserPayload;
  /** Held locally, by another instance, or (during a hand-over) both. */
  holders: number;
}

/** A member as everyone sees it in the user list. */
export function toUser(member: {
  username: string;
  since: string;
}): UserPayload {
  return { username: member.username, since: member.since };
}

/** The users of one page and whether more follow it. */
export interface UserPage {
  users: UserPayload[];
  more: boolean;
}

/**
 * Everyone holding a name, in the user list's order (`compareUsernames`): a page of it costs a
 * search and a slice, so a welcome no longer grows with the room. Kept by the roster as members
 * come and go, here and on the other instances.
 */
export class UserIndex {
  private readonly sorted: Entry[] = [];
  private readonly bySession = new Map<string, Entry>();

  get size(): number {
    return this.sorted.length;
  }

  /** The member's user holds a place in the list (once, whoever else holds it too). */
  add(sessionId: string, user: UserPayload): void {
    const entry = this.bySession.get(sessionId);
    if (entry) {
      entry.holders++;
      return;
    }
    const added = { sessionId, user, holders: 1 };
    this.bySession.set(sessionId, added);
    this.sorted.splice(this.after(user.username, sessionId), 0, added);
  }

  /** One holder let go; the user leaves the list when none is left. */
  remove(sessionId: string): void {
    const entry = this.bySession.get(sessionId);
    if (!entry || --entry.holders > 0) return;
    this.bySession.delete(sessionId);
    this.sorted.splice(this.after(entry.user.username, sessionId) - 1, 1);
  }

  /** The users after `after` (a username, '' for the start) whose name contains `filter`. */
  page(
    after: string,
    filter = '',
    size: number = Limits.userPageSize,
  ): UserPage {
    const users: UserPayload[] = [];
    for (let i = this.after(after); i < this.sorted.length; i++) {
      const { user } = this.sorted[i];
      if (filter && !usernameMatches(user.username, filter)) continue;
      if (users.length === size) return { users, more: true };
      users.push(user);
    }
    return { users, more: false };
  }

  /** The position just past every entry ordered at or before (`username`, `sessionId`). */
  private after(username: string, sessionId = '\uffff'): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const entry = this.sorted[mid];
      const order =
        compareUsernames(entry.user.username, username) ||
        (entry.sessionId <= sessionId ? -1 : 1);
      if (order <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
