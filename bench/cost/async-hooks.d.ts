// workerd provides node:async_hooks under nodejs_compat (wrangler.toml); the Worker's tsconfig has
// no Node types, so the one class bench/cost/meter.ts uses is declared here.
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, fn: () => R): R;
  }
}
