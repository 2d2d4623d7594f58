import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import type { StaffRole } from '../../modules/actor.js';
import type { AccountStatus } from '../../modules/identity/identity.tables.js';
import {
  changeStaffRole,
  type InviteError,
  type InviteField,
  inviteStaff,
  listStaff,
  resendInvitation,
  resetSecondFactor,
  STAFF_ROLES,
  type StaffMember,
  type StaffRefusal,
  setStaffEnabled,
  staffMember,
} from '../../modules/identity/staff-accounts.js';
import { mailContextOf } from '../auth/mail-context.js';
import { Facts } from '../components/facts.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { ChoiceGroup } from '../components/dsfr/choice-group.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Table } from '../components/dsfr/table.js';
import { type BadgeTone, StatusBadge } from '../components/status-badge.js';
import { errorMessages, FIELD_ERROR_KEYS, refusedFields } from '../forms.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Form, formValues, Text } from '../page-input.js';
import { IdParams, NoticeQuery } from './staff-input.js';

const PATH = '/gestion/equipe';
const INVITE_PATH = `${PATH}/invitation`;

const ROLE_LABELS: Record<StaffRole, MessageKey> = { reader: 'staff.team.role.reader', manager: 'staff.team.role.manager', admin: 'staff.team.role.admin' };
const ROLE_HINTS: Record<StaffRole, MessageKey> = {
  reader: 'staff.team.role.reader.hint',
  manager: 'staff.team.role.manager.hint',
  admin: 'staff.team.role.admin.hint',
};
const STATUS_BADGES: Record<AccountStatus, { tone: BadgeTone; label: MessageKey }> = {
  active: { tone: 'success', label: 'staff.team.status.active' },
  invited: { tone: 'new', label: 'staff.team.status.invited' },
  disabled: { tone: 'error', label: 'staff.team.status.disabled' },
};
const INVITE_ERROR_KEYS: Record<InviteError, MessageKey> = { ...FIELD_ERROR_KEYS, emailTaken: 'staff.team.error.emailTaken' };
const REFUSALS: Record<Exclude<StaffRefusal, 'forbidden' | 'not_found'> | 'invalid', MessageKey> = {
  lastAdmin: 'staff.team.error.lastAdmin',
  self: 'staff.team.error.self',
  invalid: 'staff.team.error.role',
};
const NOTICES = new Map<string, MessageKey>([
  ['invite', 'staff.team.notice.invited'],
  ['role', 'staff.team.notice.role'],
  ['desactive', 'staff.team.notice.disabled'],
  ['active', 'staff.team.notice.enabled'],
  ['relance', 'staff.team.notice.reinvited'],
  ['double-authentification', 'staff.team.notice.secondFactorReset'],
]);

/** What a member's page can do, the button's value naming it. */
const MemberAction = Type.Object({
  _csrf: Type.Optional(Text),
  action: Type.Union(['role', 'disable', 'enable', 'reinvite', 'reset-second-factor'].map((value) => Type.Literal(value))),
  role: Type.Optional(Text),
});

