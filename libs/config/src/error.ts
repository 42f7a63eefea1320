/** The one error type of this library. Its message is always a single line starting with "config error: ". */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    message: string,
    /** The file label the error is about, when known. */
    readonly file?: string,
    /** The dotted path inside the file (`sources[0].slot`), when the error is about one value. */
    readonly path?: string,
  ) {
    super(oneLine(message));
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** Builds "config error: <file>: <path>: <problem>" (parts that are empty are left out). */
export function configError(file: string | undefined, path: string | undefined, problem: string): ConfigError {
  const parts = ['config error'];
  if (file) parts.push(file);
  if (path) parts.push(path);
  parts.push(problem);
  return new ConfigError(parts.join(': '), file, path);
}
