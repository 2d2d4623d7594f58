import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import type { BuiltAsset } from '../assets.js';

/** The DSFR's files, and the portal's own stylesheet and scripts built at start under hashed names. */
export const staticAssets = fp<{ files: Map<string, BuiltAsset> }>(
  async (app, { files }) => {
    await app.register(fastifyStatic, {
      root: new URL('../../../node_modules/@gouvfr/dsfr/dist/', import.meta.url).pathname,
      prefix: '/assets/dsfr/',
      maxAge: '7d',
      decorateReply: false,
    });
    app.get('/assets/*', (request, reply) => {
      const name = (request.params as { '*': string })['*'];
      const asset = files.get(name);
      if (!asset) return reply.code(404).type('text/plain').send('Not found');
      return reply.type(asset.contentType).header('cache-control', 'public, max-age=31536000, immutable').send(asset.body);
    });
  },
  { name: 'static-assets' },
);
