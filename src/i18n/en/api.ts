import type { api as fr } from '../fr/api.js';

export const api = {
  'api.error.unauthorized': 'Log in first: send the token returned by POST /api/v1/session in the “Authorization: Bearer …” header.',
  'api.error.familyOnly': 'This interface is for family accounts only.',
  'api.error.passwordChange': 'Your password is temporary: change it on the portal’s website first.',
  'api.error.notFound': 'Not found: this item does not exist or is not yours.',
  'api.error.invalid': 'The request has errors: correct the fields listed.',
  'api.error.malformed': 'The request cannot be read: send a valid JSON body.',
  'api.error.queued':
    'The service is very busy right now and nothing was booked. Your request keeps its place (number {place} in the queue): send it again with its ticket in {seconds} s.',
  'api.error.unavailable': 'The service is very busy right now. Try again in {seconds} seconds.',
  'api.error.notLottery': 'This period is not allocated by lottery: book its days with POST /api/v1/bookings.',
  'api.field.invalid': 'This value is not valid.',
  'api.field.date': 'Enter a date in the YYYY-MM-DD format, for example 2026-12-02.',
  'api.field.identifier': 'This identifier is not valid.',
  'api.field.count': 'The number of items is outside the allowed limits.',
  'api.field.range': 'The period must end after it starts and last at most {days} days.',
  'api.field.unknown': 'This field is not expected.',
} satisfies Record<keyof typeof fr, string>;
