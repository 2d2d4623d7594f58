import type { ComponentChildren } from 'preact';

/**
 * A DSFR table with its caption (hidden on screen with `noCaption`, still read by screen readers).
 * `focusableId`: a table that may scroll sideways with no button in its rows gets a focusable,
 * named container so the keyboard can scroll it (axe: scrollable-region-focusable).
 */
export function Table(props: { caption: string; children: ComponentChildren; class?: string; noCaption?: boolean; focusableId?: string }) {
  return (
    <div class={`fr-table${props.noCaption ? ' fr-table--no-caption' : ''}${props.class ? ` ${props.class}` : ''}`}>
      <div class="fr-table__wrapper">
        <div class="fr-table__container" {...(props.focusableId ? { tabIndex: 0, role: 'region', 'aria-labelledby': props.focusableId } : {})}>
          <div class="fr-table__content">
            <table>
              <caption id={props.focusableId}>{props.caption}</caption>
              {props.children}
            </table>
          </div>
        </div>
      </div>
    </div>
  );
}
