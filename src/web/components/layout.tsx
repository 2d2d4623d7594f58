import type { ComponentChildren } from 'preact';
import { href, usePage, type Viewer } from '../page-context.js';
import { countKey, type MessageKey } from '../../i18n/catalogue.js';
import { roleAtLeast } from '../../modules/actor.js';
import type { StaffRole } from '../../modules/identity/identity.tables.js';
import { ContactBlock } from './contact-block.js';
import { HouseholdSummary } from './household-summary.js';

/** The service's inbox showing only the threads waiting for it (the header's and the home page's count). */
export const WAITING_THREADS_PATH = '/gestion/messages?attente=oui';

interface NavLink {
  path: string;
  label: MessageKey;
  /** Only staff of this role or above see the link (the page itself refuses the others). */
  minRole?: StaffRole;
  /** Current only on this very page, not on the pages under it (the dashboard). */
  exact?: boolean;
  /** Shows the family's count of unread messages beside the link (seed 001: "vous avez 1 Nouveau(x) Message(s)"). */
  unreadBadge?: boolean;
  /** Shows staff how many threads wait for the service beside the link. */
  waitingBadge?: boolean;
  /** Shown only while the household has days waiting in a prepayment basket (most authorities have none). */
  openBasketOnly?: boolean;
}

/** A DSFR menu of the main navigation: a button that opens a short list of links. */
interface NavMenu {
  id: string;
  label: MessageKey;
  links: NavLink[];
}

type NavEntry = NavLink | NavMenu;

const isMenu = (entry: NavEntry): entry is NavMenu => 'links' in entry;

/** Only pages that exist are listed; each capability adds its own entry when it lands. */
const FAMILY_NAV: NavEntry[] = [
  { path: '/accueil', label: 'nav.home' },
  { path: '/mon-compte', label: 'nav.account' },
  { path: '/mes-enfants', label: 'nav.children' },
  {
    id: 'bookings',
    label: 'nav.bookings',
    links: [
      { path: '/inscriptions', label: 'nav.bookings.enrollments' },
      { path: '/reservations', label: 'nav.bookings' },
      { path: '/reservations/planning', label: 'bookings.planning' },
      { path: '/reservations/panier', label: 'nav.basket', openBasketOnly: true },
      { path: '/absences', label: 'absences.title' },
    ],
  },
  { path: '/mes-demandes', label: 'nav.requests' },
  { path: '/messages', label: 'nav.messages', unreadBadge: true },
  { path: '/mes-documents', label: 'nav.documents' },
  {
    id: 'money',
    label: 'nav.family.money',
    links: [
      { path: '/mes-factures', label: 'nav.family.invoices' },
      { path: '/releve', label: 'nav.family.statement' },
      { path: '/mes-paiements', label: 'nav.family.payments' },
      { path: '/attestations', label: 'nav.family.certificates' },
    ],
  },
];

const STAFF_NAV: NavEntry[] = [
  { path: '/gestion', label: 'nav.staff.dashboard', exact: true },
  {
    id: 'families',
    label: 'nav.staff.menu.families',
    links: [
      { path: '/gestion/foyers', label: 'nav.staff.households' },
      { path: '/gestion/listes/enfants', label: 'nav.staff.childrenLists' },
      { path: '/gestion/demandes', label: 'nav.staff.changeRequests' },
      { path: '/gestion/demandes-de-compte', label: 'nav.staff.accountRequests' },
    ],
  },
  {
    id: 'activities',
    label: 'nav.staff.menu.activities',
    links: [
      { path: '/gestion/activites', label: 'nav.staff.activities' },
      { path: '/gestion/places', label: 'nav.staff.places' },
      { path: '/gestion/validations', label: 'nav.staff.validations' },
      { path: '/gestion/presences', label: 'nav.staff.attendance' },
      { path: '/gestion/calendrier', label: 'nav.staff.calendar' },
      { path: '/gestion/documents/types', label: 'nav.staff.documentTypes' },
    ],
  },
  {
    id: 'billing',
    label: 'nav.staff.menu.billing',
    links: [
      { path: '/gestion/facturation', label: 'nav.staff.billing', exact: true },
      { path: '/gestion/facturation/factures', label: 'nav.staff.billingInvoices' },
      { path: '/gestion/facturation/paiements', label: 'nav.staff.billingPayments' },
      { path: '/gestion/facturation/tarifs', label: 'nav.staff.billingTariffs' },
      { path: '/gestion/facturation/regies', label: 'nav.staff.billingRegies' },
    ],
  },
  {
    id: 'communication',
    label: 'nav.staff.menu.communication',
    links: [
      { path: '/gestion/messages', label: 'nav.staff.messages', waitingBadge: true },
      { path: '/gestion/messages/modeles', label: 'nav.staff.answerTemplates' },
      { path: '/gestion/actualites', label: 'nav.staff.news' },
      { path: '/gestion/documents', label: 'nav.staff.documents' },
      { path: '/gestion/documents/a-verifier', label: 'nav.staff.documentReview' },
      { path: '/gestion/courriels', label: 'nav.staff.outbox', minRole: 'manager' },
    ],
  },
  {
    id: 'administration',
    label: 'nav.staff.menu.administration',
    links: [
      { path: '/gestion/parametres/collectivite', label: 'nav.staff.authority', minRole: 'admin' },
      { path: '/gestion/equipe', label: 'nav.staff.team', minRole: 'admin' },
      { path: '/gestion/parametres/fiche', label: 'nav.staff.settings', minRole: 'admin' },
      { path: '/gestion/parametres/messagerie', label: 'nav.staff.messageSubjects', minRole: 'admin' },
      { path: '/gestion/parametres/conservation', label: 'nav.staff.retention', minRole: 'admin' },
      { path: '/gestion/journal', label: 'nav.staff.audit' },
      { path: '/gestion/securite', label: 'nav.staff.security' },
    ],
  },
];

