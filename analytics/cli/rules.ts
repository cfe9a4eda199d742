import { InputError, type Command } from "./io.ts";

/** Placeholder until the rules command is implemented. */
export const rules: Command = () => {
  throw new InputError("command", "rules is not implemented yet");
};
