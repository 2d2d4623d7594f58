/** The staff's activity form (gestion/activites), filled in as tests need it. */

/** An activity form as staff fill it in: Wednesdays, all year, J-7 at midnight, cancel J-2 at noon. */
export function activityForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    name: 'ALSH mercredis 2026-2027',
    kind: 'alsh_wednesday',
    siteId: '',
    description: 'Accueil de loisirs du mercredi.',
    startsOn: '01/09/2026',
    endsOn: '03/07/2027',
    weekdays: ['3'],
    opening: 'all',
    validationMode: 'automatic',
    waitlistMode: 'offer',
    offerHours: '24',
    requiresEnrollment: 'true',
    documentsRequired: 'Attestation d’assurance',
    bookingType: 'days_before',
    bookingDays: '7',
    bookingTime: '00:00',
    cancelType: 'days_before',
    cancelDays: '2',
    cancelTime: '12:00',
    action: 'save',
    ...overrides,
  };
}
