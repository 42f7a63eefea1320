import * as z from 'zod';
import { boolean, problem, readableFile, section } from './values';

const files = {
  ca_file: readableFile().describe(
    "PEM CA certificate(s) the server's certificate must chain to (else the system CAs); read at start, an unreadable file is a config error.",
  ),
  cert_file: readableFile().describe('Client certificate (PEM), for servers that verify clients; with `key_file`.'),
  key_file: readableFile().describe('Key of `cert_file` (PEM); both or neither.'),
};

/** A certificate only with its key. */
function paired<T extends { certFile?: string; keyFile?: string }>(tls: T, ctx: z.RefinementCtx): T {
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    problem(ctx, 'cert_file and key_file go together', [tls.certFile === undefined ? 'cert_file' : 'key_file']);
  }
  return tls;
}

/** `nats.tls`: the files to verify the server with and to present to it. */
export const natsTls = () =>
  section(files).transform(paired).describe('TLS files. Use `tls://` URLs or a server that requires TLS.');

/** A MySQL `tls` block; present (even empty) means every connection is TLS. */
export const mysqlTls = () =>
  section({
    ...files,
    verify: boolean()
      .default(true)
      .describe(
        "Verify the server's certificate and that it names the host of the URL (IP or DNS name). `false` still encrypts but accepts any certificate (no protection against a man in the middle).",
      ),
  }).transform(paired);

/** mysql2 would also take `?ssl={...}` from the URL; both at once would leave which one wins to the driver. */
export function rejectSslQuery(ctx: z.RefinementCtx, url: string, urlKey: string, tlsKey: string): void {
  if (new URL(url).searchParams.has('ssl')) {
    problem(ctx, `has an ssl query parameter and ${tlsKey} is set: configure TLS in ${tlsKey} only`, [urlKey]);
  }
}
