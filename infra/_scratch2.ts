import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { buildInsightsApp } from './insights-app.ts';
const ctx = JSON.parse(readFileSync('/work/main/cdk.json', 'utf8')).context;
const outdir = mkdtempSync(join(tmpdir(), 'synth-'));
process.on('exit',()=>rmSync(outdir,{recursive:true,force:true}));
let t = Date.now();
const { app, stack } = buildInsightsApp({ outdir, context: { ...ctx, 'aws:cdk:bundling-stacks': [] } });
console.log('construct ms', Date.now() - t); t = Date.now();
if (process.argv[2]) new Bucket(stack, 'Naked');
try { app.synth(); console.log('OK'); } catch (e) { console.log((e as Error).message.slice(0, 3000)); }
console.log('synth ms', Date.now() - t);
import { writeFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
writeFileSync('/tmp/tpl.json', JSON.stringify(Template.fromStack(stack).toJSON(), null, 1));
