import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import {
  listSubjects,
  type MessageSignature,
  type MessageSubject,
  type SubjectError,
  type SubjectField,
  saveSubject,
  setMessageSignature,
} from '../../modules/messages/subjects.js';
import type { Services } from '../../services.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { ChoiceGroup } from '../components/dsfr/choice-group.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { Table } from '../components/dsfr/table.js';
import { StatusBadge } from '../components/status-badge.js';
import { errorMessages, FIELD_ERROR_KEYS, formBody, underFormNames } from '../forms.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Form, formValues, Id, Text } from '../page-input.js';

export const SUBJECTS_PATH = '/gestion/parametres/messagerie';

const FIELDS: Record<SubjectField, string> = { label: 'libelle', team: 'equipe', teamEmail: 'adresse' };
const ERROR_KEYS: Record<SubjectError, MessageKey> = { ...FIELD_ERROR_KEYS, duplicate: 'messageSubjects.duplicate' };
const SubjectParams = Type.Object({ subjectId: Id });
const PageQuery = Type.Object({ fait: Type.Optional(Text), modifier: Type.Optional(Id) });

/** The authority's message subjects, each with the team that answers it, and how answers are signed (administrators). */
export function staffMessageSubjectRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(SUBJECTS_PATH, { preHandler: requireStaff('admin'), schema: { querystring: PageQuery } }, async (request, reply) => {
      const subjects = await request.inScope((scope) => listSubjects(scope));
      const editing = subjects.find((subject) => subject.id === request.query.modifier);
      if (request.query.modifier && !editing) return reply.callNotFound();
      return reply.page(
        request.t('messageSubjects.title'),
        <SubjectsPage
          subjects={subjects}
          signature={request.tenant!.settings.messageSignature ?? 'team'}
          notice={request.query.fait}
          {...(editing ? { failed: { subjectId: editing.id, values: valuesOf(editing), errors: {} } } : {})}
        />,
      );
    });

    // One handler adds (no id) or changes a subject; a refused form comes back with what was typed, in place.
    const save = async (request: FastifyRequest, subjectId: string | undefined) => {
      const form = formBody(request);
      const result = await request.inScope((scope) =>
        saveSubject(scope, subjectId, { label: form.libelle, team: form.equipe, teamEmail: form.adresse, active: form.actif === 'oui' }),
      );
      return { result, form };
    };

    app.post(`${SUBJECTS_PATH}/sujets`, { preHandler: requireStaff('admin'), schema: { body: Form } }, async (request, reply) => {
      const { result, form } = await save(request, undefined);
      return answer(request, reply, result, form, undefined);
    });

    app.post(
      `${SUBJECTS_PATH}/sujets/:subjectId`,
      { preHandler: requireStaff('admin'), schema: { params: SubjectParams, body: Form } },
      async (request, reply) => {
        const { result, form } = await save(request, request.params.subjectId);
        return answer(request, reply, result, form, request.params.subjectId);
      },
    );

    app.post(`${SUBJECTS_PATH}/signature`, { preHandler: requireStaff('admin'), schema: { body: Form } }, async (request, reply) => {
      const chosen: MessageSignature = formValues(request.body).signature === 'person' ? 'person' : 'team';
      const done = await request.inScope((scope) => setMessageSignature(scope, chosen));
      if (done !== 'done') return reply.errorPage('forbidden');
      await services.tenants.reload();
      return reply.redirect(`${request.base}${SUBJECTS_PATH}?fait=signature`);
    });

    async function answer(
      request: FastifyRequest,
      reply: import('fastify').FastifyReply,
      result: Awaited<ReturnType<typeof saveSubject>>,
      form: Record<string, string>,
      subjectId: string | undefined,
    ) {
      if (result.kind === 'not_found') return reply.callNotFound();
      if (result.kind === 'forbidden') return reply.errorPage('forbidden');
      if (result.kind !== 'invalid') return reply.redirect(`${request.base}${SUBJECTS_PATH}?fait=sujet`);
      const subjects = await request.inScope((scope) => listSubjects(scope));
      return reply.page(
        request.t('messageSubjects.title'),
        <SubjectsPage
          subjects={subjects}
          signature={request.tenant!.settings.messageSignature ?? 'team'}
          failed={{ subjectId, values: form, errors: underFormNames(errorMessages(request.t, result.errors, ERROR_KEYS), FIELDS) }}
        />,
        400,
      );
    }
  };
}

function valuesOf(subject: MessageSubject): Record<string, string> {
  return { libelle: subject.label, equipe: subject.team, adresse: subject.teamEmail ?? '', actif: subject.active ? 'oui' : '' };
}

interface Failed {
  subjectId: string | undefined;
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
}

