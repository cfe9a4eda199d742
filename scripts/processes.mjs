// Child-process plumbing shared by `npm start` (scripts/start.mjs) and `npm run dev` (scripts/dev.mjs):
// one-shot commands whose output shows only when they fail, long-running servers whose lines are
// printed with a prefix, a wait for a URL to answer, and one stop that ends every child's process
// group (each child is started detached, so `npx` and the workerd it starts go together).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";

/** A package binary by path when installed (saves the `npx` lookup on every call), else `npx`. */
export function bin(name) {
  const local = resolve("node_modules/.bin", name);
  return existsSync(local) ? [local] : ["npx", name];
}

/**
 * @param {NodeJS.ProcessEnv} env the environment of every child
 */
export function createSupervisor(env) {
  const children = [];
  let stopping = false;

  function stop(code = 0) {
    stopping = true;
    for (const c of children) {
      try {
        process.kill(-c.pid, "SIGTERM");
      } catch {}
    }
    setTimeout(() => process.exit(code), 500);
  }
  process.on("SIGINT", () => stop(0));
  process.on("SIGTERM", () => stop(0));

  /** Runs a command with its output kept back; prints it and stops everything when the command fails. */
  function quiet(cmd, args, opts = {}) {
    return new Promise((done) => {
      const [file, ...pre] = bin(cmd);
      const child = spawn(file, [...pre, ...args], { env, stdio: ["ignore", "pipe", "pipe"], ...opts });
      let output = "";
      child.stdout.on("data", (c) => (output += c));
      child.stderr.on("data", (c) => (output += c));
      child.on("exit", (code) => {
        if (code === 0) return done();
        console.error(`✗ ${cmd} ${args.join(" ")} failed:\n${output}`);
        stop(1);
      });
    });
  }

  /**
   * A long-running child. Each line goes to `onLine`, then is printed as `[name] line` unless
   * `show(line)` says no. When it exits before `stop`, everything stops, unless `optional`.
   */
  function serve(name, cmd, args, { onLine = () => {}, show = () => true, optional = false } = {}) {
    const [file, ...pre] = bin(cmd);
    const child = spawn(file, [...pre, ...args], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        onLine(line);
        if (show(line)) console.log(`[${name}] ${line}`);
      });
    }
    child.on("exit", (code) => {
      if (!stopping && optional) console.error(`[${name}] exited with ${code}`);
      else if (!stopping) {
        console.error(`[${name}] exited with ${code}; stopping`);
        stop(1);
      }
    });
    children.push(child);
    return child;
  }

  /** Waits until `url` answers below 500; stops everything after `seconds`. */
  async function waitFor(url, seconds) {
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      try {
        if ((await fetch(url)).status < 500) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
    console.error(`✗ ${url} did not come up within ${seconds} s`);
    stop(1);
  }

  return { quiet, serve, stop, waitFor };
}
