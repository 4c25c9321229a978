const base = require('./jest.config.cjs');

/** The bounded load test: `npm run test:load`. */
module.exports = { ...base, testMatch: ['<rootDir>/__tests__/load/**/*.load.ts'], testTimeout: 120000 };
