import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sourceFiles } from '../source-files.js';
import { blockOf, dsfrClassesIn, iconRules, mainRules, UNUSED_COMPONENT_BLOCKS } from './dsfr-stylesheets.js';

const HEADER = '/*!\n * DSFR vX | License-Filename: LICENSE.md\n */';

describe('DSFR’s icon rules kept in the portal’s stylesheet', () => {
  const sheet = [
    HEADER,
    '.fr-icon-a-line:after,.fr-icon-a-line:before{mask-image:url(../../icons/x/a-line.svg)}',
    '.fr-icon-b-line:after,.fr-icon-b-line:before{mask-image:url(../../icons/x/b-line.svg)}',
    '.fr-fi-a-line:after,.fr-fi-a-line:before{mask-image:url(../../icons/x/a-line.svg)}',
    '@media (min-width:36em){\n  /*! media sm */\n}',
    '@media screen and (min-width:0\\0){.fr-icon-a-line:before{background-image:url(../../icons/x/a-line.svg)}.fr-icon-b-line:before{background-image:url(../../icons/x/b-line.svg)}}',
  ].join('');

  it('are those of the icons used, inside their media blocks too, with absolute image addresses', () => {
    assert.equal(
      iconRules(sheet, new Set(['fr-icon-a-line', 'fr-btn']), '/assets/dsfr/'),
      `${HEADER}\n` +
        '.fr-icon-a-line:after,.fr-icon-a-line:before{mask-image:url(/assets/dsfr/icons/x/a-line.svg)}' +
        '@media screen and (min-width:0\\0){.fr-icon-a-line:before{background-image:url(/assets/dsfr/icons/x/a-line.svg)}}\n',
    );
  });

  it('are none but the licence when no icon is used', () => {
    assert.equal(iconRules(sheet, new Set(), '/i/'), `${HEADER}\n\n`);
  });

  it('keep only the used selectors of a rule shared by several icons', () => {
    const css = '.fr-icon-a-line:before,.fr-icon-b-line:before{color:red}';
    assert.equal(iconRules(css, new Set(['fr-icon-b-line']), '/i/'), '\n.fr-icon-b-line:before{color:red}\n');
  });
});

describe('DSFR’s main stylesheet as served', () => {
  it('leaves out the components no page renders, their elements and modifiers, and keeps the rest as it was', () => {
    const css = [
      HEADER,
      '@font-face{font-family:Marianne;src:url(fonts/Marianne-Light.woff2) format("woff2")}',
      '.fr-btn{color:blue}',
      '.fr-tag,.fr-tags-group>li,.fr-badge{line-height:1}',
      '.fr-tabs__tab--selected{color:red}',
      '.fr-btn:not(.fr-tag){margin:0}',
      '@media (min-width:48em){.fr-tooltip{display:none}.fr-table__wrapper{overflow:auto}}',
      '@media (min-width:62em){.fr-sidemenu{display:none}}',
      '.fr-btn--close:before{mask-image:url(icons/system/close-line.svg)}',
    ].join('');
    assert.equal(
      mainRules(css, '/assets/dsfr/'),
      `${HEADER}\n` +
        '@font-face{font-family:Marianne;src:url(/assets/dsfr/fonts/Marianne-Light.woff2) format("woff2")}' +
        '.fr-btn{color:blue}' +
        '.fr-badge{line-height:1}' +
        '.fr-btn:not(.fr-tag){margin:0}' +
        '@media (min-width:48em){.fr-table__wrapper{overflow:auto}}' +
        '.fr-btn--close:before{mask-image:url(/assets/dsfr/icons/system/close-line.svg)}\n',
    );
  });

  it('leaves out only components that no page, component or script of the portal names', () => {
    const files = sourceFiles(new URL('../../', import.meta.url).pathname).filter((file) => !file.path.endsWith('dsfr-stylesheets.ts'));
    const named = [...dsfrClassesIn(files)];
    assert.deepEqual(
      named.filter((name) => UNUSED_COMPONENT_BLOCKS.has(blockOf(name))),
      [],
    );
    assert.ok(named.includes('fr-header') && named.includes('fr-icon-logout-box-r-line'), 'the scan reads the pages');
  });
});
