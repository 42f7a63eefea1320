import type * as z from 'zod';
import { indexPath, keyPath } from './context';
import { configError, type ConfigError } from './error';

interface Problem {
  path: PropertyKey[];
  message: string;
}

/**
 * The one ConfigError for a failed parse: "config error: <file>: <path>: <problem>". The schema's
 * pieces give their issues the config's own messages (values.ts); this picks the one to report.
 * A misspelt key is reported before anything else, so it is never reported as a missing one.
 */
export function configErrorOf(error: z.ZodError, file: string): ConfigError {
  const { path, message } = choose(error.issues);
  return configError(file, formatPath(path) || 'top level', message);
}

function choose(issues: readonly z.core.$ZodIssue[]): Problem {
  const issue = issues.find((candidate) => candidate.code === 'unrecognized_keys') ?? issues[0];
  if (issue.code === 'unrecognized_keys') return { path: [...issue.path, issue.keys[0]], message: issue.message };
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // The alternative whose type the value has (a mapping for a long-form table entry) says what is wrong.
    const typed = issue.errors.filter(
      (branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
    );
    if (typed.length === 1) {
      const inner = choose(typed[0]);
      return { path: [...issue.path, ...inner.path], message: inner.message };
    }
  }
  return { path: issue.path, message: issue.message };
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) text = typeof part === 'number' ? indexPath(text, part) : keyPath(text, String(part));
  return text;
}