/** The team: an administrator invites colleagues, sets their role, disables an account, resets a lost second factor. */
export function staffAccountRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(PATH, { preHandler: requireStaff('admin'), schema: { querystring: NoticeQuery } }, async (request, reply) => {
      const members = await request.inScope((scope) => listStaff(scope));
      return reply.page(request.t('staff.team.title'), <TeamPage members={members} notice={NOTICES.get(request.query.fait ?? '')} />);
    });

    app.get(INVITE_PATH, { preHandler: requireStaff('admin') }, async (request, reply) =>
      reply.page(request.t('staff.team.invite.title'), <InvitePage values={{ role: 'manager' }} errors={{}} />),
    );

    app.post(INVITE_PATH, { preHandler: requireStaff('admin'), schema: { body: Form }, attachValidation: true }, async (request, reply) => {
      const refused = refusedFields(request);
      const form = formValues(request.body);
      const outcome = refused ? null : await request.inScope((scope) => inviteStaff(scope, form, mailContextOf(request)));
      if (outcome?.kind === 'invited') return reply.redirect(`${request.base}${PATH}/${outcome.id}?fait=invite`, 303);
      if (outcome?.kind === 'forbidden') return reply.errorPage('forbidden');
      const errors = refused ?? (outcome ? errorMessages(request.t, outcome.errors, INVITE_ERROR_KEYS) : {});
      return reply.page(request.t('staff.team.invite.title'), <InvitePage values={form} errors={errors} />, 400);
    });

    app.get(`${PATH}/:id`, { preHandler: requireStaff('admin'), schema: { params: IdParams, querystring: NoticeQuery } }, async (request, reply) =>
      memberPage(request, reply, request.params.id, { notice: NOTICES.get(request.query.fait ?? '') }),
    );

    app.post(`${PATH}/:id`, { preHandler: requireStaff('admin'), schema: { params: IdParams, body: MemberAction } }, async (request, reply) => {
      const { id } = request.params;
      const { action, role } = request.body;
      const outcome = await request.inScope((scope) => {
        switch (action) {
          case 'role':
            return changeStaffRole(scope, id, role);
          case 'disable':
          case 'enable':
            return setStaffEnabled(scope, id, action === 'enable');
          case 'reinvite':
            return resendInvitation(scope, id, mailContextOf(request));
          default:
            return resetSecondFactor(scope, id);
        }
      });
      if (outcome === 'not_found') return reply.callNotFound();
      if (outcome === 'forbidden') return reply.errorPage('forbidden');
      if (outcome !== 'done') return memberPage(request, reply, id, { refusal: REFUSALS[outcome] }, 409);
      const done = { role: 'role', disable: 'desactive', enable: 'active', reinvite: 'relance', 'reset-second-factor': 'double-authentification' }[action];
      return reply.redirect(`${request.base}${PATH}/${id}?fait=${done}`, 303);
    });
  };
}

async function memberPage(
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  said: { notice?: MessageKey | undefined; refusal?: MessageKey },
  status = 200,
) {
  const member = await request.inScope((scope) => staffMember(scope, id));
  if (!member) return reply.callNotFound();
  return reply.page(member.name, <MemberPage member={member} {...said} />, status);
}

