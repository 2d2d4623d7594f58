import { hash, verify } from '@node-rs/argon2';

/** The rules shown to the person while typing and checked here, in this order. */
export const PASSWORD_RULES = ['length', 'upper', 'lower', 'digit'] as const;
export type PasswordRule = (typeof PASSWORD_RULES)[number];
export type PasswordProblem = PasswordRule | 'common' | 'tooLong' | 'unchanged';

const MAX_LENGTH = 200;

/**
 * Words that make up the passwords people pick most, in France and elsewhere. A password is
 * refused when, lower-cased and stripped of digits and symbols, it is one of them (so
 * "Azerty2024!" and "Motdepasse1" are refused even though they meet the four rules).
 */
const COMMON_WORDS = new Set([
  'azerty',
  'qwerty',
  'azertyuiop',
  'qwertyuiop',
  'password',
  'passw',
  'motdepasse',
  'motdepass',
  'mdp',
  'pass',
  'bonjour',
  'soleil',
  'doudou',
  'chouchou',
  'loulou',
  'marseille',
  'paris',
  'football',
  'jetaime',
  'iloveyou',
  'nicolas',
  'julien',
  'camille',
  'thomas',
  'coucou',
  'princesse',
  'chocolat',
  'nounours',
  'vacances',
  'famille',
  'admin',
  'administrateur',
  'welcome',
  'bienvenue',
  'letmein',
  'monkey',
  'dragon',
  'master',
  'sunshine',
  'abc',
  'abcdef',
  'abcd',
  'test',
  'user',
  'utilisateur',
  'portail',
  'portailfamille',
  'mairie',
  'cantine',
  'ecole',
  'enfant',
  'enfants',
  'maman',
  'papa',
  'secret',
  'changeme',
  'default',
  'aaaaaa',
  'aaaaaaaa',
  'azer',
  'qsdf',
]);

export function passwordProblems(password: string, personal: string[] = []): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password.length < 8) problems.push('length');
  if (!/\p{Lu}/u.test(password)) problems.push('upper');
  if (!/\p{Ll}/u.test(password)) problems.push('lower');
  if (!/\d/.test(password)) problems.push('digit');
  if (password.length > MAX_LENGTH) problems.push('tooLong');
  if (problems.length === 0 && isCommon(password, personal)) problems.push('common');
  return problems;
}

/**
 * The problems of `password` as an account's new password: the rules, then that it is not the
 * current one, so a temporary password or a leaked one cannot be "changed" to itself. `currentHash`
 * is the account's password hash, or null when there is none or the caller may not compare with
 * it (the answer would tell whether a guess is the current password).
 */
export async function newPasswordProblems(password: string, personal: string[], currentHash: string | null): Promise<PasswordProblem[]> {
  const problems = passwordProblems(password, personal);
  if (problems.length === 0 && currentHash !== null && (await verifyPassword(currentHash, password))) problems.push('unchanged');
  return problems;
}

function isCommon(password: string, personal: string[]): boolean {
  const letters = password
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z]/g, '');
  if (letters.length === 0 || COMMON_WORDS.has(letters)) return true;
  // A password made of the person's own email or name is guessed first.
  return personal
    .map((word) =>
      word
        .toLowerCase()
        .normalize('NFD')
        .replace(/[^a-z]/g, ''),
    )
    .some((word) => word.length >= 3 && letters === word);
}

/** argon2id with the library's defaults (OWASP-recommended memory and time costs). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    // Spend the same time as a real check, so an unknown account cannot be told apart by timing.
    await verify(DUMMY_HASH, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$7ozbWZxeqs2TTyLYZ8YtVw$vFBGO6lH0WlYtz2RPLq3UyGWU54WTf3ounkxsZz+1qs';
