import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bookingChoices, LineTickets } from './line-tickets.js';

const tickets = new LineTickets('a-secret-of-the-server-32-chars!!');
const clickedAt = Date.now() * 1000;

it('keeps the place of the same booking sent again, its choices in any order', () => {
  const ticket = tickets.issue('ville', 'account-1', bookingChoices('act', ['c1|u1|2027-07-05', 'c2|u1|2027-07-05']), clickedAt);
  assert.equal(tickets.clickedAt('ville', 'account-1', bookingChoices('act', ['c2|u1|2027-07-05', 'c1|u1|2027-07-05']), ticket), clickedAt);
});

it('keeps no place for another booking of the same account: other choices, or the same choices of another activity', () => {
  const ticket = tickets.issue('ville', 'account-1', bookingChoices('act', ['c1|u1|2027-07-05']), clickedAt);
  assert.equal(tickets.clickedAt('ville', 'account-1', bookingChoices('act', ['c1|u1|2027-07-06']), ticket), null);
  assert.equal(tickets.clickedAt('ville', 'account-1', bookingChoices('act', ['c1|u1|2027-07-05', 'c2|u1|2027-07-05']), ticket), null);
  assert.equal(tickets.clickedAt('ville', 'account-1', bookingChoices('other', ['c1|u1|2027-07-05']), ticket), null);
});

it('tells choices apart however their values are cut', () => {
  assert.notEqual(bookingChoices('a', ['b,c']), bookingChoices('a', ['b', 'c']));
  assert.notEqual(bookingChoices('a:b', []), bookingChoices('a', [':b']));
});
