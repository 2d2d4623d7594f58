import { href, usePage } from '../page-context.js';

export type ErrorKind = 'notFound' | 'badRequest' | 'tooLarge' | 'forbidden' | 'server' | 'tooMany' | 'csrf';

/** The HTTP status and the page title of each kind of error page. */
export const ERROR_PAGES = {
  notFound: { status: 404, title: 'error.notFound.title' },
  badRequest: { status: 400, title: 'error.badRequest.title' },
  tooLarge: { status: 413, title: 'error.tooLarge.title' },
  forbidden: { status: 403, title: 'error.forbidden.title' },
  server: { status: 500, title: 'error.server.title' },
  tooMany: { status: 429, title: 'error.tooMany.title' },
  csrf: { status: 403, title: 'error.forbidden.title' },
} as const satisfies Record<ErrorKind, { status: number; title: string }>;

/** The body of an error page: what happened, in words, and a way back. */
export function ErrorPage(props: { kind: ErrorKind; seconds?: number }) {
  return <ErrorBody {...props} />;
}

function ErrorBody(props: { kind: ErrorKind; seconds?: number }) {
  const page = usePage();
  const { t } = page;
  const [title, text] = {
    notFound: [t('error.notFound.title'), t('error.notFound.text')],
    badRequest: [t('error.badRequest.title'), t('error.badRequest.text')],
    tooLarge: [t('error.tooLarge.title'), t('error.tooLarge.text')],
    forbidden: [t('error.forbidden.title'), t('error.forbidden.text')],
    server: [t('error.server.title'), t('error.server.text', { requestId: page.requestId })],
    tooMany: [t('error.tooMany.title'), t('error.tooMany.text', { seconds: props.seconds ?? 60 })],
    csrf: [t('error.forbidden.title'), t('form.csrfExpired')],
  }[props.kind];
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-8">
        <h1>{title}</h1>
        <p class="fr-text--lead">{text}</p>
        <a class="fr-btn" href={href(page, '/')}>
          {t('error.backHome')}
        </a>
      </div>
    </div>
  );
}
