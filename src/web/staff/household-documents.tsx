import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { addHouseholdDocument, householdDocuments } from '../../modules/document-space/household-documents.js';
import { householdRequirements } from '../../modules/document-space/requested-documents.js';
import { householdName } from '../../modules/households/household-overview.js';
import type { Scope } from '../../modules/scope.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { FileUpload } from '../components/dsfr/file-upload.js';
import { Input } from '../components/dsfr/input.js';
import { RequirementTable } from '../components/required-documents.js';
import { errorMessages } from '../forms.js';
import { requireStaff } from '../guards.js';
import { fileTooLarge, readMultipartForm, uploadedFile } from '../multipart-form.js';
import { href, usePage } from '../page-context.js';
import { formValues, Text } from '../page-input.js';
import { DOCUMENT_ERROR_KEYS } from './document-routes.js';
import { useCanChange } from './staff-access.js';
import { IdParams } from './staff-input.js';

/** What the household file shows of the household's documents: what it is asked for, and the files the service added. */
export interface HouseholdDocumentsData {
  requirements: NonNullable<Awaited<ReturnType<typeof householdRequirements>>>;
  fromService: NonNullable<Awaited<ReturnType<typeof householdDocuments>>>;
}

export async function householdDocumentsOf(scope: Scope, householdId: string): Promise<HouseholdDocumentsData> {
  return { requirements: (await householdRequirements(scope, householdId)) ?? [], fromService: (await householdDocuments(scope, householdId)) ?? [] };
}

const addPath = (householdId: string) => `/gestion/foyers/${householdId}/documents`;

/** The household file's "Documents" part: each kind asked with its state (missing, refused, expired…), and the files the service added. */
export function HouseholdDocumentsSection(props: { householdId: string; data: HouseholdDocumentsData }) {
  const page = usePage();
  const { t } = page;
  const { requirements, fromService } = props.data;
  return (
    <>
      <h2 id="documents">{t('staffDocuments.household.title')}</h2>
      <h3 class="fr-h5">{t('documentSpace.asked')}</h3>
      {requirements.length === 0 ? (
        <p>{t('staffDocuments.household.noneAsked')}</p>
      ) : (
        <RequirementTable requirements={requirements} caption={t('documentSpace.asked')} withHousehold={false} />
      )}
      <h3 class="fr-h5">{t('documentSpace.fromService')}</h3>
      <SentList documents={fromService} />
      {useCanChange() && (
        <ButtonLink href={href(page, addPath(props.householdId))} icon="fr-icon-upload-line" variant="secondary">
          {t('staffDocuments.household.add')}
        </ButtonLink>
      )}
    </>
  );
}

function SentList(props: { documents: HouseholdDocumentsData['fromService'] }) {
  const page = usePage();
  const { t, fmt } = page;
  if (props.documents.length === 0) return <p>{t('documentSpace.noneFromService')}</p>;
  return (
    <ul>
      {props.documents.map((document) => (
        <li key={document.id}>
          <a href={href(page, `/documents/${document.id}`)}>{document.title ?? document.filename}</a>{' '}
          <span class="fr-text--xs">{t('documentSpace.addedOn', { date: fmt.shortDate(document.created_at) })}</span>
        </li>
      ))}
    </ul>
  );
}

/** The form's title (its file is read apart, web/multipart-form.ts). */
const AddBody = Type.Object({ titre: Type.Optional(Text) });

/** The notice of a file just added. */
const AddQuery = Type.Object({ ajoute: Type.Optional(Text) });

/** Staff add a file for one household; the family finds it in Mes documents and is told by email. */
export function staffHouseholdDocumentRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    const show = async (
      request: FastifyRequest,
      reply: FastifyReply,
      householdId: string,
      values: Record<string, string>,
      errors: Record<string, string | undefined>,
      status = 200,
    ) => {
      const data = await request.inScope(async (scope) => {
        const name = await householdName(scope, householdId);
        return name === null ? null : { name, documents: (await householdDocuments(scope, householdId)) ?? [] };
      });
      if (!data) return reply.callNotFound();
      const added = (request.query as { ajoute?: string }).ajoute !== undefined;
      return reply.page(
        request.t('staffDocuments.household.addTitle', { household: data.name }),
        <AddPage householdId={householdId} {...data} values={values} errors={errors} added={added} />,
        status,
      );
    };

    app.get(
      '/gestion/foyers/:id/documents',
      { preHandler: requireStaff('manager'), schema: { params: IdParams, querystring: AddQuery } },
      async (request, reply) => show(request, reply, request.params.id, {}, {}),
    );

    app.post(
      '/gestion/foyers/:id/documents',
      { preHandler: requireStaff('manager'), preValidation: readMultipartForm, schema: { params: IdParams, body: AddBody, querystring: AddQuery } },
      async (request, reply) => {
        const { id } = request.params;
        const form = formValues(request.body);
        const outcome = await request.inScope((scope) =>
          addHouseholdDocument(scope, id, { title: form.titre, file: uploadedFile(request, 'fichier'), fileTooLarge: fileTooLarge(request) }),
        );
        if (outcome.kind === 'added') return reply.redirect(`${request.base}${addPath(id)}?ajoute=1`);
        if (outcome.kind !== 'invalid') return outcome.kind === 'forbidden' ? reply.errorPage('forbidden') : reply.callNotFound();
        const { title, file } = errorMessages(request.t, outcome.errors, DOCUMENT_ERROR_KEYS);
        return show(request, reply, id, form, { titre: title, fichier: file }, 400);
      },
    );
  };
}

function AddPage(props: {
  householdId: string;
  name: string;
  documents: HouseholdDocumentsData['fromService'];
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
  added: boolean;
}) {
  const page = usePage();
  const { t } = page;
  const labels = { titre: t('staffDocuments.titleField'), fichier: t('staffDocuments.file') };
  return (
    <>
      <p class="fr-mb-1w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, `/gestion/foyers/${props.householdId}#documents`)}>
          {props.name}
        </a>
      </p>
      <h1>{t('staffDocuments.household.addTitle', { household: props.name })}</h1>
      {props.added && (
        <Alert kind="success" small announce>
          {t('staffDocuments.household.added')}
        </Alert>
      )}
      <p>{t('staffDocuments.household.addIntro')}</p>
      <div class="fr-grid-row fr-mb-4w">
        <div class="fr-col-12 fr-col-md-8">
          <ErrorSummary errors={props.errors} labels={labels} />
          <form method="post" action={href(page, addPath(props.householdId))} enctype="multipart/form-data" novalidate>
            <CsrfField />
            <Input name="titre" label={labels.titre} value={props.values.titre} error={props.errors.titre} required maxLength={200} />
            <FileUpload name="fichier" label={labels.fichier} hint={t('documentSpace.fileHint')} error={props.errors.fichier} />
            <Button icon="fr-icon-upload-line" class="fr-mt-2w">
              {t('staffDocuments.household.send')}
            </Button>
          </form>
        </div>
      </div>
      <h2>{t('documentSpace.fromService')}</h2>
      <SentList documents={props.documents} />
    </>
  );
}
