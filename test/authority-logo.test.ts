import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { signedInBrowser, TestBrowser } from './support/http-client.js';
import { type FormFile, postMultipart } from './support/multipart.js';
import { pngImage } from './support/png-image.js';
import { createFamily, createStaff } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * The authority's logo (issue #15): its administrator sends it from Administration → Collectivité,
 * every page's header shows it beside the authority's name, and it is served as the image it
 * really is, never as what its name or declared type claims.
 */
describe('the authority’s logo, set by its administrator', () => {
  const PATH = '/ville/gestion/parametres/collectivite';
  const LOGO = `${PATH}/logo`;
  const REMOVAL = `${LOGO}/retrait`;
  const blue = pngImage(40, 40, () => [0, 0, 145]);
  const red = pngImage(40, 40, (x) => (x < 20 ? [225, 0, 15] : [255, 255, 255]));
  const logoFile = (data: Buffer, filename = 'logo.png', type = 'image/png'): FormFile => ({ name: 'logo', filename, type, data });
  let portal: TestPortal;
  let tenant: Tenant;
  let admin: TestBrowser;
  let manager: TestBrowser;
  let reader: TestBrowser;
  let family: TestBrowser;

  /** The logo's address in the header of the page read, if any: decorative (an empty alt) beside the authority's name. */
  const headerLogo = (html: string) => /<div class="fr-header__operator"><img class="fr-responsive-img" src="([^"]+)" alt\/>/.exec(html)?.[1];

  before(async () => {
    portal = await startTestPortal({ now: '2026-11-16T09:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville', name: 'Ville de Test', hosts: ['portail.ville.test'] });
    await portal.addTenant({ slug: 'autre', name: 'Autre Ville' });
    const browserOf = async (email: string, role: 'admin' | 'manager' | 'reader') =>
      signedInBrowser(portal, tenant, (await createStaff(portal, tenant, { email, role })).accountId);
    admin = await browserOf('admin@example.test', 'admin');
    manager = await browserOf('gestion@example.test', 'manager');
    reader = await browserOf('lecture@example.test', 'reader');
    const parent = await createFamily(portal, tenant, { email: 'parent@example.test', lastName: 'PARENT', children: ['Léo'] });
    family = await signedInBrowser(portal, tenant, parent.accountId);
  });
  after(() => portal.close());

  it('takes a PNG and shows it in the header of the family’s and the staff’s pages; anyone reads it back as a PNG, not sniffed, kept long', async () => {
    assert.equal(headerLogo((await family.get('/ville/accueil')).body), undefined, 'no logo yet');
    await admin.get(PATH);
    const sent = await postMultipart(portal, admin, LOGO, {}, logoFile(blue));
    assert.equal(sent.statusCode, 303);
    const page = await admin.follow(sent);
    assert.match(page.body, /Le logo est enregistré/);
    const path = headerLogo(page.body);
    assert.match(path ?? '', /^\/ville\/logo\/[0-9a-f]{16}\.png$/);
    assert.match(page.body, new RegExp(`<img class="pf-authority-logo[^"]*" src="${path}" alt="Logo actuel de la collectivité"`), 'the administrator sees it');
    assert.equal(headerLogo((await family.get('/ville/accueil')).body), path);
    assert.equal(headerLogo((await manager.get('/ville/gestion')).body), path);
    const visitor = new TestBrowser(portal.app);
    assert.equal(headerLogo((await visitor.get('/ville/connexion')).body), path, 'the login page shows it too');

    const image = await visitor.get(path!);
    assert.equal(image.statusCode, 200);
    assert.equal(image.headers['content-type'], 'image/png');
    assert.equal(image.headers['x-content-type-options'], 'nosniff');
    assert.match(String(image.headers['cache-control']), /max-age=31536000/);
    assert.deepEqual(image.rawPayload, blue);

    // On the authority's own host name its pages have no /ville prefix, nor has its logo.
    const onItsHost = new TestBrowser(portal.app, { host: 'portail.ville.test' });
    const ownPath = headerLogo((await onItsHost.get('/connexion')).body);
    assert.equal(ownPath, path!.replace(/^\/ville/, ''));
    assert.equal((await onItsHost.get(ownPath!)).statusCode, 200);

    const journal = await admin.get('/ville/gestion/journal');
    assert.match(journal.body, /Logo de la collectivité changé/);
  });

  it('refuses a file that is not a PNG, JPEG or WebP image whatever its name, and one over 500 KB, next to the field; the logo before stays', async () => {
    const before = headerLogo((await admin.get(PATH)).body);
    assert.ok(before);
    const html = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    for (const file of [logoFile(html), logoFile(svg, 'logo.svg', 'image/svg+xml'), logoFile(svg)]) {
      await admin.get(PATH);
      const refused = await postMultipart(portal, admin, LOGO, {}, file);
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Le formulaire contient 1 erreur/);
      assert.match(refused.body, /href="#field-logo"/, 'the error summary links to the field');
      assert.match(refused.body, /id="field-logo-error"[^>]*>Choisissez une image PNG, JPEG ou WebP\./);
      assert.match(refused.body, /name="name"[^>]*value="Ville de Test"/, 'the details’ form is still filled in');
    }
    const tooLarge = Buffer.concat([red, Buffer.alloc(501 * 1024)]);
    const beyondUploads = Buffer.concat([red, Buffer.alloc(3 * 1024 * 1024)]);
    for (const data of [tooLarge, beyondUploads]) {
      await admin.get(PATH);
      const refused = await postMultipart(portal, admin, LOGO, {}, logoFile(data));
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /id="field-logo-error"[^>]*>L’image dépasse 500 Ko/);
    }
    await admin.get(PATH);
    const nothing = await postMultipart(portal, admin, LOGO, {});
    assert.match(nothing.body, /id="field-logo-error"[^>]*>Choisissez l’image à envoyer\./);
    assert.equal(headerLogo((await family.get('/ville/accueil')).body), before, 'nothing refused replaced the logo');
  });

  it('gives a new logo a new address: the old one is gone, and another authority cannot read this one', async () => {
    const old = headerLogo((await admin.get(PATH)).body)!;
    const sent = await postMultipart(portal, admin, LOGO, {}, logoFile(red, 'nouveau.jpg', 'image/jpeg'));
    assert.equal(sent.statusCode, 303);
    const current = headerLogo((await admin.follow(sent)).body)!;
    assert.notEqual(current, old);
    assert.match(current, /\.png$/, 'named after what its bytes are');
    const visitor = new TestBrowser(portal.app);
    assert.equal((await visitor.get(old)).statusCode, 404, 'an old version is not served');
    assert.equal((await visitor.get(current)).statusCode, 200);
    assert.equal((await visitor.get(current.replace('/ville/', '/autre/'))).statusCode, 404, 'another authority’s address does not reach it');
    assert.equal(headerLogo((await visitor.get('/autre/connexion')).body), undefined, 'nor does its header show it');
  });

  it('is for administrators only: managers and read-only staff are refused, families never see it', async () => {
    const current = headerLogo((await admin.get(PATH)).body);
    for (const staff of [manager, reader]) {
      await staff.get('/ville/gestion');
      assert.equal((await postMultipart(portal, staff, LOGO, {}, logoFile(blue))).statusCode, 403);
      assert.equal((await staff.get(REMOVAL)).statusCode, 403);
      await staff.get('/ville/gestion');
      assert.equal((await staff.post(REMOVAL, {})).statusCode, 403);
    }
    await family.get('/ville/accueil');
    assert.equal((await postMultipart(portal, family, LOGO, {}, logoFile(blue))).statusCode, 404);
    assert.equal((await family.get(REMOVAL)).statusCode, 404);
    await family.get('/ville/accueil');
    assert.equal((await family.post(REMOVAL, {})).statusCode, 404);
    assert.equal(headerLogo((await admin.get(PATH)).body), current, 'the logo is unchanged');
  });

  it('is removed after a confirmation: the header shows the name alone again, the address is gone, the journal says so', async () => {
    const current = headerLogo((await admin.get(PATH)).body)!;
    assert.match((await admin.get(PATH)).body, /href="\/ville\/gestion\/parametres\/collectivite\/logo\/retrait"[^>]*>Retirer le logo/);
    const confirm = await admin.get(REMOVAL);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Le logo ne sera plus affiché en tête des pages/);
    assert.equal(headerLogo((await family.get('/ville/accueil')).body), current, 'nothing is removed before the confirmation');
    const removed = await admin.post(REMOVAL, {});
    assert.equal(removed.statusCode, 303);
    const page = await admin.follow(removed);
    assert.match(page.body, /Le logo est retiré\./);
    assert.match(page.body, /Aucun logo/);
    assert.equal(headerLogo((await family.get('/ville/accueil')).body), undefined);
    assert.equal((await new TestBrowser(portal.app).get(current)).statusCode, 404);
    assert.match((await admin.get('/ville/gestion/journal')).body, /Logo de la collectivité retiré/);
  });
});
