import { addCapacityPool, addGroup, addUnit, createActivity, setUnitRelations } from '../modules/activities/activity-setup.js';
import { saveStop } from '../modules/shuttles/shuttle-stops.js';
import { requestEnrollment } from '../modules/bookings/enrollments.js';
import type { Scope } from '../modules/scope.js';

interface DemoChild {
  householdId: string;
  childId: string;
  /** Age group: 'maternelle' (3–5) or 'elementaire' (6–11). */
  level: 'maternelle' | 'elementaire';
}

/**
 * The demo authority's services for the current school year, set up as a real one would be: the
 * canteen with its places per level (as in the guides: 35 in maternelle, 64 in élémentaire),
 * before/after-school care, Wednesdays at the leisure centre with its day/half-day/meal rules,
 * and the holiday leisure centre (open only on school holidays, which come from the ministry's
 * calendar). The demo children are enrolled.
 */
export interface DemoUnits {
  canteen: { activity: string; meal: string };
  periscolaire: { activity: string; morning: string; evening: string };
  wednesdays: { activity: string; day: string; morning: string; afternoon: string; lunch: string };
  holidays: { activity: string; day: string };
}

export async function seedDemoActivities(
  scope: Scope,
  sites: { school: string; centre: string },
  year: { start: number; end: number },
  children: DemoChild[],
): Promise<DemoUnits> {
  const label = `${year.start}-${year.end}`;
  const dates = { starts_on: `${year.start}-09-01`, ends_on: `${year.end}-07-04` };
  const twoWorkingDays = { type: 'days_before', days: 2, time: '10:00', workingDays: true } as const;

  const canteen = await createActivity(scope, {
    name: `Restauration scolaire ${label}`,
    kind: 'canteen',
    site_id: sites.school,
    ...dates,
    weekdays: [1, 2, 4, 5],
    opening: 'school_days',
    booking_deadline: twoWorkingDays,
    cancellation_deadline: twoWorkingDays,
    description: 'Repas du midi à l’école Jules-Ferry.',
  });
  const canteenGroups = {
    maternelle: await addGroup(scope, { activity_id: canteen, name: 'Maternelle', min_age: 3, max_age: 5, position: 0 }),
    elementaire: await addGroup(scope, { activity_id: canteen, name: 'Élémentaire', min_age: 6, max_age: 11, position: 1 }),
  };
  const meal = await addUnit(scope, { activity_id: canteen, name: 'Repas', code: 'R' });
  await addCapacityPool(scope, { activity_id: canteen, group_id: canteenGroups.maternelle, unit_ids: [meal], places: 35 });
  await addCapacityPool(scope, { activity_id: canteen, group_id: canteenGroups.elementaire, unit_ids: [meal], places: 64 });

  const periscolaire = await createActivity(scope, {
    name: `Accueil périscolaire matin et soir ${label}`,
    kind: 'periscolaire',
    site_id: sites.school,
    ...dates,
    weekdays: [1, 2, 4, 5],
    opening: 'school_days',
    booking_deadline: { type: 'weekday_before', weekday: 4, time: '12:00' },
    cancellation_deadline: { type: 'weekday_before', weekday: 4, time: '12:00' },
    description: 'Garderie du matin (7 h 30 – 8 h 20) et du soir (16 h 30 – 18 h 30).',
  });
  const periMorning = await addUnit(scope, { activity_id: periscolaire, name: 'Matin', code: 'M', position: 0 });
  const periEvening = await addUnit(scope, { activity_id: periscolaire, name: 'Soir', code: 'S', position: 1 });

  const wednesdays = await createActivity(scope, {
    name: `Accueil de loisirs — mercredis ${label}`,
    kind: 'alsh_wednesday',
    site_id: sites.centre,
    ...dates,
    weekdays: [3],
    opening: 'school_days',
    booking_deadline: { type: 'days_before', days: 7, time: '00:00' },
    cancellation_deadline: { type: 'days_before', days: 2, time: '12:00' },
    documents_required: 'L’attestation d’assurance doit nommer l’enfant et couvrir les activités extrascolaires.',
  });
  const wednesdayGroups = {
    maternelle: await addGroup(scope, { activity_id: wednesdays, name: '3-5 ans', min_age: 3, max_age: 5, position: 0 }),
    elementaire: await addGroup(scope, { activity_id: wednesdays, name: '6-11 ans', min_age: 6, max_age: 11, position: 1 }),
  };
  const day = await addUnit(scope, { activity_id: wednesdays, name: 'Journée', code: 'J', position: 0 });
  const morning = await addUnit(scope, { activity_id: wednesdays, name: 'Matin', code: 'M', position: 1 });
  const afternoon = await addUnit(scope, { activity_id: wednesdays, name: 'Après-midi', code: 'A', position: 2 });
  const lunch = await addUnit(scope, { activity_id: wednesdays, name: 'Repas', code: 'R', position: 3 });
  await setUnitRelations(scope, day, { excludes: [morning, afternoon], requiresAny: [] });
  await setUnitRelations(scope, lunch, { excludes: [], requiresAny: [day, morning] });
  await addCapacityPool(scope, { activity_id: wednesdays, group_id: wednesdayGroups.maternelle, unit_ids: [day, morning], places: 16 });
  await addCapacityPool(scope, { activity_id: wednesdays, group_id: wednesdayGroups.elementaire, unit_ids: [day, morning], places: 24 });
  // The Wednesdays' shuttle (navette), whose stops families choose on their child's inscription.
  await saveStop(scope, wednesdays, null, { name: 'Place de la Mairie', morningTime: '07:45', eveningTime: '17:30' });
  await saveStop(scope, wednesdays, null, { name: 'École Jules-Ferry', morningTime: '08:00', eveningTime: '17:15' });

  const holidays = await createActivity(scope, {
    name: `Accueil de loisirs — vacances ${label}`,
    kind: 'alsh_holidays',
    site_id: sites.centre,
    ...dates,
    weekdays: [1, 2, 3, 4, 5],
    opening: 'holidays',
    booking_deadline: { type: 'days_before', days: 14, time: '00:00' },
    cancellation_deadline: { type: 'days_before', days: 7, time: '00:00' },
  });
  const holidayDay = await addUnit(scope, { activity_id: holidays, name: 'Journée', code: 'J', position: 0 });
  await addCapacityPool(scope, { activity_id: holidays, group_id: null, unit_ids: [holidayDay], places: 40 });

  for (const child of children) {
    await requestEnrollment(scope, { householdId: child.householdId, childId: child.childId, activityId: canteen, groupId: canteenGroups[child.level] });
    await requestEnrollment(scope, { householdId: child.householdId, childId: child.childId, activityId: periscolaire });
    await requestEnrollment(scope, { householdId: child.householdId, childId: child.childId, activityId: wednesdays, groupId: wednesdayGroups[child.level] });
  }
  return {
    canteen: { activity: canteen, meal },
    periscolaire: { activity: periscolaire, morning: periMorning, evening: periEvening },
    wednesdays: { activity: wednesdays, day, morning, afternoon, lunch },
    holidays: { activity: holidays, day: holidayDay },
  };
}
