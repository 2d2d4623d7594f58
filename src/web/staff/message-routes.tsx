import { countKey } from '../../i18n/catalogue.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { childChoices, householdName } from '../../modules/households/household-overview.js';
import { THREAD_STATES } from '../../modules/messages/messages.tables.js';
import { type AnswerTemplate, answerWithTemplate, listTemplates } from '../../modules/messages/answer-templates.js';
import { listSubjects, listTeams, type MessageSubject } from '../../modules/messages/subjects.js';
import { assignableStaff, assignThread, closeThread } from '../../modules/messages/thread-actions.js';
import { INBOX_PAGE_SIZE, type InboxRow, serviceInbox, serviceThread, type ThreadView, threadAttachment } from '../../modules/messages/thread-views.js';
import { replyToThread, startThread, type WriteOutcome } from '../../modules/messages/threads.js';
import { PAGES, pagePath } from '../../modules/page-paths.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Select } from '../components/dsfr/select.js';
import { Table } from '../components/dsfr/table.js';
import { MessageFields, MessageList, messageErrorMessages, messageLabels, NewThreadFields, ThreadStateBadge } from '../components/message-thread.js';
import { sendAttachment } from '../downloads.js';
import { refusedFields } from '../forms.js';
import { requireStaff } from '../guards.js';
import { fileTooLarge, readMultipartForm, uploadedFile } from '../multipart-form.js';
import { href, usePage } from '../page-context.js';
import { Form, formValues, Id, IdChoice, Text } from '../page-input.js';
import { ANSWER_TEMPLATES_PATH } from './answer-template-routes.js';
import { useCanChange } from './staff-access.js';

export const STAFF_MESSAGES_PATH = '/gestion/messages';

/** The address where staff write first to a household. */
export function writeToHouseholdPath(householdId: string): string {
  return `${STAFF_MESSAGES_PATH}/ecrire?foyer=${encodeURIComponent(householdId)}`;
}

const NOTICES = ['repondu', 'attribue', 'clos', 'envoye'] as const;
type Notice = (typeof NOTICES)[number];

const InboxQuery = Type.Object({
  sujet: Type.Optional(IdChoice),
  equipe: Type.Optional(Type.String({ maxLength: 100 })),
  etat: Type.Optional(Type.Union([...THREAD_STATES.map((state) => Type.Literal(state)), Type.Literal('')])),
  agent: Type.Optional(IdChoice),
  foyer: Type.Optional(IdChoice),
  attente: Type.Optional(Type.Literal('oui')),
  page: Type.Optional(Type.String({ pattern: '^\\d{1,4}$' })),
});
const ThreadParams = Type.Object({ threadId: Id });
const AttachmentParams = Type.Object({ threadId: Id, documentId: Id });
const ThreadQuery = Type.Object({ fait: Type.Optional(Text), erreur: Type.Optional(Text) });
const ReplyForm = Type.Object({
  message: Type.Optional(Text),
  modele: Type.Optional(IdChoice),
  // The "use this template" button: the form comes back with the template's text, nothing sent.
  action: Type.Optional(Type.Literal('modele')),
});
const WriteQuery = Type.Object({ foyer: Id });
const WriteForm = Type.Object({
  sujet: Type.Optional(IdChoice),
  enfant: Type.Optional(IdChoice),
  objet: Type.Optional(Text),
  message: Type.Optional(Text),
});

/**
 * The service's messages: the inbox of every family, a thread (answer, assign, close), and writing
 * first to a household. Every staff member reads; only those who run the service write and assign.
 */
