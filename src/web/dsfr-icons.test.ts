import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iconRules } from './dsfr-icons.js';

const SHEET = [
  '/*!\n * DSFR vX | License-Filename: LICENSE.md\n */',
  '.fr-icon-a-line:after,.fr-icon-a-line:before{mask-image:url(../../icons/x/a-line.svg)}',
  '.fr-icon-b-line:after,.fr-icon-b-line:before{mask-image:url(../../icons/x/b-line.svg)}',
  '.fr-fi-a-line:after,.fr-fi-a-line:before{mask-image:url(../../icons/x/a-line.svg)}',
  '@media (min-width:36em){\n  /*! media sm */\n}',
  '@media screen and (min-width:0\\0){.fr-icon-a-line:before{background-image:url(../../icons/x/a-line.svg)}.fr-icon-b-line:before{background-image:url(../../icons/x/b-line.svg)}}',
].join('');

describe('the DSFR icons kept in the portal’s stylesheet', () => {
  it('keeps the rules of the icons used, inside their media blocks too, with absolute image addresses', () => {
    assert.equal(
      iconRules(SHEET, new Set(['fr-icon-a-line']), '/assets/dsfr/icons/'),
      '/*!\n * DSFR vX | License-Filename: LICENSE.md\n */\n' +
        '.fr-icon-a-line:after,.fr-icon-a-line:before{mask-image:url(/assets/dsfr/icons/x/a-line.svg)}' +
        '@media screen and (min-width:0\\0){.fr-icon-a-line:before{background-image:url(/assets/dsfr/icons/x/a-line.svg)}}\n',
    );
  });

  it('keeps nothing but the licence when no icon is used', () => {
    assert.equal(iconRules(SHEET, new Set(), '/i/'), '/*!\n * DSFR vX | License-Filename: LICENSE.md\n */\n\n');
  });

  it('keeps only the used selectors of a rule shared by several icons', () => {
    const css = '.fr-icon-a-line:before,.fr-icon-b-line:before{color:red}';
    assert.equal(iconRules(css, new Set(['fr-icon-b-line']), '/i/'), '\n.fr-icon-b-line:before{color:red}\n');
  });
});
