/** Test and load-tool helpers: a real protocol client and the built server as a process. */
export * from './built-server';
export * from './chat-client';
export * from './eventually';
export * from './postgres';
export * from './relayed-private';
export * from './tcp-proxy';
export {
  type FoundedConversation,
  claimKeyPackage,
  foundConversation,
} from './e2ee-peer';
export * from './node-file-crypto';
export * from './node-crypto-channel';
