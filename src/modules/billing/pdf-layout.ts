import PDFDocument from 'pdfkit';
import { formatters, type Lang, type Translate } from '../../i18n/catalogue.js';

/**
 * What every document the portal prints shares (invoices, receipts, certificates): A4, the
 * French State's typeface (Marianne, shipped with the DSFR), the authority's identity at the top,
 * tables that continue on the next page, amounts and dates in the reader's language. The bytes
 * depend only on what is printed (the creation date is the document's own), so a document made
 * twice is the same file.
 */

const FONTS = new URL('../../../node_modules/@gouvfr/dsfr/dist/fonts/', import.meta.url).pathname;
const MARGIN = 50;
const WIDTH = 595.28 - 2 * MARGIN;

export interface Issuer {
  name: string;
  address: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  siret: string | null;
}

export interface PdfWriter {
  doc: PDFKit.PDFDocument;
  t: Translate;
  money(cents: number): string;
  date(day: string): string;
  heading(text: string): void;
  paragraph(text: string, options?: { bold?: boolean; size?: number; gap?: number }): void;
  /** Label/value pairs, two columns. */
  facts(rows: [string, string][]): void;
  table(columns: Column[], rows: string[][], options?: { boldLastRow?: boolean }): void;
  finish(): Promise<Buffer>;
}

export interface Column {
  title: string;
  /** A share of the width; the shares add up to 1. */
  width: number;
  align?: 'left' | 'right';
}

export function startPdf(options: { lang: Lang; t: Translate; title: string; createdOn: string; issuer: Issuer }): PdfWriter {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: false,
    info: {
      Title: options.title,
      Author: options.issuer.name,
      Creator: 'Portail Famille',
      Producer: 'Portail Famille',
      CreationDate: new Date(`${options.createdOn}T00:00:00Z`),
    },
    lang: options.lang === 'fr' ? 'fr-FR' : 'en-GB',
  });
  doc.registerFont('regular', `${FONTS}Marianne-Regular.woff`);
  doc.registerFont('bold', `${FONTS}Marianne-Bold.woff`);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const fmt = formatters(options.lang, 'Europe/Paris');
  // The thin no-break space of French numbers is not in every font: a plain no-break space reads the same.
  const money = (cents: number) => fmt.money(cents).replace(/\u202f/g, '\u00a0');
  const date = (day: string) => {
    const [year, month, dayOfMonth] = day.split('-');
    return options.lang === 'fr' ? `${dayOfMonth}/${month}/${year}` : `${dayOfMonth}/${month}/${year}`;
  };

  const issuer = options.issuer;
  doc.font('bold').fontSize(14).text(issuer.name, { width: WIDTH });
  doc.font('regular').fontSize(9);
  for (const line of [
    issuer.address,
    [issuer.phone, issuer.email].filter(Boolean).join(' — '),
    issuer.website,
    issuer.siret ? `SIRET ${issuer.siret}` : null,
  ]) {
    if (line) doc.text(line, { width: WIDTH });
  }
  doc.moveDown(1.5);

  const writer: PdfWriter = {
    doc,
    t: options.t,
    money,
    date,
    heading(text) {
      doc.font('bold').fontSize(16).text(text, { width: WIDTH });
      doc.moveDown(0.5);
    },
    paragraph(text, paragraphOptions = {}) {
      doc
        .font(paragraphOptions.bold ? 'bold' : 'regular')
        .fontSize(paragraphOptions.size ?? 10)
        .text(text, MARGIN, doc.y, { width: WIDTH });
      doc.moveDown(paragraphOptions.gap ?? 0.4);
    },
    facts(rows) {
      doc.fontSize(10);
      for (const [label, value] of rows) {
        const y = doc.y;
        doc.font('bold').text(label, MARGIN, y, { width: WIDTH * 0.35 });
        const labelEnd = doc.y;
        doc.font('regular').text(value, MARGIN + WIDTH * 0.35, y, { width: WIDTH * 0.65 });
        doc.y = Math.max(doc.y, labelEnd);
      }
      doc.moveDown(0.6);
    },
    table(columns, rows, tableOptions = {}) {
      const drawRow = (cells: string[], bold: boolean) => {
        doc.font(bold ? 'bold' : 'regular').fontSize(9);
        const heights = cells.map((cell, index) => doc.heightOfString(cell, { width: columns[index]!.width * WIDTH - 6 }));
        const height = Math.max(...heights) + 6;
        if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
        const y = doc.y;
        let x = MARGIN;
        cells.forEach((cell, index) => {
          const column = columns[index]!;
          doc.text(cell, x + 3, y + 3, { width: column.width * WIDTH - 6, align: column.align ?? 'left' });
          x += column.width * WIDTH;
        });
        doc
          .moveTo(MARGIN, y + height)
          .lineTo(MARGIN + WIDTH, y + height)
          .lineWidth(0.5)
          .strokeColor('#999999')
          .stroke();
        doc.y = y + height;
      };
      drawRow(
        columns.map((column) => column.title),
        true,
      );
      for (const [index, row] of rows.entries()) drawRow(row, Boolean(tableOptions.boldLastRow) && index === rows.length - 1);
      doc.x = MARGIN;
      doc.moveDown(0.8);
    },
    finish() {
      return new Promise((resolve) => {
        doc.on('end', () => resolve(Buffer.concat(chunks)));
        doc.end();
      });
    },
  };
  return writer;
}

/** The authority as documents name it, from its record (and its SIRET, when set). */
export async function issuerOf(tx: import('../../db/tenant-scope.js').Tx, tenantId: string): Promise<Issuer> {
  const tenant = await tx
    .selectFrom('tenants')
    .select(['name', 'contact_name', 'contact_address', 'contact_phone', 'contact_email', 'website_url', 'settings'])
    .where('id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return {
    name: tenant.name,
    address: [tenant.contact_name, tenant.contact_address].filter(Boolean).join(' — ') || null,
    phone: tenant.contact_phone,
    email: tenant.contact_email,
    website: tenant.website_url,
    siret: tenant.settings.siret ?? null,
  };
}
