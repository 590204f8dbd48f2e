/** Jest defaults every project shares: TypeScript through ts-jest, `@app/shared` from source. */
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
    // the MLS engine, its curves and NestJS 12 ship as ES modules only
    '^.+\\.js$': [
      'babel-jest',
      {
        presets: [['@babel/preset-env', { targets: { node: 'current' } }]],
        plugins: [path.join(__dirname, 'tools/jest/import-meta-url.cjs')],
      },
    ],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(ts-mls|@noble|@hpke|@nestjs|@standard-schema|file-type)/)',
  ],
  moduleNameMapper: {
    '^@app/shared$': path.join(__dirname, 'libs/shared/src/index.ts'),
    '^@app/shared/e2ee$': path.join(__dirname, 'libs/shared/src/e2ee.ts'),
    '^@app/shared/node$': path.join(__dirname, 'libs/shared/src/node.ts'),
    '^@app/api$': path.join(__dirname, 'apps/api/src/index.ts'),
    '^@app/testing$': path.join(__dirname, 'libs/testing/src/index.ts'),
  },
};
