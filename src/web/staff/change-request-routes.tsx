import { Table } from '../components/dsfr/table.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import { pendingRequests, type Decision, type DecisionResult, type RequestRow } from '../../modules/households/change-requests.js';
import type { ChangeRequestKind } from '../../modules/households/households.tables.js';
import { decideRequests } from '../../modules/households/request-decisions.js';
import { mailContextOf } from '../auth/mail-context.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { Select } from '../components/dsfr/select.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { RequestChange } from '../components/request-change.js';
import { requireStaff } from '../guards.js';
import { Form, formValues, Id, Many, many, UUID } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import { DecisionButton, splitAtColon } from './staff-input.js';
import { useCanChange } from './staff-access.js';

const PATH = '/gestion/demandes';
const KINDS: ChangeRequestKind[] = ['record', 'add_member', 'contacts'];
const SELECTION = 'selection';
const reasonField = (target: string) => (target === SELECTION ? 'reason' : `reason.${target}`);

/** The kind of requests shown (`type`), none for all. */
const Kind = Type.Optional(Type.Union([Type.Enum(KINDS), Type.Literal('')]));
/**
 * A decision: "accept:<id>" or "refuse:<id>" for one request, "accept:selection" or
 * "refuse:selection" for the ticked ones (`ids`), with the reason of a refusal (`reason.<id>`, `reason`).
 */
const DecisionForm = Type.Intersect([
  Type.Object({ act: DecisionButton(['accept', 'refuse'], [SELECTION, UUID]), type: Kind, ids: Type.Optional(Many(Id)) }),
  Form,
]);

interface Outcome {
  id: string;
  result: DecisionResult;
  request: RequestRow | undefined;
}

/**
 * The families' requests waiting for the service: accepted or refused one by one, or a selection at
 * once with one reason. One submission is one transaction; the family is emailed by the decision.
 */
export function staffChangeRequestRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(PATH, { preHandler: requireStaff(), schema: { querystring: Type.Object({ type: Kind }) } }, async (request, reply) => {
      const kind = request.query.type || undefined;
      const rows = await request.inScope((scope) => pendingRequests(scope, kind));
      return reply.page(request.t('staff.changeRequests.title'), <InboxPage rows={rows} kind={kind} outcomes={[]} />);
    });

    app.post(PATH, { preHandler: requireStaff('manager'), schema: { body: DecisionForm } }, async (request, reply) => {
      const { body } = request;
      const kind = body.type || undefined;
      const [verb, target] = splitAtColon(body.act);
      const ids = target === SELECTION ? many(body.ids) : [target];
      const reason = formValues(body)[reasonField(target)] ?? '';
      const decision: Decision = verb === 'accept' ? { accept: true } : { accept: false, reason };
      const { outcomes, rows } = await request.inScope(async (scope) => {
        const before = new Map((await pendingRequests(scope)).map((row) => [row.id, row]));
        const results = await decideRequests(scope, ids, decision, mailContextOf(request));
        return {
          outcomes: results.map((outcome) => ({ ...outcome, request: before.get(outcome.id) })),
          rows: await pendingRequests(scope, kind),
        };
      });
      const reasonMissing = outcomes.some((outcome) => outcome.result === 'reason_required');
      const nothingSelected = target === SELECTION && outcomes.length === 0;
      return reply.page(
        request.t('staff.changeRequests.title'),
        <InboxPage
          rows={rows}
          kind={kind}
          outcomes={reasonMissing ? [] : outcomes}
          accepted={decision.accept}
          errors={{
            ...(reasonMissing ? { [reasonField(target)]: request.t('staff.changeRequests.reasonRequired') } : {}),
            ...(nothingSelected ? { ids: request.t('staff.changeRequests.nothingSelected') } : {}),
          }}
          values={reasonMissing ? { [reasonField(target)]: reason } : {}}
          selected={reasonMissing ? ids : []}
        />,
        reasonMissing || nothingSelected ? 400 : 200,
      );
    });
  };
}

const RESULT_TEXT: Record<Exclude<DecisionResult, 'done'>, MessageKey> = {
  not_found: 'staff.changeRequests.result.not_found',
  already_decided: 'staff.changeRequests.result.already_decided',
  reason_required: 'staff.changeRequests.reasonRequired',
  forbidden: 'staff.changeRequests.readOnly',
  email_taken: 'staff.changeRequests.result.email_taken',
};

function Outcomes(props: { outcomes: Outcome[]; accepted: boolean }) {
  const { t } = usePage();
  if (props.outcomes.length === 0) return null;
  const failed = props.outcomes.some((outcome) => outcome.result !== 'done');
  return (
    <Alert kind={failed ? 'warning' : 'success'} title={t('staff.changeRequests.results')} announce>
      <ul>
        {props.outcomes.map((outcome) => {
          const what = outcome.request
            ? `${outcome.request.household_name} — ${t(`requests.kind.${outcome.request.kind}`)}${outcome.request.target_name ? ` (${outcome.request.target_name})` : ''}`
            : t('staff.changeRequests.unknownRequest');
          const text =
            outcome.result === 'done'
              ? t(props.accepted ? 'staff.changeRequests.result.accepted' : 'staff.changeRequests.result.refused')
              : t(RESULT_TEXT[outcome.result]);
          return (
            <li key={outcome.id}>
              {what}
              {t('punct.colon')}
              {text}
            </li>
          );
        })}
      </ul>
    </Alert>
  );
}

