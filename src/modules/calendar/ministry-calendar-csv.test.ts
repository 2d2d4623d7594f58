import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ministryZoneLabel, normalizeZone, officialDay, parseCsv, parseMinistryCalendar, periodsOfZone } from './ministry-calendar-csv.js';

const sample = readFileSync(new URL('./test-fixtures/fr-en-calendrier-scolaire.sample.csv', import.meta.url), 'utf8');

function parsed(text: string) {
  const calendar = parseMinistryCalendar(text);
  if (!calendar.ok) throw new Error(`not parsed: ${calendar.error}`);
  return calendar;
}

describe('the ministry’s school calendar file', () => {
  it('turns each period into days off, the day classes resume excluded', () => {
    const calendar = parsed(sample);
    const zoneA = periodsOfZone(calendar, 'Zone A').map(({ name, firstDay, lastDay, schoolYear }) => [name, firstDay, lastDay, schoolYear]);
    assert.deepEqual(zoneA, [
      ['Vacances de la Toussaint', '2025-10-18', '2025-11-02', 2025],
      ['Vacances de Noël', '2025-12-20', '2026-01-04', 2025],
      ["Vacances d'Hiver", '2026-02-07', '2026-02-22', 2025],
      ['Vacances de Printemps', '2026-04-04', '2026-04-19', 2025],
      // Classes stop on Wednesday 13 May: Thursday (Ascension) is the first day off.
      ["Pont de l'Ascension", '2026-05-14', '2026-05-17', 2025],
      ["Vacances d'Été", '2026-07-04', '2026-08-31', 2025],
      ['Vacances de la Toussaint', '2026-10-17', '2026-11-01', 2026],
    ]);
  });

  it('ignores the teachers’ rows, keeps each period once, and reports bad rows', () => {
    const calendar = parsed(sample);
    assert.equal(calendar.teacherRows, 2);
    assert.deepEqual(calendar.skipped, [{ line: 9, reason: 'date' }]);
    assert.equal(periodsOfZone(calendar, 'zone a').filter((period) => period.name === 'Vacances de la Toussaint').length, 2);
    assert.deepEqual(calendar.zones, ['Guadeloupe', 'Nouvelle Calédonie', 'Zone A', 'Zone B']);
    assert.deepEqual(
      periodsOfZone(calendar, 'Zone B').map((period) => [period.firstDay, period.lastDay]),
      [['2025-10-18', '2025-11-02']],
    );
  });

  it('reads overseas midnights as their own day', () => {
    const calendar = parsed(sample);
    assert.deepEqual(
      periodsOfZone(calendar, 'Guadeloupe').map((period) => [period.firstDay, period.lastDay]),
      [['2026-02-14', '2026-02-22']],
    );
    assert.deepEqual(
      periodsOfZone(calendar, 'Nouvelle Calédonie').map((period) => [period.firstDay, period.lastDay]),
      [['2026-04-11', '2026-04-26']],
    );
  });

  it('accepts the columns in any order, the French labels, CRLF and a BOM', () => {
    const text = '\uFEFFZones;Date de fin;Description;Date de début;Population\r\nZone C;2025-11-03;Vacances de la Toussaint;2025-10-18;-\r\n';
    const calendar = parsed(text);
    assert.deepEqual(
      calendar.periods.map(({ zones, name, firstDay, lastDay }) => [zones, name, firstDay, lastDay]),
      [['Zone C', 'Vacances de la Toussaint', '2025-10-18', '2025-11-02']],
    );
  });

  it('says which columns are missing, or that the file is empty', () => {
    assert.deepEqual(parseMinistryCalendar('description;start_date\nNoël;2025-12-20\n'), { ok: false, error: 'columns', missing: ['end_date', 'zones'] });
    assert.deepEqual(parseMinistryCalendar(''), { ok: false, error: 'empty', missing: [] });
  });

  it('ends a summer without a published end date on 31 August', () => {
    const calendar = parsed(
      "description;start_date;end_date;zones\nVacances d'Été;2027-07-03T22:00:00+00:00;;Zone B\nVacances de Noël;2027-12-17T23:00:00+00:00;;Zone B\n",
    );
    assert.deepEqual(
      calendar.periods.map((period) => [period.firstDay, period.lastDay, period.schoolYear]),
      [['2027-07-04', '2027-08-31', 2026]],
    );
    assert.equal(calendar.skipped.length, 1);
  });

  it('reads the dates as written in the dataset', () => {
    assert.equal(officialDay('2025-10-17T22:00:00+00:00'), '2025-10-18');
    assert.equal(officialDay('2025-10-18T00:00:00+02:00'), '2025-10-18');
    assert.equal(officialDay('2025-10-18T00:00:00+0200'), '2025-10-18');
    assert.equal(officialDay('2025-10-18'), '2025-10-18');
    assert.equal(officialDay('18/10/2025'), '2025-10-18');
    assert.equal(officialDay('2025-02-30'), null);
    assert.equal(officialDay('demain'), null);
  });

  it('parses quoted cells with separators, quotes and line breaks', () => {
    assert.deepEqual(parseCsv('a;b\n"x;y";"il dit ""oui""\net non"\n'), [
      ['a', 'b'],
      ['x;y', 'il dit "oui"\net non'],
    ]);
    assert.deepEqual(parseCsv('a,b\n1,2'), [
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('names zones the way the file and the tenants do', () => {
    assert.equal(normalizeZone(' Zone  b '), 'B');
    assert.equal(normalizeZone('c'), 'C');
    assert.equal(normalizeZone('Guadeloupe'), 'Guadeloupe');
    assert.equal(ministryZoneLabel('A'), 'Zone A');
    assert.equal(ministryZoneLabel('Corse'), 'Corse');
  });
});
