/**
 * Vite config for the Remix site. Run it from the repository root with
 * `--config web/vite.config.ts`: Remix wants a package.json in its vite root, and the
 * only one is at the root (see shared/TOOLCHAIN.md, "Remix on Pages").
 */
import {
  cloudflareDevProxyVitePlugin,
  vitePlugin as remix,
} from "@remix-run/dev";
import { defineConfig } from "vite";
import { getLoadContext } from "./load-context";

declare module "@remix-run/cloudflare" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig(({ command }) => ({
  publicDir: "web/public",
  server: {
    // `WEB_PORT` lets a second checkout run beside the first; strictPort so that a busy
    // port fails loudly instead of silently moving to 8789.
    port: Number(process.env.WEB_PORT ?? 8788),
    host: "127.0.0.1",
    strictPort: true,
    // The vite root is the repository root: don't reload the site when the Worker, scratch
    // files, wrangler state or a production build (`npm start` writes web/build) change.
    watch: {
      ignored: ["**/.tmp/**", "**/.wrangler/**", "**/worker/**", "**/durable/**", "**/analytics/**", "**/web/build/**"],
    },
  },
  ssr: {
    // The server bundle runs in workerd, not Node: prefer the worker/browser builds of
    // dependencies (react-dom/server's renderToReadableStream, for example).
    resolve: {
      conditions: ["workerd", "worker", "browser"],
      externalConditions: ["workerd", "worker", "browser"],
    },
    // Build a self-contained server bundle, so functions/[[path]].ts deploys (or runs under
    // `wrangler pages dev` from a staging folder) without reaching node_modules. In dev, vite
    // loads dependencies from node_modules as usual.
    noExternal: command === "build" ? true : undefined,
  },
  // Pre-bundle what vite would otherwise discover late (uPlot behind a dynamic import(); the
  // server-only imports of route modules), so the first page load in dev is not interrupted
  // by "new dependencies optimized, reloading".
  optimizeDeps: { include: ["uplot", "@remix-run/cloudflare", "zod"] },
  // workerd has no `process` (no nodejs_compat): fix NODE_ENV at build time so React's
  // CommonJS entry points pick their production builds and the rest is tree-shaken.
  define:
    command === "build" ? { "process.env.NODE_ENV": JSON.stringify("production") } : undefined,
  resolve: {
    mainFields: ["browser", "module", "main"],
  },
  plugins: [
    // Gives loaders `context.cloudflare.env` from web/wrangler.toml during `vite dev`.
    cloudflareDevProxyVitePlugin({ configPath: "./web/wrangler.toml", getLoadContext: getLoadContext as never }),
    remix({
      appDirectory: "web/app",
      buildDirectory: "web/build",
      ignoredRouteFiles: ["**/*.test.*", "**/*.css"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
}));
