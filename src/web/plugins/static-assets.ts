import { readFileSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import type { BuiltAsset } from '../assets.js';
import { CompressedFiles } from '../compressed-files.js';
import { DSFR_PAGE_FILES, DSFR_PREFIX } from '../dsfr-files.js';

const DSFR_DIR = new URL('../../../node_modules/@gouvfr/dsfr/dist/', import.meta.url).pathname;

/**
 * The DSFR's files, and the portal's own stylesheet and scripts built at start under hashed names.
 * Those every page loads go compressed; the rest of DSFR (icons, fonts) as they are.
 */
export const staticAssets = fp<{ files: Map<string, BuiltAsset> }>(
  async (app, { files }) => {
    const compressed = new CompressedFiles();
    for (const { path, contentType, href } of Object.values(DSFR_PAGE_FILES)) {
      app.get(href, (request, reply) =>
        compressed.send(request, reply, `dsfr/${path}`, () => readFileSync(`${DSFR_DIR}${path}`), { contentType, cacheControl: 'public, max-age=604800' }),
      );
    }
    await app.register(fastifyStatic, { root: DSFR_DIR, prefix: DSFR_PREFIX, maxAge: '7d', decorateReply: false });
    app.get('/assets/*', (request, reply) => {
      const name = (request.params as { '*': string })['*'];
      const asset = files.get(name);
      if (!asset) return reply.code(404).type('text/plain').send('Not found');
      return compressed.send(request, reply, name, () => asset.body, {
        contentType: asset.contentType,
        cacheControl: 'public, max-age=31536000, immutable',
      });
    });
  },
  { name: 'static-assets' },
);
