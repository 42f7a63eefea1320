const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
/** Query parameters that carry credentials (libpq's `password`, `sslpassword`; common token names). */
const SECRET_PARAMS = new Set(['password', 'sslpassword', 'pass', 'passwd', 'token', 'secret', 'auth_token']);
const MASK = '***';

/**
 * The URL with its password (and credential query parameters such as `?password=`) replaced by
 * `***`, for logs and error messages. A user name is kept. A string that does not parse as a URL
 * is masked conservatively: everything between the first `:` after the scheme and the last `@`.
 */
export function redactUrl(url: string): string {
  if (HAS_SCHEME.test(url)) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed) return redactParsed(url, parsed);
  }
  return redactUnparsed(url);
}

function redactParsed(original: string, url: URL): string {
  // "u:pa/ss@h" parses as host "u", port "pa"... with the password's tail in the path: mask by hand.
  if (misplacedUserinfo(url)) return redactUnparsed(original);
  let changed = false;
  if (url.password) {
    url.password = MASK;
    changed = true;
  }
  for (const key of new Set(url.searchParams.keys())) {
    if (SECRET_PARAMS.has(key.toLowerCase())) {
      url.searchParams.set(key, MASK);
      changed = true;
    }
  }
  return changed ? url.toString() : original;
}

function redactUnparsed(url: string): string {
  const scheme = HAS_SCHEME.exec(url)?.[0] ?? '';
  const rest = url.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  if (at < 0) return url;
  const colon = rest.indexOf(':');
  if (colon < 0 || colon > at) return url;
  return `${scheme}${rest.slice(0, colon)}:${MASK}${rest.slice(at)}`;
}

/** No user info, yet an `@` in the path: a password with an unescaped `/`, `?` or `#` in it. */
function misplacedUserinfo(url: URL): boolean {
  return url.username === '' && url.password === '' && url.pathname.includes('@');
}

/** The problem with a connection URL, or undefined when it is fine. Never contains the password. */
export function urlProblem(
  url: string,
  schemes: readonly string[],
  options: { allowBareHost?: boolean } = {},
): string | undefined {
  const expectedSchemes = orList(schemes.map((scheme) => `${scheme}://`));
  let candidate = url;
  if (!HAS_SCHEME.test(url)) {
    if (!options.allowBareHost) return `expected a ${expectedSchemes} URL`;
    candidate = `${schemes[0]}://${url}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    return `not a valid URL (expected ${expectedSchemes}...)`;
  }
  if (misplacedUserinfo(parsed)) {
    return 'not a valid URL: "@" after the host (percent-encode special characters in the password, e.g. / as %2F)';
  }
  const scheme = parsed.protocol.slice(0, -1).toLowerCase();
  if (!schemes.includes(scheme)) {
    return `expected a ${expectedSchemes} URL, got ${JSON.stringify(redactUrl(url))}`;
  }
  return undefined;
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
