import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPublicHolidayRegion, publicHolidayOn, publicHolidaysBetween, publicHolidaysOfYear, PUBLIC_HOLIDAY_REGIONS } from './public-holidays.js';

describe('public holidays', () => {
  it('knows the national ones, in French and in English', () => {
    assert.deepEqual(publicHolidayOn('2026-07-14', null)?.name, { fr: 'Fête Nationale de la France', en: 'Bastille Day' });
    assert.equal(publicHolidayOn('2027-03-29', null)?.name.fr, 'Lundi de Pâques');
    assert.equal(publicHolidayOn('2027-03-29', null)?.name.en, 'Easter Monday');
    assert.equal(publicHolidayOn('2027-05-06', null)?.name.fr, 'Ascension');
    assert.equal(publicHolidayOn('2027-05-17', null)?.name.fr, 'Lundi de Pentecôte');
    assert.equal(publicHolidayOn('2027-03-30', null), undefined);
  });

  it('counts only public holidays, not observances', () => {
    assert.equal(publicHolidayOn('2027-05-16', null), undefined, 'Pentecôte (a Sunday) is an observance');
    assert.equal(publicHolidayOn('2027-05-30', null), undefined, 'Fête des mères');
    assert.equal(publicHolidayOn('2027-07-21', 'GP'), undefined, 'Victor Schoelcher day is optional');
    assert.equal(publicHolidaysOfYear(2027, null).size, 11);
  });

  it('gives Good Friday and 26 December only in Alsace-Moselle', () => {
    for (const region of ['57', '67', '68']) {
      assert.equal(publicHolidayOn('2027-03-26', region)?.name.fr, 'Vendredi saint', region);
      assert.equal(publicHolidayOn('2027-12-26', region)?.name.fr, 'Lendemain de Noël', region);
    }
    for (const region of [null, '75', '2A']) {
      if (region !== null && !isPublicHolidayRegion(region)) continue;
      assert.equal(publicHolidayOn('2027-03-26', region), undefined);
      assert.equal(publicHolidayOn('2027-12-26', region), undefined);
    }
  });

  it('knows the overseas abolition-of-slavery days', () => {
    assert.equal(publicHolidayOn('2027-12-20', 'RE')?.name.fr, 'Abolition de l’esclavage');
    assert.equal(publicHolidayOn('2027-12-20', null), undefined);
    assert.ok(publicHolidayOn('2027-04-27', 'YT'));
    assert.ok(publicHolidayOn('2027-05-22', 'MQ'));
    assert.ok(publicHolidayOn('2027-05-27', 'GP'));
    assert.ok(publicHolidayOn('2027-06-10', 'GF'));
    assert.ok(publicHolidayOn('2027-09-24', 'NC'));
    assert.ok(publicHolidayOn('2027-07-14', 'PM'));
  });

  it('accepts the documented region codes only', () => {
    for (const code of Object.keys(PUBLIC_HOLIDAY_REGIONS)) assert.ok(publicHolidaysOfYear(2027, code).size >= 11, code);
    assert.ok(isPublicHolidayRegion(null));
    assert.ok(isPublicHolidayRegion('re'));
    assert.ok(!isPublicHolidayRegion('75'));
    assert.throws(() => publicHolidayOn('2027-01-01', 'XX'), /Unknown public holiday region/);
  });

  it('lists the holidays of a range in date order', () => {
    const list = publicHolidaysBetween('2026-12-01', '2027-01-31', '57');
    assert.deepEqual(
      list.map((holiday) => holiday.date),
      ['2026-12-25', '2026-12-26', '2027-01-01'],
    );
  });
});
