import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type ClosureImpact, closeHousehold, closureImpact, reopenHousehold } from '../../modules/retention/household-closure.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Form, formValues } from '../page-input.js';
import { IdParams } from './staff-input.js';

const closurePath = (householdId: string) => `/gestion/foyers/${householdId}/cloture`;

/** Closing a household whose family has left (its data then kept until the authority's keeping time), and reopening it. */
export function staffHouseholdClosureRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/gestion/foyers/:id/cloture', { preHandler: requireStaff('manager'), schema: { params: IdParams } }, async (request, reply) => {
      const impact = await request.inScope((scope) => closureImpact(scope, request.params.id));
      if (!impact || impact.erasedAt) return reply.callNotFound();
      return reply.page(request.t('closure.title', { name: impact.name }), <ClosurePage householdId={request.params.id} impact={impact} />);
    });

    app.post('/gestion/foyers/:id/cloture', { preHandler: requireStaff('manager'), schema: { params: IdParams, body: Form } }, async (request, reply) => {
      const { id } = request.params;
      const reopen = formValues(request.body).action === 'reopen';
      const result = await request.inScope((scope) => (reopen ? reopenHousehold(scope, id) : closeHousehold(scope, id)));
      if (result === 'not_found' || result === 'erased') return reply.callNotFound();
      if (result === 'forbidden') return reply.errorPage('forbidden');
      if (result === 'coming_bookings') {
        const impact = await request.inScope((scope) => closureImpact(scope, id));
        return reply.page(request.t('closure.title', { name: impact!.name }), <ClosurePage householdId={id} impact={impact!} refused />, 409);
      }
      return reply.redirect(`${request.base}/gestion/foyers/${id}?fait=${reopen ? 'reouvert' : 'cloture'}`, 303);
    });
  };
}

function ClosurePage(props: { householdId: string; impact: ClosureImpact; refused?: boolean }) {
  const page = usePage();
  const { t, fmt } = page;
  const { impact, householdId } = props;
  const back = href(page, `/gestion/foyers/${householdId}`);
  const closed = impact.closedAt !== null;
  return (
    <>
      <h1>{t('closure.title', { name: impact.name })}</h1>
      {props.refused && (
        <Alert kind="error" announce>
          {t('closure.refusedComing', { count: impact.comingBookings })}
        </Alert>
      )}
      {closed ? (
        <>
          <p>{t('closure.closedOn', { date: fmt.longDate(impact.closedAt!), erasure: fmt.longDate(impact.erasureDue) })}</p>
          <p>{t('closure.reopenExplained')}</p>
        </>
      ) : (
        <>
          <p>{t('closure.explained')}</p>
          <ul>
            <li>{t('closure.accounts', { count: impact.familyAccounts })}</li>
            <li>{t('closure.erasure', { date: fmt.longDate(impact.erasureDue) })}</li>
            <li>{t('closure.kept')}</li>
            {impact.balanceCents !== 0 && (
              <li>
                <strong>
                  {impact.balanceCents > 0
                    ? t('closure.balanceDue', { amount: fmt.money(impact.balanceCents) })
                    : t('closure.balanceCredit', { amount: fmt.money(-impact.balanceCents) })}
                </strong>
              </li>
            )}
          </ul>
          {impact.comingBookings > 0 && !props.refused && <Alert kind="warning">{t('closure.refusedComing', { count: impact.comingBookings })}</Alert>}
        </>
      )}
      <form method="post" action={href(page, closurePath(householdId))}>
        <CsrfField />
        <ul class="fr-btns-group fr-btns-group--inline-md">
          {(closed || impact.comingBookings === 0) && (
            <li>
              <Button name="action" value={closed ? 'reopen' : 'close'}>
                {t(closed ? 'closure.reopen' : 'closure.confirm')}
              </Button>
            </li>
          )}
          <li>
            <ButtonLink href={back} variant="secondary">
              {t('closure.back')}
            </ButtonLink>
          </li>
        </ul>
      </form>
    </>
  );
}

/** On the household's page: the state of a closed household, and the way to close or reopen it. */
export function HouseholdClosureLink(props: { householdId: string; closedAt: Date | null }) {
  const page = usePage();
  return (
    <ButtonLink
      href={href(page, closurePath(props.householdId))}
      icon={props.closedAt ? 'fr-icon-refresh-line' : 'fr-icon-logout-box-r-line'}
      variant="tertiary"
    >
      {page.t(props.closedAt ? 'closure.reopenLink' : 'closure.link')}
    </ButtonLink>
  );
}

export function HouseholdClosedNotice(props: { closedAt: Date | null }) {
  const { t, fmt } = usePage();
  if (!props.closedAt) return null;
  return (
    <Alert kind="warning" small>
      {t('closure.closedNotice', { date: fmt.longDate(props.closedAt) })}
    </Alert>
  );
}
