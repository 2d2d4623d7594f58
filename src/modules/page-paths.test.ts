import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PAGES, pagePath } from './page-paths.js';
import { tenantPublicBase } from './tenancy/tenants.js';

describe('the pages emails link to', () => {
  it('fill in the parameters their path names, encoded', () => {
    assert.equal(pagePath(PAGES.requests), '/mes-demandes');
    assert.equal(pagePath(PAGES.invitation, { token: 'abc_-9' }), '/invitation/abc_-9');
    assert.equal(pagePath(PAGES.lottery, { periodId: 'a/b c' }), '/reservations/tirage/a%2Fb%20c');
  });

  it('are found, outside a request, under PUBLIC_URL with the tenant’s path, or at PUBLIC_URL when its host is the tenant’s own', () => {
    assert.equal(tenantPublicBase('https://portail.example.fr', { slug: 'ville', hosts: [] }), 'https://portail.example.fr/ville');
    assert.equal(tenantPublicBase('https://portail.example.fr/', { slug: 'ville', hosts: ['ville.example.fr'] }), 'https://portail.example.fr/ville');
    assert.equal(tenantPublicBase('https://Famille.Ville.fr', { slug: 'ville', hosts: ['famille.ville.fr'] }), 'https://Famille.Ville.fr');
  });
});
