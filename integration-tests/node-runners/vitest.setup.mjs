// Vitest globalSetup: one Postbox for the whole run, stopped when it ends.
import postbox from "./postbox.cjs";

export default async function setup() {
  const server = await postbox.startPostbox();
  return async () => server.stop();
}
