/** `npm run test:cluster`: the suites that need the machine's PostgreSQL and Redis. */
export default {
  displayName: 'api-cluster',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/cluster/**/*.cluster-spec.ts'],
  testTimeout: 60_000,
};
