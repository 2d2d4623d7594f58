import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { activityFamilies, type FamilySelection, type SelectionChoice, selectionChoices } from '../../modules/bookings/activity-families.js';
import { listSubjects, type MessageSubject } from '../../modules/messages/subjects.js';
import { writeToSelection } from '../../modules/messages/selection-threads.js';
import { isUuidText } from '../../modules/validation/fields.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Select } from '../components/dsfr/select.js';
import { messageErrorMessages, messageLabels, NewThreadFields } from '../components/message-thread.js';
import { refusedFields } from '../forms.js';
import { requireStaff } from '../guards.js';
import { fileTooLarge, readMultipartForm, uploadedFile } from '../multipart-form.js';
import { href, usePage } from '../page-context.js';
import { formValues, IdChoice, Text } from '../page-input.js';
import { STAFF_MESSAGES_PATH } from './message-routes.js';

export const WRITE_TO_SELECTION_PATH = `${STAFF_MESSAGES_PATH}/ecrire-aux-familles`;

/** The selection in the address: an activity's id, or an activity's and one of its groups' ids joined by a slash. */
const SelectionQuery = Type.Object({ selection: Type.Optional(Type.String({ maxLength: 80 })), envoye: Type.Optional(Text) });
const WriteForm = Type.Object({ sujet: Type.Optional(IdChoice), objet: Type.Optional(Text), message: Type.Optional(Text) });

function selectionOf(value: string | undefined): FamilySelection | null {
  const [activityId, groupId] = (value ?? '').split('/');
  if (!activityId || !isUuidText(activityId) || (groupId !== undefined && !isUuidText(groupId))) return null;
  return { activityId, groupId: groupId ?? null };
}

/** Staff write first to every family of an activity or group, each in a thread of its own (managers and administrators). */
export function staffMessageSelectionRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(WRITE_TO_SELECTION_PATH, { preHandler: requireStaff('manager'), schema: { querystring: SelectionQuery } }, async (request, reply) => {
      const data = await load(request, request.query.selection);
      if (!data) return reply.callNotFound();
      const sent = Number(request.query.envoye);
      return reply.page(
        request.t('staffMessages.selection.title'),
        <SelectionPage {...data} values={{}} errors={{}} sent={Number.isInteger(sent) ? sent : undefined} />,
      );
    });

    app.post(
      WRITE_TO_SELECTION_PATH,
      {
        preHandler: requireStaff('manager'),
        preValidation: readMultipartForm,
        schema: { querystring: SelectionQuery, body: WriteForm },
        attachValidation: true,
      },
      async (request, reply) => {
        const selection = selectionOf(request.query.selection);
        if (!selection) return reply.callNotFound();
        const refused = refusedFields(request);
        const { sujet, objet, message } = request.body;
        const outcome = refused
          ? null
          : await request.inScope((scope) =>
              writeToSelection(scope, selection, {
                subjectId: sujet || undefined,
                title: objet,
                body: message,
                file: uploadedFile(request, 'piece'),
                fileTooLarge: fileTooLarge(request),
              }),
            );
        if (outcome?.kind === 'not_found') return reply.callNotFound();
        if (outcome?.kind === 'forbidden') return reply.errorPage('forbidden');
        if (outcome?.kind === 'sent') {
          return reply.redirect(
            `${request.base}${WRITE_TO_SELECTION_PATH}?selection=${encodeURIComponent(request.query.selection!)}&envoye=${outcome.households}`,
            303,
          );
        }
        const data = await load(request, request.query.selection);
        if (!data) return reply.callNotFound();
        const errors = outcome?.kind === 'invalid' ? messageErrorMessages(request.t, outcome.errors) : (refused ?? {});
        return reply.page(request.t('staffMessages.selection.title'), <SelectionPage {...data} values={formValues(request.body)} errors={errors} />, 400);
      },
    );
  };
}

/** The page's choices and, once a selection is chosen, its families; null when the selection is not the authority's. */
async function load(request: FastifyRequest, value: string | undefined) {
  return request.inScope(async (scope) => {
    const selection = value ? selectionOf(value) : null;
    const families = selection ? await activityFamilies(scope, selection) : null;
    if (value && !families) return null;
    return { value: value ?? '', choices: await selectionChoices(scope), subjects: await listSubjects(scope, { activeOnly: true }), families };
  });
}

function SelectionPage(props: {
  value: string;
  choices: SelectionChoice[];
  subjects: MessageSubject[];
  families: { householdId: string; name: string }[] | null;
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
  sent?: number | undefined;
}) {
  const page = usePage();
  const { t } = page;
  const { families } = props;
  const target = `${WRITE_TO_SELECTION_PATH}?selection=${encodeURIComponent(props.value)}`;
  return (
    <>
      <p class="fr-mb-2w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, STAFF_MESSAGES_PATH)}>
          {t('messages.back')}
        </a>
      </p>
      <h1>{t('staffMessages.selection.title')}</h1>
      {props.sent !== undefined && (
        <Alert kind="success" small announce>
          {t('staffMessages.selection.sent', { count: props.sent })}
        </Alert>
      )}
      <ErrorSummary errors={props.errors} labels={messageLabels(t)} />
      <p>{t('staffMessages.selection.intro')}</p>
      <form method="get" action={href(page, WRITE_TO_SELECTION_PATH)} class="fr-mb-4w">
        <Select
          name="selection"
          label={t('staffMessages.selection.choose')}
          hint={t('staffMessages.selection.chooseHint')}
          value={props.value}
          options={[{ value: '', label: '—' }]}
          groups={props.choices.map((choice) => ({
            label: choice.activityName,
            options: [
              { value: choice.activityId, label: t('staffMessages.selection.all', { activity: choice.activityName }) },
              ...choice.groups.map((group) => ({
                value: `${choice.activityId}/${group.id}`,
                label: t('staffMessages.selection.group', { activity: choice.activityName, group: group.name }),
              })),
            ],
          }))}
        />
        <Button variant="secondary">{t('staffMessages.selection.show')}</Button>
      </form>
      {families && families.length === 0 && <Alert kind="info">{t('staffMessages.selection.nobody')}</Alert>}
      {families && families.length > 0 && (
        <>
          <p class="fr-text--bold">{t('staffMessages.selection.count', { count: families.length })}</p>
          <details class="fr-mb-3w">
            <summary>{t('staffMessages.selection.names')}</summary>
            <ul>
              {families.map((family) => (
                <li key={family.householdId}>{family.name}</li>
              ))}
            </ul>
          </details>
          <form method="post" action={href(page, target)} enctype="multipart/form-data" novalidate class="fr-mb-6w">
            <CsrfField />
            <NewThreadFields
              subjects={props.subjects.map((subject) => ({ value: subject.id, label: `${subject.label} (${subject.team})` }))}
              children={[]}
              values={props.values}
              errors={props.errors}
            />
            <Button icon="fr-icon-send-plane-line" class="fr-mt-3w">
              {t('staffMessages.selection.send')}
            </Button>
          </form>
        </>
      )}
    </>
  );
}
