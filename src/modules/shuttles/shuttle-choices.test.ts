import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateShuttleChoice } from './shuttle-choices.js';
import { validateStop, type ShuttleStop } from './shuttle-stops.js';

const STOPS: ShuttleStop[] = [
  { id: 'mairie', name: 'Mairie', morningTime: '07:45', eveningTime: '17:30' },
  { id: 'eglise', name: 'Église', morningTime: '07:55', eveningTime: null },
  { id: 'stade', name: 'Stade', morningTime: null, eveningTime: '17:40' },
];
/** Monday, Tuesday, Thursday, Friday. */
const SCHOOL_DAYS = [1, 2, 4, 5];

describe('a family’s shuttle choice', () => {
  it('keeps a morning and an evening stop on some of the activity’s days, in order', () => {
    assert.deepEqual(validateShuttleChoice({ morningStopId: 'eglise', eveningStopId: 'stade', weekdays: ['4', '1'] }, STOPS, SCHOOL_DAYS), {
      ok: true,
      value: { morningStopId: 'eglise', eveningStopId: 'stade', weekdays: [1, 4] },
    });
  });

  it('takes a morning stop alone, or an evening stop alone', () => {
    assert.deepEqual(validateShuttleChoice({ morningStopId: 'mairie', weekdays: ['2'] }, STOPS, SCHOOL_DAYS), {
      ok: true,
      value: { morningStopId: 'mairie', eveningStopId: null, weekdays: [2] },
    });
    assert.deepEqual(validateShuttleChoice({ morningStopId: '', eveningStopId: 'mairie', weekdays: ['5'] }, STOPS, SCHOOL_DAYS), {
      ok: true,
      value: { morningStopId: null, eveningStopId: 'mairie', weekdays: [5] },
    });
  });

  it('reads no stop as no shuttle, whatever days were left ticked', () => {
    assert.deepEqual(validateShuttleChoice({ morningStopId: '', eveningStopId: '', weekdays: ['1', '2'] }, STOPS, SCHOOL_DAYS), {
      ok: true,
      value: { morningStopId: null, eveningStopId: null, weekdays: [] },
    });
  });

  it('refuses a stop of another activity, and a stop at a time of day it does not serve', () => {
    assert.deepEqual(validateShuttleChoice({ morningStopId: 'elsewhere', weekdays: ['1'] }, STOPS, SCHOOL_DAYS), {
      ok: false,
      errors: { morningStopId: 'choice' },
    });
    assert.deepEqual(validateShuttleChoice({ morningStopId: 'stade', eveningStopId: 'eglise', weekdays: ['1'] }, STOPS, SCHOOL_DAYS), {
      ok: false,
      errors: { morningStopId: 'choice', eveningStopId: 'choice' },
    });
  });

  it('asks for a day when a stop is chosen, and refuses a day the activity is closed', () => {
    assert.deepEqual(validateShuttleChoice({ morningStopId: 'mairie', weekdays: [] }, STOPS, SCHOOL_DAYS), { ok: false, errors: { weekdays: 'weekdaysNone' } });
    assert.deepEqual(validateShuttleChoice({ morningStopId: 'mairie', weekdays: ['3'] }, STOPS, SCHOOL_DAYS), { ok: false, errors: { weekdays: 'choice' } });
    assert.deepEqual(validateShuttleChoice({ morningStopId: 'mairie', weekdays: ['x'] }, STOPS, SCHOOL_DAYS), { ok: false, errors: { weekdays: 'choice' } });
  });
});

describe('a shuttle stop as staff type it', () => {
  it('keeps its name and its times written as the portal writes them', () => {
    assert.deepEqual(validateStop({ name: ' Mairie ', morningTime: '7h45', eveningTime: '' }), {
      ok: true,
      value: { name: 'Mairie', morning_time: '07:45', evening_time: null },
    });
  });

  it('needs a name and at least one of its two times, each a time of day', () => {
    assert.deepEqual(validateStop({ name: '', morningTime: '', eveningTime: '' }), { ok: false, errors: { name: 'required', morningTime: 'required' } });
    assert.deepEqual(validateStop({ name: 'Stade', morningTime: '25:00', eveningTime: '17:40' }), { ok: false, errors: { morningTime: 'time' } });
  });
});
