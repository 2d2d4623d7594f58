import type { ComponentChildren } from 'preact';

type Variant = 'primary' | 'secondary' | 'tertiary' | 'tertiary-no-outline';

function buttonClass(variant: Variant, icon?: string, extra?: string): string {
  return ['fr-btn', variant === 'primary' ? '' : `fr-btn--${variant}`, icon ? `${icon} fr-btn--icon-left` : '', extra ?? ''].filter(Boolean).join(' ');
}

export function Button(props: {
  children: ComponentChildren;
  variant?: Variant;
  icon?: string;
  type?: 'submit' | 'button';
  name?: string;
  value?: string;
  class?: string;
  id?: string;
  /** Where this button sends its form, when not to the form's own address. */
  formAction?: string;
}) {
  return (
    <button
      class={buttonClass(props.variant ?? 'primary', props.icon, props.class)}
      type={props.type ?? 'submit'}
      name={props.name}
      value={props.value}
      id={props.id}
      formAction={props.formAction}
    >
      {props.children}
    </button>
  );
}

export function ButtonLink(props: { children: ComponentChildren; href: string; variant?: Variant; icon?: string; class?: string }) {
  return (
    <a class={buttonClass(props.variant ?? 'primary', props.icon, props.class)} href={props.href}>
      {props.children}
    </a>
  );
}
