import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSnapshot, snapshotPeriods } from './school-holiday-snapshot.js';

describe('the school holiday snapshot', () => {
  it('gives zone A’s Toussaint and Christmas 2025, weekends included', () => {
    const periods = snapshotPeriods('A');
    assert.deepEqual(
      periods.find((period) => period.firstDay.startsWith('2025-10')),
      { name: 'Vacances de la Toussaint', firstDay: '2025-10-18', lastDay: '2025-11-02' },
    );
    assert.deepEqual(
      periods.find((period) => period.firstDay.startsWith('2025-12')),
      { name: 'Vacances de Noël', firstDay: '2025-12-20', lastDay: '2026-01-04' },
    );
  });

  it('keeps the zones apart where their holidays differ', () => {
    const winter = (zone: string) => snapshotPeriods(zone).find((period) => period.name === "Vacances d'hiver" && period.firstDay.startsWith('2026'));
    assert.deepEqual(winter('A'), { name: "Vacances d'hiver", firstDay: '2026-02-07', lastDay: '2026-02-22' });
    assert.notDeepEqual(winter('B'), winter('A'));
    assert.notDeepEqual(winter('C'), winter('A'));
  });

  it('has no overlapping periods and nothing for zones it does not cover', () => {
    for (const zone of ['A', 'B', 'C']) {
      const periods = snapshotPeriods(zone);
      assert.ok(periods.length > 150, zone);
      periods.forEach((period, i) => {
        assert.ok(period.firstDay <= period.lastDay);
        if (i > 0) assert.ok(periods[i - 1]!.lastDay < period.firstDay, `${zone} ${period.firstDay}`);
      });
    }
    assert.deepEqual(snapshotPeriods('Guadeloupe'), []);
  });

  it('splits a run of days off where the period’s name changes or a day is missing', () => {
    const csv = [
      'date,vacances_zone_a,vacances_zone_b,vacances_zone_c,nom_vacances',
      '2030-05-01,True,False,False,Pont',
      '2030-05-02,True,False,False,Vacances de printemps',
      '2030-05-03,True,True,False,Vacances de printemps',
      '2030-05-05,True,True,False,Vacances de printemps',
    ].join('\n');
    const periods = parseSnapshot(csv);
    assert.deepEqual(
      periods.A.map((period) => [period.name, period.firstDay, period.lastDay]),
      [
        ['Pont', '2030-05-01', '2030-05-01'],
        ['Vacances de printemps', '2030-05-02', '2030-05-03'],
        ['Vacances de printemps', '2030-05-05', '2030-05-05'],
      ],
    );
    assert.equal(periods.B.length, 2);
    assert.equal(periods.C.length, 0);
  });
});