function TeamPage(props: { members: StaffMember[]; notice?: MessageKey | undefined }) {
  const page = usePage();
  const { t, fmt } = page;
  return (
    <>
      <h1>{t('staff.team.title')}</h1>
      {props.notice && (
        <Alert kind="success" small announce>
          {t(props.notice)}
        </Alert>
      )}
      <p>{t('staff.team.intro')}</p>
      <p>
        <a class="fr-btn fr-icon-user-add-line fr-btn--icon-left" href={href(page, INVITE_PATH)}>
          {t('staff.team.invite.title')}
        </a>
      </p>
      <Table caption={t('staff.team.list', { count: props.members.length })}>
        <thead>
          <tr>
            <th scope="col">{t('staff.team.name')}</th>
            <th scope="col">{t('staff.team.role')}</th>
            <th scope="col">{t('staff.team.status')}</th>
            <th scope="col">{t('staff.team.secondFactor')}</th>
            <th scope="col">{t('staff.team.lastLogin')}</th>
          </tr>
        </thead>
        <tbody>
          {props.members.map((member) => (
            <tr key={member.id}>
              <th scope="row">
                <a href={href(page, `${PATH}/${member.id}`)}>{member.name}</a>
                <br />
                <span class="fr-text--sm">{member.email}</span>
              </th>
              <td>{t(ROLE_LABELS[member.role])}</td>
              <td>
                <StatusBadge {...STATUS_BADGES[member.status]} />
              </td>
              <td>{t(member.secondFactor ? 'staff.team.secondFactor.on' : 'staff.team.secondFactor.off')}</td>
              <td>{member.lastLoginAt ? fmt.dateTime(member.lastLoginAt) : t('staff.team.never')}</td>
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}

function RoleChoices(props: { chosen: string | undefined; error?: string | undefined }) {
  const { t } = usePage();
  return (
    <ChoiceGroup
      type="radio"
      name="role"
      legend={t('staff.team.role')}
      choices={STAFF_ROLES.map((role) => ({ value: role, label: `${t(ROLE_LABELS[role])} — ${t(ROLE_HINTS[role])}` }))}
      chosen={props.chosen ? [props.chosen] : []}
      error={props.error}
    />
  );
}

function InvitePage(props: { values: Record<string, string>; errors: Partial<Record<InviteField, string>> }) {
  const page = usePage();
  const { t } = page;
  const labels: Record<InviteField, string> = { email: t('staff.team.email'), name: t('staff.team.name'), role: t('staff.team.role') };
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
        <h1>{t('staff.team.invite.title')}</h1>
        <p>{t('staff.team.invite.intro')}</p>
        <ErrorSummary errors={props.errors} labels={labels} />
        <form method="post" action={href(page, INVITE_PATH)} novalidate>
          <CsrfField />
          <Input name="name" label={labels.name} value={props.values.name} error={props.errors.name} required maxLength={120} autocomplete="off" />
          <Input name="email" type="email" label={labels.email} value={props.values.email} error={props.errors.email} required autocomplete="off" />
          <RoleChoices chosen={props.values.role} error={props.errors.role} />
          <Button icon="fr-icon-send-plane-line">{t('staff.team.invite.send')}</Button>
        </form>
        <p class="fr-mt-4w">
          <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, PATH)}>
            {t('staff.team.back')}
          </a>
        </p>
      </div>
    </div>
  );
}

function MemberPage(props: { member: StaffMember; notice?: MessageKey | undefined; refusal?: MessageKey | undefined }) {
  const page = usePage();
  const { t, fmt, viewer } = page;
  const { member } = props;
  const action = href(page, `${PATH}/${member.id}`);
  const self = viewer?.accountId === member.id;
  const button = (value: string, label: MessageKey, icon: string, variant?: 'secondary' | 'tertiary') => (
    <form method="post" action={action} class="fr-mb-2w">
      <CsrfField />
      <Button name="action" value={value} icon={icon} variant={variant}>
        {t(label)}
      </Button>
    </form>
  );
  return (
    <>
      <h1>{member.name}</h1>
      {props.notice && (
        <Alert kind="success" small announce>
          {t(props.notice)}
        </Alert>
      )}
      {props.refusal && (
        <Alert kind="error" small announce>
          {t(props.refusal)}
        </Alert>
      )}
      <Facts
        class="fr-mb-4w"
        facts={[
          [t('staff.team.email'), member.email],
          [t('staff.team.role'), t(ROLE_LABELS[member.role])],
          [t('staff.team.status'), <StatusBadge key="status" {...STATUS_BADGES[member.status]} />],
          [t('staff.team.secondFactor'), t(member.secondFactor ? 'staff.team.secondFactor.on' : 'staff.team.secondFactor.off')],
          [t('staff.team.lastLogin'), member.lastLoginAt ? fmt.dateTime(member.lastLoginAt) : t('staff.team.never')],
        ]}
      />
      {self ? (
        <p>{t('staff.team.selfNote')}</p>
      ) : (
        <>
          <h2>{t('staff.team.changeRole')}</h2>
          <form method="post" action={action} class="fr-mb-4w">
            <CsrfField />
            <Select
              name="role"
              label={t('staff.team.role')}
              value={member.role}
              options={STAFF_ROLES.map((role) => ({ value: role, label: t(ROLE_LABELS[role]) }))}
            />
            <Button name="action" value="role" icon="fr-icon-save-line">
              {t('staff.team.saveRole')}
            </Button>
          </form>
          <h2>{t('staff.team.access')}</h2>
          {member.status === 'invited' && button('reinvite', 'staff.team.reinvite', 'fr-icon-mail-line', 'secondary')}
          {member.secondFactor && button('reset-second-factor', 'staff.team.resetSecondFactor', 'fr-icon-refresh-line', 'secondary')}
          {member.status === 'disabled'
            ? button('enable', 'staff.team.enable', 'fr-icon-lock-unlock-line', 'secondary')
            : button('disable', 'staff.team.disable', 'fr-icon-lock-line', 'secondary')}
        </>
      )}
      <p class="fr-mt-4w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, PATH)}>
          {t('staff.team.back')}
        </a>
      </p>
    </>
  );
}
