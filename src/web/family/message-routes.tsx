import { countKey, type MessageKey } from '../../i18n/catalogue.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { childChoices } from '../../modules/households/household-overview.js';
import { listSubjects, type MessageSubject } from '../../modules/messages/subjects.js';
import { binThread } from '../../modules/messages/thread-actions.js';
import {
  FAMILY_FOLDERS,
  type FamilyFolder,
  familyThread,
  familyThreads,
  type ThreadSummary,
  type ThreadView,
  threadAttachment,
} from '../../modules/messages/thread-views.js';
import { replyToThread, startThread } from '../../modules/messages/threads.js';
import { PAGES, pagePath } from '../../modules/page-paths.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Table } from '../components/dsfr/table.js';
import { MessageFields, MessageList, messageErrorMessages, messageLabels, NewThreadFields } from '../components/message-thread.js';
import { sendAttachment } from '../downloads.js';
import { refusedFields } from '../forms.js';
import { requireFamily } from '../guards.js';
import { fileTooLarge, readMultipartForm, uploadedFile } from '../multipart-form.js';
import { href, usePage } from '../page-context.js';
import { formValues, Id, IdChoice, Text } from '../page-input.js';

export const MESSAGES_PATH = '/messages';

/** The folders' names in addresses. */
const FOLDER_SLUGS: Record<FamilyFolder, string> = { received: 'recus', sent: 'envoyes', deleted: 'supprimes' };
const NOTICES = ['envoye', 'supprime', 'restaure', 'repondu'] as const;
type Notice = (typeof NOTICES)[number];
const NOTICE_KEYS: Record<Notice, MessageKey> = {
  envoye: 'messages.sent',
  supprime: 'messages.binned',
  restaure: 'messages.restored',
  repondu: 'messages.replied',
};

/** What was just done, said once above the page. */
function NoticeAlert(props: { notice: Notice | undefined }) {
  const { t } = usePage();
  return props.notice ? (
    <Alert kind="success" small announce>
      {t(NOTICE_KEYS[props.notice])}
    </Alert>
  ) : null;
}

const FolderQuery = Type.Object({
  dossier: Type.Optional(Type.Union(Object.values(FOLDER_SLUGS).map((slug) => Type.Literal(slug)))),
  fait: Type.Optional(Text),
});
const ThreadParams = Type.Object({ threadId: Id });
const AttachmentParams = Type.Object({ threadId: Id, documentId: Id });
const ThreadQuery = Type.Object({ fait: Type.Optional(Text) });
/** The text fields of a message (the file is read by web/multipart-form.ts). */
const ReplyForm = Type.Object({ message: Type.Optional(Text) });
const WriteForm = Type.Object({
  sujet: Type.Optional(IdChoice),
  enfant: Type.Optional(IdChoice),
  objet: Type.Optional(Text),
  message: Type.Optional(Text),
});

