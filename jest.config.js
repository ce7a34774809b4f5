/** Jest runs the TypeScript specs in spec/ through ts-jest, type-checking them as it goes. */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
};
