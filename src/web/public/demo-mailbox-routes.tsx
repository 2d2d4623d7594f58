import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { demoEmail, demoMailbox } from '../../modules/notifications/demo-mailbox.js';
import { Alert } from '../components/dsfr/alert.js';
import { Table } from '../components/dsfr/table.js';
import { EmailView } from '../components/email-view.js';
import { href, usePage } from '../page-context.js';
import { Id } from '../page-input.js';

type MailboxRow = NonNullable<Awaited<ReturnType<typeof demoMailbox>>>[number];
type MailboxEmail = NonNullable<Awaited<ReturnType<typeof demoEmail>>>;

/**
 * The demonstration's mailbox (modules/notifications/demo-mailbox.ts): on a demo authority only,
 * anyone reads the mail of its fictional people, links included, to follow an invitation or a
 * reset without a mail server. Everywhere else these addresses do not exist (404).
 */
export function demoMailboxRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/courrier-demo', async (request, reply) => {
      const emails = request.tenant ? await request.inScope((scope) => demoMailbox(scope)) : null;
      if (!emails) return reply.errorPage('notFound');
      return reply.page(request.t('demoMailbox.title'), <Mailbox emails={emails} />);
    });

    app.get('/courrier-demo/:id', { schema: { params: Type.Object({ id: Id }) } }, async (request, reply) => {
      const email = request.tenant ? await request.inScope((scope) => demoEmail(scope, app.outboxSecrets, request.params.id)) : null;
      if (!email) return reply.errorPage('notFound');
      return reply.page(email.subject, <MailboxEmailPage email={email} />);
    });
  };
}

function Mailbox(props: { emails: MailboxRow[] }) {
  const page = usePage();
  const { t, fmt } = page;
  return (
    <>
      <h1>{t('demoMailbox.title')}</h1>
      <Alert kind="info" small>
        {t('demoMailbox.intro')}
      </Alert>
      {props.emails.length === 0 ? (
        <p class="fr-mt-2w">{t('outbox.empty')}</p>
      ) : (
        <Table caption={t('outbox.caption')} noCaption>
          <thead>
            <tr>
              <th scope="col">{t('outbox.column.subject')}</th>
              <th scope="col">{t('outbox.column.to')}</th>
              <th scope="col">{t('outbox.column.date')}</th>
            </tr>
          </thead>
          <tbody>
            {props.emails.map((email) => (
              <tr key={email.id}>
                <td>
                  <a href={href(page, `/courrier-demo/${email.id}`)}>{email.subject}</a>
                </td>
                <td>{email.to_address}</td>
                <td>{fmt.dateTime(email.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}

function MailboxEmailPage(props: { email: MailboxEmail }) {
  const { t } = usePage();
  return <EmailView back={{ path: '/courrier-demo', label: t('demoMailbox.back') }} email={props.email} />;
}
