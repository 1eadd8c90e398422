module.exports = {
  globalSetup: "./jest.setup.cjs",
  globalTeardown: "./jest.teardown.cjs",
  testMatch: ["<rootDir>/test/**/*.jest.test.cjs"],
  testEnvironment: "node",
  transform: {},
  maxWorkers: 1,
};
