// Jest globalSetup: one Postbox for the whole run; jest.teardown.cjs stops it.
const { startPostbox } = require("./postbox.cjs");

module.exports = async function setup() {
  globalThis.__POSTBOX__ = await startPostbox();
};
