import type { ChannelMaker } from '@app/shared';
import { NodeChannel, openAesGcm } from '@app/shared/node';

/**
 * The client's channel on `node:crypto`, for load generators: the server's own `NodeChannel`
 * from the other end (the browser's nonces, associated data and encoding), where Node's Web
 * Crypto costs tens of microseconds per frame. Its keys come from the handshake's own HKDF step,
 * as bytes (fine for a load tool; the browser keeps its keys inside Web Crypto).
 */
export const nodeCryptoChannels: ChannelMaker = {
  async make(hkdf, salt, info) {
    const derive = async (label: string) =>
      new Uint8Array(
        await crypto.subtle.deriveBits(
          {
            name: 'HKDF',
            hash: 'SHA-256',
            salt,
            info: new TextEncoder().encode(label),
          },
          hkdf,
          256,
        ),
      );
    const channel = new NodeChannel(
      await derive(info.send),
      await derive(info.receive),
      'c2s',
    );
    return {
      seal: async (event, payload) => channel.seal(event, payload),
      open: async (event, envelope) => channel.open(event, envelope),
    };
  },
  async roomKey(raw) {
    return async (nonce, aad, box) => openAesGcm(raw, nonce, aad, box);
  },
};
