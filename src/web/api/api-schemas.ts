import type { CalendarClosedReason } from '../../modules/bookings/booking-calendar.js';
import type { RefusalReason } from '../../modules/bookings/booking-requests.js';
import { BOOKING_STATUSES } from '../../modules/bookings/booking-states.js';

/**
 * The JSON schemas of the families' API. The routes validate their input and serialise their
 * answers with them, and @fastify/swagger builds /api/openapi.json from the same objects: the
 * document cannot drift from what the routes do.
 */

export const REFUSAL_REASONS = [
  'outside_activity',
  'weekday',
  'school_holiday',
  'not_holiday',
  'public_holiday',
  'closure',
  'unknown_unit',
  'not_your_child',
  'not_enrolled',
  'enrollment_pending',
  'no_open_period',
  'period_not_open',
  'period_closed',
  'lottery_period',
  'deadline_passed',
  'unit_conflict',
  'needs_waiting_unit',
  'school_year_unknown',
] as const satisfies readonly RefusalReason[];
// A reason added to the booking rules must be added above (and so to the document): the compiler says so.
const everyReasonListed: [Exclude<RefusalReason, (typeof REFUSAL_REASONS)[number]>] extends [never] ? true : false = true;
void everyReasonListed;

/** A calendar box may also be closed ahead of a refusal: the unit cannot join what the child holds that day. */
export const CALENDAR_CLOSED_REASONS = [...REFUSAL_REASONS, 'conflicts_with_booked'] as const satisfies readonly CalendarClosedReason[];

/** The most days one calendar or booking list answers at once. */
export const MAX_CALENDAR_DAYS = 93;
export const MAX_LIST_DAYS = 366;

const id = { type: 'string', format: 'uuid' } as const;
const day = { type: 'string', format: 'date', description: 'A calendar date, YYYY-MM-DD.', examples: ['2026-12-02'] } as const;
const instant = { type: 'string', format: 'date-time' } as const;
const text = { type: 'string' } as const;
const bookingStatus = { type: 'string', enum: [...BOOKING_STATUSES] } as const;

export const bearer = [{ bearer: [] }];

/** The one shape of every error: a stable code for programs, a message in the request's language. */
export const apiErrorSchema = {
  $id: 'ApiError',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable, in English: invalid_request, unauthorized, not_found, rate_limited, period_not_open…' },
        message: { type: 'string', description: 'For people, in the language of the request (?lang=, then Accept-Language; French by default).' },
        fields: {
          type: 'array',
          description: 'With invalid_request: each field in error, with its own message.',
          items: {
            type: 'object',
            required: ['field', 'code', 'message'],
            properties: { field: text, code: text, message: text },
          },
        },
        challenge: {
          type: 'object',
          description:
            'With altcha_required, and with invalid_credentials when the next attempt needs it: the ALTCHA proof-of-work challenge to solve and send back with the login as `altcha`.',
          additionalProperties: true,
        },
        line: {
          type: 'object',
          description:
            'With unavailable, for a booking turned away under a rush: send the same request again with `ticket` after `retryAfterSeconds`; it keeps the place of the first attempt (`place`: its rank among the requests turned away, 1 being next), and is served before later ones.',
          required: ['ticket', 'place', 'retryAfterSeconds'],
          properties: { ticket: text, place: { type: 'integer' }, retryAfterSeconds: { type: 'integer' } },
        },
      },
    },
  },
} as const;

const errorRef = { $ref: 'ApiError#' } as const;

/** Documented error answers of a route, all with the error shape. */
export function errors(...statuses: number[]): Record<number, { description: string; $ref: string }> {
  const descriptions: Record<number, string> = {
    400: 'Invalid request: `fields` lists each field in error.',
    401: 'No valid bearer token (a session cookie is not accepted), or wrong email or password.',
    403: 'Refused: anti-robot proof of work required (solve `challenge`), temporary password to change, or not a family account.',
    404: 'Unknown, or belonging to another household.',
    413: 'The body is larger than the largest file allowed.',
    409: 'Refused as the booking stands: `code` says why (a cancellation past its deadline, a place offered no longer confirmable…).',
    429: 'Too many requests, or too many failed logins from this address: wait for `Retry-After` seconds.',
    503: 'Too many bookings at this very moment: nothing was booked; send the same request again after `Retry-After` seconds, with the `ticket` of `error.line` (it keeps the first attempt’s place).',
  };
  return Object.fromEntries(statuses.map((status) => [status, { description: descriptions[status] ?? 'Error', ...errorRef }]));
}

