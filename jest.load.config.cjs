const base = require('./jest.config.cjs');

/** The bounded load test: `npm run test:load`. */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/__tests__/load/**/*.load.ts'],
  // The base config ignores __tests__/load/ so that `npm test` never runs the load test.
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
};
