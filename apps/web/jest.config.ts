export default {
  displayName: 'web',
  preset: 'jest-preset-angular',
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  testEnvironment: 'jsdom',
  transform: {
    '^.+\\.(ts|mjs|js|html)$': [
      'jest-preset-angular',
      {
        tsconfig: '<rootDir>/tsconfig.spec.json',
        stringifyContentPathRegex: '\\.(html|svg)$',
      },
    ],
  },
  // the MLS engine and its curves ship as ES modules only
  transformIgnorePatterns: ['node_modules/(?!(.*\\.mjs$|ts-mls|@noble|@hpke))'],
  moduleNameMapper: {
    // <rootDir>, not __dirname: Node 24 loads this file as an ES module
    '^@app/shared$': '<rootDir>/../../libs/shared/src/index.ts',
    '^@app/shared/e2ee$': '<rootDir>/../../libs/shared/src/e2ee.ts',
  },
  coverageDirectory: '../../coverage/apps/web',
};
