import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { schemaHealth } from '../../db/migrate.js';
import { authorityLogoFile } from '../../modules/authority/authority-logo.js';
import { localDate } from '../../modules/calendar/local-date.js';
import { currentNews, type NewsItem } from '../../modules/news/news.js';
import type { Services } from '../../services.js';
import { NewsList } from '../components/news-list.js';
import { href, usePage } from '../page-context.js';

/** Pages anyone may read: the installation's tenant list, liveness and readiness, legal notice, accessibility, the authority's logo. */
export function publicRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Liveness: the process answers. It asks nothing of the database, so that a database out of
    // reach does not get every portal restarted by its supervisor: /ready tells that.
    app.get('/health', async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));

    // Readiness: the database answers and holds every migration (an empty database answers too).
    // A load balancer sends requests only to a process that is ready.
    app.get('/ready', async (request, reply) => {
      const database = await schemaHealth(services.db);
      if (database === 'ok') return reply.header('cache-control', 'no-store').send({ status: 'ok', database });
      request.log.error({ database }, 'readiness check failed');
      return reply.code(503).header('cache-control', 'no-store').send({ status: 'error', database });
    });

    app.get('/', async (request, reply) => {
      if (!request.tenant)
        return reply.page(request.t('tenants.title'), <TenantList names={services.tenants.all().map((t) => ({ slug: t.slug, name: t.name }))} />);
      const kind = request.session && !request.session.awaitingSecondFactor ? request.session.account.kind : null;
      const target = kind === 'staff' ? '/gestion' : kind === 'family' ? '/accueil' : '/connexion';
      return reply.redirect(`${request.base}${target}`);
    });

    // The authority's news open to everyone, without signing in.
    app.get('/actualites', async (request, reply) => {
      const tenant = request.tenant;
      if (!tenant) return reply.errorPage('notFound');
      const items = await request.inScope((scope) => currentNews(scope, localDate(scope.now, tenant.time_zone), { publicOnly: true, limit: 20 }));
      return reply.page(request.t('news.public.title'), <PublicNews items={items} />);
    });

    app.get('/mentions-legales', async (request, reply) => {
      if (!request.tenant) return reply.errorPage('notFound');
      return reply.page(request.t('legal.title'), <LegalNotice />);
    });

    app.get('/accessibilite', async (request, reply) => {
      if (!request.tenant) return reply.errorPage('notFound');
      return reply.page(request.t('a11y.title'), <AccessibilityStatement />);
    });

    // The header's logo: its address changes with its bytes, so browsers keep it for a year. Its
    // type is the one read from its bytes; helmet's nosniff keeps browsers from guessing another.
    app.get('/logo/:file', { schema: { params: Type.Object({ file: Type.String({ maxLength: 40 }) }) } }, async (request, reply) => {
      const logo = request.tenant ? await request.inScope((scope) => authorityLogoFile(scope, request.params.file)) : null;
      if (!logo) return reply.errorPage('notFound');
      return reply.type(logo.contentType).header('cache-control', 'public, max-age=31536000, immutable').send(logo.content);
    });
  };
}

function TenantList(props: { names: { slug: string; name: string }[] }) {
  const { t } = usePage();
  return (
    <>
      <h1>{t('tenants.title')}</h1>
      <p>{t('tenants.intro')}</p>
      {props.names.length === 0 ? (
        <p>{t('tenants.none')}</p>
      ) : (
        <ul>
          {props.names.map((tenant) => (
            <li key={tenant.slug}>
              <a href={`/${tenant.slug}/`}>{tenant.name}</a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function PublicNews(props: { items: NewsItem[] }) {
  const { t, tenant } = usePage();
  return (
    <>
      <h1>
        {t('news.public.title')} — {tenant?.name}
      </h1>
      <p>{t('news.public.intro')}</p>
      {props.items.length === 0 ? <p>{t('news.public.none')}</p> : <NewsList items={props.items} headingLevel="h2" />}
    </>
  );
}

function LegalNotice() {
  const page = usePage();
  const { t, tenant } = page;
  return (
    <>
      <h1>{t('legal.title')}</h1>
      {tenant?.settings.legalNotice && (
        <>
          <h2>{t('authority.legalTitle')}</h2>
          <p class="pf-pre">{tenant.settings.legalNotice}</p>
        </>
      )}
      <h2>{t('legal.publisher')}</h2>
      <p>{t('legal.publisherText', { tenant: tenant?.name ?? '' })}</p>
      <h2>{t('legal.data')}</h2>
      <p>{t('legal.dataText')}</p>
      <h2>{t('legal.software')}</h2>
      <p>{t('legal.softwareText')}</p>
      <p>{t('legal.holidaysCredit')}</p>
      <p>
        <a href={href(page, '/accessibilite')}>{t('a11y.title')}</a>
      </p>
    </>
  );
}

function AccessibilityStatement() {
  const { t, tenant } = usePage();
  return (
    <>
      <h1>{t('a11y.title')}</h1>
      <p>{t('a11y.intro', { tenant: tenant?.name ?? '' })}</p>
      <h2>{t('a11y.status')}</h2>
      <p>{t('a11y.statusText')}</p>
      <h2>{t('a11y.contact')}</h2>
      <p>{t('a11y.contactText')}</p>
      <h2>{t('a11y.remedy')}</h2>
      <p>{t('a11y.remedyText')}</p>
    </>
  );
}
