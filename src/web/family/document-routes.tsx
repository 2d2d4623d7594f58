import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { documentFileName } from '../../modules/documents/documents.js';
import { householdDocuments } from '../../modules/document-space/household-documents.js';
import { householdPublishedDocuments, readPublishedDocument } from '../../modules/document-space/published-documents.js';
import { householdRequirements, type Requirement, sendRequestedDocument } from '../../modules/document-space/requested-documents.js';
import { PAGES } from '../../modules/page-paths.js';
import { Alert } from '../components/dsfr/alert.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Table } from '../components/dsfr/table.js';
import { DOCUMENT_PROBLEM_KEYS, RequiredDocuments, requirementField, requirementTitle } from '../components/required-documents.js';
import { sendAttachment } from '../downloads.js';
import { requireAccount, requireFamily } from '../guards.js';
import { fileTooLarge, readMultipartForm, uploadedFile } from '../multipart-form.js';
import { href, usePage } from '../page-context.js';
import { Id, Text } from '../page-input.js';

/** The notice of a document just sent. */
const DocumentsQuery = Type.Object({ envoye: Type.Optional(Text) });
/** A form sending a document asked for: its token and its file only (the multipart reader may add its too-large mark). */
const SendForm = Type.Object({ _csrf: Type.Optional(Text) });
/** The kind a document is sent for, and the child for a kind asked per child. */
const KindParams = Type.Object({ typeId: Id, childId: Type.Optional(Id) });

/** Where each form of a page sending a document asked for posts: the page's own path and the kind. */
export const SEND_PATH = `${PAGES.documents}/envoi`;

interface DocumentsData {
  requirements: Requirement[];
  published: NonNullable<Awaited<ReturnType<typeof householdPublishedDocuments>>>;
  fromService: NonNullable<Awaited<ReturnType<typeof householdDocuments>>>;
}

/**
 * The route a page's forms of documents asked for post to, `<path>/<kind>` (Mes documents and the
 * enrollment page): the file sent, back to `sentTo`; a refused file, the page again with the field's
 * message (`showErrors`); a kind the household is not asked for, not found.
 */
export function sendDocumentRoute(
  app: Parameters<FastifyPluginAsyncTypebox>[0],
  path: string,
  sentTo: string,
  showErrors: (request: FastifyRequest, reply: FastifyReply, errors: Record<string, string>) => Promise<FastifyReply>,
): void {
  for (const address of [`${path}/:typeId`, `${path}/:typeId/:childId`]) {
    app.post(
      address,
      { preHandler: requireFamily, preValidation: readMultipartForm, schema: { params: KindParams, body: SendForm } },
      async (request, reply) => {
        const { typeId, childId } = request.params;
        const field = requirementField(typeId, childId);
        const outcome = await request.inScope((scope) =>
          sendRequestedDocument(scope, request.session!.account.householdId!, typeId, {
            file: uploadedFile(request, field),
            fileTooLarge: fileTooLarge(request),
            childId,
          }),
        );
        if (outcome.kind === 'not_found') return reply.callNotFound();
        if (outcome.kind === 'sent') return reply.redirect(`${request.base}${sentTo}`);
        return showErrors(request, reply, {
          [field]: request.t(DOCUMENT_PROBLEM_KEYS[outcome.problem]),
        });
      },
    );
  }
}

/** The labels of a page's upload fields, for its error summary. */
export function requirementLabels(t: FastifyRequest['t'], requirements: Requirement[]): Record<string, string> {
  return Object.fromEntries(requirements.map((requirement) => [requirementField(requirement.typeId, requirement.child?.id), requirementTitle(t, requirement)]));
}

