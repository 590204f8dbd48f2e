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
  /**
   * A "last resort" key package (RFC 9420 §16.8), base64: reusable, handed out only when the
   * single-use ones are gone or a claimer is past its share of them (E73), so first contact
   * stays possible. Replaces the one published before; absent, that one is kept (a Welcome may
   * be on its way for it).
   */
  lastResort?: string;
}

/** `e2e:key-package-claim`: one of `name`'s key packages, to start a conversation with them. */
export interface KeyPackageClaimPayload {
  name: string;
}

/** `e2e:key-package`: the claimed key package (used up on the server, unless the last resort). */
export interface KeyPackagePayload {
  /** The name as its owner bound it. */
  name: string;
  package: string;
}

/**
 * `e2e:key-packages-low`: others claimed most of my single-use key packages (or were handed my
 * last-resort one): publish a fresh set (E73).
 */
export interface KeyPackagesLowPayload {
  /** Single-use key packages the server has left of mine. */
  remaining: number;
}
