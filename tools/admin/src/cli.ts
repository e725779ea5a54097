/**
 * `pnpm admin <command>`: the operator's tool. Uses the same configuration as the API (DATA_DIR,
 * JWT_SECRET, PORT), so what it signs the API accepts. Exit codes: 0 done, 1 failed, 2 wrong usage.
 */
import { Command, CommanderError, Option } from 'commander';
import { companyIdFor, loadConfig, loginUrl, signToken } from '@pm/api';
import { existsSync } from 'node:fs';
import { importBankFile } from './payments-import';
import { registerProjectionCommands } from './projections-commands';
import { registerAuditCommands } from './audit-commands';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function buildCli(env: NodeJS.ProcessEnv = process.env, out: (line: string) => void = (l) => process.stdout.write(l + '\n')) {
  const program = new Command('admin')
    .description('Operator tool for påminnelsehantering')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

  program
    .command('token')
    .description('Print a bearer token (and nothing else) for a company user or an operator')
    .addOption(new Option('--company <organisationNumber>', "the company's organisationsnummer (required for --role user)"))
    .addOption(new Option('--role <role>', 'user or admin').choices(['user', 'admin']).default('user'))
    .option('--sub <id>', 'the user id recorded as the actor of their commands (default: cli-<role>)')
    .option('--expires <duration>', 'lifetime, e.g. 12h or 30d', '12h')
    .action((options: { company?: string; role: 'user' | 'admin'; sub?: string; expires: string }) => {
      if (options.role === 'user' && !options.company) throw new CommanderError(EXIT.usage, 'admin.usage', 'error: --company is required for a user token');
      const config = loadConfig(env);
      const company = options.company ? companyIdFor(options.company) : undefined;
      out(signToken(config.jwtSecret, { sub: options.sub ?? `cli-${options.role}`, role: options.role, ...(company ? { company } : {}) }, options.expires as never));
    });

  program
    .command('login-url')
    .description("Print a URL that signs a user of the company in to the web app (the token travels in the URL fragment, never to a server log)")
    .requiredOption('--company <organisationNumber>', "the company's organisationsnummer")
    .option('--sub <id>', 'the user id recorded as the actor of their commands', 'web-user')
    .option('--name <name>', 'the name the web app shows for the user')
    .option('--expires <duration>', 'lifetime, e.g. 12h or 30d', '12h')
    .option('--base-url <url>', 'where the web app is served', `http://127.0.0.1:${env.PORT ?? 3000}`)
    .action((options: { company: string; sub: string; name?: string; expires: string; baseUrl: string }) => {
      const config = loadConfig(env);
      const token = signToken(config.jwtSecret, { sub: options.sub, role: 'user', company: companyIdFor(options.company), ...(options.name ? { name: options.name } : {}) }, options.expires as never);
      out(loginUrl(options.baseUrl, token));
    });

  const companies = program.command('companies').description('Companies using the service');
  companies
    .command('create')
    .description('Register a company through the running API')
    .requiredOption('--org <organisationNumber>', 'organisationsnummer, NNNNNN-NNNN')
    .requiredOption('--name <name>', 'company name')
    .requiredOption('--address <line1>', 'street address')
    .requiredOption('--postal-code <code>', 'postal code')
    .requiredOption('--city <city>', 'city')
    .option('--country <code>', 'country code', 'SE')
    .option('--bankgiro <number>', 'the bankgiro number incoming payments arrive on (bank files for other accounts are refused)')
    .option('--legacy', 'the company used the legacy service and must activate again', false)
    .option('--api-url <url>', 'the API to talk to', `http://127.0.0.1:${env.PORT ?? 3000}`)
    .action(async (options: { org: string; name: string; address: string; postalCode: string; city: string; country: string; bankgiro?: string; legacy: boolean; apiUrl: string }) => {
      const config = loadConfig(env);
      const token = signToken(config.jwtSecret, { sub: 'admin-cli', role: 'admin' }, '5m');
      const response = await fetch(new URL('/api/companies', options.apiUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          organisationNumber: options.org,
          name: options.name,
          country: options.country,
          address: { line1: options.address, postalCode: options.postalCode, city: options.city, country: options.country },
          ...(options.bankgiro ? { bankgiro: options.bankgiro } : {}),
          ...(options.legacy ? { fromLegacyService: true } : {}),
        }),
      }).catch((error: Error) => {
        throw new CommanderError(EXIT.failed, 'admin.unreachable', `error: cannot reach the API at ${options.apiUrl}: ${error.message}`);
      });
      const body = (await response.json().catch(() => ({}))) as { companyId?: string; code?: string; message?: string };
      if (!response.ok) throw new CommanderError(EXIT.failed, 'admin.refused', `error: ${body.code ?? response.status}: ${body.message ?? response.statusText}`);
      out(body.companyId!);
    });
  const payments = program.command('payments').description('Incoming bank payments');
  payments
    .command('import')
    .description("Import a camt.054 or BgMax file through the running API for the company whose bankgiro it is for; prints the import report (JSON)")
    .argument('<file>', 'the bank file')
    .option('--company <organisationNumber>', 'import as this company (the file must be for its bankgiro)')
    .option('--api-url <url>', 'the API to talk to', `http://127.0.0.1:${env.PORT ?? 3000}`)
    .option('--no-progress', 'no progress bars')
    .action(async (file: string, options: { company?: string; apiUrl: string; progress: boolean }) => {
      if (!existsSync(file)) throw new CommanderError(EXIT.usage, 'admin.usage', `error: no such file: ${file}`);
      const config = loadConfig(env);
      const claims = options.company
        ? { sub: 'admin-cli', role: 'admin' as const, company: companyIdFor(options.company) }
        : { sub: 'admin-cli', role: 'admin' as const };
      const token = signToken(config.jwtSecret, claims, '12h');
      const outcome = await importBankFile({ file, apiUrl: options.apiUrl, token, progress: options.progress && process.stderr.isTTY === true }).catch((error: Error) => {
        throw new CommanderError(EXIT.failed, 'admin.unreachable', `error: cannot reach the API at ${options.apiUrl}: ${error.message}`);
      });
      if (!outcome.ok) {
        const errors = (outcome.body.errors as { line?: number; path?: string; message: string }[] | undefined) ?? [];
        const lines = errors.map((e) => `  ${[e.line !== undefined ? `line ${e.line}` : '', e.path ?? ''].filter(Boolean).join(' ')}: ${e.message}`);
        throw new CommanderError(EXIT.failed, 'admin.refused', [`error: ${String(outcome.body.code ?? outcome.status)}: ${String(outcome.body.message ?? '')}`, ...lines].join('\n'));
      }
      out(JSON.stringify(outcome.body));
    });
  registerProjectionCommands(program, env, out);
  registerAuditCommands(program, env, out);
  return program;
}

export async function run(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      // Our own errors carry their exit code; commander's own (unknown option, bad choice …) are usage errors.
      if (error.code.startsWith('admin.')) {
        process.stderr.write(error.message + '\n');
        return error.exitCode;
      }
      return EXIT.usage;
    }
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}

if (require.main === module || process.argv[1]?.endsWith('admin.js')) {
  void run(process.argv.slice(2)).then((code) => process.exit(code));
}
