import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Limits, ServerEvent, type UserTypingPayload } from '@app/shared';

import { ClusterService } from '../cluster/cluster.service';
import { typedNameKey } from '../identity/name-identity';
import { DeliveryService } from '../realtime/delivery.service';
import { type Member, Roster } from '../sessions/roster';

/** Half the client's interval: a notice delayed on the way is not mistaken for a flood. */
const NOTICE_EVERY_MS = Limits.typingEveryMs / 2;
/** Audiences one member's notices are throttled for at once: conversations are few (L77). */
const AUDIENCES_KEPT = 16;

/** The room (`''`), or the recipient by folded name: all its spellings are one throttle (L77). */
function audienceOf(to: string | undefined): string {
  return to === undefined ? '' : typedNameKey(to);
}

/**
 * "alice is typing…": passed on as it comes, never stored nor audited (it says nothing the
 * messages do not). A public notice goes to the room, a private one only to its recipient,
 * on whichever instance holds them; nobody else learns that a private conversation exists.
 */
@Injectable()
export class TypingService implements OnModuleInit {
  /**
   * When each member's last notice went out, per folded recipient name (`''`: the room): a
   * client faster than the protocol is ignored.
   */
  private readonly last = new WeakMap<Member, Map<string, number>>();

  constructor(
    private readonly roster: Roster,
    private readonly delivery: DeliveryService,
    private readonly cluster: ClusterService,
  ) {}

  onModuleInit(): void {
    if (this.cluster.enabled)
      this.cluster.on('typing', ({ from, to }) => this.show(from, to));
  }

  typing(sender: Member, to?: string): void {
    if (!this.due(sender, to, Date.now())) return;
    if (to === undefined) {
      this.show(sender.username, undefined);
      this.cluster.publish('typing', { from: sender.username });
      return;
    }
    // offline or unknown: nothing to tell (the message itself will say so when it is sent)
    const { here, there } = this.roster.locate(to) ?? {};
    if (here === sender) return;
    if (here) this.show(sender.username, here.username);
    else if (there)
      this.cluster.publish('typing', { from: sender.username, to });
  }

  /**
   * The sender's message went out (and receivers stop showing their notice): the next notice,
   * for the next message, is news at once, however soon it comes.
   */
  sent(sender: Member, to?: string): void {
    this.last.get(sender)?.delete(audienceOf(to));
  }

  private due(sender: Member, to: string | undefined, now: number): boolean {
    const audience = audienceOf(to);
    let times = this.last.get(sender);
    if (!times) this.last.set(sender, (times = new Map()));
    const last = times.get(audience);
    if (last !== undefined && now - last < NOTICE_EVERY_MS) return false;
    if (last === undefined && times.size >= AUDIENCES_KEPT) {
      // only throttles that have run out are forgotten, so a full table never lets a flood by
      for (const [key, at] of times)
        if (now - at >= NOTICE_EVERY_MS) times.delete(key);
      if (times.size >= AUDIENCES_KEPT) return false;
    }
    times.set(audience, now);
    return true;
  }

  /** To this instance's members: the room but the typist, or the one recipient. */
  private show(from: string, to: string | undefined): void {
    const notice: UserTypingPayload = { from, private: to !== undefined };
    if (to !== undefined) {
      const recipient = this.roster.findOnline(to);
      if (recipient)
        this.delivery.toMember(
          recipient.sessionId,
          ServerEvent.UserTyping,
          notice,
        );
      return;
    }
    const typist = this.roster.findOnline(from);
    this.delivery.toRoom(
      ServerEvent.UserTyping,
      notice,
      typist ? [typist.sessionId] : [],
    );
  }
}
