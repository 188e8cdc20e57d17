/**
 * How the CLI writes for a person: colour only on a terminal and never when
 * NO_COLOR is set (https://no-color.org), FORCE_COLOR forcing it on
 * elsewhere; progress on stderr, so stdout stays the command's output.
 */
export function colourOn(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/** An error line for stderr, red where colour is on. */
export function errorLine(message: string): string {
  const line = message.startsWith('opencashier') ? message : `opencashier: ${message}`;
  return colourOn() ? `\u001b[31m${line}\u001b[39m` : line;
}

/** One line of progress of long work, on stderr. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