/** The viewer's navigation: the links their role may open, menus left empty dropped. */
function navigationOf(viewer: Viewer | null): NavEntry[] {
  if (!viewer) return [];
  const shown = (link: NavLink) =>
    (!link.minRole || (viewer.staffRole !== null && roleAtLeast(viewer.staffRole, link.minRole))) &&
    (!link.openBasketOnly || viewer.household?.openBasket === true);
  const entries = viewer.kind === 'staff' ? STAFF_NAV : FAMILY_NAV;
  return entries
    .map((entry) => (isMenu(entry) ? { ...entry, links: entry.links.filter(shown) } : entry))
    .filter((entry) => (isMenu(entry) ? entry.links.length > 0 : shown(entry)));
}

/**
 * The link of the page being read: the one whose path is the page's, or else the longest one the
 * page lies under (a household's file is under Foyers), so its menu shows where the person is.
 */
function currentLink(entries: NavEntry[], path: string): NavLink | undefined {
  const links = entries.flatMap((entry) => (isMenu(entry) ? entry.links : [entry]));
  return links.filter((link) => path === link.path || (!link.exact && path.startsWith(`${link.path}/`))).sort((a, b) => b.path.length - a.path.length)[0];
}

/** The page around every screen: header with the authority's name, navigation, contact block, footer. */
export function Layout(props: { title: string; children: ComponentChildren; wide?: boolean }) {
  const page = usePage();
  const { t, lang, tenant, viewer } = page;
  const siteName = tenant?.name ?? t('app.name');
  const nav = navigationOf(viewer);
  return (
    <html lang={lang} data-fr-scheme="light">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no" />
        <title>{`${props.title} — ${siteName}`}</title>
        {page.assets.dsfrCss && <link rel="stylesheet" href={page.assets.dsfrCss} />}
        {page.assets.css && <link rel="stylesheet" href={page.assets.css} />}
        <link rel="icon" href="/assets/dsfr/favicon/favicon.svg" type="image/svg+xml" />
        {page.assets.main && <script type="module" src={page.assets.main} defer></script>}
      </head>
      <body>
        <div class="fr-skiplinks">
          <nav class="fr-container" aria-label={t('layout.skipToContent')}>
            <ul class="fr-skiplinks__list">
              <li>
                <a class="fr-link" href="#content">
                  {t('layout.skipToContent')}
                </a>
              </li>
              {nav.length > 0 && (
                <li>
                  <a class="fr-link" href="#navigation">
                    {t('layout.skipToNav')}
                  </a>
                </li>
              )}
              <li>
                <a class="fr-link" href="#footer">
                  {t('layout.skipToFooter')}
                </a>
              </li>
            </ul>
          </nav>
        </div>
        <Header siteName={siteName} nav={nav} />
        <main id="content" class="fr-container fr-py-4w" tabIndex={-1}>
          {viewer?.household && <HouseholdSummary household={viewer.household} />}
          {props.children}
        </main>
        <ContactBlock />
        <Footer siteName={siteName} />
      </body>
    </html>
  );
}