/** Mes documents: what the service asks for (sent from here), publishes and sends the household; their downloads. */
export function familyDocumentRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    const load = (request: FastifyRequest) =>
      request.inScope(async (scope): Promise<DocumentsData> => {
        const householdId = request.session!.account.householdId!;
        return {
          requirements: (await householdRequirements(scope, householdId)) ?? [],
          published: (await householdPublishedDocuments(scope, householdId)) ?? [],
          fromService: (await householdDocuments(scope, householdId)) ?? [],
        };
      });
    const show = async (request: FastifyRequest, reply: FastifyReply, errors: Record<string, string>, sent: boolean) =>
      reply.page(
        request.t('documentSpace.title'),
        <DocumentsPage data={await load(request)} errors={errors} sent={sent} />,
        Object.keys(errors).length > 0 ? 400 : 200,
      );

    app.get(PAGES.documents, { preHandler: requireFamily, schema: { querystring: DocumentsQuery } }, async (request, reply) =>
      show(request, reply, {}, request.query.envoye !== undefined),
    );

    sendDocumentRoute(app, SEND_PATH, `${PAGES.documents}?envoye=1`, (request, reply, errors) => show(request, reply, errors, false));

    // Staff download the same files here: the module lets them read every published document.
    app.get(`${PAGES.documents}/publies/:id`, { preHandler: requireAccount, schema: { params: Type.Object({ id: Id }) } }, async (request, reply) => {
      const document = await request.inScope((scope) => readPublishedDocument(scope, request.params.id));
      if (!document) return reply.callNotFound();
      return sendAttachment(reply, documentFileName(document.filename, document.content_type), document.content_type, document.content);
    });
  };
}

/** A file's name and size, for a download link. */
function sizeInKb(bytes: number): number {
  return Math.max(1, Math.round(bytes / 1024));
}

function DocumentsPage(props: { data: DocumentsData; errors: Record<string, string>; sent: boolean }) {
  const page = usePage();
  const { t, fmt } = page;
  const { data } = props;
  return (
    <>
      <h1>{t('documentSpace.title')}</h1>
      {props.sent && (
        <Alert kind="success" small announce>
          {t('documentSpace.sent')}
        </Alert>
      )}
      <ErrorSummary errors={props.errors} labels={requirementLabels(t, data.requirements)} />
      <p>{t('documentSpace.intro')}</p>

      <h2>{t('documentSpace.asked')}</h2>
      <RequiredDocuments requirements={data.requirements} action={SEND_PATH} errors={props.errors} itemHeading="h3" />

      <h2>{t('documentSpace.published')}</h2>
      {data.published.length === 0 ? (
        <p>{t('documentSpace.noPublished')}</p>
      ) : (
        <Table caption={t('documentSpace.published')} noCaption>
          <thead>
            <tr>
              <th scope="col">{t('documentSpace.document')}</th>
              <th scope="col">{t('documentSpace.for')}</th>
              <th scope="col">{t('documentSpace.since')}</th>
            </tr>
          </thead>
          <tbody>
            {data.published.map((document) => (
              <tr key={document.id}>
                <td>
                  <a class="fr-link fr-icon-download-line fr-link--icon-left" href={href(page, `${PAGES.documents}/publies/${document.id}`)}>
                    {t('documentSpace.download', { title: document.title, size: sizeInKb(document.size_bytes) })}
                  </a>
                </td>
                <td>{document.activity_name ?? t('documentSpace.everyFamily')}</td>
                <td>{fmt.day(document.visible_from)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}

      <h2>{t('documentSpace.fromService')}</h2>
      {data.fromService.length === 0 ? (
        <p>{t('documentSpace.noneFromService')}</p>
      ) : (
        <ul class="fr-raw-list">
          {data.fromService.map((document) => (
            <li key={document.id} class="fr-mb-1w">
              <a class="fr-link fr-icon-download-line fr-link--icon-left" href={href(page, `/documents/${document.id}`)}>
                {t('documentSpace.download', { title: document.title ?? document.filename, size: sizeInKb(document.size_bytes) })}
              </a>{' '}
              <span class="fr-text--xs">{t('documentSpace.addedOn', { date: fmt.shortDate(document.created_at) })}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
