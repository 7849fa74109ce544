import { runProcess } from "../run-process.js";
import type { ProcessCommand, ProcessRunner } from "../types.js";

/** The real runner, recording every command it is asked to start. */
export function countingRunner(): { runner: ProcessRunner; calls: ProcessCommand[] } {
  const calls: ProcessCommand[] = [];
  return {
    calls,
    runner: (command, options) => {
      calls.push(command);
      return runProcess(command, options);
    },
  };
}
