/**
 * End-to-end encryption between two people, as the rest of the code sees it: devices publish
 * single-use key packages, one conversation (an MLS group of two) per pair, messages sealed and
 * opened in it. Nothing here names the MLS library: `ts-mls-engine.ts` implements it, and
 * another engine could replace it behind this interface.
 */
import type { IdentityKey } from '../identity/identity-key';

/** Who holds the other end: the name and the identity key its credential carries. */
export interface PeerIdentity {
  name: string;
  /** DER SPKI of the identity key. */
  identityKey: Uint8Array;
}

/**
 * Decides in the client whether a peer's credential may be in a conversation: its identity key
 * must be the one the transparency log binds to the name (and the verified one, if verified).
 * Never asks the server.
 */
export type PeerCheck = (peer: PeerIdentity) => Promise<boolean>;

/**
 * `untrusted_peer`: the credential is not certified by its identity key, or the check refused
 * it; `bad_message`: not a message of this conversation (another group, a replay, a forged or
 * truncated one, an epoch this device does not have).
 */
export class E2eeError extends Error {
  constructor(readonly reason: 'untrusted_peer' | 'bad_message') {
    super(`end-to-end: ${reason}`);
    this.name = 'E2eeError';
  }
}

export interface E2eeConversation {
  readonly id: Uint8Array;
  readonly peer: PeerIdentity;
  seal(plaintext: Uint8Array): Promise<Uint8Array>;
  open(message: Uint8Array): Promise<Uint8Array>;
  /**
   * The conversation's current state, to keep across page loads (`E2eeDevice.restore`). It holds
   * the current epoch's secrets and this device's leaf key: store it only where the identity key
   * is kept, and save again after every seal and open (used keys are gone from the next state).
   */
  save(): Uint8Array;
}

export interface E2eeDevice {
  readonly name: string;
  /** A fresh single-use key package to publish (its private keys stay on this device). */
  keyPackage(): Promise<Uint8Array>;
  /**
   * A fresh "last resort" key package (RFC 9420 §16.8) to publish beside the single-use ones:
   * the server hands it out, to any number of founders, only when those are gone or a claimer
   * is past its share (E73). Kept in its own slot: `join` accepts Welcomes for it and never
   * uses it up; the next call replaces it.
   */
  lastResortPackage(): Promise<Uint8Array>;
  /**
   * Starts the conversation `id` with `peerName`, the holder of `peerKeyPackage`; the Welcome
   * goes to them. The package's credential must name `peerName` (whoever handed it over: E62)
   * and pass the device's check.
   */
  start(
    id: Uint8Array,
    peerKeyPackage: Uint8Array,
    peerName: string,
  ): Promise<{ conversation: E2eeConversation; welcome: Uint8Array }>;
  /**
   * Joins the conversation `fromName` started for one of this device's key packages: the
   * founder's credential must name them and pass the device's check.
   */
  join(welcome: Uint8Array, fromName: string): Promise<E2eeConversation>;
  /** A conversation saved before (this device's, with the peer its check accepted then). */
  restore(saved: Uint8Array, peer: PeerIdentity): E2eeConversation;
}

export interface E2eeEngine {
  /** The MLS ciphersuite, by its RFC 9420 name. */
  readonly suite: string;
  device(
    name: string,
    identity: IdentityKey,
    check: PeerCheck,
  ): Promise<E2eeDevice>;
}
