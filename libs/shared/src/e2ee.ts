/**
 * `@app/shared/e2ee`: end-to-end encryption for the clients (browser, tests, bench). Its own
 * entry point, so the server, which never opens end-to-end messages, never loads the MLS engine.
 */
export * from './lib/e2ee/device-credential';
export * from './lib/e2ee/e2ee-content';
export * from './lib/e2ee/e2ee-engine';
export * from './lib/e2ee/ts-mls-engine';
