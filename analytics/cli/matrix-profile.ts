import { InputError, type Command } from "./io.ts";

/** Placeholder until the matrix-profile command is implemented. */
export const matrixProfile: Command = () => {
  throw new InputError("command", "matrix-profile is not implemented yet");
};
