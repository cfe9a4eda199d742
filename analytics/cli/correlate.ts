import { InputError, type Command } from "./io.ts";

/** Placeholder until the correlate command is implemented. */
export const correlate: Command = () => {
  throw new InputError("command", "correlate is not implemented yet");
};
