import type { ComponentChildren } from 'preact';

export type AlertKind = 'info' | 'success' | 'warning' | 'error';

/** A DSFR alert; `role="alert"` only for what just happened, so screen readers announce it. */
export function Alert(props: { kind: AlertKind; title?: string; children?: ComponentChildren; announce?: boolean; small?: boolean; id?: string }) {
  const classes = ['fr-alert', `fr-alert--${props.kind}`, props.small ? 'fr-alert--sm' : '', 'fr-mb-3w'].filter(Boolean).join(' ');
  return (
    <div class={classes} role={props.announce ? 'alert' : undefined} id={props.id}>
      {props.title && <h2 class="fr-alert__title">{props.title}</h2>}
      {typeof props.children === 'string' ? <p>{props.children}</p> : props.children}
    </div>
  );
}
