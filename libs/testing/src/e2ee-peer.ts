import {
  ClientEvent,
  type ClientEventMap,
  type ExceptionPayload,
  type IdentityKey,
  type KeyPackagePayload,
  ServerEvent,
  type PrivateMessagePayload,
  type TreeHeadPayload,
  fromBase64,
  sameUsername,
  toBase64,
} from '@app/shared';
import {
  type E2eeConversation,
  type E2eeDevice,
  decodeE2eeContent,
  e2eePayload,
  encodeE2eeContent,
  tsMlsEngine,
} from '@app/shared/e2ee';

import type { ChatClient } from './chat-client';

/** How a test client sends what its end-to-end side needs. */
type Send = <
  E extends
    | typeof ClientEvent.KeyPackagesPublish
    | typeof ClientEvent.PrivateMessageSend,
>(
  event: E,
  payload: ClientEventMap[E],
) => Promise<void>;

/**
 * The receiving side of end-to-end private messages for a test client: it publishes key
 * packages (and a last-resort one) at each join and again when the server says few are left,
 * joins the conversations browsers found with it and opens their
 * messages, so a browser under test has someone to talk to. It trusts every credential: the
 * checks under test are the browser's.
 */
export class E2eePeer {
  private device?: Promise<E2eeDevice>;
  private readonly conversations = new Map<string, E2eeConversation>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly send: Send,
    /** Claimed by its credentials instead of the login's key (a swapped key package). */
    private readonly claimed?: IdentityKey,
  ) {}

  /** After each join: fresh key packages. */
  joined(username: string, identity: IdentityKey): void {
    this.device ??= tsMlsEngine.device(
      username,
      this.claimed ?? identity,
      async () => true,
    );
    void this.publish(true);
  }

  /** The server says few of our key packages are left (E73): fresh ones, as a browser does. */
  low(): void {
    void this.publish();
  }

  /** The message with its text opened; undefined for a Welcome or what cannot be opened. */
  reveal(
    message: PrivateMessagePayload,
  ): Promise<PrivateMessagePayload | undefined> {
    const revealed = this.queue.then(async () => {
      const e2ee = message.e2ee;
      const device = await this.device;
      if (!e2ee || !device) return message;
      if (e2ee.kind === 'welcome') {
        const conversation = await device.join(
          fromBase64(e2ee.mls),
          message.from,
        );
        this.conversations.set(e2ee.conversation, conversation);
        void this.publish();
        return undefined;
      }
      const conversation = this.conversations.get(e2ee.conversation);
      if (!conversation) return undefined;
      const content = decodeE2eeContent(
        await conversation.open(fromBase64(e2ee.mls)),
      );
      return content && { ...message, text: content.text };
    });
    this.queue = revealed.catch(() => undefined);
    return revealed.catch(() => undefined);
  }

  /**
   * Answers `to` in the conversation their browser founded with us, carrying `head` as the
   * key-log head this peer's browser would have accepted (a test picks it: E65).
   */
  async reply(to: string, text: string, head?: TreeHeadPayload): Promise<void> {
    const found = [...this.conversations.entries()].find(([, conversation]) =>
      sameUsername(conversation.peer.name, to),
    );
    if (!found) throw new Error(`no conversation with ${to} yet`);
    const [id, conversation] = found;
    const sealed = await conversation.seal(encodeE2eeContent({ text, head }));
    await this.send(ClientEvent.PrivateMessageSend, {
      clientId: crypto.randomUUID(),
      to,
      text: '',
      e2ee: e2eePayload('message', fromBase64(id), sealed),
    });
  }

  /** Fresh single-use packages; at a join a fresh last-resort one too (kept otherwise). */
  private async publish(lastResort = false): Promise<void> {
    const device = await this.device;
    if (!device) return;
    const packages: string[] = [];
    for (let i = 0; i < 3; i++)
      packages.push(toBase64(await device.keyPackage()));
    await this.send(ClientEvent.KeyPackagesPublish, {
      packages,
      ...(lastResort
        ? { lastResort: toBase64(await device.lastResortPackage()) }
        : {}),
    }).catch(() => undefined);
  }
}

/**
 * One of `name`'s key packages, from `ask` (one claim: the package, or undefined when refused).
 * The package was published on another connection, which the server may read after this one's
 * claim: a refused claim is asked again, as the browser does. Shared by the tests and the bench.
 */
export async function claimKeyPackage(
  name: string,
  ask: () => Promise<string | undefined>,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const keyPackage = await ask();
    if (keyPackage) return keyPackage;
    if (attempt >= 10) throw new Error(`${name} has no key package`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** One claim by a client that keeps its events: the answer is taken from what it received. */
async function claimOnce(
  from: ChatClient,
  name: string,
): Promise<string | undefined> {
  await from.send(ClientEvent.KeyPackageClaim, { name });
  const answered = () =>
    from.received.find(
      (r) =>
        !r.taken &&
        (r.event === ServerEvent.KeyPackage ||
          (r.event === ServerEvent.Exception &&
            (r.payload as ExceptionPayload).event ===
              ClientEvent.KeyPackageClaim)),
    );
  await from.until(() => answered() !== undefined, `${name}'s key package`);
  const answer = answered();
  if (!answer) return undefined;
  answer.taken = true;
  return answer.event === ServerEvent.KeyPackage
    ? (answer.payload as KeyPackagePayload).package
    : undefined;
}

/** Both ends of a conversation founded through the server, as a browser founds it. */
export interface FoundedConversation {
  id: Uint8Array;
  /** The founder's end, to seal with. */
  sender: E2eeConversation;
  /** The other end, joined from the Welcome the server relayed. */
  recipient: E2eeConversation;
}

/**
 * `from` claims one of `to`'s key packages and founds a conversation; `to` joins it from the
 * relayed Welcome. Both devices trust every credential: for load tools and transfer tests, not
 * for the checks under test.
 */
export async function foundConversation(
  from: ChatClient,
  to: ChatClient,
  keys: { from: IdentityKey; to: IdentityKey },
): Promise<FoundedConversation> {
  const trustAll = async () => true;
  const [fromDevice, toDevice] = await Promise.all([
    tsMlsEngine.device(from.username ?? '', keys.from, trustAll),
    tsMlsEngine.device(to.username ?? '', keys.to, trustAll),
  ]);
  // a last-resort one too: the founder may have claimed one of `to`'s before (E73)
  await to.send(ClientEvent.KeyPackagesPublish, {
    packages: [toBase64(await toDevice.keyPackage())],
    lastResort: toBase64(await toDevice.lastResortPackage()),
  });
  const name = to.username ?? '';
  const claimed = await claimKeyPackage(name, () => claimOnce(from, name));
  const id = crypto.getRandomValues(new Uint8Array(16));
  const { conversation, welcome } = await fromDevice.start(
    id,
    fromBase64(claimed),
    name,
  );
  const clientId = crypto.randomUUID();
  await from.send(ClientEvent.PrivateMessageSend, {
    clientId,
    to: to.username ?? '',
    text: '',
    e2ee: e2eePayload('welcome', id, welcome),
  });
  const relayed = await to.next(
    ServerEvent.PrivateMessageCreated,
    (m) => m.clientId === clientId,
  );
  const recipient = await toDevice.join(
    fromBase64(relayed.e2ee?.mls ?? ''),
    relayed.from,
  );
  return { id, sender: conversation, recipient };
}
