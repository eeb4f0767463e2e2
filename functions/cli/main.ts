import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { WatchOptions } from './watch.ts';
import type { CheckCommandOptions } from './check.ts';
import type { ForecastOptions } from './forecast.ts';
import type { DetectOptions } from './detect.ts';
import type { ExplainOptions } from './explain.ts';
import type { ReportCommandOptions } from './report.ts';
import type { OpenCommandOptions } from './open.ts';
import { CHECK_EXIT, CHECK_FORMATS, DEFAULT_LAKE, REPORT_FORMATS } from './choices.ts';

// Each command's module is imported when the command runs, not before: `insights explain`
// need not load the workflow runner, the report renderer or the SMTP client to start.

/** Help of --outbox, on `run` and `watch`. */
const OUTBOX_HELP =
  'where emails are written as .eml files when there is no SMTP server (default: beside the lake)';

const program = new Command()
  .name('insights')
  .description(
    'Business data files in, an honest report out. Runs the serverless-insights pipeline on this machine: a folder stands in for S3, DuckDB for Athena, an outbox folder (or an SMTP server) for email.',
  )
  .version(
    (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
        version: string;
      }
    ).version,
  )
  .showHelpAfterError();

program
  .command('demo')
  .description(
    'Generate the demo data, ingest it and run the report workflow: the whole pipeline in one command.',
  )
  .option('--out <dir>', 'folder for the demo data, the lake and the outbox', 'demo-out')
  .option('--seed <n>', 'seed of the demo data generator', positiveInt, 42)
  .option('--quiet', 'print only the report path')
  .addOption(smtpOption())
  .hook('preAction', (_, command) => checkMail(command))
  .action(async (options: { out: string; seed: number; quiet?: boolean; smtp?: string }) => {
    const { runDemo } = await import('./demo.ts');
    process.exitCode = await runDemo(options);
  });

program
  .command('ingest')
  .description(
    'Validate files and add them to the lake: curated Parquet, quarantined rows with reasons, a manifest per file. The dataset is the file name without extensions, or its folder when the name is only a date or number.',
  )
  .argument(
    '<files...>',
    'files to ingest: CSV, TSV, JSON Lines, JSON, Parquet, or the gzip of each',
  )
  .requiredOption('--lake <dir>', 'the lake folder')
  .option('--dataset <name>', 'dataset for all the files (default: from each file name)')
  .option(
    '--replace',
    'let a file replace a different one ingested earlier under the same name (a new version: its rows replace the old ones)',
  )
  .action(
    async (files: string[], options: { lake: string; dataset?: string; replace?: boolean }) => {
      const { ingestCommand } = await import('./ingest.ts');
      process.exitCode = await ingestCommand(files, options);
    },
  );

program
  .command('run')
  .description(
    'Run the report workflow (report.asl.json) over the lake and email the link to the outbox, or through an SMTP server.',
  )
  .requiredOption('--lake <dir>', 'the lake folder')
  .option('--run-id <id>', 'run id (letters, digits, - and _); default: the time and trigger')
  .option('--outbox <dir>', OUTBOX_HELP)
  .addOption(smtpOption())
  .option('--to <emails>', 'comma-separated recipients', 'you@localhost')
  .hook('preAction', (_, command) => checkMail(command))
  .action(
    async (options: {
      lake: string;
      runId?: string;
      outbox?: string;
      smtp?: string;
      to: string;
    }) => {
      const { runCommand } = await import('./run.ts');
      process.exitCode = await runCommand(options);
    },
  );

program
  .command('watch')
  .description(
    'The local drop folder, as the bucket is in AWS: files dropped into DIR/<dataset>/ (at any depth) are ingested once they stop growing, a changed file as a new version that replaces its rows, and one report run starts after a quiet period. Hidden and temporary files are ignored, files at the top of DIR are skipped with a message.',
  )
  .argument('<dir>', 'the folder to watch')
  .requiredOption('--lake <dir>', 'the lake folder (outside DIR)')
  .option(
    '--quiet-period <seconds>',
    'start the report run this long after the last new file or ingest',
    seconds,
    30,
  )
  .option(
    '--settle <seconds>',
    'ingest a file once its size and modification time stayed the same this long',
    seconds,
    2,
  )
  .option('--poll <seconds>', 'how often the folder is scanned', pollInterval, 0.5)
  .option('--outbox <dir>', OUTBOX_HELP)
  .addOption(smtpOption())
  .option('--to <emails>', 'comma-separated recipients', 'you@localhost')
  .option(
    '--once',
    'ingest what is in DIR now (once settled), run the report if anything was ingested, and exit',
  )
  .hook('preAction', (_, command) => checkMail(command))
  .action(async (dir: string, options: WatchOptions) => {
    const { watchCommand } = await import('./watch.ts');
    process.exitCode = await watchCommand(dir, options);
  });

