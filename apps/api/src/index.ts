/** What the API end-to-end suites start: the real app, built from a real configuration. */
export { createApp } from './app.factory';
export { type AppConfig, loadConfig } from './config/app-config.service';
