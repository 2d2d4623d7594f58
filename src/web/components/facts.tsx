import type { ComponentChildren } from 'preact';

/** Labelled values one under the other (a definition list), each label beside its value, stacked on a phone. */
export function Facts(props: { facts: [label: ComponentChildren, value: ComponentChildren][]; class?: string }) {
  return (
    <dl class={props.class ? `pf-record ${props.class}` : 'pf-record'}>
      {props.facts.map(([label, value], index) => (
        <div class="pf-record__row" key={index}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
