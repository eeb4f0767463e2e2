import { App, Stack } from 'aws-cdk-lib';
import { Function, Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { DefinitionBody, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const outdir = mkdtempSync(join(tmpdir(), 'synth-'));
process.on('exit',()=>rmSync(outdir,{recursive:true,force:true}));
const app = new App({ outdir });
const stack = new Stack(app, 'S');
const fn = new Function(stack, 'F', { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler=async()=>1') });
const subs = Object.fromEntries(['Plan','Aggregate','Analyze','Assemble','Notify'].map(n => [`${n}FunctionArn`, fn.functionArn]));
new StateMachine(stack, 'M', { definitionBody: DefinitionBody.fromString(readFileSync(process.argv[2]!, 'utf8')), definitionSubstitutions: subs });
try { app.synth(); console.log('OK'); } catch (e) { console.log((e as Error).message.slice(0, 600)); }
