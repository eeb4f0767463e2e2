import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { buildInsightsApp } from './insights-app.ts';
const acks: string[] = [];
const orig = Validations.prototype.acknowledge;
(Validations.prototype as any).acknowledge = function (...rules: any[]) { for (const r of rules) acks.push(`${(this as any).scope.node.path} :: ${r.id} :: ${r.reason}`); if (process.argv[2]) return orig.apply(this, rules as any); };
const ctx = JSON.parse(readFileSync('/work/main/cdk.json', 'utf8')).context;
const outdir = mkdtempSync(join(tmpdir(), 'synth-'));
process.on('exit',()=>rmSync(outdir,{recursive:true,force:true}));
const { app } = buildInsightsApp({ outdir, context: { ...ctx, 'aws:cdk:bundling-stacks': [] } });
try { app.synth(); console.log('OK'); } catch (e) { console.log((e as Error).message.split('\n').filter(l => /ERROR|WARN|Acknowledge|ServerlessInsights\//.test(l)).join('\n')); }
console.log(acks.join('\n'));
