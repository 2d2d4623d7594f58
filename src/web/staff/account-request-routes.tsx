import { Table } from '../components/dsfr/table.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { accountRequestName, decideAccountRequest, listAccountRequests } from '../../modules/households/account-requests.js';
import { mailContextOf } from '../auth/mail-context.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { RequestStatusBadge } from '../components/status-badge.js';
import { requireStaff } from '../guards.js';
import { Form, formValues } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import { IdParams } from './staff-input.js';
import { useCanChange } from './staff-access.js';

type Requests = Awaited<ReturnType<typeof listAccountRequests>>;
type Notice = { kind: 'success' | 'error'; text: string };

/** Staff review the account requests of people unknown to the service. */
export function staffAccountRequestRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/gestion/demandes-de-compte', { preHandler: requireStaff() }, async (request, reply) => {
      const lists = await request.inScope(async (scope) => ({
        pending: await listAccountRequests(scope, 'pending'),
        decided: await listAccountRequests(scope, 'decided'),
      }));
      return reply.page(request.t('staff.requests.title'), <RequestsPage {...lists} />);
    });

    app.post(
      '/gestion/demandes-de-compte/:id/decision',
      { preHandler: requireStaff('manager'), schema: { params: IdParams, body: Form } },
      async (request, reply) => {
        const { id } = request.params;
        const form = formValues(request.body);
        const accept = form.decision === 'accept';
        const tenant = request.tenant!;
        const { result, name, lists } = await request.inScope(async (scope) => {
          const name = await accountRequestName(scope, id);
          const result =
            name !== null
              ? await decideAccountRequest(
                  scope,
                  id,
                  accept ? { accept: true } : { accept: false, reason: form.reason ?? '' },
                  tenant.settings,
                  mailContextOf(request),
                )
              : 'not_found';
          return {
            result,
            name: name ?? '',
            lists: { pending: await listAccountRequests(scope, 'pending'), decided: await listAccountRequests(scope, 'decided') },
          };
        });
        if (result === 'not_found') return reply.callNotFound();
        const t = request.t;
        const notice: Notice =
          result === 'done'
            ? { kind: 'success', text: t(accept ? 'staff.requests.accepted' : 'staff.requests.refused', { name }) }
            : {
                kind: 'error',
                text: t(
                  result === 'reason_required'
                    ? 'staff.requests.reasonRequired'
                    : result === 'forbidden'
                      ? 'staff.requests.readOnly'
                      : 'staff.requests.alreadyDecided',
                ),
              };
        const status = result === 'done' ? 200 : result === 'forbidden' ? 403 : 400;
        return reply.page(
          t('staff.requests.title'),
          <RequestsPage {...lists} notice={notice} reasonErrorFor={result === 'reason_required' ? id : undefined} />,
          status,
        );
      },
    );
  };
}

function RequestsPage(props: { pending: Requests; decided: Requests; notice?: Notice; reasonErrorFor?: string | undefined }) {
  const page = usePage();
  const { t, fmt } = page;
  const canDecide = useCanChange();
  return (
    <>
      <h1>{t('staff.requests.title')}</h1>
      {props.notice && (
        <Alert kind={props.notice.kind} announce>
          {props.notice.text}
        </Alert>
      )}
      <p>{t('staff.requests.intro')}</p>
      {!canDecide && (
        <Alert kind="info" small>
          {t('staff.requests.readOnly')}
        </Alert>
      )}
      <h2>{t('staff.requests.pending', { count: props.pending.length })}</h2>
      {props.pending.length === 0 && <p>{t('staff.requests.none')}</p>}
      {props.pending.map((request) => (
        <article class="fr-card fr-card--no-arrow fr-mb-3w" key={request.id} aria-labelledby={`request-${request.id}`}>
          <div class="fr-card__body">
            <div class="fr-card__content">
              <h3 class="fr-card__title" id={`request-${request.id}`}>
                {request.first_name} {request.last_name.toUpperCase()}
              </h3>
              <dl class="fr-card__desc pf-definition-list">
                <dt>{t('staff.requests.date')}</dt>
                <dd>{fmt.dateTime(request.created_at)}</dd>
                <dt>{t('staff.requests.contact')}</dt>
                <dd>
                  {request.email}
                  {request.phone && <> — {request.phone}</>}
                  {request.address_line1 && (
                    <>
                      <br />
                      {request.address_line1}, {request.postcode} {request.city}
                    </>
                  )}
                </dd>
                {request.children && (
                  <>
                    <dt>{t('staff.requests.children')}</dt>
                    <dd class="pf-pre">{request.children}</dd>
                  </>
                )}
                {request.message && (
                  <>
                    <dt>{t('staff.requests.message')}</dt>
                    <dd class="pf-pre">{request.message}</dd>
                  </>
                )}
              </dl>
            </div>
            {/* In the card's footer: DSFR orders the content's title and description first, so
                anything else inside the content would be shown above the name it belongs to. */}
            {canDecide && (
              <div class="fr-card__footer">
                <div class="fr-grid-row fr-grid-row--gutters">
                  <form method="post" action={href(page, `/gestion/demandes-de-compte/${request.id}/decision`)} class="fr-col-12 fr-col-md-4">
                    <CsrfField />
                    <input type="hidden" name="decision" value="accept" />
                    <Button icon="fr-icon-check-line">{t('staff.requests.accept')}</Button>
                  </form>
                  <form method="post" action={href(page, `/gestion/demandes-de-compte/${request.id}/decision`)} class="fr-col-12 fr-col-md-8">
                    <CsrfField />
                    <input type="hidden" name="decision" value="refuse" />
                    <Textarea
                      name={`reason`}
                      label={t('staff.requests.reason')}
                      rows={2}
                      required
                      error={props.reasonErrorFor === request.id ? t('staff.requests.reasonRequired') : undefined}
                    />
                    <Button variant="secondary" icon="fr-icon-close-line">
                      {t('staff.requests.refuse')}
                    </Button>
                  </form>
                </div>
              </div>
            )}
          </div>
        </article>
      ))}
      {props.decided.length > 0 && (
        <>
          <h2>{t('staff.requests.decided')}</h2>
          <Table caption={t('staff.requests.decided')} noCaption>
            <thead>
              <tr>
                <th scope="col">{t('staff.requests.person')}</th>
                <th scope="col">{t('staff.requests.status')}</th>
                <th scope="col">{t('staff.requests.decidedAt')}</th>
                <th scope="col">{t('staff.requests.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {props.decided.map((request) => (
                <tr key={request.id}>
                  <td>
                    {request.first_name} {request.last_name.toUpperCase()} — {request.email}
                  </td>
                  <td>
                    <RequestStatusBadge status={request.status} />
                  </td>
                  <td>{request.decided_at ? fmt.dateTime(request.decided_at) : ''}</td>
                  <td>{request.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </>
      )}
    </>
  );
}
