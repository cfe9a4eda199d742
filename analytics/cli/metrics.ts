import { InputError, type Command } from "./io.ts";

/** Placeholder until the metrics command is implemented. */
export const metrics: Command = () => {
  throw new InputError("command", "metrics is not implemented yet");
};
