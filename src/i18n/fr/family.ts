/** The family space pages of the foundation. */
export const family = {
  'family.home.title': 'Accueil',
  'family.home.welcome': 'Bonjour {name} !',
  'family.home.pendingRequests': 'Demandes en attente de réponse',
  'family.home.seeRequests': 'Voir mes demandes',
  'family.home.news': 'Actualités du service',
  'news.publishedOn': 'Publiée le {date}',
  'news.public.title': 'Actualités',
  'news.public.intro': 'Les informations du service à destination de toutes les familles.',
  'news.public.none': 'Aucune actualité pour le moment.',
  'family.account.title': 'Mon compte',
  'family.account.login': 'Identifiant de connexion',
  'family.account.security': 'Sécurité',
  'family.account.changePassword': 'Changer de mot de passe',
} as const;
