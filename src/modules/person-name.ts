/**
 * How the portal writes a person's name, everywhere: first name, then the family name in capitals
 * ("Léa MARTIN"), as French administrations do — so the same child reads the same in one list and
 * every greeting has one shape, whatever case the name was typed in.
 */
export function fullName(firstName: string, lastName: string): string {
  return `${firstName} ${lastName.toLocaleUpperCase('fr-FR')}`.trim();
}

/** `fullName` of a person's row. */
export function personFullName(person: { first_name: string; last_name: string }): string {
  return fullName(person.first_name, person.last_name);
}