function InboxPage(props: {
  rows: RequestRow[];
  kind: ChangeRequestKind | undefined;
  outcomes: Outcome[];
  accepted?: boolean;
  errors?: Record<string, string>;
  values?: Record<string, string>;
  /** Requests still ticked after an error, so the selection is not lost. */
  selected?: string[];
}) {
  const page = usePage();
  const { t, fmt } = page;
  const canDecide = useCanChange();
  const errors = props.errors ?? {};
  const values = props.values ?? {};
  const caption = t('staff.changeRequests.pending', { count: props.rows.length });
  return (
    <>
      <h1>{t('staff.changeRequests.title')}</h1>
      <Outcomes outcomes={props.outcomes} accepted={props.accepted ?? true} />
      {Object.values(errors).map((error) => (
        <Alert kind="error" small announce key={error}>
          {error}
        </Alert>
      ))}
      <p>{t('staff.changeRequests.intro')}</p>
      {!canDecide && (
        <Alert kind="info" small>
          {t('staff.changeRequests.readOnly')}
        </Alert>
      )}
      <form method="get" action={href(page, PATH)} class="fr-grid-row fr-grid-row--bottom fr-grid-row--gutters fr-mb-3w">
        <div class="fr-col-12 fr-col-md-6">
          <Select
            name="type"
            label={t('requests.filter')}
            value={props.kind ?? ''}
            options={[{ value: '', label: t('requests.filterAll') }, ...KINDS.map((kind) => ({ value: kind, label: t(`requests.kind.${kind}`) }))]}
          />
        </div>
        <div class="fr-col-12 fr-col-md-3">
          <Button variant="secondary" icon="fr-icon-filter-line">
            {t('requests.filterApply')}
          </Button>
        </div>
      </form>
      {props.rows.length === 0 ? (
        <p>{t('staff.changeRequests.none')}</p>
      ) : (
        <form method="post" action={href(page, PATH)}>
          <CsrfField />
          {props.kind && <input type="hidden" name="type" value={props.kind} />}
          <Table caption={caption}>
            <thead>
              <tr>
                {canDecide && <th scope="col">{t('staff.changeRequests.select')}</th>}
                <th scope="col">{t('staff.changeRequests.received')}</th>
                <th scope="col">{t('staff.changeRequests.household')}</th>
                <th scope="col">{t('requests.about')}</th>
                <th scope="col">{t('requests.change')}</th>
                {canDecide && <th scope="col">{t('staff.changeRequests.decision')}</th>}
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr key={row.id}>
                  {canDecide && (
                    <td>
                      <div class="fr-checkbox-group fr-checkbox-group--sm">
                        <input type="checkbox" id={`select-${row.id}`} name="ids" value={row.id} checked={props.selected?.includes(row.id)} />
                        <label class="fr-label" for={`select-${row.id}`}>
                          <span class="fr-sr-only">{t('staff.changeRequests.selectOne', { household: row.household_name })}</span>
                        </label>
                      </div>
                    </td>
                  )}
                  <td>{fmt.dateTime(row.created_at)}</td>
                  <td>
                    <a href={href(page, `/gestion/foyers/${row.household_id}`)}>{row.household_name}</a>
                  </td>
                  <td>
                    {row.target_name ?? t('requests.household')}
                    <br />
                    <span class="fr-text--xs">{t(`requests.kind.${row.kind}`)}</span>
                  </td>
                  <td>
                    <RequestChange kind={row.kind} payload={row.payload} />
                  </td>
                  {canDecide && (
                    <td>
                      <Button name="act" value={`accept:${row.id}`} icon="fr-icon-check-line" class="fr-btn--sm fr-mb-1w">
                        {t('staff.changeRequests.accept')}
                      </Button>
                      {/* Folded without JavaScript: the reason takes room only when staff refuse. */}
                      <details open={Boolean(errors[reasonField(row.id)])}>
                        <summary class="fr-link fr-link--sm">{t('staff.changeRequests.refuseEllipsis')}</summary>
                        <Textarea
                          name={reasonField(row.id)}
                          label={t('staff.changeRequests.reason')}
                          rows={3}
                          value={values[reasonField(row.id)]}
                          error={errors[reasonField(row.id)]}
                        />
                        <Button name="act" value={`refuse:${row.id}`} variant="secondary" icon="fr-icon-close-line" class="fr-btn--sm">
                          {t('staff.changeRequests.refuse')}
                        </Button>
                      </details>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
          {canDecide && (
            <fieldset class="fr-fieldset fr-mt-3w" aria-labelledby="bulk-legend">
              <legend class="fr-fieldset__legend" id="bulk-legend">
                {t('staff.changeRequests.bulk')}
              </legend>
              <div class="fr-fieldset__element">
                <Textarea
                  name={reasonField(SELECTION)}
                  label={t('staff.changeRequests.bulkReason')}
                  rows={2}
                  value={values[reasonField(SELECTION)]}
                  error={errors[reasonField(SELECTION)]}
                />
              </div>
              <div class="fr-fieldset__element">
                <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
                  <li>
                    <Button name="act" value={`accept:${SELECTION}`} icon="fr-icon-check-line">
                      {t('staff.changeRequests.acceptSelection')}
                    </Button>
                  </li>
                  <li>
                    <Button name="act" value={`refuse:${SELECTION}`} variant="secondary" icon="fr-icon-close-line">
                      {t('staff.changeRequests.refuseSelection')}
                    </Button>
                  </li>
                </ul>
              </div>
            </fieldset>
          )}
        </form>
      )}
    </>
  );
}