export function staffMessageRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(STAFF_MESSAGES_PATH, { preHandler: requireStaff(), schema: { querystring: InboxQuery } }, async (request, reply) => {
      const { sujet, equipe, etat, agent, foyer, attente, page } = request.query;
      const pageNumber = Number(page ?? '1') || 1;
      const data = await request.inScope(async (scope) => ({
        subjects: await listSubjects(scope),
        teams: await listTeams(scope),
        colleagues: await assignableStaff(scope),
        inbox: await serviceInbox(scope, {
          subjectId: sujet || undefined,
          team: equipe || undefined,
          state: etat || undefined,
          assignedTo: agent || undefined,
          householdId: foyer || undefined,
          waiting: attente === 'oui',
          page: pageNumber,
        }),
      }));
      return reply.page(request.t('staffMessages.title'), <InboxPage {...data} query={request.query} page={pageNumber} />);
    });

    app.get(`${STAFF_MESSAGES_PATH}/ecrire`, { preHandler: requireStaff('manager'), schema: { querystring: WriteQuery } }, async (request, reply) => {
      const data = await loadWrite(request, request.query.foyer);
      if (!data) return reply.callNotFound();
      return reply.page(request.t('staffMessages.writeTitle', { household: data.household }), <WritePage data={data} values={{}} errors={{}} />);
    });

    app.post(
      `${STAFF_MESSAGES_PATH}/ecrire`,
      {
        preHandler: requireStaff('manager'),
        preValidation: readMultipartForm,
        schema: { querystring: WriteQuery, body: WriteForm },
        attachValidation: true,
      },
      async (request, reply) => {
        const refused = refusedFields(request);
        const householdId = request.query.foyer;
        const { sujet, enfant, objet, message } = request.body;
        const outcome = refused
          ? null
          : await request.inScope((scope) =>
              startThread(scope, householdId, {
                subjectId: sujet || undefined,
                childId: enfant || undefined,
                title: objet,
                body: message,
                file: uploadedFile(request, 'piece'),
                fileTooLarge: fileTooLarge(request),
              }),
            );
        if (outcome && outcome.kind !== 'invalid') return afterWrite(request, reply, outcome, 'envoye');
        const data = await loadWrite(request, householdId);
        if (!data) return reply.callNotFound();
        const errors = outcome ? messageErrorMessages(request.t, outcome.errors) : (refused ?? {});
        return reply.page(
          request.t('staffMessages.writeTitle', { household: data.household }),
          <WritePage data={data} values={formValues(request.body)} errors={errors} />,
          400,
        );
      },
    );

    app.get(
      `${STAFF_MESSAGES_PATH}/:threadId`,
      { preHandler: requireStaff(), schema: { params: ThreadParams, querystring: ThreadQuery } },
      async (request, reply) => {
        const data = await loadThread(request, request.params.threadId);
        if (!data) return reply.callNotFound();
        const notice = NOTICES.find((candidate) => candidate === request.query.fait);
        return reply.page(
          data.thread.title,
          <ThreadPage
            {...data}
            values={{}}
            errors={request.query.erreur === 'agent' ? { agent: request.t('staffMessages.unknownColleague') } : {}}
            notice={notice}
          />,
        );
      },
    );

    app.post(
      `${STAFF_MESSAGES_PATH}/:threadId`,
      { preHandler: requireStaff('manager'), preValidation: readMultipartForm, schema: { params: ThreadParams, body: ReplyForm }, attachValidation: true },
      async (request, reply) => {
        const refused = refusedFields(request);
        const { threadId } = request.params;
        if (!refused && request.body.action === 'modele') return useTemplate(request, reply, threadId, request.body);
        const outcome = refused
          ? null
          : await request.inScope((scope) =>
              replyToThread(scope, threadId, { body: request.body.message, file: uploadedFile(request, 'piece'), fileTooLarge: fileTooLarge(request) }),
            );
        if (outcome && outcome.kind !== 'invalid') return afterWrite(request, reply, outcome, 'repondu');
        const data = await loadThread(request, threadId);
        if (!data) return reply.callNotFound();
        const errors = outcome ? messageErrorMessages(request.t, outcome.errors) : (refused ?? {});
        return reply.page(data.thread.title, <ThreadPage {...data} values={formValues(request.body)} errors={errors} />, 400);
      },
    );

    app.post(
      `${STAFF_MESSAGES_PATH}/:threadId/attribuer`,
      { preHandler: requireStaff('manager'), schema: { params: ThreadParams, body: Form } },
      async (request, reply) => {
        const { threadId } = request.params;
        const chosen = formValues(request.body).agent ?? '';
        const done = await request.inScope((scope) => assignThread(scope, threadId, chosen === '' ? null : chosen));
        if (done === 'not_found') return reply.callNotFound();
        if (done === 'forbidden') return reply.errorPage('forbidden');
        const outcome = done === 'done' ? 'fait=attribue' : 'erreur=agent';
        return reply.redirect(`${request.base}${pagePath(PAGES.staffMessageThread, { threadId })}?${outcome}`);
      },
    );

    app.post(`${STAFF_MESSAGES_PATH}/:threadId/clore`, { preHandler: requireStaff('manager'), schema: { params: ThreadParams } }, async (request, reply) => {
      const { threadId } = request.params;
      const done = await request.inScope((scope) => closeThread(scope, threadId));
      if (done === 'not_found') return reply.callNotFound();
      if (done === 'forbidden') return reply.errorPage('forbidden');
      return reply.redirect(`${request.base}${pagePath(PAGES.staffMessageThread, { threadId })}?fait=clos`);
    });

    app.get(
      `${STAFF_MESSAGES_PATH}/:threadId/pieces/:documentId`,
      { preHandler: requireStaff(), schema: { params: AttachmentParams } },
      async (request, reply) => {
        const file = await request.inScope((scope) => threadAttachment(scope, request.params.threadId, request.params.documentId));
        if (!file) return reply.callNotFound();
        return sendAttachment(reply, file.filename, file.contentType, file.content);
      },
    );
  };
}