// --- session ------------------------------------------------------------------------------------

export const loginBody = {
  type: 'object',
  required: ['email', 'password'],
  properties: {
    email: { type: 'string', minLength: 1, maxLength: 254, examples: ['parent@example.fr'] },
    password: { type: 'string', minLength: 1, maxLength: 200 },
    altcha: {
      type: 'string',
      maxLength: 4000,
      description: 'Once failures were counted: base64 of the JSON `{challenge, solution}`, the solved `challenge` of the previous error.',
    },
  },
} as const;

export const sessionCreated = {
  description: 'Logged in: send `Authorization: Bearer <token>` with every other call.',
  type: 'object',
  required: ['token', 'tokenType', 'expiresAt', 'account'],
  properties: {
    token: { type: 'string', description: 'Shown once; only its hash is kept by the server.' },
    tokenType: { type: 'string', const: 'Bearer' },
    expiresAt: { ...instant, description: 'The token also ends after 7 days without use, at logout and at a password change.' },
    account: {
      type: 'object',
      required: ['id', 'displayName', 'householdId'],
      properties: { id, displayName: text, householdId: id },
    },
  },
} as const;

// --- me -----------------------------------------------------------------------------------------

export const child = {
  type: 'object',
  required: ['id', 'firstName', 'lastName', 'birthDate', 'school', 'classLevel'],
  properties: {
    id,
    firstName: text,
    lastName: text,
    birthDate: { type: ['string', 'null'], format: 'date' },
    school: { type: ['string', 'null'] },
    classLevel: { type: ['string', 'null'] },
  },
} as const;

export const meResponse = {
  description: 'The signed-in guardian, the household, its children and the amount still due.',
  type: 'object',
  required: ['account', 'household', 'children', 'amountDue'],
  properties: {
    account: { type: 'object', required: ['id', 'displayName', 'email'], properties: { id, displayName: text, email: text } },
    household: { type: 'object', required: ['id', 'name', 'familyNumber'], properties: { id, name: text, familyNumber: text } },
    children: { type: 'array', items: child },
    amountDue: {
      type: 'object',
      required: ['cents', 'text'],
      description: 'Restant dû: in cents, and formatted in the request’s language.',
      properties: { cents: { type: 'integer' }, text: { type: 'string', examples: ['54,00 €'] } },
    },
  },
} as const;

// --- activities ---------------------------------------------------------------------------------

export const activitiesResponse = {
  description: 'The activities the household can book: enrolled in, or open without enrolment.',
  type: 'object',
  required: ['activities'],
  properties: {
    activities: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'startsOn', 'endsOn', 'units', 'periods'],
        properties: {
          id,
          name: text,
          startsOn: day,
          endsOn: day,
          units: {
            type: 'array',
            description: 'What can be booked for one day (morning, meal, whole day…).',
            items: { type: 'object', required: ['id', 'name', 'code'], properties: { id, name: text, code: text } },
          },
          periods: {
            type: 'array',
            description: 'Booking periods; without any, days can be booked up to each unit’s deadline.',
            items: {
              type: 'object',
              required: ['id', 'name', 'firstDay', 'lastDay', 'opensAt', 'closesAt', 'allocation', 'state'],
              properties: {
                id,
                name: text,
                firstDay: day,
                lastDay: day,
                opensAt: instant,
                closesAt: instant,
                allocation: { type: 'string', enum: ['first_come', 'lottery'] },
                state: { type: 'string', enum: ['upcoming', 'open', 'closed'], description: 'Whether families can book in it now.' },
              },
            },
          },
        },
      },
    },
  },
} as const;

export const activityParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { ...id, description: 'The activity.' } },
} as const;

