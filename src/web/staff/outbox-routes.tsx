import { countKey } from '../../i18n/catalogue.js';
import { Table } from '../components/dsfr/table.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EmailStatus } from '../../modules/notifications/notifications.tables.js';
import { findEmail, recentEmails } from '../../modules/notifications/outbox.js';
import { Alert } from '../components/dsfr/alert.js';
import { EmailView } from '../components/email-view.js';
import { type BadgeTone, StatusBadge } from '../components/status-badge.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { IdParams } from './staff-input.js';

type EmailRow = NonNullable<Awaited<ReturnType<typeof recentEmails>>>[number];
type EmailDetail = NonNullable<Awaited<ReturnType<typeof findEmail>>>;

/**
 * The outbox in the back office: what the portal sent, or keeps when no mail server is configured.
 * Managers and administrators read it (read-only staff get 403); single-use secrets show as masked.
 */
export function outboxRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/gestion/courriels', { preHandler: requireStaff('manager') }, async (request, reply) => {
      const emails = await request.inScope((scope) => recentEmails(scope));
      if (!emails) return reply.errorPage('notFound');
      return reply.page(request.t('outbox.title'), <OutboxList emails={emails} />);
    });

    app.get('/gestion/courriels/:id', { preHandler: requireStaff('manager'), schema: { params: IdParams } }, async (request, reply) => {
      const email = await request.inScope((scope) => findEmail(scope, request.params.id));
      if (!email) return reply.errorPage('notFound');
      return reply.page(email.subject, <OutboxEmail email={email} />);
    });
  };
}

const STATUS_TONES: Record<EmailStatus, BadgeTone> = { queued: 'new', sent: 'success', kept: 'info', failed: 'error' };

export function EmailStatusBadge(props: { status: EmailStatus }) {
  return <StatusBadge tone={STATUS_TONES[props.status]} label={`outbox.status.${props.status}`} />;
}

function OutboxList(props: { emails: EmailRow[] }) {
  const page = usePage();
  const { t, fmt } = page;
  return (
    <>
      <h1>{t('outbox.title')}</h1>
      <p>{t('outbox.intro')}</p>
      {page.tenant?.is_demo && (
        <Alert kind="info" small>
          {t('outbox.demoMailbox')} <a href={href(page, '/courrier-demo')}>{t('demoMailbox.title')}</a>
        </Alert>
      )}
      {props.emails.length === 0 ? (
        <p>{t('outbox.empty')}</p>
      ) : (
        <Table caption={t('outbox.caption')} noCaption>
          <thead>
            {/* Subject and status first: what a phone shows before the table scrolls. */}
            <tr>
              <th scope="col">{t('outbox.column.subject')}</th>
              <th scope="col">{t('outbox.column.status')}</th>
              <th scope="col">{t('outbox.column.to')}</th>
              <th scope="col">{t('outbox.column.date')}</th>
              <th scope="col">{t('outbox.column.attempts')}</th>
              <th scope="col">{t('outbox.column.lastError')}</th>
            </tr>
          </thead>
          <tbody>
            {props.emails.map((email) => (
              <tr key={email.id}>
                <td>
                  <a href={href(page, `/gestion/courriels/${email.id}`)}>{email.subject}</a>
                </td>
                <td>
                  <EmailStatusBadge status={email.status} />
                </td>
                <td>{email.to_address}</td>
                <td>{fmt.dateTime(email.created_at)}</td>
                <td>{email.attempts}</td>
                <td>{email.last_error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}

function OutboxEmail(props: { email: EmailDetail }) {
  const { t, fmt } = usePage();
  const { email } = props;
  return (
    <EmailView
      back={{ path: '/gestion/courriels', label: t('outbox.back') }}
      email={{ ...email, text: email.text_body }}
      status={<EmailStatusBadge status={email.status} />}
      details={
        <>
          {email.sent_at && (
            <>
              <dt>{t('outbox.detail.sentAt')}</dt>
              <dd>{fmt.dateTime(email.sent_at)}</dd>
            </>
          )}
          <dt>{t('outbox.column.attempts')}</dt>
          <dd>{email.attempts}</dd>
        </>
      }
      notices={
        <>
          {email.status === 'kept' && (
            <Alert kind="info" small>
              {t('outbox.detail.kept')}
            </Alert>
          )}
          {email.status === 'failed' && (
            <Alert kind="error" small>
              {t(countKey('outbox.detail.failed', email.attempts), { attempts: email.attempts, error: email.last_error ?? '' })}
            </Alert>
          )}
        </>
      }
    />
  );
}
