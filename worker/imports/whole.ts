/**
 * @module worker/imports/whole
 * An import sent whole in one request: the body is streamed through the parser (the format told
 * from its first 4 KB unless named), or, for our own JSON export, read and stored at once.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { invalid } from "../lib/errors.ts";
import type { StreamParser } from "../../interop/index.ts";
import { concat, HEAD_BYTES, importOptions, readAll, startParser, unreadable, uploadStream } from "./file.ts";
import { addParsed, closeRun, ImportRun, importGlucoLens } from "./run.ts";

export async function importWhole(c: Context<AppEnv>) {
  const options = importOptions(c);
  const run = new ImportRun(c);
  const stream = await uploadStream(c);
  if (options.format === "glucolens-json") {
    await importGlucoLens(run, await readAll(stream));
    await run.flush();
    return c.json(run.result("glucolens-json", null), 200);
  }
  const reader = stream.getReader();
  let parser: StreamParser | null = null;
  const head: Uint8Array[] = [];
  let headBytes = 0;
  await unreadable(async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!parser) {
        head.push(value);
        headBytes += value.length;
        if (headBytes < HEAD_BYTES) continue;
        const bytes = concat(head);
        parser = startParser(options, bytes).parser;
        await addParsed(run, parser.pushBytes(bytes));
        continue;
      }
      await addParsed(run, (parser as StreamParser).pushBytes(value));
    }
    if (!parser) {
      if (!headBytes) throw invalid([{ path: "body", message: "is empty: send the file's bytes" }]);
      const bytes = concat(head);
      parser = startParser(options, bytes).parser;
      await addParsed(run, parser.pushBytes(bytes));
    }
    await addParsed(run, (parser as StreamParser).end());
  });
  await run.flush();
  const p = parser as unknown as StreamParser;
  closeRun(run, p);
  return c.json(run.result(p.format, null), 200);
}
