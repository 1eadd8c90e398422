// Jest globalTeardown: stops the Postbox that jest.setup.cjs started.
module.exports = async function teardown() {
  await globalThis.__POSTBOX__?.stop();
};