program
  .command('quarantine')
  .description(
    "Export a dataset's quarantined rows as CSV (file, line, column, reason, the row's values) to fix in a spreadsheet; cells that could run as formulas are neutralised with a leading '.",
  )
  .requiredOption('--lake <dir>', 'the lake folder')
  .requiredOption('--dataset <name>', 'the dataset')
  .option(
    '--out <file>',
    'write the CSV to this file, with a byte order mark for Excel (default: stdout)',
  )
  .action(async (options: { lake: string; dataset: string; out?: string }) => {
    const { quarantineCommand } = await import('./quarantine.ts');
    process.exitCode = await quarantineCommand(options);
  });

program
  .command('check')
  .description(
    'Reconcile the lake: every raw object under incoming/ against its manifest (ingested, rejected, replaced; or pending, broken), and curated or quarantine files that no manifest names (orphans). Exit code 0 when all is terminal, 1 when there are problems, 2 when the check could not be made.',
  )
  .requiredOption('--lake <dir>', 'the lake folder')
  .addOption(
    new Option('--format <format>', 'output format').choices(CHECK_FORMATS).default('text'),
  )
  .option('--out <file>', 'write the result to this file (default: stdout)')
  // 1 means "problems found": a usage error exits 2, so that scripts can tell them apart.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : CHECK_EXIT.trouble))
  .action(async (options: CheckCommandOptions) => {
    const { checkCommand } = await import('./check.ts');
    process.exitCode = await checkCommand(options);
  });

program
  .command('report')
  .description(
    "Render a run's stored report.json again, as Markdown, HTML or JSON, without recomputing anything: the same bytes the run wrote.",
  )
  .option('--lake <dir>', 'the lake folder', DEFAULT_LAKE)
  .option('--run <id>', 'the run (default: the newest report of the lake, by when it was made)')
  .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMATS).default('md'))
  .option('--out <file>', 'write the report to this file (default: stdout)')
  .action(async (options: ReportCommandOptions) => {
    const { reportCommand } = await import('./report.ts');
    process.exitCode = await reportCommand(options);
  });

program
  .command('open')
  .description(
    "Open a run's report (by default the newest report.html of the lake) with the desktop's default program, and print its path; only print it when there is no such program.",
  )
  .option('--lake <dir>', 'the lake folder', DEFAULT_LAKE)
  .option('--run <id>', 'the run (default: the newest report of the lake, by when it was made)')
  .addOption(
    new Option('--format <format>', 'which file to open').choices(['html', 'md']).default('html'),
  )
  .option('--print', 'print the path without opening it')
  .action(async (options: OpenCommandOptions) => {
    const { openCommand } = await import('./open.ts');
    process.exitCode = await openCommand(options);
  });

program
  .command('forecast')
  .description(
    'Forecast each series of a file with the model that backtests best (seasonal naive, naive, Theta, ETS), with 80% and 95% intervals; prints series_id,train_end,ds,yhat,lo80,hi80,lo95,hi95.',
  )
  .argument(
    '<file>',
    'CSV, TSV, JSON Lines, JSON or Parquet (or the gzip of each), one row per period and series',
  )
  .requiredOption('--time <column>', 'the time column: daily, weekly or monthly dates')
  .requiredOption('--value <column>', 'the column to forecast')
  .option('--series <column>', 'a column naming the series: one forecast per value')
  .option('--horizon <n>', 'periods ahead', positiveInt, 7)
  .option(
    '--backtest <k>',
    'instead, print the rolling-origin forecasts of origins k = 1..K',
    positiveInt,
  )
  .addOption(
    new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'),
  )
  .action(async (file: string, options: ForecastOptions) => {
    const { forecastCommand } = await import('./forecast.ts');
    process.exitCode = await forecastCommand(file, options);
  });