function SubjectFields(props: { values: Record<string, string>; errors: Record<string, string | undefined> }) {
  const { t } = usePage();
  const { values, errors } = props;
  return (
    <>
      <Input name="libelle" label={t('messageSubjects.label')} required maxLength={100} value={values.libelle} error={errors.libelle} />
      <Input
        name="equipe"
        label={t('messageSubjects.team')}
        hint={t('messageSubjects.teamHint')}
        required
        maxLength={100}
        value={values.equipe}
        error={errors.equipe}
      />
      <Input
        name="adresse"
        type="email"
        label={t('messageSubjects.teamEmail')}
        hint={t('messageSubjects.teamEmailHint')}
        value={values.adresse}
        error={errors.adresse}
      />
      <div class="fr-checkbox-group fr-mb-3w">
        <input type="checkbox" id="actif" name="actif" value="oui" checked={values.actif === 'oui'} />
        <label class="fr-label" for="actif">
          {t('messageSubjects.active')}
        </label>
      </div>
    </>
  );
}

function SubjectsPage(props: { subjects: MessageSubject[]; signature: MessageSignature; notice?: string | undefined; failed?: Failed }) {
  const page = usePage();
  const { t } = page;
  const { failed } = props;
  const labels = { libelle: t('messageSubjects.label'), equipe: t('messageSubjects.team'), adresse: t('messageSubjects.teamEmail') };
  const editingSubject = failed?.subjectId ? props.subjects.find((subject) => subject.id === failed.subjectId) : undefined;
  return (
    <>
      <h1>{t('messageSubjects.title')}</h1>
      {props.notice === 'sujet' && (
        <Alert kind="success" small announce>
          {t('messageSubjects.saved')}
        </Alert>
      )}
      {props.notice === 'signature' && (
        <Alert kind="success" small announce>
          {t('messageSubjects.signatureSaved')}
        </Alert>
      )}
      {failed && <ErrorSummary errors={failed.errors} labels={labels} />}
      <p>{t('messageSubjects.intro')}</p>
      {props.subjects.length === 0 ? (
        <p>{t('messageSubjects.none')}</p>
      ) : (
        <Table caption={t('messageSubjects.title')} noCaption focusableId="subjects-caption">
          <thead>
            <tr>
              <th scope="col">{t('messageSubjects.label')}</th>
              <th scope="col">{t('messageSubjects.team')}</th>
              <th scope="col">{t('messageSubjects.teamEmail')}</th>
              <th scope="col">{t('messageSubjects.state')}</th>
              <th scope="col">{t('setup.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {props.subjects.map((subject) => (
              <tr key={subject.id}>
                <th scope="row">{subject.label}</th>
                <td>{subject.team}</td>
                <td>{subject.teamEmail ?? '—'}</td>
                <td>
                  <StatusBadge tone={subject.active ? 'success' : 'info'} label={subject.active ? 'messageSubjects.on' : 'messageSubjects.off'} />
                </td>
                <td>
                  <a href={href(page, `${SUBJECTS_PATH}?modifier=${subject.id}`)} aria-label={t('messageSubjects.edit', { label: subject.label })}>
                    {t('setup.edit')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {/* One subject form on the page at a time: its fields' ids stay unique. */}
      {editingSubject ? (
        <>
          <h2 class="fr-mt-4w" id="subject-form">
            {t('messageSubjects.edit', { label: editingSubject.label })}
          </h2>
          <form method="post" action={href(page, `${SUBJECTS_PATH}/sujets/${editingSubject.id}`)} novalidate>
            <CsrfField />
            <SubjectFields values={failed!.values} errors={failed!.errors} />
            <Button>{t('messageSubjects.save')}</Button>
          </form>
        </>
      ) : (
        <>
          <h2 class="fr-mt-4w" id="subject-form">
            {t('messageSubjects.add')}
          </h2>
          <form method="post" action={href(page, `${SUBJECTS_PATH}/sujets`)} novalidate>
            <CsrfField />
            <SubjectFields values={failed?.values ?? { actif: 'oui' }} errors={failed?.errors ?? {}} />
            <Button>{t('messageSubjects.add')}</Button>
          </form>
        </>
      )}
      <h2 class="fr-mt-4w">{t('messageSubjects.signature')}</h2>
      <form method="post" action={href(page, `${SUBJECTS_PATH}/signature`)}>
        <CsrfField />
        <ChoiceGroup
          type="radio"
          name="signature"
          legend={t('messageSubjects.signature')}
          chosen={[props.signature]}
          choices={[
            { value: 'team', label: t('messageSubjects.signature.team') },
            { value: 'person', label: t('messageSubjects.signature.person') },
          ]}
        />
        <Button variant="secondary">{t('messageSubjects.signatureSave')}</Button>
      </form>
    </>
  );
}
