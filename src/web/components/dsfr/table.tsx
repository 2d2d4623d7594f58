import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

/**
 * A DSFR table with its caption (hidden on screen with `noCaption`, still read by screen readers).
 * Any table may scroll sideways on a phone, so its container is always a focusable region named by
 * the caption: the keyboard can scroll it (axe: scrollable-region-focusable). `focusableId` names
 * the caption's id where a page or a test refers to it.
 */
export function Table(props: { caption: string; children: ComponentChildren; class?: string; noCaption?: boolean; focusableId?: string }) {
  const generatedId = useId();
  const captionId = props.focusableId ?? `table-${generatedId}`;
  return (
    <div class={`fr-table${props.noCaption ? ' fr-table--no-caption' : ''}${props.class ? ` ${props.class}` : ''}`}>
      <div class="fr-table__wrapper">
        {/* biome-ignore lint/a11y/useSemanticElements: DSFR's markup; a <section> would change its layout */}
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must take the keyboard's focus */}
        <div class="fr-table__container" tabIndex={0} role="region" aria-labelledby={captionId}>
          <div class="fr-table__content">
            <table>
              <caption id={captionId}>{props.caption}</caption>
              {props.children}
            </table>
          </div>
        </div>
      </div>
    </div>
  );
}
