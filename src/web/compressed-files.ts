import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The stylesheets and scripts every page loads, sent compressed. DSFR's two stylesheets weigh
 * 1.07 MB and hold the first paint: on a phone's slow connection (1.44 Mbit/s) that was 7.8 s before
 * a parent's first page showed; compressed they are 120 KB. Each file is compressed once, when
 * first asked for, in the thread pool rather than on the event loop, and kept in memory: a rush of
 * first visits costs no compression. Brotli where the browser takes it (over https), gzip otherwise.
 */
interface EncodedFile {
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

const gzipped = promisify(gzip);
const brotlied = promisify(brotliCompress);

/** Brotli's quality 9: 70 KB for DSFR's stylesheet in 32 ms, where 11 takes 0.7 s for 61 KB. */
const BROTLI_QUALITY = 9;

async function encode(body: Buffer): Promise<EncodedFile> {
  const [gzipBody, brBody] = await Promise.all([
    gzipped(body, { level: 9 }),
    brotlied(body, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
  ]);
  return { etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`, identity: body, gzip: gzipBody, br: brBody };
}

/** The encodings a request's Accept-Encoding takes (those not refused with q=0). */
function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...parameters] = part.trim().toLowerCase().split(';');
    const refused = parameters.some((parameter) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(parameter));
    if (name && !refused) accepted.add(name);
  }
  return accepted;
}

/** Files read once and sent in the best encoding each browser takes, with an ETag for revalidation. */
export class CompressedFiles {
  private readonly encoded = new Map<string, Promise<EncodedFile>>();

  /** Sends `read()`'s content under `name` (compressed the first time only). */
  async send(request: FastifyRequest, reply: FastifyReply, name: string, read: () => Buffer, headers: { contentType: string; cacheControl: string }) {
    let file = this.encoded.get(name);
    if (!file) {
      file = encode(read());
      this.encoded.set(name, file);
      // A compression that failed is tried again at the next request rather than kept.
      file.catch(() => this.encoded.delete(name));
    }
    const { etag, ...bodies } = await file;
    reply.type(headers.contentType).header('cache-control', headers.cacheControl).header('etag', etag).header('vary', 'accept-encoding');
    const known = request.headers['if-none-match']?.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    if (known?.includes(etag)) return reply.code(304).send();
    const accepted = acceptedEncodings(request.headers['accept-encoding']);
    const encoding = accepted.has('br') ? 'br' : accepted.has('gzip') ? 'gzip' : 'identity';
    if (encoding !== 'identity') reply.header('content-encoding', encoding);
    return reply.send(bodies[encoding]);
  }
}
