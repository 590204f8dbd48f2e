/**
 * End-to-end encrypted private messages on the wire. The server relays them between the two
 * people and cannot read them: it sees who, when and how large, never what.
 */

/**
 * Inside a private message: an MLS message of the pair's conversation. `welcome` founds the
 * conversation (the first message to a peer); `message` is an application message in it; `file`
 * (inside a file offer) carries a private file's secret.
 * Versioned and typed, so it is never taken for a transport envelope or the reverse (E61).
 */
export interface E2eePayload {
  v: 1;
  kind: 'welcome' | 'message' | 'file';
  /** The conversation (MLS group) id, base64. */
  conversation: string;
  /** The encoded MLS message (`MLSMessage`), base64. */
  mls: string;
}

/** `e2e:key-packages`: single-use MLS key packages for others to start conversations with us. */
export interface KeyPackagesPayload {
  /** Base64 encoded MLS key packages; they replace any published before. */
  packages: string[];
}

/** `e2e:key-package-claim`: one of `name`'s key packages, to start a conversation with them. */
export interface KeyPackageClaimPayload {
  name: string;
}

/** `e2e:key-package`: the claimed key package (now used up on the server). */
export interface KeyPackagePayload {
  /** The name as its owner bound it. */
  name: string;
  package: string;
}