export const calendarQuery = {
  type: 'object',
  required: ['from', 'to'],
  properties: {
    children: { type: 'array', items: id, maxItems: 20, description: 'Children of the household (repeat the parameter); all of them when left out.' },
    from: day,
    to: { ...day, description: `Last day, at most ${MAX_CALENDAR_DAYS} days after from.` },
  },
} as const;

const bookedCell = {
  type: 'object',
  required: ['unitId', 'state', 'bookingId', 'status', 'statusText', 'rank'],
  properties: {
    unitId: id,
    state: { type: 'string', const: 'booked' },
    bookingId: id,
    status: bookingStatus,
    statusText: text,
    rank: { type: ['integer', 'null'], description: 'Rank on the waiting list.' },
  },
} as const;

const closedCell = {
  type: 'object',
  required: ['unitId', 'state', 'reason', 'reasonText'],
  properties: {
    unitId: id,
    state: { type: 'string', const: 'closed' },
    reason: { type: 'string', enum: [...CALENDAR_CLOSED_REASONS] },
    reasonText: { ...text, description: 'The reason in the asked language; for conflicts_with_booked, naming the units that bar this one.' },
    conflictsWith: { type: 'array', items: id, description: 'With conflicts_with_booked only: the units held that day that bar this one.' },
  },
} as const;

const openCell = {
  type: 'object',
  required: ['unitId', 'state', 'deadline', 'placesLeft', 'full'],
  properties: {
    unitId: id,
    state: { type: 'string', const: 'open' },
    deadline: { ...instant, description: 'Bookable until then.' },
    placesLeft: { type: ['integer', 'null'], description: 'Null when places are not limited. At 0 a booking goes on the waiting list.' },
    full: { type: 'boolean' },
  },
} as const;

export const calendarResponse = {
  description: 'Per child and day, the state of each unit: booked, closed (with the reason), or open.',
  type: 'object',
  required: ['activity', 'from', 'to', 'children'],
  properties: {
    activity: { type: 'object', required: ['id', 'name'], properties: { id, name: text } },
    from: day,
    to: day,
    children: {
      type: 'array',
      items: {
        type: 'object',
        required: ['childId', 'name', 'enrollment', 'days'],
        properties: {
          childId: id,
          name: text,
          enrollment: { type: 'string', enum: ['accepted', 'pending', 'none'] },
          days: {
            type: 'array',
            description: 'Days the activity never opens (another weekday, outside its dates) are left out.',
            items: {
              type: 'object',
              required: ['day', 'weekday', 'units'],
              properties: {
                day,
                weekday: { type: 'integer', minimum: 1, maximum: 7, description: 'ISO weekday, 1 = Monday.' },
                units: { type: 'array', items: { oneOf: [bookedCell, closedCell, openCell] } },
              },
            },
          },
        },
      },
    },
  },
} as const;

// --- bookings -----------------------------------------------------------------------------------

export const bookingBody = {
  type: 'object',
  required: ['activityId', 'choices'],
  properties: {
    activityId: id,
    ticket: {
      type: 'string',
      maxLength: 200,
      description: 'When sending again a booking turned away under a rush: the `ticket` of its 503 answer (`error.line`), which keeps its place in line.',
    },
    choices: {
      type: 'array',
      minItems: 1,
      maxItems: 500,
      items: {
        type: 'object',
        required: ['childId', 'unitId', 'day'],
        properties: { childId: id, unitId: id, day },
      },
    },
  },
} as const;

const choiceFields = { childId: id, unitId: id, day } as const;
const outcomeOf = (outcome: string, extra: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  required: ['childId', 'unitId', 'day', 'outcome', ...required],
  properties: { ...choiceFields, outcome: { type: 'string', const: outcome }, ...extra },
});

/** A choice refused, with the booking rules' reason and its text in the asked language. */
const refusedOutcome = outcomeOf('refused', { reason: { type: 'string', enum: [...REFUSAL_REASONS] }, reasonText: text }, ['reason', 'reasonText']);

/** One answer per choice, in the order asked, each one of `outcomes`. */
const answerPerChoice = (description: string, outcomes: object[]) => ({
  description,
  type: 'object',
  required: ['results'],
  properties: { results: { type: 'array', items: { oneOf: outcomes } } },
});

