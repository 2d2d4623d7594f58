import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logoContentType } from './authority-logo.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

describe('what an image sent as the logo really is', () => {
  it('knows PNG, JPEG and WebP by their first bytes, whatever the file is named', () => {
    assert.equal(logoContentType(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'rest')), 'image/png');
    assert.equal(logoContentType(bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF')), 'image/jpeg');
    assert.equal(logoContentType(bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ')), 'image/webp');
  });

  it('refuses what a browser could run or that is no picture: SVG, HTML, a PDF, a GIF, a RIFF that is not WebP', () => {
    for (const data of [
      bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      bytes('<?xml version="1.0"?><svg/>'),
      bytes('<!doctype html><script>alert(1)</script>'),
      bytes('%PDF-1.7'),
      bytes('GIF89a'),
      bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '),
      bytes(''),
    ])
      assert.equal(logoContentType(data), null, data.toString('latin1'));
  });
});
