import assert from 'node:assert/strict';
import { it } from 'node:test';
import { localDate } from './local-date.js';

it('gives the authority’s own date, not the server’s', () => {
  const lateEvening = new Date('2026-11-23T23:30:00Z');
  assert.equal(localDate(lateEvening, 'Europe/Paris'), '2026-11-24');
  assert.equal(localDate(lateEvening, 'America/Miquelon'), '2026-11-23');
  assert.equal(localDate(lateEvening, 'Indian/Reunion'), '2026-11-24');
});