export const bookingResponse = answerPerChoice('One answer per choice, each on its own: a refused choice does not stop the others.', [
  outcomeOf('reserved', { bookingId: id }, ['bookingId']),
  outcomeOf('requested', { bookingId: id }, ['bookingId']),
  // An activity paid at booking: the place is held in the household's basket until paid (or expiry).
  outcomeOf('awaiting_payment', { bookingId: id, expiresAt: { type: 'string', format: 'date-time' } }, ['bookingId', 'expiresAt']),
  outcomeOf('waitlisted', { bookingId: id, rank: { type: 'integer', minimum: 1 } }, ['bookingId', 'rank']),
  outcomeOf('already', { bookingId: id, status: bookingStatus }, ['bookingId', 'status']),
  refusedOutcome,
]);

export const applicationParams = {
  type: 'object',
  required: ['id', 'periodId'],
  properties: { id: { ...id, description: 'The activity.' }, periodId: { ...id, description: 'One of its booking periods allocated by lottery.' } },
} as const;

export const applicationBody = {
  type: 'object',
  required: ['choices'],
  properties: { choices: bookingBody.properties.choices },
} as const;

export const applicationResponse = answerPerChoice(
  'One answer per choice: applied (it takes part in the draw), already (applied before), or refused with the reason.',
  [outcomeOf('applied', {}, []), outcomeOf('already', {}, []), refusedOutcome],
);

export const bookingParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { ...id, description: 'The booking.' } },
} as const;

export const confirmResponse = {
  description: 'The offered place is the child’s: the booking is reserved.',
  type: 'object',
  required: ['outcome', 'status', 'statusText'],
  properties: {
    outcome: { type: 'string', enum: ['confirmed'] },
    status: { type: 'string', enum: ['reserved'] },
    statusText: { ...text, description: 'The booking’s new status, in the asked language.' },
  },
} as const;

const cancelOutcome = { type: 'string', enum: ['cancelled', 'cancel_requested'] } as const;

export const cancelResponse = {
  description: 'Cancelled (the place is freed at once), or cancellation asked where the service validates.',
  type: 'object',
  required: ['outcome', 'message'],
  properties: {
    outcome: cancelOutcome,
    message: { ...text, description: 'What happened, in the asked language, naming the units cancelled with it.' },
    dependents: {
      description: 'Present when bookings of the same child and day needed this one and went with it.',
      type: 'array',
      items: {
        type: 'object',
        required: ['bookingId', 'unitId', 'unitName', 'outcome', 'otherHousehold'],
        properties: {
          bookingId: id,
          unitId: id,
          unitName: text,
          outcome: cancelOutcome,
          otherHousehold: { type: 'boolean', description: 'Booked by the child’s other household (separated parents), which is told by email; not billed.' },
        },
      },
    },
  },
} as const;

export const bookingsQuery = {
  type: 'object',
  properties: {
    from: { ...day, description: 'First day; today (in the authority’s time zone) when left out.' },
    to: { ...day, description: `Last day; 92 days after from when left out; at most ${MAX_LIST_DAYS} days after from.` },
  },
} as const;

export const bookingsResponse = {
  description: 'The household’s bookings over the days asked (cancelled ones left out), with their state.',
  type: 'object',
  required: ['from', 'to', 'bookings'],
  properties: {
    from: day,
    to: day,
    bookings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'childId', 'activityId', 'activityName', 'unitId', 'unitName', 'day', 'status', 'statusText', 'rank', 'offerExpiresAt', 'reason'],
        properties: {
          id,
          childId: id,
          activityId: id,
          activityName: text,
          unitId: id,
          unitName: text,
          day,
          status: bookingStatus,
          statusText: text,
          rank: { type: ['integer', 'null'] },
          offerExpiresAt: {
            type: ['string', 'null'],
            format: 'date-time',
            description: 'A place offered from the waiting list must be confirmed before then (POST /api/v1/bookings/{id}/confirmation, or on the website).',
          },
          reason: { type: ['string', 'null'], description: 'Why the service refused it, in its own words.' },
        },
      },
    },
  },
} as const;