function afterWrite(request: FastifyRequest, reply: FastifyReply, outcome: Exclude<WriteOutcome, { kind: 'invalid' }>, notice: Notice) {
  if (outcome.kind === 'not_found') return reply.callNotFound();
  if (outcome.kind === 'forbidden') return reply.errorPage('forbidden');
  return reply.redirect(`${request.base}${pagePath(PAGES.staffMessageThread, { threadId: outcome.threadId })}?fait=${notice}`);
}

async function loadThread(request: FastifyRequest, threadId: string) {
  return request.inScope(async (scope) => {
    const thread = await serviceThread(scope, threadId);
    if (!thread) return null;
    const settings = request.tenant!.settings;
    return {
      thread,
      colleagues: await assignableStaff(scope),
      templates: await listTemplates(scope, { forTeam: thread.team }),
      signsWithPerson: settings.messageSignature === 'person',
    };
  });
}

/**
 * The answer filled with the chosen template, after what was typed, shown again to be adapted and
 * sent: nothing is sent yet. Works without JavaScript; a file chosen must be chosen again (no
 * browser lets a page fill a file field), which the page says.
 */
async function useTemplate(request: FastifyRequest, reply: FastifyReply, threadId: string, body: Static<typeof ReplyForm>) {
  const data = await loadThread(request, threadId);
  if (!data) return reply.callNotFound();
  const typed = formValues(body);
  const chosen = body.modele ?? '';
  const filled = chosen === '' ? null : await request.inScope((scope) => answerWithTemplate(scope, data.thread.team, chosen, body.message));
  if (filled === null) {
    return reply.page(data.thread.title, <ThreadPage {...data} values={typed} errors={{ modele: request.t('answerTemplates.choose') }} />, 400);
  }
  const name = data.templates.find((template) => template.id === chosen)?.name ?? '';
  // A browser sends an empty file field when no file was chosen: only a real file was dropped.
  return reply.page(
    data.thread.title,
    <ThreadPage
      {...data}
      values={{ ...typed, message: filled }}
      errors={{}}
      templateUsed={{ name, fileDropped: (uploadedFile(request, 'piece')?.data.length ?? 0) > 0 }}
    />,
  );
}

