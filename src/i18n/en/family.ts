import type { family as fr } from '../fr/family.js';

export const family = {
  'family.home.title': 'Home',
  'family.home.welcome': 'Hello {name}!',
  'family.home.pendingRequests': 'Requests awaiting an answer',
  'family.home.seeRequests': 'See my requests',
  'family.account.title': 'My account',
  'family.account.login': 'Login',
  'family.account.security': 'Security',
  'family.account.changePassword': 'Change password',
} satisfies Record<keyof typeof fr, string>;
