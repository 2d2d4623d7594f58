import type { ComponentChildren } from 'preact';
import { fieldId } from './input.js';

interface Option {
  value: string;
  label: string;
}

export function Select(props: {
  name: string;
  label: string;
  value?: string | undefined;
  options: Option[];
  /** Options under headings (`<optgroup>`), after the plain ones: a choice that only makes sense with its heading. */
  groups?: { label: string; options: Option[] }[];
  error?: string | undefined;
  hint?: ComponentChildren;
  required?: boolean;
}) {
  const id = fieldId(props.name);
  const describedBy = [props.error ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  const option = (choice: Option) => (
    <option key={choice.value} value={choice.value} selected={choice.value === (props.value ?? '')}>
      {choice.label}
    </option>
  );
  return (
    <div class={`fr-select-group${props.error ? ' fr-select-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        {props.label}
        {props.required && ' *'}
        {props.hint && (
          <span class="fr-hint-text" id={`${id}-hint`}>
            {props.hint}
          </span>
        )}
      </label>
      <select class="fr-select" id={id} name={props.name} aria-describedby={describedBy} required={props.required}>
        {props.options.map(option)}
        {props.groups?.map((group) => (
          <optgroup key={group.label} label={group.label}>
            {group.options.map(option)}
          </optgroup>
        ))}
      </select>
      {props.error && (
        <p class="fr-error-text" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}
