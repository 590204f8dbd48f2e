import { ErrorCode } from '../errors/error-code';
import { sameUsername } from '../models/username.model';
import type { ExceptionPayload } from '../errors/error-payload';
import { ClientEvent } from '../protocol/client-event';
import type {
  ResumePayload,
  SessionJoinedPayload,
} from '../protocol/payloads/session.payload';

/** What a client asks for to get its name back on a new connection. */
export type Rejoin =
  | { resume: ResumePayload }
  | { login: { username: string; lastMessageId?: number } };

/**
 * A client's hold on its name across dropped connections: the reconnect policy the browser
 * and the Node clients (tests, load tools) share. After a reconnect it resumes with the token
 * from the last join and the last public message it holds; when the server no longer holds
 * the name (a long outage, a restart) it claims it again, keeping its place; when the name is
 * gone for good (kicked, taken meanwhile) it forgets everything. Tokens stay in memory only.
 */
export class SessionKeeper {
  private name?: string;
  /** The name the pending login asked for, as the user typed it (checked). */
  private asked?: string;
  private token?: string;
  private lastId?: number;
  /** Claiming the name again after the server forgot it. */
  private rejoining = false;

  get username(): string | undefined {
    return this.name;
  }

  get resumeToken(): string | undefined {
    return this.token;
  }

  /** The last public message held: every (re)join asks for what came after it. */
  get lastMessageId(): number | undefined {
    return this.lastId;
  }

  /** A login under `username` (as typed, checked) is being asked for. */
  asking(username: string): void {
    this.asked = username;
  }

  /**
   * Whether a join confirms the name we asked for (a login) or hold (a resume, a claim again):
   * the server's answer never decides whose name my identity key certifies (E67). A client
   * that never said what it asked for accepts the server's word.
   */
  confirms(joined: SessionJoinedPayload): boolean {
    const expected =
      joined.resumed || this.rejoining ? this.name : (this.asked ?? this.name);
    return expected === undefined || sameUsername(expected, joined.username);
  }

  /** A join was confirmed; true when it took the name back rather than a first login. */
  joined(joined: SessionJoinedPayload): boolean {
    const back = joined.resumed || this.rejoining;
    this.asked = undefined;
    this.name = joined.username;
    this.token = joined.resumeToken;
    this.rejoining = false;
    return back;
  }

  /** A public message now held. */
  heard(messageId: number): void {
    if (this.lastId === undefined || messageId > this.lastId)
      this.lastId = messageId;
  }

  /** A new channel is ready: what takes the name back, if there is one to take. */
  reconnected(): Rejoin | undefined {
    if (this.token)
      return {
        resume: { token: this.token, lastMessageId: this.lastId },
      };
    // the token was spent on a claim that this drop cut short: claim again
    if (this.rejoining && this.name) return this.claim(this.name);
    return undefined;
  }

  /**
   * A refusal from the server: a resume it could not honour is answered by claiming the name
   * again; `gone` when the session is over (the caller shows the login page).
   */
  refused(error: ExceptionPayload): Rejoin | 'gone' | undefined {
    if (
      error.event === ClientEvent.SessionResume &&
      error.code === ErrorCode.ResumeFailed &&
      this.name
    )
      return this.claim(this.name);
    if (
      (error.event === ClientEvent.SessionLogin && this.rejoining) ||
      error.event === ClientEvent.SessionResume ||
      error.code === ErrorCode.NotLoggedIn ||
      error.code === ErrorCode.Kicked
    ) {
      this.forget();
      return 'gone';
    }
    return undefined;
  }

  /** Logged out, or the session is gone: nothing is kept. */
  forget(): void {
    this.name = undefined;
    this.asked = undefined;
    this.token = undefined;
    this.lastId = undefined;
    this.rejoining = false;
  }

  private claim(username: string): Rejoin {
    this.rejoining = true;
    this.token = undefined;
    return { login: { username, lastMessageId: this.lastId } };
  }
}
