import {
  ClientEvent,
  type IdentityKey,
  type PrivateMessagePayload,
  fromBase64,
  toBase64,
} from '@app/shared';
import {
  type E2eeConversation,
  type E2eeDevice,
  decodeE2eeContent,
  tsMlsEngine,
} from '@app/shared/e2ee';

/** How a test client sends what its end-to-end side needs. */
type Send = (
  event: typeof ClientEvent.KeyPackagesPublish,
  payload: { packages: string[] },
) => Promise<void>;

/**
 * The receiving side of end-to-end private messages for a test client: it publishes key
 * packages at each join, joins the conversations browsers found with it and opens their
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
        const conversation = await device.join(fromBase64(e2ee.mls));
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

  private async publish(): Promise<void> {
    const device = await this.device;
    if (!device) return;
    const packages: string[] = [];
    for (let i = 0; i < 3; i++)
      packages.push(toBase64(await device.keyPackage()));
    await this.send(ClientEvent.KeyPackagesPublish, { packages }).catch(
      () => undefined,
    );
  }
}
