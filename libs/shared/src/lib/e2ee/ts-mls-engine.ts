/**
 * The `E2eeEngine` on ts-mls (RFC 9420), ciphersuite MLS_256_DHKEMP384_AES256GCM_SHA384_P384:
 * AES-256-GCM, SHA-384, HKDF and the P-384 HPKE run on Web Crypto in the browser and in Node;
 * only the P-384 ECDSA leaf signatures run in JavaScript (@noble/curves), because ts-mls signs
 * with key bytes, which a non-extractable Web Crypto key cannot give. Those leaf keys are
 * certified by the non-extractable identity key (`device-credential.ts`).
 */
import {
  type CiphersuiteImpl,
  type ClientConfig,
  type ClientState,
  type Credential,
  type KeyPackage,
  type PrivateKeyPackage,
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeGroupState,
  decodeMlsMessage,
  defaultCapabilities,
  defaultKeyPackageEqualityConfig,
  defaultKeyRetentionConfig,
  defaultLifetimeConfig,
  defaultPaddingConfig,
  defaultLifetime,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  processPrivateMessage,
  zeroOutUint8Array,
} from 'ts-mls';

import type { IdentityKey } from '../identity/identity-key';
import { sameUsername } from '../models/username.model';
import {
  certifyDevice,
  credentialCertifies,
  decodeCredential,
  encodeCredential,
} from './device-credential';
import {
  type E2eeConversation,
  type E2eeDevice,
  type E2eeEngine,
  E2eeError,
  type PeerCheck,
  type PeerIdentity,
} from './e2ee-engine';

export const MLS_SUITE = 'MLS_256_DHKEMP384_AES256GCM_SHA384_P384';

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

/** One MLS message, or undefined for bytes that are not exactly one. */
function decoded(bytes: Uint8Array) {
  try {
    const [message, length] = decodeMlsMessage(bytes, 0) ?? [];
    return length === bytes.length ? message : undefined;
  } catch {
    return undefined;
  }
}

/** The credential's identity, if its identity key certified this leaf's signature key. */
async function certifiedPeer(
  credential: Credential,
  signaturePublicKey: Uint8Array,
): Promise<PeerIdentity | undefined> {
  if (credential.credentialType !== 'basic') return undefined;
  const decoded = decodeCredential(credential.identity);
  if (!decoded || !(await credentialCertifies(decoded, signaturePublicKey)))
    return undefined;
  return { name: decoded.name, identityKey: decoded.identityKey };
}

class MlsConversation implements E2eeConversation {
  /** One operation at a time: two seals from one state would reuse a generation's key. */
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    private state: ClientState,
    readonly peer: PeerIdentity,
    private readonly impl: CiphersuiteImpl,
  ) {}

  get id(): Uint8Array {
    return this.state.groupContext.groupId;
  }

  save(): Uint8Array {
    return encodeGroupState(this.state);
  }

  seal(plaintext: Uint8Array): Promise<Uint8Array> {
    return this.exclusive(() => this.sealNow(plaintext));
  }

  open(message: Uint8Array): Promise<Uint8Array> {
    return this.exclusive(() => this.openNow(message));
  }

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.busy.then(operation);
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async sealNow(plaintext: Uint8Array): Promise<Uint8Array> {
    const result = await createApplicationMessage(
      this.state,
      plaintext,
      this.impl,
    );
    this.state = result.newState;
    result.consumed.forEach(zeroOutUint8Array);
    return encodeMlsMessage({
      privateMessage: result.privateMessage,
      wireformat: 'mls_private_message',
      version: 'mls10',
    });
  }

  private async openNow(message: Uint8Array): Promise<Uint8Array> {
    const mls = decoded(message);
    if (
      mls?.wireformat !== 'mls_private_message' ||
      !sameBytes(mls.privateMessage.groupId, this.id)
    )
      throw new E2eeError('bad_message');
    try {
      const result = await processPrivateMessage(
        this.state,
        mls.privateMessage,
        emptyPskIndex,
        this.impl,
      );
      this.state = result.newState;
      result.consumed.forEach(zeroOutUint8Array);
      // a pair's group changes only by its founding commit: anything else is not for us
      if (result.kind !== 'applicationMessage')
        throw new E2eeError('bad_message');
      return result.message;
    } catch (error) {
      if (error instanceof E2eeError) throw error;
      throw new E2eeError('bad_message');
    }
  }
}

/** Single-use key packages whose private halves are kept: four published sets of five. */
const KEPT_UNUSED = 20;

/** One of this device's key packages, with its private half. */
interface OwnPackage {
  publicPackage: KeyPackage;
  privatePackage: PrivateKeyPackage;
}

class MlsDevice implements E2eeDevice {
  /** Key packages published and not yet used, with their private halves. */
  private readonly unused: OwnPackage[] = [];
  /** The published last-resort key package: reusable, never used up by a join (E73). */
  private lastResort?: OwnPackage;
  /** Conversations joined with it: each only once, so a replayed Welcome does not reset one. */
  private readonly joinedByLastResort = new Set<string>();

  constructor(
    readonly name: string,
    private readonly identity: IdentityKey,
    private readonly check: PeerCheck,
    private readonly impl: CiphersuiteImpl,
    private readonly config: ClientConfig,
  ) {}

  async keyPackage(): Promise<Uint8Array> {
    const generated = await this.generate();
    this.unused.push(generated);
    // each publication replaces the server's stock: only a package claimed just before may
    // still come back in a Welcome, so the oldest private halves go (bounded memory and join
    // cost however often others make us publish, E73)
    if (this.unused.length > KEPT_UNUSED)
      this.unused.splice(0, this.unused.length - KEPT_UNUSED);
    return this.encoded(generated);
  }

