/** The families' JSON API: error messages that the pages do not already have (the rest reuses theirs). */
export const api = {
  'api.error.unauthorized': 'Connectez-vous d’abord : envoyez le jeton reçu de POST /api/v1/session dans l’en-tête « Authorization: Bearer … ».',
  'api.error.familyOnly': 'Cette interface est réservée aux comptes des familles.',
  'api.error.passwordChange': 'Votre mot de passe est provisoire : changez-le d’abord sur le site du portail.',
  'api.error.notFound': 'Introuvable : cet élément n’existe pas ou n’est pas le vôtre.',
  'api.error.invalid': 'La demande contient des erreurs : corrigez les champs indiqués.',
  'api.error.malformed': 'La demande est illisible : envoyez un corps JSON valide.',
  'api.error.queued':
    'Le service est très sollicité en ce moment et rien n’a été réservé. Votre demande garde sa place (n° {place} dans la file) : renvoyez-la avec son ticket dans {seconds} s.',
  'api.error.unavailable': 'Le service est très sollicité en ce moment. Réessayez dans {seconds} secondes.',
  'api.error.notLottery': 'Cette période n’est pas attribuée par tirage au sort : réservez ses jours avec POST /api/v1/bookings.',
  'api.field.invalid': 'Cette valeur n’est pas valide.',
  'api.field.date': 'Saisissez une date au format AAAA-MM-JJ, par exemple 2026-12-02.',
  'api.field.identifier': 'Cet identifiant n’est pas valide.',
  'api.field.count': 'Le nombre d’éléments n’est pas dans les limites permises.',
  'api.field.range': 'La période doit finir après son début et durer au plus {days} jours.',
  'api.field.unknown': 'Ce champ n’est pas attendu.',
};