function Header(props: { siteName: string; nav: NavEntry[] }) {
  const page = usePage();
  const { t, viewer } = page;
  const staffSpace = viewer?.kind === 'staff' || page.awaitingSecondFactor === true;
  const home = href(page, staffSpace ? '/gestion' : viewer ? '/accueil' : '/');
  return (
    <header class="fr-header">
      <div class="fr-header__body">
        <div class="fr-container">
          <div class="fr-header__body-row">
            <div class={`fr-header__brand fr-enlarge-link${page.tenant?.logo_path ? '' : ' pf-header__brand--text-only'}`}>
              <div class="fr-header__brand-top">
                {page.tenant?.logo_path && (
                  <div class="fr-header__operator">
                    {/* Decorative: the authority's name follows it. */}
                    <img class="fr-responsive-img" src={href(page, page.tenant.logo_path)} alt="" />
                  </div>
                )}
                {/* Always there: on a phone the tool links (language, log in/out) live in this menu. */}
                <div class="fr-header__navbar">
                  <button
                    type="button"
                    class="fr-btn--menu fr-btn"
                    data-fr-opened="false"
                    aria-controls="modal-menu"
                    aria-haspopup="menu"
                    id="button-menu"
                    title={t('layout.menu')}
                  >
                    {t('layout.menu')}
                  </button>
                </div>
              </div>
              <div class="fr-header__service">
                <a href={home} title={t('layout.homeTitle', { tenant: props.siteName })}>
                  <p class="fr-header__service-title">{props.siteName}</p>
                </a>
                <p class="fr-header__service-tagline">{staffSpace ? t('layout.staffSpace') : t('layout.familySpace')}</p>
              </div>
            </div>
            <div class="fr-header__tools">
              <div class="fr-header__tools-links">
                <HeaderTools />
              </div>
            </div>
          </div>
        </div>
      </div>
      {/* The DSFR script copies the tool links into __menu-links; rendering the same markup here
          lets it keep them as they are, and lets a phone without JavaScript reach them.
          A <section>, not DSFR's <div>: aria-labelledby is not allowed on a div without a role,
          which is what the menu is when no script turns it into a dialog (axe: serious). */}
      <section class={`fr-header__menu fr-modal${props.nav.length === 0 ? ' pf-header__menu--links-only' : ''}`} id="modal-menu" aria-labelledby="button-menu">
        <div class="fr-container">
          <button type="button" class="fr-btn--close fr-btn" aria-controls="modal-menu" title={t('layout.close')}>
            {t('layout.close')}
          </button>
          <div class="fr-header__menu-links">
            <HeaderTools />
          </div>
          {props.nav.length > 0 && <MainNav items={props.nav} />}
        </div>
      </section>
    </header>
  );
}

function HeaderTools() {
  const page = usePage();
  const { t, lang, viewer } = page;
  const other = lang === 'fr' ? 'en' : 'fr';
  const switchUrl = withLang(page.base + page.path, other);
  const waiting = viewer?.waitingThreads ?? null;
  return (
    <ul class="fr-btns-group">
      {waiting !== null && (
        <li>
          {/* The count in words: a screen reader says what the figure counts, not a bare number. */}
          <a class="fr-btn fr-icon-mail-line" href={href(page, WAITING_THREADS_PATH)}>
            {waiting === 0 ? t('staffMessages.waiting.none') : t('staffMessages.waiting.header', { count: waiting })}
          </a>
        </li>
      )}
      <li>
        <a class="fr-btn fr-icon-translate-2" href={switchUrl} hreflang={other} lang={other} title={t('layout.languageSwitch')}>
          {t(`lang.${other}`)}
        </a>
      </li>
      {viewer || page.awaitingSecondFactor ? (
        <li>
          <form method="post" action={href(page, '/deconnexion')} class="pf-inline-form">
            <input type="hidden" name="_csrf" value={page.csrfToken} />
            <button class="fr-btn fr-icon-logout-box-r-line" type="submit">
              {t('layout.logout')}
            </button>
          </form>
        </li>
      ) : (
        page.tenant &&
        !page.sharedPage && (
          <li>
            <a class="fr-btn fr-icon-lock-line" href={href(page, '/connexion')}>
              {t('layout.login')}
            </a>
          </li>
        )
      )}
    </ul>
  );
}

