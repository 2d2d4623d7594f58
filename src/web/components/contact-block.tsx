import { usePage } from '../page-context.js';

/** The service's address, phone, email and hours, on every page of a tenant. */
export function ContactBlock() {
  const { t, tenant } = usePage();
  if (!tenant) return null;
  const given: [string, string | null, string?][] = [
    [t('footer.address'), tenant.contact_address],
    [t('footer.phone'), tenant.contact_phone, tenant.contact_phone ? `tel:${tenant.contact_phone.replace(/\s+/g, '')}` : undefined],
    [t('footer.email'), tenant.contact_email, tenant.contact_email ? `mailto:${tenant.contact_email}` : undefined],
    [t('footer.hours'), tenant.contact_hours],
  ];
  const lines = given.filter(([, value]) => value);
  // An authority that gave no way to reach it gets no heading over nothing.
  if (!tenant.contact_name && lines.length === 0) return null;
  return (
    <section class="pf-contact fr-py-4w" aria-labelledby="contact-title">
      <div class="fr-container">
        <h2 class="fr-h5" id="contact-title">
          {t('footer.contact')}
        </h2>
        {tenant.contact_name && (
          <p class="fr-mb-1w">
            <strong>{tenant.contact_name}</strong>
          </p>
        )}
        {lines.length > 0 && (
          <dl class="pf-contact__list">
            {lines.map(([label, value, link]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{link ? <a href={link}>{value}</a> : value}</dd>
              </div>
            ))}
          </dl>
        )}
      </div>
    </section>
  );
}
