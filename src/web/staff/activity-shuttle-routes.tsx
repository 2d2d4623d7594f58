import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Translate } from '../../i18n/catalogue.js';
import { toCsv } from '../../modules/bookings/attendance.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { getActivitySetup } from '../../modules/activities/activity-admin.js';
import { tenantToday } from '../../modules/activities/setup-forms.js';
import { recordExport } from '../../modules/registers/register-exports.js';
import { shuttleRiders, type StopRiders } from '../../modules/shuttles/shuttle-riders.js';
import { deleteStop, saveStop, shuttleStops, type ShuttleStop, type StopField } from '../../modules/shuttles/shuttle-stops.js';
import { calendarDate } from '../../modules/validation/fields.js';
import type { Scope } from '../../modules/scope.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { DateInput, Input } from '../components/dsfr/input.js';
import { Table } from '../components/dsfr/table.js';
import { FIELD_ERROR_KEYS } from '../forms.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { formValues, Id, Text } from '../page-input.js';
import {
  ACTIVITIES_PATH,
  BackToActivity,
  DeleteButton,
  type FormValues,
  noticeOf,
  one,
  SetupFormFrame,
  setupMessages,
  setupNotice,
  SetupTable,
} from './activity-common.js';
import { ListActions, PRINT, sendCsv } from './register-routes.js';
import { OF_ACTIVITY, type SetupEditor } from './setup-editor.js';
import { useCanChange } from './staff-access.js';

/**
 * An activity's shuttle (navette) for staff: its stops, set up by managers, and the children each
 * stop takes on a day, morning and evening, to print or download.
 */

const shuttlePath = (activityId: string) => `${ACTIVITIES_PATH}/${activityId}/navettes`;

interface StopFormView {
  activity: { id: string; name: string };
  values: FormValues;
}

/** The stops of an activity's shuttle: add, change, delete (refused while a child's shuttle uses it). */
export const shuttleStopEditor: SetupEditor<string, StopField, StopFormView> = {
  path: `${ACTIVITIES_PATH}/:id/navettes/arrets`,
  parent: OF_ACTIVITY,
  added: 'nouveau',
  titles: { add: 'shuttle.stops.addTitle', edit: 'shuttle.stops.editTitle' },
  async load(scope, { parent, itemId }, typed) {
    const setup = await getActivitySetup(scope, parent);
    if (!setup) return null;
    const activity = { id: setup.activity.id, name: setup.activity.name };
    if (typed) return { activity, values: typed };
    if (!itemId) return { activity, values: {} };
    const stop = (await shuttleStops(scope, parent)).find((candidate) => candidate.id === itemId);
    return stop ? { activity, values: { name: stop.name, morningTime: stop.morningTime ?? '', eveningTime: stop.eveningTime ?? '' } } : null;
  },
  form: (view, { itemId }, errors) => <StopFormPage {...view} stopId={itemId} errors={errors} />,
  save: (scope, { parent, itemId }, form) => saveStop(scope, parent, itemId, formValues(form)),
  remove: deleteStop,
  removal: { name: (view) => one(view.values, 'name'), consequence: 'shuttle.stops.deleteConsequence' },
  messages: setupMessages,
  back: ({ parent }, done) => `${shuttlePath(parent)}?fait=${setupNotice(done)}`,
};

function StopFormPage(props: StopFormView & { stopId: string | null; errors: Readonly<Record<string, string | undefined>> }) {
  const { t } = usePage();
  const { activity, values, errors } = props;
  const labels = { name: t('shuttle.stops.name'), morningTime: t('shuttle.stops.morningTime'), eveningTime: t('shuttle.stops.eveningTime') };
  const base = `${shuttlePath(activity.id)}/arrets`;
  return (
    <SetupFormFrame
      back={<BackToActivity activity={activity} anchor="navettes" />}
      title={t(props.stopId ? 'shuttle.stops.editTitle' : 'shuttle.stops.addTitle')}
      intro={<p>{activity.name}</p>}
      errors={{ name: errors.name, morningTime: errors.morningTime, eveningTime: errors.eveningTime }}
      labels={labels}
      action={props.stopId ? `${base}/${props.stopId}` : `${base}/nouveau`}
    >
      <Input name="name" label={labels.name} value={one(values, 'name')} error={errors.name} required maxLength={200} />
      <Input name="morningTime" label={labels.morningTime} hint={t('shuttle.stops.timeHint')} value={one(values, 'morningTime')} error={errors.morningTime} />
      <Input name="eveningTime" label={labels.eveningTime} hint={t('shuttle.stops.timeHint')} value={one(values, 'eveningTime')} error={errors.eveningTime} />
    </SetupFormFrame>
  );
}

