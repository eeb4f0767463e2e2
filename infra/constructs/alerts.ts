import { Stack } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface AlertsProps {
  /** Who is told when an alarm fires: the report recipients (each confirms once by email). */
  readonly emails: string[];
}

/**
 * The topic every alarm of the stack notifies (a dead-letter queue that fills, a failed
 * run), with an email subscription per recipient. Call `watchAlarms()` once every alarm
 * exists.
 */
export class Alerts extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { enforceSSL: true });
    acknowledge(
      this.topic,
      'SNS2',
      'Alarm messages carry alarm names and states, no data; CloudWatch cannot publish to a topic under the AWS-managed SNS key, and a customer key would cost more than it protects here.',
    );
    for (const email of props.emails) this.topic.addSubscription(new EmailSubscription(email));
  }

  /** Points every alarm of the stack at the topic. */
  watchAlarms(): void {
    for (const node of Stack.of(this).node.findAll())
      if (node instanceof Alarm) node.addAlarmAction(new SnsAction(this.topic));
  }
}
