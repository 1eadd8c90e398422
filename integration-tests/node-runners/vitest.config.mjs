import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: "./vitest.setup.mjs",
    include: ["test/**/*.vitest.test.mjs"],
    fileParallelism: false,
  },
});