  async lastResortPackage(): Promise<Uint8Array> {
    this.lastResort = await this.generate();
    this.joinedByLastResort.clear();
    return this.encoded(this.lastResort);
  }

  async start(
    id: Uint8Array,
    peerKeyPackage: Uint8Array,
    peerName: string,
  ): Promise<{ conversation: E2eeConversation; welcome: Uint8Array }> {
    const mls = decoded(peerKeyPackage);
    if (mls?.wireformat !== 'mls_key_package')
      throw new E2eeError('bad_message');
    const { leafNode } = mls.keyPackage;
    const peer = await this.trusted(
      leafNode.credential,
      leafNode.signaturePublicKey,
      peerName,
    );
    const own = await this.ownPackage();
    const founded = await createGroup(
      id,
      own.publicPackage,
      own.privatePackage,
      [],
      this.impl,
      this.config,
    );
    const commit = await createCommit(
      { state: founded, cipherSuite: this.impl },
      {
        extraProposals: [
          { proposalType: 'add', add: { keyPackage: mls.keyPackage } },
        ],
        ratchetTreeExtension: true,
      },
    );
    commit.consumed.forEach(zeroOutUint8Array);
    if (!commit.welcome) throw new E2eeError('bad_message');
    return {
      conversation: new MlsConversation(commit.newState, peer, this.impl),
      welcome: encodeMlsMessage({
        welcome: commit.welcome,
        wireformat: 'mls_welcome',
        version: 'mls10',
      }),
    };
  }

  async join(welcome: Uint8Array, fromName: string): Promise<E2eeConversation> {
    const mls = decoded(welcome);
    if (mls?.wireformat !== 'mls_welcome') throw new E2eeError('bad_message');
    const candidates = this.lastResort
      ? [...this.unused, this.lastResort]
      : this.unused;
    for (const own of candidates) {
      let state: ClientState;
      try {
        state = await joinGroup(
          mls.welcome,
          own.publicPackage,
          own.privatePackage,
          emptyPskIndex,
          this.impl,
          undefined,
          undefined,
          this.config,
        );
      } catch {
        continue; // encrypted to another of our key packages, or not to us
      }
      // a single-use package is gone once used; the last-resort one stays for other Welcomes
      const used = this.unused.indexOf(own);
      if (used >= 0) this.unused.splice(used, 1);
      else {
        const group = state.groupContext.groupId.join(',');
        if (this.joinedByLastResort.has(group))
          throw new E2eeError('bad_message');
        this.joinedByLastResort.add(group);
      }
      const others = state.ratchetTree.flatMap((node) =>
        node?.nodeType === 'leaf' &&
        !sameBytes(
          node.leaf.signaturePublicKey,
          own.publicPackage.leafNode.signaturePublicKey,
        )
          ? [node.leaf]
          : [],
      );
      // a conversation of two: exactly one other member, and the check must accept them
      if (others.length !== 1) throw new E2eeError('untrusted_peer');
      const peer = await this.trusted(
        others[0].credential,
        others[0].signaturePublicKey,
        fromName,
      );
      return new MlsConversation(state, peer, this.impl);
    }
    throw new E2eeError('bad_message');
  }

  restore(saved: Uint8Array, peer: PeerIdentity): E2eeConversation {
    const [state] = decodeGroupState(saved, 0) ?? [];
    if (!state) throw new E2eeError('bad_message');
    return new MlsConversation(
      { ...state, clientConfig: this.config },
      peer,
      this.impl,
    );
  }

  /** Our own leaf for a group we found: a key package that is never published. */
  private ownPackage(): Promise<OwnPackage> {
    return this.generate();
  }

  private async generate(): Promise<OwnPackage> {
    const signatureKeys = await this.impl.signature.keygen();
    const credential = await certifyDevice(
      this.name,
      this.identity,
      signatureKeys.publicKey,
    );
    return generateKeyPackageWithKey(
      { credentialType: 'basic', identity: encodeCredential(credential) },
      defaultCapabilities(),
      defaultLifetime,
      [],
      signatureKeys,
      this.impl,
    );
  }

  private encoded(own: OwnPackage): Uint8Array {
    return encodeMlsMessage({
      keyPackage: own.publicPackage,
      wireformat: 'mls_key_package',
      version: 'mls10',
    });
  }

  /**
   * The peer a credential certifies, if it is the person meant and the check accepts them: a
   * valid credential of someone else (a key package the server swapped in) is refused (E62).
   */
  private async trusted(
    credential: Credential,
    signaturePublicKey: Uint8Array,
    meant: string,
  ): Promise<PeerIdentity> {
    const peer = await certifiedPeer(credential, signaturePublicKey);
    if (!peer || !sameUsername(peer.name, meant) || !(await this.check(peer)))
      throw new E2eeError('untrusted_peer');
    return peer;
  }
}

export const tsMlsEngine: E2eeEngine = {
  suite: MLS_SUITE,
  async device(name, identity, check) {
    const impl = await getCiphersuiteImpl(getCiphersuiteFromName(MLS_SUITE));
    // every leaf in every group this device sees must be certified by its identity key
    const config: ClientConfig = {
      keyRetentionConfig: defaultKeyRetentionConfig,
      lifetimeConfig: defaultLifetimeConfig,
      keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
      paddingConfig: defaultPaddingConfig,
      authService: {
        validateCredential: async (credential, signaturePublicKey) =>
          (await certifiedPeer(credential, signaturePublicKey)) !== undefined,
      },
    };
    return new MlsDevice(name, identity, check, impl, config);
  },
};