function MainNav(props: { items: NavEntry[] }) {
  const page = usePage();
  const { t } = page;
  const path = page.path.split('?')[0] ?? '';
  const current = currentLink(props.items, path);
  const unread = page.viewer?.household?.unreadMessages ?? 0;
  const waiting = page.viewer?.waitingThreads ?? 0;
  const waitingBadge = <span class="fr-badge fr-badge--sm fr-badge--new fr-ml-1w">{t('staffMessages.waiting.badge', { count: waiting })}</span>;
  const link = (item: NavLink) => (
    <a class="fr-nav__link" href={href(page, item.path)} aria-current={item === current ? (path === item.path ? 'page' : 'true') : undefined}>
      {t(item.label)}
      {item.unreadBadge && unread > 0 && (
        <span class="fr-badge fr-badge--sm fr-badge--new fr-ml-1w">{t(countKey('messages.unreadCount', unread), { count: unread })}</span>
      )}
      {item.waitingBadge && waiting > 0 && waitingBadge}
    </a>
  );
  return (
    <nav class="fr-nav" id="navigation" aria-label={t('layout.mainNav')}>
      <ul class="fr-nav__list">
        {props.items.map((item) =>
          isMenu(item) ? (
            <li class="fr-nav__item" key={item.id}>
              {/* Without JavaScript the button opens nothing and app.css shows every menu open: it claims
                  no state. The page's script makes it DSFR's menu button, closed (main.ts menuButtons). */}
              <button
                type="button"
                class="fr-nav__btn"
                data-menu={`menu-${item.id}`}
                aria-current={current && item.links.includes(current) ? 'true' : undefined}
              >
                {t(item.label)}
                {/* Said on the closed menu too, so that it is seen without opening it. */}
                {waiting > 0 && item.links.some((entry) => entry.waitingBadge) && waitingBadge}
              </button>
              <div class="fr-collapse fr-menu" id={`menu-${item.id}`}>
                <ul class="fr-menu__list">
                  {item.links.map((entry) => (
                    <li key={entry.path}>{link(entry)}</li>
                  ))}
                </ul>
              </div>
            </li>
          ) : (
            <li class="fr-nav__item" key={item.path}>
              {link(item)}
            </li>
          ),
        )}
      </ul>
    </nav>
  );
}

function Footer(props: { siteName: string }) {
  const page = usePage();
  const { t, tenant } = page;
  return (
    <footer class="fr-footer" role="contentinfo" id="footer">
      <div class="fr-container">
        <div class="fr-footer__body">
          <div class="fr-footer__brand">
            <p class="fr-footer__brand-link">{props.siteName}</p>
          </div>
          <div class="fr-footer__content">
            <p class="fr-footer__content-desc">{t('footer.description')}</p>
            {tenant?.is_demo && (
              <p class="fr-footer__content-desc">
                <strong>{t('footer.demoWarning')}</strong>
              </p>
            )}
            {tenant?.website_url && (
              <ul class="fr-footer__content-list">
                <li class="fr-footer__content-item">
                  <a class="fr-footer__content-link" href={tenant.website_url}>
                    {t('footer.website')}
                  </a>
                </li>
              </ul>
            )}
          </div>
        </div>
        {tenant && (
          <div class="fr-footer__bottom">
            <ul class="fr-footer__bottom-list">
              <li class="fr-footer__bottom-item">
                <a class="fr-footer__bottom-link" href={href(page, '/actualites')}>
                  {t('news.public.title')}
                </a>
              </li>
              <li class="fr-footer__bottom-item">
                <a class="fr-footer__bottom-link" href={href(page, '/mentions-legales')}>
                  {t('footer.legal')}
                </a>
              </li>
              <li class="fr-footer__bottom-item">
                <a class="fr-footer__bottom-link" href={href(page, '/accessibilite')}>
                  {t('footer.accessibility')}
                </a>
              </li>
              {tenant.is_demo && (
                <li class="fr-footer__bottom-item">
                  <a class="fr-footer__bottom-link" href={href(page, '/courrier-demo')}>
                    {t('demoMailbox.title')}
                  </a>
                </li>
              )}
            </ul>
          </div>
        )}
      </div>
    </footer>
  );
}

/** The same URL with `lang` set, so the switch keeps the person on the page they are reading. */
export function withLang(url: string, lang: string): string {
  const [path, query = ''] = url.split('?');
  const params = new URLSearchParams(query);
  params.set('lang', lang);
  return `${path || '/'}?${params.toString()}`;
}
