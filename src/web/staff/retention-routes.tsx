import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { lastRetentionRun, type RetentionOutcome } from '../../modules/retention/retention-job.js';
import {
  MONEY_AUDIT_YEARS,
  RETENTION_FIELDS,
  RETENTION_LIMITS,
  type RetentionField,
  retentionPolicy,
  saveRetentionPolicy,
} from '../../modules/retention/retention-policy.js';
import type { Services } from '../../services.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { formBody } from '../forms.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Form, Text } from '../page-input.js';

export const RETENTION_PATH = '/gestion/parametres/conservation';

/** What a pass removed, in the order the page lists it (each said by `retention.outcome.<kind>`). */
const OUTCOME_KINDS: (keyof RetentionOutcome)[] = [
  'erasedHouseholds',
  'householdsAwaitingSettlement',
  'threads',
  'files',
  'emails',
  'connectionTraces',
  'auditEntries',
];

/** How long the authority keeps personal data (administrators); the nightly job applies it. */
export function staffRetentionRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      RETENTION_PATH,
      { preHandler: requireStaff('admin'), schema: { querystring: Type.Object({ fait: Type.Optional(Text) }) } },
      async (request, reply) => {
        const policy = retentionPolicy(request.tenant!.settings);
        const lastRun = await request.inScope((scope) => lastRetentionRun(scope));
        const values = Object.fromEntries(RETENTION_FIELDS.map((field) => [field, String(policy[field])]));
        return reply.page(request.t('retention.title'), <RetentionPage values={values} errors={{}} lastRun={lastRun} saved={request.query.fait === 'oui'} />);
      },
    );

    app.post(RETENTION_PATH, { preHandler: requireStaff('admin'), schema: { body: Form } }, async (request, reply) => {
      const form = formBody(request);
      const result = await request.inScope((scope) => saveRetentionPolicy(scope, form));
      if (result.kind === 'forbidden') return reply.errorPage('forbidden');
      if (result.kind === 'saved') {
        await services.tenants.reload();
        return reply.redirect(`${request.base}${RETENTION_PATH}?fait=oui`, 303);
      }
      const errors = Object.fromEntries(
        Object.keys(result.errors).map((field) => [field, request.t('retention.rangeError', RETENTION_LIMITS[field as RetentionField])]),
      );
      const lastRun = await request.inScope((scope) => lastRetentionRun(scope));
      return reply.page(request.t('retention.title'), <RetentionPage values={form} errors={errors} lastRun={lastRun} />, 400);
    });
  };
}

function RetentionPage(props: {
  values: Record<string, string | undefined>;
  errors: Record<string, string | undefined>;
  lastRun: Awaited<ReturnType<typeof lastRetentionRun>>;
  saved?: boolean;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const labels = Object.fromEntries(RETENTION_FIELDS.map((field) => [field, t(`retention.${field}`)]));
  return (
    <>
      <h1>{t('retention.title')}</h1>
      {props.saved && (
        <Alert kind="success" small announce>
          {t('retention.saved')}
        </Alert>
      )}
      <ErrorSummary errors={props.errors} labels={labels} />
      <p>{t('retention.intro')}</p>
      <form method="post" action={href(page, RETENTION_PATH)} novalidate>
        <CsrfField />
        {RETENTION_FIELDS.map((field) => (
          <Input
            key={field}
            name={field}
            label={t(`retention.${field}`)}
            hint={`${t(`retention.${field}.hint`)} ${t('retention.range', RETENTION_LIMITS[field])}`}
            inputMode="numeric"
            required
            maxLength={3}
            value={props.values[field]}
            error={props.errors[field]}
          />
        ))}
        <Button>{t('retention.save')}</Button>
      </form>
      <h2 class="fr-mt-4w">{t('retention.alwaysKept')}</h2>
      <p>{t('retention.alwaysKept.text', { years: MONEY_AUDIT_YEARS })}</p>
      <h2>{t('retention.lastRun')}</h2>
      {props.lastRun ? (
        <>
          <p>{t('retention.lastRun.at', { date: fmt.dateTime(props.lastRun.at) })}</p>
          <ul>
            {OUTCOME_KINDS.filter((kind) => props.lastRun!.outcome[kind] > 0).map((kind) => (
              <li key={kind}>{t(`retention.outcome.${kind}`, { count: props.lastRun!.outcome[kind] })}</li>
            ))}
          </ul>
        </>
      ) : (
        <p>{t('retention.lastRun.none')}</p>
      )}
    </>
  );
}
