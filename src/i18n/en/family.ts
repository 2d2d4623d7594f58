import type { family as fr } from '../fr/family.js';

export const family = {
  'family.home.title': 'Home',
  'family.home.welcome': 'Hello {name}!',
  'family.home.pendingRequests': 'Requests awaiting an answer',
  'family.home.seeRequests': 'See my requests',
  'family.home.news': 'News from the service',
  'news.publishedOn': 'Published on {date}',
  'news.public.title': 'News',
  'news.public.intro': 'The service’s information for every family.',
  'news.public.none': 'No news at the moment.',
  'family.account.title': 'My account',
  'family.account.login': 'Login',
  'family.account.security': 'Security',
  'family.account.changePassword': 'Change password',
} satisfies Record<keyof typeof fr, string>;
