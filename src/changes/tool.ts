import type { CloudTrailDetail } from '../events/cloudtrail';
import type { Tool } from '../model/change';
import { serviceLinkedRoleService } from './actor';
import { toBool } from './read';

/**
 * Infrastructure-as-code tools announce themselves in the user agent through the AWS Partner Network convention
 * (`APN/1.0 <partner>/1.0 <product>/<version>`), which is why they are checked before the SDK they are built on:
 * `APN/1.0 HashiCorp/1.0 Terraform/1.5.7 … aws-sdk-go-v2/1.21.0`.
 * Pulumi's AWS provider is a bridged Terraform provider; since 2021 it sends `APN/1.0 Pulumi/1.0 Pulumi-Aws/…`.
 */
const PULUMI = /pulumi/i;
const TERRAFORM = /\b(Terraform|OpenTofu)\/|HashiCorp\/|terraform-provider-aws/i;
const CDK = /\baws-cdk[/#]/i;
const CLOUDFORMATION = 'cloudformation.amazonaws.com';

/** Console hosts CloudTrail records as the user agent of console calls, plus the S3 console's own agent. */
const CONSOLE_AGENT = /^(signin|console(\.[a-z0-9-]+)?)\.amazonaws\.com$|^\[?S3Console\//;
/** Some consoles (S3, CloudTrail) call APIs straight from the browser. */
const BROWSER = /^Mozilla\//;

/** AWS CLI v1/v2 (also inside CloudShell), the legacy EC2 API tools and AWS Tools for PowerShell. */
const CLI = /^aws-cli\/|^ec2-api-tools\b|AWSPowerShell|AWS\.Tools\./i;
const SDK = /aws-sdk-|Boto3\/|Botocore\/|\bboto\/|aws-chalice\/|AWS-SDK/i;

/** AWS services calling on the account's behalf appear as `<service>.amazonaws.com` or `aws-internal/<n>`. */
const SERVICE_HOST = /^[a-z0-9.-]+\.amazonaws\.com$/;
const AWS_INTERNAL_AGENT = /^aws-internal\//i;
const AWS_INTERNAL = 'AWS Internal';

/**
 * Which tool made the call, from `userAgent`, `userIdentity.invokedBy` and `sourceIPAddress`.
 * User agents are set by the client and can be spoofed: this is a description, never evidence.
 */
export function detectTool(detail: CloudTrailDetail): Tool {
  const agent = detail.userAgent ?? '';
  const invokedBy = detail.userIdentity.invokedBy ?? '';
  const sourceIp = detail.sourceIPAddress ?? '';

  if (PULUMI.test(agent)) return 'pulumi';
  if (TERRAFORM.test(agent)) return 'terraform';
  if (CDK.test(agent)) return 'cdk';
  if (agent === CLOUDFORMATION || invokedBy === CLOUDFORMATION || sourceIp === CLOUDFORMATION) {
    return 'cloudformation';
  }
  if (isConsole(detail, agent, invokedBy)) return 'console';
  if (AWS_INTERNAL_AGENT.test(agent)) return 'aws-service';
  if (CLI.test(agent)) return 'cli';
  if (SDK.test(agent)) return 'sdk';
  if (isAwsService(detail, agent, invokedBy, sourceIp)) return 'aws-service';
  return 'unknown';
}

function isConsole(detail: CloudTrailDetail, agent: string, invokedBy: string): boolean {
  if (detail.eventName === 'ConsoleLogin') return true;
  if (CONSOLE_AGENT.test(agent) || CONSOLE_AGENT.test(invokedBy) || BROWSER.test(agent)) return true;
  // Console calls routed through AWS's own front end are recorded as "AWS Internal"; since 2021 CloudTrail
  // marks them with sessionCredentialFromConsole. Without that flag "AWS Internal" is ambiguous.
  return agent === AWS_INTERNAL && toBool(detail.sessionCredentialFromConsole) === true;
}

function isAwsService(detail: CloudTrailDetail, agent: string, invokedBy: string, sourceIp: string): boolean {
  const identity = detail.userIdentity;
  if (identity.type === 'AWSService') return true;
  if (invokedBy !== '' && (SERVICE_HOST.test(invokedBy) || invokedBy === AWS_INTERNAL)) return true;
  if (serviceLinkedRoleService(identity) !== null) return true;
  if (SERVICE_HOST.test(agent) || SERVICE_HOST.test(sourceIp)) return true;
  return agent === AWS_INTERNAL && invokedBy !== '';
}
