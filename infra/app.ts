// Entry point of `cdk synth` / `cdk deploy` (cdk.json: "npx tsx infra/app.ts").
import { buildInsightsApp } from './insights-app.ts';

buildInsightsApp();