/** The family's mailbox (seed 001's "Boîte de réception"): folders, writing to the service, a thread and its replies. */
export function familyMessageRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(MESSAGES_PATH, { preHandler: requireFamily, schema: { querystring: FolderQuery } }, async (request, reply) => {
      const folder = FAMILY_FOLDERS.find((candidate) => FOLDER_SLUGS[candidate] === request.query.dossier) ?? 'received';
      const householdId = request.session!.account.householdId!;
      const threads = await request.inScope((scope) => familyThreads(scope, householdId, folder));
      const notice = NOTICES.find((candidate) => candidate === request.query.fait);
      return reply.page(request.t('messages.title'), <FolderPage folder={folder} threads={threads} notice={notice} />);
    });

    app.get(`${MESSAGES_PATH}/ecrire`, { preHandler: requireFamily }, async (request, reply) => {
      return reply.page(request.t('messages.writeTitle'), <WritePage data={await loadWrite(request)} values={{}} errors={{}} />);
    });

    app.post(
      `${MESSAGES_PATH}/ecrire`,
      { preHandler: requireFamily, preValidation: readMultipartForm, schema: { body: WriteForm }, attachValidation: true },
      async (request, reply) => {
        const refused = refusedFields(request);
        const householdId = request.session!.account.householdId!;
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
        if (outcome?.kind === 'not_found' || outcome?.kind === 'forbidden') return reply.callNotFound();
        if (outcome?.kind === 'sent') return reply.redirect(`${request.base}${threadPath(outcome.threadId)}?fait=envoye`);
        const errors = outcome?.kind === 'invalid' ? messageErrorMessages(request.t, outcome.errors) : (refused ?? {});
        return reply.page(
          request.t('messages.writeTitle'),
          <WritePage data={await loadWrite(request)} values={formValues(request.body)} errors={errors} />,
          400,
        );
      },
    );

    app.get(`${MESSAGES_PATH}/:threadId`, { preHandler: requireFamily, schema: { params: ThreadParams, querystring: ThreadQuery } }, async (request, reply) => {
      const thread = await readThread(request, request.params.threadId);
      if (!thread) return reply.callNotFound();
      const notice = NOTICES.find((candidate) => candidate === request.query.fait);
      return reply.page(thread.title, <ThreadPage thread={thread} values={{}} errors={{}} notice={notice} />);
    });

    app.post(
      `${MESSAGES_PATH}/:threadId`,
      { preHandler: requireFamily, preValidation: readMultipartForm, schema: { params: ThreadParams, body: ReplyForm }, attachValidation: true },
      async (request, reply) => {
        const refused = refusedFields(request);
        const { threadId } = request.params;
        const outcome = refused
          ? null
          : await request.inScope((scope) =>
              replyToThread(scope, threadId, { body: request.body.message, file: uploadedFile(request, 'piece'), fileTooLarge: fileTooLarge(request) }),
            );
        if (outcome?.kind === 'not_found' || outcome?.kind === 'forbidden') return reply.callNotFound();
        if (outcome?.kind === 'sent') return reply.redirect(`${request.base}${threadPath(threadId)}?fait=repondu#message-${outcome.messageId}`);
        const thread = await readThread(request, threadId);
        if (!thread) return reply.callNotFound();
        const errors = outcome?.kind === 'invalid' ? messageErrorMessages(request.t, outcome.errors) : (refused ?? {});
        return reply.page(thread.title, <ThreadPage thread={thread} values={formValues(request.body)} errors={errors} />, 400);
      },
    );

    for (const [action, restore] of [
      ['supprimer', false],
      ['restaurer', true],
    ] as const) {
      app.post(`${MESSAGES_PATH}/:threadId/${action}`, { preHandler: requireFamily, schema: { params: ThreadParams } }, async (request, reply) => {
        const householdId = request.session!.account.householdId!;
        const done = await request.inScope((scope) => binThread(scope, householdId, request.params.threadId, restore));
        if (done !== 'done') return reply.callNotFound();
        return reply.redirect(`${request.base}${MESSAGES_PATH}?dossier=${restore ? 'recus' : 'supprimes'}&fait=${restore ? 'restaure' : 'supprime'}`);
      });
    }

    app.get(`${MESSAGES_PATH}/:threadId/pieces/:documentId`, { preHandler: requireFamily, schema: { params: AttachmentParams } }, async (request, reply) => {
      const file = await request.inScope((scope) => threadAttachment(scope, request.params.threadId, request.params.documentId));
      if (!file) return reply.callNotFound();
      return sendAttachment(reply, file.filename, file.contentType, file.content);
    });
  };
}

export function threadPath(threadId: string): string {
  return pagePath(PAGES.messageThread, { threadId });
}

function readThread(request: FastifyRequest, threadId: string): Promise<ThreadView | null> {
  const householdId = request.session!.account.householdId!;
  return request.inScope((scope) => familyThread(scope, householdId, threadId));
}

async function loadWrite(request: FastifyRequest) {
  const householdId = request.session!.account.householdId!;
  return request.inScope(async (scope) => ({ subjects: await listSubjects(scope, { activeOnly: true }), children: await childChoices(scope, householdId) }));
}

