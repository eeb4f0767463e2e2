import {
  AlreadyExistsException,
  CreateTableCommand,
  EntityNotFoundException,
  GetTableCommand,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type GetTableCommandInput,
  type GlueClient,
  type Table,
  type TableInput,
  type UpdateTableCommandInput,
} from '@aws-sdk/client-glue';
import {
  ConflictException,
  CreateScheduleCommand,
  ResourceNotFoundException as SchedulerResourceNotFound,
  ValidationException,
  type CreateScheduleCommandInput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  type GetSecretValueCommandInput,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  BadRequestException,
  MessageRejected,
  SendEmailCommand,
  type SendEmailCommandInput,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import {
  ExecutionAlreadyExists,
  InvalidExecutionInput,
  InvalidName,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  type SFNClient,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import {
  GetParameterCommand,
  ParameterNotFound,
  type GetParameterCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/**
 * Small in-memory stand-ins for the AWS services the pipeline calls besides S3 and Athena,
 * each behind `mockClient(...)`, answering as the service does (its exception classes and
 * idempotency rules) and recording what it was asked.
 */

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
const copy = <T>(value: T): T => structuredClone(value);

/** A Glue Data Catalog with one database: GetTable, CreateTable, UpdateTable. */
export class FakeGlue {
  readonly tables = new Map<string, Table>();
  readonly creates: CreateTableCommandInput[] = [];
  readonly updates: UpdateTableCommandInput[] = [];

  constructor(readonly database: string) {}

  install(glue: AwsClientStub<GlueClient>): this {
    glue.on(GetTableCommand).callsFake(async (input: GetTableCommandInput) => {
      this.checkDatabase(input.DatabaseName);
      const table = this.tables.get((input.Name ?? '').toLowerCase());
      if (!table)
        throw new EntityNotFoundException({
          message: `Table ${input.Name} not found.`,
          ...meta(400),
        });
      return { Table: copy(table) };
    });
    glue.on(CreateTableCommand).callsFake(async (input: CreateTableCommandInput) => {
      this.checkDatabase(input.DatabaseName);
      this.creates.push(copy(input));
      const name = (input.TableInput?.Name ?? '').toLowerCase();
      if (this.tables.has(name))
        throw new AlreadyExistsException({ message: `Table already exists.`, ...meta(400) });
      this.tables.set(name, this.stored(input.TableInput!, 1));
      return {};
    });
    glue.on(UpdateTableCommand).callsFake(async (input: UpdateTableCommandInput) => {
      this.checkDatabase(input.DatabaseName);
      this.updates.push(copy(input));
      const name = (input.TableInput?.Name ?? '').toLowerCase();
      const existing = this.tables.get(name);
      if (!existing)
        throw new EntityNotFoundException({ message: `Table ${name} not found.`, ...meta(400) });
      this.tables.set(
        name,
        this.stored(input.TableInput!, Number(existing.VersionId) + 1, existing.CreateTime),
      );
      return {};
    });
    return this;
  }

  /** The table as GetTable returns it: the input, with what Glue adds (names lower-cased). */
  private stored(input: TableInput, version: number, created = new Date()): Table {
    return {
      ...copy(input),
      Name: input.Name!.toLowerCase(),
      DatabaseName: this.database,
      CreateTime: created,
      UpdateTime: new Date(),
      VersionId: String(version),
      IsRegisteredWithLakeFormation: false,
      CatalogId: '123456789012',
    };
  }

  private checkDatabase(name: string | undefined): void {
    if (name !== this.database)
      throw new EntityNotFoundException({ message: `Database ${name} not found.`, ...meta(400) });
  }
}

export interface FakeExecution {
  name: string;
  executionArn: string;
  input: string;
  startDate: Date;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
}

/**
 * Step Functions StartExecution on a STANDARD state machine. A second start with the name
 * of a running execution and the same input answers as the first did; any other reuse of a
 * name (the execution closed, or another input) is ExecutionAlreadyExists. Nothing runs:
 * the test runs the definition for an execution and then `finish`es it.
 */
export class FakeStepFunctions {
  readonly starts: StartExecutionCommandInput[] = [];
  readonly executions = new Map<string, FakeExecution>();

  constructor(readonly stateMachineArn: string) {}

  install(sfn: AwsClientStub<SFNClient>): this {
    sfn.on(StartExecutionCommand).callsFake(async (input: StartExecutionCommandInput) => {
      this.starts.push(copy(input));
      if (input.stateMachineArn !== this.stateMachineArn)
        throw new StateMachineDoesNotExist({
          message: `State Machine Does Not Exist: '${input.stateMachineArn}'`,
          ...meta(400),
        });
      const name = input.name ?? crypto.randomUUID();
      if (!validExecutionName(name))
        throw new InvalidName({ message: `Invalid Name: '${name}'`, ...meta(400) });
      const text = input.input ?? '{}';
      if (Buffer.byteLength(text) > 256 * 1024 || !isJson(text))
        throw new InvalidExecutionInput({
          message: 'Invalid State Machine Execution Input',
          ...meta(400),
        });
      const seen = this.executions.get(name);
      if (seen) {
        if (seen.status === 'RUNNING' && seen.input === text)
          return { executionArn: seen.executionArn, startDate: seen.startDate };
        throw new ExecutionAlreadyExists({
          message: `Execution Already Exists: '${seen.executionArn}'`,
          ...meta(400),
        });
      }
      const execution: FakeExecution = {
        name,
        executionArn: `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
        input: text,
        startDate: new Date(),
        status: 'RUNNING',
      };
      this.executions.set(name, execution);
      return { executionArn: execution.executionArn, startDate: execution.startDate };
    });
    return this;
  }

  finish(name: string, status: 'SUCCEEDED' | 'FAILED'): void {
    const execution = this.executions.get(name);
    if (!execution) throw new Error(`No execution named ${name} was started`);
    execution.status = status;
  }
}

/** Up to 80 characters; no whitespace, brackets, wildcards, special or control characters. */
function validExecutionName(name: string): boolean {
  const control = [...name].some((c) => {
    const code = c.codePointAt(0)!;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
  return (
    name.length >= 1 && name.length <= 80 && !control && !/[\s<>{}[\]?*"#%\\^|~`$&,;:/]/u.test(name)
  );
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * EventBridge Scheduler CreateSchedule in the schedule groups given: a name already taken in
 * its group is ConflictException; a malformed name, expression or window is
 * ValidationException. Nothing fires by itself: the test `fire`s a schedule, gets the target
 * it would invoke, and (ActionAfterCompletion DELETE) the schedule is gone.
 */
export class FakeScheduler {
  readonly creates: CreateScheduleCommandInput[] = [];
  readonly schedules = new Map<string, CreateScheduleCommandInput>();

  constructor(readonly groups: string[]) {}

  install(scheduler: AwsClientStub<SchedulerClient>): this {
    scheduler.on(CreateScheduleCommand).callsFake(async (input: CreateScheduleCommandInput) => {
      this.creates.push(copy(input));
      const group = input.GroupName ?? 'default';
      if (!this.groups.includes(group))
        throw new SchedulerResourceNotFound({
          Message: `Schedule group ${group} does not exist.`,
          message: `Schedule group ${group} does not exist.`,
          ...meta(404),
        });
      const name = input.Name ?? '';
      const invalid = [
        !/^[0-9a-zA-Z\-_.]{1,64}$/.test(name) && `name ${name}`,
        !/^(at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)|rate\(.+\)|cron\(.+\))$/.test(
          input.ScheduleExpression ?? '',
        ) && `expression ${input.ScheduleExpression}`,
        !input.FlexibleTimeWindow?.Mode && 'FlexibleTimeWindow',
        !(input.Target?.Arn && input.Target.RoleArn) && 'target',
      ].filter(Boolean);
      if (invalid.length > 0)
        throw new ValidationException({
          Message: `Invalid ${invalid.join(', ')}`,
          message: `Invalid ${invalid.join(', ')}`,
          ...meta(400),
        });
      if (this.schedules.has(`${group}/${name}`))
        throw new ConflictException({
          Message: `Schedule ${name} already exists.`,
          message: `Schedule ${name} already exists.`,
          ...meta(409),
        });
      this.schedules.set(`${group}/${name}`, copy(input));
      return { ScheduleArn: `arn:aws:scheduler:eu-west-1:123456789012:schedule/${group}/${name}` };
    });
    return this;
  }

  /** The schedule's time has come: the target it invokes; a one-time DELETE schedule goes. */
  fire(group: string, name: string): NonNullable<CreateScheduleCommandInput['Target']> {
    const schedule = this.schedules.get(`${group}/${name}`);
    if (!schedule) throw new Error(`No schedule ${group}/${name}`);
    if (schedule.ActionAfterCompletion === 'DELETE') this.schedules.delete(`${group}/${name}`);
    return schedule.Target!;
  }
}

/** SES v2 SendEmail from verified identities only; the sent messages are kept. */
export class FakeSes {
  readonly sent: SendEmailCommandInput[] = [];
  private next = 1;

  constructor(readonly verified: string[]) {}

  install(ses: AwsClientStub<SESv2Client>): this {
    ses.on(SendEmailCommand).callsFake(async (input: SendEmailCommandInput) => {
      if (!this.verified.includes(input.FromEmailAddress ?? ''))
        throw new MessageRejected({
          message: `Email address is not verified. The following identities failed the check in region EU-WEST-1: ${input.FromEmailAddress}`,
          ...meta(400),
        });
      const to = input.Destination?.ToAddresses ?? [];
      if (to.length === 0 || to.length > 50)
        throw new BadRequestException({
          message: 'A message must have 1 to 50 recipients',
          ...meta(400),
        });
      this.sent.push(copy(input));
      return { MessageId: `0100018f-fake-${String(this.next++).padStart(4, '0')}-000000` };
    });
    return this;
  }
}

/** SSM Parameter Store GetParameter over fixed values. */
export function fakeParameters(ssm: AwsClientStub<SSMClient>, values: Record<string, string>) {
  ssm.on(GetParameterCommand).callsFake(async (input: GetParameterCommandInput) => {
    const value = values[input.Name ?? ''];
    if (value === undefined) throw new ParameterNotFound({ message: '', ...meta(400) });
    return { Parameter: { Name: input.Name, Type: 'StringList', Value: value, Version: 1 } };
  });
}

/** Secrets Manager GetSecretValue over fixed secrets, by ARN; the reads are counted. */
export function fakeSecrets(
  secretsManager: AwsClientStub<SecretsManagerClient>,
  secrets: Record<string, string>,
): { reads: () => number } {
  let reads = 0;
  secretsManager.on(GetSecretValueCommand).callsFake(async (input: GetSecretValueCommandInput) => {
    reads++;
    const value = secrets[input.SecretId ?? ''];
    if (value === undefined)
      throw new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret.",
        ...meta(400),
      });
    return { ARN: input.SecretId, Name: 'report-link', SecretString: value, VersionId: 'v1' };
  });
  return { reads: () => reads };
}
