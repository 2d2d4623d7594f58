/** The family space pages of the foundation. */
export const family = {
  'family.home.title': 'Accueil',
  'family.home.welcome': 'Bonjour {name} !',
  'family.home.pendingRequests': 'Demandes en attente de réponse',
  'family.home.seeRequests': 'Voir mes demandes',
  'family.account.title': 'Mon compte',
  'family.account.login': 'Identifiant de connexion',
  'family.account.security': 'Sécurité',
  'family.account.changePassword': 'Changer de mot de passe',
} as const;
