import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from './config.ts';
import { InsightsStack } from './stack.ts';

export const STACK_NAME = 'ServerlessInsights';

export interface InsightsAppProps extends AppProps {
  /** Run cdk-nag AwsSolutions on synth; an unacknowledged finding fails the synth. @default true */
  readonly nag?: boolean;
}

/** The app as `cdk synth` builds it; tests build it the same way. */
export function buildInsightsApp(props: InsightsAppProps = {}): { app: App; stack: InsightsStack } {
  const app = new App(props);
  const stack = new InsightsStack(app, STACK_NAME, {
    config: readConfig(app.node),
    description:
      'serverless-insights: business data files in, a report out (S3, Lambda, Athena, Step Functions)',
  });
  if (props.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
