import { InputError, type Command } from "./io.ts";

/** Placeholder until the pcmci command is implemented. */
export const pcmci: Command = () => {
  throw new InputError("command", "pcmci is not implemented yet");
};
