import type { Timestamp } from '../../db/column-types.js';

/** The image types a logo may be, read from its bytes (authority-logo.ts). */
export type LogoContentType = 'image/png' | 'image/jpeg' | 'image/webp';

export interface AuthorityLogosTable {
  tenant_id: string;
  /** The start of the bytes' SHA-256: part of the logo's address, so a new logo gets a new one. */
  version: string;
  content_type: LogoContentType;
  size_bytes: number;
  content: Buffer;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface AuthorityTables {
  authority_logos: AuthorityLogosTable;
}
