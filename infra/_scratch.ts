import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInsightsApp } from './insights-app.ts';
const ctx = JSON.parse(readFileSync('/work/main/cdk.json', 'utf8')).context;
const outdir = mkdtempSync(join(tmpdir(), 'synth-'));process.on('exit',()=>rmSync(outdir,{recursive:true,force:true}));
const { app } = buildInsightsApp({ outdir, context: { ...ctx, 'aws:cdk:bundling-stacks': [] } });
try { app.synth(); console.log('OK', outdir); } catch (e) { console.log((e as Error).stack?.slice(0, 5000)); }
