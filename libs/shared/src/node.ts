/**
 * Node-only code that the server and the Node tools share (`@app/shared/node`): never part of
 * the browser's bundle, which imports `@app/shared` alone.
 */
export * from './lib/node/aes-gcm';
export * from './lib/node/node-channel';
export * from './lib/node/room-sealer';
