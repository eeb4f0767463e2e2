/**
 * `insights explain` without the rest of the CLI: `explain-child.ts FILE TIME VALUE DIMS`
 * runs explainCommand (quiet, CSV to stdout) in a process that loads only its modules. What
 * a user would wait for if the CLI loaded each command's modules only when it runs
 * (bench/explain.ts measures it beside `node bin/insights.js explain`).
 */
import { explainCommand } from '#cli/explain.ts';

const [file, time, value, dims] = process.argv.slice(2) as [string, string, string, string];
process.exitCode = await explainCommand(file, { time, value, dims, quiet: true });