const ShuttleParams = Type.Object({ id: Id });
const ShuttleQuery = Type.Object({ jour: Type.Optional(Text), fait: Type.Optional(Text), vue: Type.Optional(Type.Literal(PRINT)) });

/** The activity, its stops and the children of each stop on the day asked (today when none is), or the date's error. */
async function loadShuttle(scope: Scope, activityId: string, typedDay: string | undefined) {
  const setup = await getActivitySetup(scope, activityId);
  if (!setup) return null;
  const checked = calendarDate(typedDay);
  const day = checked.ok ? (checked.value ?? (await tenantToday(scope)).today) : null;
  return {
    activity: { id: setup.activity.id, name: setup.activity.name },
    stops: await shuttleStops(scope, activityId),
    day,
    dayError: checked.ok ? null : checked.error,
    riders: (day ? await shuttleRiders(scope, activityId, day) : null) ?? [],
  };
}

export function staffShuttleRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      `${ACTIVITIES_PATH}/:id/navettes`,
      { preHandler: requireStaff(), schema: { params: ShuttleParams, querystring: ShuttleQuery } },
      async (request, reply) => {
        const view = await request.inScope((scope) => loadShuttle(scope, request.params.id, request.query.jour));
        if (!view) return reply.errorPage('notFound');
        return reply.page(
          request.t('shuttle.title', { activity: view.activity.name }),
          <ShuttlePage
            {...view}
            typedDay={request.query.jour ?? ''}
            dayError={view.dayError ? request.t(FIELD_ERROR_KEYS[view.dayError]) : null}
            printable={request.query.vue === PRINT}
            notice={noticeOf(request.t, request.query.fait)}
          />,
          view.dayError ? 400 : 200,
        );
      },
    );

    app.get(
      `${ACTIVITIES_PATH}/:id/navettes/export.csv`,
      { preHandler: requireStaff(), schema: { params: ShuttleParams, querystring: ShuttleQuery } },
      async (request, reply) => {
        const { id } = request.params;
        const csv = await request.inScope(async (scope) => {
          const view = await loadShuttle(scope, id, request.query.jour);
          if (!view?.day) return null;
          const lines = ridersLines(request.t, view.riders);
          await recordExport(scope, 'shuttle', { filter: { activityId: id, day: view.day }, lines: lines.length });
          return { name: `${request.t('shuttle.title', { activity: view.activity.name })} ${view.day}`, body: toCsv([ridersHeader(request.t), ...lines]) };
        });
        if (!csv) return reply.errorPage('notFound');
        return sendCsv(reply, `${csv.name}.csv`, csv.body);
      },
    );
  };
}

function ridersHeader(t: Translate): string[] {
  return [t('shuttle.csv.stop'), t('shuttle.csv.moment'), t('shuttle.csv.time'), t('shuttle.csv.child'), t('shuttle.csv.group')];
}

/** One line per child and trip: the stop, morning or evening, its time, the child and its group. */
function ridersLines(t: Translate, riders: StopRiders[]): string[][] {
  return riders.flatMap(({ stop, morning, evening }) => [
    ...morning.map((rider) => [stop.name, t('shuttle.morning'), stop.morningTime ?? '', rider.name, rider.groupName ?? '']),
    ...evening.map((rider) => [stop.name, t('shuttle.evening'), stop.eveningTime ?? '', rider.name, rider.groupName ?? '']),
  ]);
}

