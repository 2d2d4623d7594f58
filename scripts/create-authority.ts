// `npm run create-authority -- --slug <slug> --name "<name>" --admin <email> [--admin-name "<name>"]
// [--zone A|B|C|…] [--time-zone Europe/Paris] [--host <host name>]…`: creates an authority and its
// first administrator in the database of DATABASE_URL (or DATA_DIR, its portal stopped), and prints
// the single-use link by which that administrator chooses a password (src/operations/create-authority.ts).
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { TOKEN_LIFETIME_MS } from '../src/modules/identity/account-tokens.js';
import { createAuthority } from '../src/operations/create-authority.js';
import { runOperation } from '../src/operations/operation-command.js';

const USAGE =
  'npm run create-authority -- --slug <slug> --name "<name>" --admin <email> [--admin-name "<name>"] [--zone A] [--time-zone Europe/Paris] [--host <host name>]';
const OPTIONS: ParseArgsConfig['options'] = {
  slug: { type: 'string' },
  name: { type: 'string' },
  admin: { type: 'string' },
  'admin-name': { type: 'string' },
  zone: { type: 'string', default: 'A' },
  'time-zone': { type: 'string', default: 'Europe/Paris' },
  host: { type: 'string', multiple: true },
};

function parsed(args: string[]): Record<string, string | string[] | undefined> | null {
  try {
    const { values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }) as {
      values: Record<string, string | string[] | undefined>;
    };
    return values.slug && values.name && values.admin ? values : null;
  } catch {
    return null;
  }
}

await runOperation(
  USAGE,
  (args) => parsed(args) !== null,
  async (args) => {
    const values = parsed(args)!;
    const one = (name: string) => values[name] as string;
    const created = await createAuthority(
      loadConfig(),
      {
        slug: one('slug'),
        name: one('name'),
        adminEmail: one('admin'),
        adminName: one('admin-name') ?? one('admin'),
        schoolZone: one('zone'),
        timeZone: one('time-zone'),
        hosts: (values.host as string[] | undefined) ?? [],
      },
      new Date(),
    );
    return [
      `authority created: ${created.address}`,
      `school holiday periods of its zone: ${created.schoolHolidayPeriods}${created.schoolHolidayPeriods === 0 ? " (import the ministry's calendar from Espace gestion → Calendrier)" : ''}`,
      `first administrator: open this single-use link within ${TOKEN_LIFETIME_MS.invitation / 86_400_000} days to choose a password (give it to them yourself):`,
      `  ${created.invitationLink}`,
    ].join('\n');
  },
);
