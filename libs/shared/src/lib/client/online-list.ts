import { compareUsernames, usernameMatches } from '../models/username.model';
import type {
  SessionJoinedPayload,
  UserPayload,
  UsersPagePayload,
  UsersPageRequest,
} from '../protocol/payloads/session.payload';

/**
 * Who is online as one client holds it: the first pages of the list in `compareUsernames` order
 * (a room of thousands is loaded as it is scrolled, not at login), kept current by joins and
 * leaves, and the count of everyone. A join beyond the loaded pages is left to its page, so the
 * list is always a correct start of everyone's. With a filter, the same for a search.
 */
export class OnlineList {
  private list: UserPayload[] = [];
  /** Pages follow the last loaded user (a search starts with none loaded). */
  private more: boolean;
  private count = 0;

  constructor(readonly filter = '') {
    this.more = filter !== '';
  }

  get users(): readonly UserPayload[] {
    return this.list;
  }

  /** Everyone online, loaded or not (as told at login, then kept by joins and leaves). */
  get online(): number {
    return this.count;
  }

  /** Every user online (or matching the search) is loaded. */
  get complete(): boolean {
    return !this.more;
  }

  /** The welcome's first page and count: everything before it is forgotten. */
  reset(joined: Pick<SessionJoinedPayload, 'users' | 'more' | 'online'>): void {
    this.list = [...joined.users].sort((a, b) =>
      compareUsernames(a.username, b.username),
    );
    this.more = joined.more;
    this.count = joined.online;
  }

  /** What to ask for to load the next page, if any follows. */
  next(): UsersPageRequest | undefined {
    if (!this.more) return undefined;
    const after = this.list.at(-1)?.username ?? '';
    return this.filter ? { after, filter: this.filter } : { after };
  }

  /** Adds a page; false when it does not continue this list (another search's, or stale). */
  page(page: UsersPagePayload): boolean {
    if ((page.filter ?? '') !== this.filter) return false;
    const request = this.next();
    if (!request || request.after !== page.after) return false;
    // every user of the page sorts after the last loaded one
    const last = this.list.at(-1)?.username;
    this.list = this.list.concat(
      page.users.filter((u) => !last || compareUsernames(u.username, last) > 0),
    );
    this.more = page.more;
    return true;
  }

  joined(user: UserPayload): void {
    this.count++;
    if (this.holds(user.username)) this.put(user);
  }

  left(username: string): void {
    this.count = Math.max(0, this.count - 1);
    const at = this.indexOf(username);
    if (this.list[at]?.username === username) this.change(at, 1);
  }

  /** Whether the user belongs in what is loaded (not beyond the last page, matching the search). */
  private holds(username: string): boolean {
    if (this.filter && !usernameMatches(username, this.filter)) return false;
    const last = this.list.at(-1);
    return (
      !this.more || (!!last && compareUsernames(username, last.username) <= 0)
    );
  }

  private put(user: UserPayload): void {
    const at = this.indexOf(user.username);
    this.change(at, this.list[at]?.username === user.username ? 1 : 0, user);
  }

  /** A new array each change: the browser's signals see a new list. */
  private change(at: number, remove: number, ...add: UserPayload[]): void {
    const list = this.list.slice();
    list.splice(at, remove, ...add);
    this.list = list;
  }

  /** Where the name is, or would go. */
  private indexOf(username: string): number {
    let low = 0;
    let high = this.list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareUsernames(this.list[mid].username, username) < 0)
        low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