async function loadWrite(request: FastifyRequest, householdId: string) {
  return request.inScope(async (scope) => {
    const household = await householdName(scope, householdId);
    if (!household) return null;
    return { householdId, household, subjects: await listSubjects(scope, { activeOnly: true }), children: await childChoices(scope, householdId) };
  });
}

function InboxPage(props: {
  subjects: MessageSubject[];
  teams: string[];
  colleagues: { id: string; name: string }[];
  inbox: { rows: InboxRow[]; total: number };
  query: Record<string, string | undefined>;
  page: number;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const { rows, total } = props.inbox;
  const link = (pageNumber: number) => {
    const params = new URLSearchParams(
      Object.entries({ ...props.query, page: String(pageNumber) }).filter((entry): entry is [string, string] => Boolean(entry[1])),
    );
    return href(page, `${STAFF_MESSAGES_PATH}?${params.toString()}`);
  };
  return (
    <>
      <h1>{t('staffMessages.title')}</h1>
      <p>{t('staffMessages.intro')}</p>
      {props.query.attente === 'oui' && (
        <Alert kind="info" small>
          {t('staffMessages.waiting.filtered')} <a href={href(page, STAFF_MESSAGES_PATH)}>{t('staffMessages.waiting.all')}</a>
        </Alert>
      )}
      {useCanChange() && (
        <p>
          <ButtonLink href={href(page, `${STAFF_MESSAGES_PATH}/ecrire-aux-familles`)} icon="fr-icon-mail-line" variant="secondary">
            {t('staffMessages.selection.link')}
          </ButtonLink>
        </p>
      )}
      <form method="get" action={href(page, STAFF_MESSAGES_PATH)} class="fr-grid-row fr-grid-row--bottom fr-grid-row--gutters fr-mb-3w">
        <div class="fr-col-12 fr-col-md-3">
          <Select
            name="sujet"
            label={t('messages.col.subject')}
            value={props.query.sujet ?? ''}
            options={[{ value: '', label: t('staffMessages.allSubjects') }, ...props.subjects.map((subject) => ({ value: subject.id, label: subject.label }))]}
          />
        </div>
        <div class="fr-col-12 fr-col-md-2">
          <Select
            name="equipe"
            label={t('staffMessages.team')}
            value={props.query.equipe ?? ''}
            options={[{ value: '', label: t('staffMessages.allTeams') }, ...props.teams.map((team) => ({ value: team, label: team }))]}
          />
        </div>
        <div class="fr-col-12 fr-col-md-2">
          <Select
            name="etat"
            label={t('messages.col.state')}
            value={props.query.etat ?? ''}
            options={[
              { value: '', label: t('staffMessages.allStates') },
              ...THREAD_STATES.map((state) => ({ value: state, label: t(`messages.state.${state}`) })),
            ]}
          />
        </div>
        <div class="fr-col-12 fr-col-md-3">
          <Select
            name="agent"
            label={t('messages.col.assignee')}
            value={props.query.agent ?? ''}
            options={[
              { value: '', label: t('staffMessages.allAssignees') },
              ...props.colleagues.map((colleague) => ({ value: colleague.id, label: colleague.name })),
            ]}
          />
        </div>
        <div class="fr-col-12 fr-col-md-2">
          {props.query.foyer && <input type="hidden" name="foyer" value={props.query.foyer} />}
          {props.query.attente && <input type="hidden" name="attente" value={props.query.attente} />}
          <Button variant="secondary">{t('staffMessages.filter')}</Button>
        </div>
      </form>
      <p>{t(countKey('staffMessages.count', total), { count: total })}</p>
      {rows.length === 0 ? (
        <p>{t('staffMessages.none')}</p>
      ) : (
        <Table caption={t('staffMessages.title')} noCaption focusableId="inbox-caption" class="fr-table--bordered">
          <thead>
            <tr>
              <th scope="col">{t('messages.col.title')}</th>
              <th scope="col">{t('messages.col.household')}</th>
              <th scope="col">{t('messages.col.subject')}</th>
              <th scope="col">{t('messages.col.state')}</th>
              <th scope="col">{t('messages.col.assignee')}</th>
              <th scope="col">{t('messages.col.last')}</th>
              <th scope="col">{t('messages.col.unread')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <th scope="row">
                  <a href={href(page, pagePath(PAGES.staffMessageThread, { threadId: row.id }))}>{row.unread > 0 ? <strong>{row.title}</strong> : row.title}</a>
                </th>
                <td>{row.householdName}</td>
                <td>
                  {row.subject}
                  <br />
                  <span class="fr-text--xs">{row.team}</span>
                </td>
                <td>
                  <ThreadStateBadge state={row.state} />
                </td>
                <td>{row.assigneeName ?? '—'}</td>
                <td>{fmt.dateTime(row.lastMessageAt)}</td>
                <td>
                  {row.unread > 0 ? (
                    <span class="fr-badge fr-badge--sm fr-badge--new">{t(countKey('messages.unreadCount', row.unread), { count: row.unread })}</span>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <nav class="fr-mt-2w" aria-label={t('staffMessages.pages')}>
        {props.page > 1 && (
          <a class="fr-link fr-mr-3w" href={link(props.page - 1)}>
            {t('billing.previousPage')}
          </a>
        )}
        {props.page * INBOX_PAGE_SIZE < total && (
          <a class="fr-link" href={link(props.page + 1)}>
            {t('billing.nextPage')}
          </a>
        )}
      </nav>
    </>
  );
}

function ThreadPage(props: {
  thread: ThreadView;
  colleagues: { id: string; name: string }[];
  templates: AnswerTemplate[];
  signsWithPerson: boolean;
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
  notice?: Notice | undefined;
  /** The template just put into the answer, and whether a file chosen was dropped on the way. */
  templateUsed?: { name: string; fileDropped: boolean };
}) {
  const page = usePage();
  const { t, viewer } = page;
  const canChange = useCanChange();
  const { thread, errors } = props;
  const action = href(page, pagePath(PAGES.staffMessageThread, { threadId: thread.id }));
  const signature = props.signsWithPerson ? `${viewer?.displayName ?? ''} — ${thread.team}` : thread.team;
  const notices: Record<Notice, string> = {
    repondu: t('staffMessages.replied'),
    attribue: t('staffMessages.assigned'),
    clos: t('staffMessages.closed'),
    envoye: t('staffMessages.sentToHousehold'),
  };
  return (
    <>
      <p class="fr-mb-2w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, STAFF_MESSAGES_PATH)}>
          {t('messages.back')}
        </a>
      </p>
      <h1>{thread.title}</h1>
      {props.notice && (
        <Alert kind="success" small announce>
          {notices[props.notice]}
        </Alert>
      )}
      <div class="fr-mb-2w">
        <ThreadStateBadge state={thread.state} />
      </div>
      <p class="fr-mb-1w">
        <a href={href(page, `/gestion/foyers/${thread.householdId}`)}>{t('staffMessages.household', { household: thread.householdName })}</a>
      </p>
      <p class="fr-mb-1w">
        {t('messages.thread.about', { subject: thread.subject })} ({thread.team})
      </p>
      {thread.childName && <p>{t('messages.thread.child', { child: thread.childName })}</p>}
      <MessageList thread={thread} attachmentPath={(documentId) => `${action}/pieces/${documentId}`} />
      {canChange ? (
        <>
          <h2 class="fr-h4" id="reponse" tabIndex={-1}>
            {t('messages.reply')}
          </h2>
          <ErrorSummary errors={errors} labels={{ ...messageLabels(t), agent: t('staffMessages.assign'), modele: t('answerTemplates.choice') }} />
          {props.templateUsed && (
            <Alert kind="success" small announce>
              {t('answerTemplates.used', { name: props.templateUsed.name })}
              {props.templateUsed.fileDropped && ` ${t('answerTemplates.fileDropped')}`}
            </Alert>
          )}
          <form method="post" action={action} enctype="multipart/form-data" novalidate class="fr-mb-4w">
            <CsrfField />
            <p class="fr-text--sm">{t('staffMessages.signatureNote', { signature })}</p>
            <TemplateChoice templates={props.templates} chosen={props.values.modele} error={errors.modele} formAction={`${action}#reponse`} />
            <MessageFields values={props.values} errors={errors} />
            <Button icon="fr-icon-send-plane-line" class="fr-mt-3w">
              {t('messages.replySend')}
            </Button>
          </form>
          <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
            <form method="post" action={`${action}/attribuer`} class="fr-col-12 fr-col-md-6">
              <CsrfField />
              <Select
                name="agent"
                label={t('staffMessages.assign')}
                value={thread.assignedTo ?? ''}
                error={errors.agent}
                options={[
                  { value: '', label: t('staffMessages.nobody') },
                  ...props.colleagues.map((colleague) => ({ value: colleague.id, label: colleague.name })),
                ]}
              />
              <Button variant="secondary">{t('staffMessages.assignSave')}</Button>
            </form>
            {thread.state !== 'closed' && (
              <form method="post" action={`${action}/clore`} class="fr-col-12 fr-col-md-6">
                <CsrfField />
                <Button variant="tertiary" icon="fr-icon-check-line">
                  {t('staffMessages.close')}
                </Button>
              </form>
            )}
          </div>
        </>
      ) : (
        <Alert kind="info" small>
          {t('staffMessages.readOnly')}
        </Alert>
      )}
    </>
  );
}

/** The templates offered in this thread, and the button that puts the chosen one into the answer. */
function TemplateChoice(props: { templates: AnswerTemplate[]; chosen: string | undefined; error: string | undefined; formAction: string }) {
  const page = usePage();
  const { t } = page;
  const manage = (
    <a class="fr-link fr-text--sm" href={href(page, ANSWER_TEMPLATES_PATH)}>
      {t('answerTemplates.manage')}
    </a>
  );
  if (props.templates.length === 0)
    return (
      <p class="fr-text--sm">
        {t('answerTemplates.noneForThread')} {manage}
      </p>
    );
  return (
    <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-2w">
      <div class="fr-col-12 fr-col-md-7">
        <Select
          name="modele"
          label={t('answerTemplates.choice')}
          hint={t('answerTemplates.choiceHint')}
          value={props.chosen ?? ''}
          error={props.error}
          options={[{ value: '', label: '—' }, ...props.templates.map((template) => ({ value: template.id, label: template.name }))]}
        />
      </div>
      <div class="fr-col-12 fr-col-md-5">
        <Button variant="secondary" icon="fr-icon-file-text-line" name="action" value="modele" formAction={props.formAction} class="fr-mb-3w">
          {t('answerTemplates.use')}
        </Button>
        <p class="fr-mb-0">{manage}</p>
      </div>
    </div>
  );
}

function WritePage(props: {
  data: { householdId: string; household: string; subjects: MessageSubject[]; children: { id: string; name: string }[] };
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
}) {
  const page = usePage();
  const { t } = page;
  const { data, values, errors } = props;
  return (
    <>
      <p class="fr-mb-2w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, `/gestion/foyers/${data.householdId}`)}>
          {data.household}
        </a>
      </p>
      <h1>{t('staffMessages.writeTitle', { household: data.household })}</h1>
      <ErrorSummary errors={errors} labels={messageLabels(t)} />
      <p>{t('staffMessages.writeIntro')}</p>
      <form method="post" action={href(page, writeToHouseholdPath(data.householdId))} enctype="multipart/form-data" novalidate class="fr-mb-6w">
        <CsrfField />
        <NewThreadFields
          subjects={data.subjects.map((subject) => ({ value: subject.id, label: `${subject.label} (${subject.team})` }))}
          children={data.children}
          values={values}
          errors={errors}
        />
        <Button icon="fr-icon-send-plane-line" class="fr-mt-3w">
          {t('messages.send')}
        </Button>
      </form>
    </>
  );
}
