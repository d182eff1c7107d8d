import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";

// A separate bundle for the Chromium flows: flows/app/index.html installs the in-memory
// fake backend (mockIPC) and then loads the real app. Output goes to dist-flows/, never dist/.
const root = fileURLToPath(new URL("./flows/app", import.meta.url));

export default defineConfig({
  plugins: [react()],
  root,
  base: "./",
  publicDir: fileURLToPath(new URL("./public", import.meta.url)),
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("./dist-flows", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
  },
});
