import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translator } from '../../i18n/catalogue.js';
import { startPdf } from './pdf-layout.js';

const issuer = { name: 'Ville de Test', address: '1 place de la Mairie', phone: null, email: 'mairie@example.test', website: null, siret: '12345678900012' };

function document(words: string): Promise<Buffer> {
  const pdf = startPdf({ lang: 'fr', t: translator('fr'), title: 'Facture', createdOn: '2026-12-03', issuer });
  pdf.heading('Facture RP-2026-00042');
  pdf.paragraph(words);
  pdf.table(
    [
      { title: 'Enfant', width: 0.5 },
      { title: 'Montant', width: 0.5, align: 'right' },
    ],
    [
      ['Léa Durand', pdf.money(12_345)],
      ['Total', pdf.money(12_345)],
    ],
    { boldLastRow: true },
  );
  return pdf.finish();
}

describe('documents printed with the fonts shared by the process', () => {
  it('are the same bytes whatever was printed before, words and sizes shared or not', async () => {
    const first = await document('Repas, accueil du matin et du soir — 2 jours à 3,10 €.');
    await document('Accueil du soir, séjour été 2027 : Œuvre, Ægée, 1 234,56 € — repas du matin.');
    const again = await document('Repas, accueil du matin et du soir — 2 jours à 3,10 €.');
    assert.ok(first.equals(again));
  });
});