function FolderNav(props: { folder: FamilyFolder }) {
  const page = usePage();
  const { t } = page;
  return (
    <nav class="fr-mb-3w" aria-label={t('messages.folders')}>
      <ul class="fr-btns-group fr-btns-group--inline-sm">
        {FAMILY_FOLDERS.map((folder) => (
          <li key={folder}>
            <a
              class={`fr-btn fr-btn--sm${folder === props.folder ? '' : ' fr-btn--tertiary'}`}
              href={href(page, `${MESSAGES_PATH}?dossier=${FOLDER_SLUGS[folder]}`)}
              aria-current={folder === props.folder ? 'page' : undefined}
            >
              {t(`messages.folder.${folder}`)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function FolderPage(props: { folder: FamilyFolder; threads: ThreadSummary[]; notice: Notice | undefined }) {
  const page = usePage();
  const { t, fmt } = page;
  return (
    <>
      <h1>{t('messages.title')}</h1>
      <NoticeAlert notice={props.notice} />
      <p>{t('messages.intro')}</p>
      <p>
        <ButtonLink href={href(page, `${MESSAGES_PATH}/ecrire`)} icon="fr-icon-mail-line">
          {t('messages.write')}
        </ButtonLink>
      </p>
      <FolderNav folder={props.folder} />
      <h2 class="fr-h4">{t(`messages.folder.${props.folder}`)}</h2>
      {props.threads.length === 0 ? (
        <p>{t(`messages.none.${props.folder}`)}</p>
      ) : (
        <Table caption={t(`messages.folder.${props.folder}`)} noCaption focusableId="threads-caption">
          <thead>
            <tr>
              <th scope="col">{t('messages.col.title')}</th>
              <th scope="col">{t('messages.col.subject')}</th>
              <th scope="col">{t('messages.col.child')}</th>
              <th scope="col">{t('messages.col.last')}</th>
              <th scope="col">{t('messages.col.unread')}</th>
            </tr>
          </thead>
          <tbody>
            {props.threads.map((thread) => (
              <tr key={thread.id}>
                <th scope="row">
                  <a href={href(page, threadPath(thread.id))}>{thread.unread > 0 ? <strong>{thread.title}</strong> : thread.title}</a>
                </th>
                <td>{thread.subject}</td>
                <td>{thread.childName ?? '—'}</td>
                <td>{fmt.dateTime(thread.lastMessageAt)}</td>
                <td>
                  {thread.unread > 0 ? (
                    <span class="fr-badge fr-badge--sm fr-badge--new">{t(countKey('messages.unreadCount', thread.unread), { count: thread.unread })}</span>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}

function WritePage(props: {
  data: { subjects: MessageSubject[]; children: { id: string; name: string }[] };
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
}) {
  const page = usePage();
  const { t } = page;
  const { values, errors, data } = props;
  return (
    <>
      <p class="fr-mb-2w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, MESSAGES_PATH)}>
          {t('messages.back')}
        </a>
      </p>
      <h1>{t('messages.writeTitle')}</h1>
      <ErrorSummary errors={errors} labels={messageLabels(t)} />
      {data.subjects.length === 0 ? (
        <Alert kind="info">{t('messages.noSubjects')}</Alert>
      ) : (
        <>
          <p>{t('messages.writeIntro')}</p>
          <form method="post" action={href(page, `${MESSAGES_PATH}/ecrire`)} enctype="multipart/form-data" novalidate class="fr-mb-6w">
            <CsrfField />
            <NewThreadFields
              subjects={data.subjects.map((subject) => ({ value: subject.id, label: subject.label }))}
              children={data.children}
              values={values}
              errors={errors}
            />
            <Button icon="fr-icon-send-plane-line" class="fr-mt-3w">
              {t('messages.send')}
            </Button>
          </form>
        </>
      )}
    </>
  );
}

function ThreadPage(props: { thread: ThreadView; values: Record<string, string>; errors: Record<string, string | undefined>; notice?: Notice | undefined }) {
  const page = usePage();
  const { t } = page;
  const { thread, errors } = props;
  const action = href(page, threadPath(thread.id));
  return (
    <>
      <p class="fr-mb-2w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, MESSAGES_PATH)}>
          {t('messages.back')}
        </a>
      </p>
      <h1>{thread.title}</h1>
      <NoticeAlert notice={props.notice} />
      {thread.deleted && (
        <Alert kind="info" small>
          {t('messages.inBin')}
        </Alert>
      )}
      <p class="fr-mb-1w">{t('messages.thread.about', { subject: thread.subject })}</p>
      {thread.childName && <p>{t('messages.thread.child', { child: thread.childName })}</p>}
      <MessageList thread={thread} attachmentPath={(documentId) => href(page, `${threadPath(thread.id)}/pieces/${documentId}`)} />
      <h2 class="fr-h4">{t('messages.reply')}</h2>
      <ErrorSummary errors={errors} labels={messageLabels(t)} />
      <form method="post" action={action} enctype="multipart/form-data" novalidate class="fr-mb-4w">
        <CsrfField />
        <MessageFields values={props.values} errors={errors} />
        <Button icon="fr-icon-send-plane-line" class="fr-mt-3w">
          {t('messages.replySend')}
        </Button>
      </form>
      <form method="post" action={`${action}/${thread.deleted ? 'restaurer' : 'supprimer'}`}>
        <CsrfField />
        <Button variant="secondary" icon={thread.deleted ? 'fr-icon-arrow-go-back-line' : 'fr-icon-delete-line'}>
          {t(thread.deleted ? 'messages.restore' : 'messages.bin')}
        </Button>
      </form>
    </>
  );
}