function ShuttlePage(props: {
  activity: { id: string; name: string };
  stops: ShuttleStop[];
  day: string | null;
  typedDay: string;
  dayError: string | null;
  riders: StopRiders[];
  printable: boolean;
  notice: ReturnType<typeof noticeOf>;
}) {
  const page = usePage();
  const { t } = page;
  const canEdit = useCanChange();
  const base = shuttlePath(props.activity.id);
  const dayQuery = props.day ? `jour=${props.day}` : '';
  return (
    <>
      {!props.printable && <BackToActivity activity={props.activity} anchor="navettes" />}
      <h1>{t('shuttle.title', { activity: props.activity.name })}</h1>
      {props.notice && (
        <Alert kind={props.notice.kind} small announce>
          {props.notice.text}
        </Alert>
      )}
      {!props.printable && (
        <>
          <h2>{t('shuttle.stops.title')}</h2>
          <p>{t('shuttle.stops.intro')}</p>
          {canEdit && (
            <p>
              <ButtonLink href={href(page, `${base}/arrets/nouveau`)} icon="fr-icon-add-line">
                {t('shuttle.stops.add')}
              </ButtonLink>
            </p>
          )}
          {props.stops.length === 0 ? (
            <p>{t('shuttle.stops.none')}</p>
          ) : (
            <SetupTable
              caption={t('shuttle.stops.title')}
              headers={[t('shuttle.stops.name'), t('shuttle.stops.morningTime'), t('shuttle.stops.eveningTime'), ...(canEdit ? [t('setup.actions')] : [])]}
            >
              {props.stops.map((stop) => (
                <tr key={stop.id}>
                  <td>{stop.name}</td>
                  <td>{stop.morningTime ?? '—'}</td>
                  <td>{stop.eveningTime ?? '—'}</td>
                  {canEdit && (
                    <td>
                      <a class="fr-link fr-mr-2w" href={href(page, `${base}/arrets/${stop.id}`)}>
                        {t('setup.edit')}
                        <span class="fr-sr-only"> — {stop.name}</span>
                      </a>
                      <DeleteButton action={`${base}/arrets/${stop.id}/suppression`} label={t('setup.delete')} what={stop.name} />
                    </td>
                  )}
                </tr>
              ))}
            </SetupTable>
          )}
          <h2>{t('shuttle.riders.title')}</h2>
          <p>{t('shuttle.riders.intro')}</p>
          <form method="get" action={href(page, base)} class="fr-mb-3w">
            <DateInput
              name="jour"
              label={t('shuttle.riders.day')}
              hint={t('setup.dateHint')}
              value={props.dayError ? props.typedDay : (props.day ?? '')}
              error={props.dayError ?? undefined}
            />
            <Button variant="secondary" icon="fr-icon-search-line">
              {t('shuttle.riders.show')}
            </Button>
          </form>
        </>
      )}
      {props.day && (
        <>
          {props.printable && <p class="fr-text--sm">{t('registers.printedOn', { date: page.fmt.dateTime(page.now) })}</p>}
          <ListActions
            screenPath={`${base}?${dayQuery}`}
            printPath={`${base}?${dayQuery}&vue=${PRINT}`}
            csvPath={`${base}/export.csv?${dayQuery}`}
            printable={props.printable}
          />
          {props.riders.length === 0 && <p>{t('shuttle.stops.none')}</p>}
          {props.riders.map(({ stop, morning, evening }) => (
            <section key={stop.id} class="fr-mb-3w">
              <h3>{stop.name}</h3>
              {[
                { label: t('shuttle.morning'), time: stop.morningTime, riders: morning },
                { label: t('shuttle.evening'), time: stop.eveningTime, riders: evening },
              ]
                .filter((trip) => trip.time !== null)
                .map((trip) => (
                  <Table
                    key={trip.label}
                    caption={t('shuttle.riders.caption', { moment: trip.label, time: trip.time ?? '', day: formatCalendarDate(props.day!) })}
                  >
                    <thead>
                      <tr>
                        <th scope="col">{t('shuttle.csv.child')}</th>
                        <th scope="col">{t('shuttle.csv.group')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {trip.riders.length === 0 ? (
                        <tr>
                          <td colSpan={2}>{t('shuttle.riders.none')}</td>
                        </tr>
                      ) : (
                        trip.riders.map((rider) => (
                          <tr key={rider.childId}>
                            <td>{rider.name}</td>
                            <td>{rider.groupName ?? '—'}</td>
                          </tr>
                        ))
                      )}
                    </tbody>
                  </Table>
                ))}
            </section>
          ))}
        </>
      )}
    </>
  );
}