program
  .command('detect')
  .description(
    'Flag the points of each series that are far from a robust seasonal baseline (robust z-score above 3.5, more for long series; positive series whose spread grows with their level on the log scale), and lasting level shifts; prints series_id,timestamp,value,expected,score,method.',
  )
  .argument(
    '<file>',
    'CSV, TSV, JSON Lines, JSON or Parquet (or the gzip of each), one row per period and series',
  )
  .requiredOption('--time <column>', 'the time column: daily, weekly or monthly dates')
  .requiredOption('--value <column>', 'the column to check')
  .option('--series <column>', 'a column naming the series: each checked on its own')
  .addOption(
    new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'),
  )
  .action(async (file: string, options: DetectOptions) => {
    const { detectCommand } = await import('./detect.ts');
    process.exitCode = await detectCommand(file, options);
  });

program
  .command('explain')
  .description(
    'Why a value changed between two periods: the change split exactly across the values of each dimension (volume or mix, and rate), the dimensions ranked by how few values explain it, and one level down when one value carries most of it; prints level,dimension,value,rank,reference,target,change,share,mix,rate,driver,explained_share, and a summary on stderr.',
  )
  .argument(
    '<file>',
    'CSV, TSV, JSON Lines, JSON or Parquet (or the gzip of each), one row per event or period',
  )
  .requiredOption('--time <column>', 'the date or timestamp column')
  .requiredOption('--value <column>', 'the number whose change is explained (summed)')
  .requiredOption(
    '--dims <columns>',
    'comma-separated columns to split the change by: channel,region',
  )
  .option('--volume <column>', 'the units a rate is per, summed (default: rows)')
  .option('--average', 'explain the value per unit (sum of value / volume) instead of its sum')
  .option(
    '--target <period>',
    'a day 2024-03-14, month 2024-03, quarter 2024-Q1 or year 2024 (default: the month of the latest date)',
  )
  .option(
    '--baseline <period>',
    'previous (the period of the same kind before the target), last-year (the same period a year earlier), or a day, month, quarter or year',
    'previous',
  )
  .addOption(
    new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'),
  )
  .option('--quiet', 'no summary on stderr')
  .action(async (file: string, options: ExplainOptions) => {
    const { explainCommand } = await import('./explain.ts');
    process.exitCode = await explainCommand(file, options);
  });

(await import('./contract.ts')).registerContractCommand(program);

/**
 * `--smtp URL`, or the environment's INSIGHTS_SMTP_URL when the option is absent (the CLI is
 * the one place that reads the environment). An empty value means the outbox.
 */
function smtpOption(): Option {
  return new Option(
    '--smtp <url>',
    'send the email through this SMTP server instead of the outbox: smtp://[user:password@]host[:port] (STARTTLS when offered) or smtps://... (TLS)',
  ).env('INSIGHTS_SMTP_URL');
}

/**
 * Checks the SMTP URL before the command starts. Commander's own message for a bad value
 * would quote it, password and all; these do not.
 */
async function checkMail(command: Command): Promise<void> {
  const { smtp, outbox } = command.opts<{ smtp?: string; outbox?: string }>();
  if (!smtp) return;
  const source = command.getOptionValueSource('smtp') === 'env' ? 'INSIGHTS_SMTP_URL' : '--smtp';
  if (outbox !== undefined)
    command.error(
      `error: --outbox and ${source} both say where the email goes: give one${source === '--smtp' ? '' : " (--smtp '' turns the variable off)"}`,
    );
  const { parseSmtpUrl } = await import('#platform/local/smtp-mailer.ts');
  try {
    parseSmtpUrl(smtp);
  } catch (error) {
    command.error(`error: ${source}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

/** A duration in seconds; fractions allowed (tests and scripts use short ones). */
function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('expected a number of seconds, such as 30 or 0.5');
  return n;
}

function pollInterval(value: string): number {
  const n = seconds(value);
  if (n < 0.01) throw new InvalidArgumentError('expected at least 0.01 seconds');
  return n;
}

await program.parseAsync();
