import {
  type PrivateMessagePayload,
  type SendPrivateMessagePayload,
  fromBase64,
  utf8,
} from '@app/shared';
import { e2eePayload } from '@app/shared/e2ee';

/** One made-up conversation id for every stand-in message (the server never looks inside). */
const STAND_IN_CONVERSATION = new Uint8Array(16).fill(7);

/**
 * For tests of delivery, not of encryption: a private message in the only form the server takes
 * (E63), an end-to-end envelope it cannot read, whose bytes here are simply `text` so a test can
 * tell messages apart. Nobody can open it as MLS; a real conversation is `foundConversation`'s.
 */
export function relayedPrivate(
  clientId: string,
  to: string,
  text: string,
): SendPrivateMessagePayload {
  return {
    clientId,
    to,
    text: '',
    e2ee: e2eePayload('message', STAND_IN_CONVERSATION, utf8(text)),
  };
}

/** The text a `relayedPrivate` message carried, as it arrived. */
export function relayedText(
  message: Pick<PrivateMessagePayload, 'e2ee'>,
): string {
  return message.e2ee
    ? new TextDecoder().decode(fromBase64(message.e2ee.mls))
    : '';
}
