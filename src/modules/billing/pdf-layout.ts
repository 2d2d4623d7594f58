import { createRequire } from 'node:module';
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

/**
 * Marianne, read and parsed once per process. Given a file, pdfkit reads, inflates and parses the
 * font again for each document, and shapes each word again: most of a PDF's time. A parsed font
 * (fontkit's, the parser pdfkit itself uses) is shared, and so are the shapes of its words; each
 * document still makes its own subset of the glyphs it prints, so the bytes are the same as with a
 * font of its own (Marianne maps each glyph to one character: what a glyph stands for does not
 * depend on the documents made before).
 */
let marianne: { regular: PDFKit.Mixins.PDFFontSource; bold: PDFKit.Mixins.PDFFontSource } | undefined;
function parsedFonts(): NonNullable<typeof marianne> {
  if (!marianne) {
    const fontkit = createRequire(createRequire(import.meta.url).resolve('pdfkit'))('fontkit') as { openSync(path: string): FontkitFont };
    marianne = {
      regular: withSharedShapes(fontkit.openSync(`${FONTS}Marianne-Regular.woff`)),
      bold: withSharedShapes(fontkit.openSync(`${FONTS}Marianne-Bold.woff`)),
    };
  }
  return marianne;
}

interface GlyphRun {
  glyphs: unknown[];
  positions: Record<string, number>[];
  readonly advanceWidth: number;
}

interface FontkitFont {
  layout(text: string, features?: unknown): GlyphRun;
}

/**
 * Each word's shape laid out once per process (a bounded number of them). pdfkit scales a run's
 * positions in place, by 1000 / units per em (1 for Marianne, not for every font): each call gets
 * its own copy.
 */
function withSharedShapes(font: FontkitFont): PDFKit.Mixins.PDFFontSource {
  const layout = font.layout.bind(font);
  const shapes = new Map<string, GlyphRun>();
  font.layout = (text, features) => {
    if (features !== undefined) return layout(text, features);
    let shape = shapes.get(text);
    if (!shape) {
      if (shapes.size >= 20_000) shapes.clear();
      shape = layout(text);
      shapes.set(text, shape);
    }
    const positions = shape.positions.map((position) => ({ ...position }));
    return {
      glyphs: shape.glyphs,
      positions,
      get advanceWidth() {
        let width = 0;
        for (const position of positions) width += position.xAdvance!;
        return width;
      },
    };
  };
  // pdfkit takes a parsed font as it takes a file; its types know only files and bytes.
  return font as unknown as PDFKit.Mixins.PDFFontSource;
}

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
  const fonts = parsedFonts();
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
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
