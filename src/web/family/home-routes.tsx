import type { FastifyPluginAsync } from 'fastify';
import { householdBalanceCents } from '../../modules/ledger/balance.js';
import { requireFamily } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { countPendingChangeRequests } from '../../modules/households/change-requests.js';

interface HomeFigures {
  pendingRequests: number;
  amountDueCents: number;
}

/** The family home: who is signed in, today's date, what waits for them. */
export function familyHomeRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.get('/accueil', { preHandler: requireFamily }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const figures = await request.inScope(async (scope) => ({
        pendingRequests: await countPendingChangeRequests(scope, householdId),
        amountDueCents: await householdBalanceCents(scope.tx, scope.tenantId, householdId),
      }));
      return reply.page(request.t('family.home.title'), <Home figures={figures} />);
    });
  };
}

function Home(props: { figures: HomeFigures }) {
  const page = usePage();
  const { t, fmt, viewer, now } = page;
  const tiles = [
    { title: t('family.home.pendingRequests'), value: String(props.figures.pendingRequests), link: '/mes-demandes', linkLabel: t('family.home.seeRequests') },
    { title: t('layout.amountDue'), value: fmt.money(props.figures.amountDueCents), link: '/mon-compte', linkLabel: t('family.home.seeAccount') },
  ];
  return (
    <>
      <h1>{t('family.home.welcome', { name: viewer?.displayName ?? '' })}</h1>
      <p>{t('date.today', { date: fmt.longDate(now) })}</p>
      <div class="fr-grid-row fr-grid-row--gutters fr-mb-4w">
        {tiles.map((tile) => (
          <div class="fr-col-12 fr-col-md-6" key={tile.link}>
            <div class="fr-tile fr-enlarge-link">
              <div class="fr-tile__body">
                <div class="fr-tile__content">
                  <h2 class="fr-tile__title">
                    <a href={href(page, tile.link)}>{tile.title}</a>
                  </h2>
                  {/* DSFR shows the description before the detail: the figure first, then where the tile leads. */}
                  <p class="fr-tile__desc"><strong class="fr-h4 fr-mb-0">{tile.value}</strong></p>
                  <p class="fr-tile__detail">{tile.linkLabel}</p>
                </div>
              </div>
            </div>
          </div>
        ))}
      </div>
    </>
  );
}
