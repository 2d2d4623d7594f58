import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeReturnPath } from './forms.js';

describe('the path a login goes back to', () => {
  it('is a path of this site', () => {
    for (const path of ['/accueil', '/reservations?enfant=1&mois=2026-12', '/mes-factures/abc#lignes', '/recherche?q=a%20b'])
      assert.equal(safeReturnPath(path), path);
  });

  it('is never another site, however the address is disguised', () => {
    for (const path of [
      '//evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r\n/evil.example',
      '/\\evil.example',
      '/\\/evil.example',
      '/ /evil.example',
      '/\u0000/evil.example',
      'https://evil.example/',
      'evil.example',
      '',
      undefined,
      42,
    ]) {
      assert.equal(safeReturnPath(path), null, JSON.stringify(path));
    }
  });
});
