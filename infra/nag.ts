import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
// Not re-exported from the package root; it is how cdk-nag itself names an IAM5 finding,
// so an acknowledgement built with it matches exactly (cdk-nag is pinned).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';

/**
 * cdk-nag acknowledgements, with their reason. Acknowledge on the construct that owns the
 * finding (a role, a bucket, a queue); cdk-nag 3 also honours an acknowledgement on any ancestor.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${id}`, reason });
}

/**
 * Acknowledges one IAM5 wildcard-resource finding, named exactly as cdk-nag names it
 * (`AwsSolutions-IAM5[Resource::<LakeBucket1234.Arn>/curated/*]`), so no other wildcard on
 * the same role is acknowledged with it.
 */
export function acknowledgeWildcardResource(
  scope: IConstruct,
  resourceArn: string,
  reason: string,
): void {
  const finding = flattenCfnReference(Stack.of(scope).resolve(resourceArn));
  acknowledge(scope, `IAM5[Resource::${finding}]`, reason);
}
