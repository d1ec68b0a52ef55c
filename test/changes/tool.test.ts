import { describeChange } from '../../src/changes/describe';
import type { Tool } from '../../src/model/change';
import { fixtureWith, loadCloudTrailFixture, obj } from '../helpers/cloudtrail-fixtures';

interface Call {
  userAgent?: string | null;
  invokedBy?: string;
  sourceIPAddress?: string;
  sessionCredentialFromConsole?: string;
  identityType?: string;
}

/** The tool of an IAM user's StopInstances call (a record with no console flag) with the given fields. */
function toolOf(call: Call): Tool {
  const event = fixtureWith('ec2.StopInstances.docs.json', (detail) => {
    if (call.userAgent === null) delete detail.userAgent;
    else if (call.userAgent !== undefined) detail.userAgent = call.userAgent;
    const identity = obj(detail.userIdentity);
    if (call.invokedBy !== undefined) identity.invokedBy = call.invokedBy;
    if (call.identityType !== undefined) identity.type = call.identityType;
    if (call.sourceIPAddress !== undefined) detail.sourceIPAddress = call.sourceIPAddress;
    if (call.sessionCredentialFromConsole !== undefined) {
      detail.sessionCredentialFromConsole = call.sessionCredentialFromConsole;
    }
  });
  return describeChange(event).tool;
}

describe('tool', () => {
  it.each<[string, string, Tool]>([
    [
      'AWS CLI v2',
      'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#ec2.stop-instances',
      'cli',
    ],
    [
      'AWS CLI v1 (carries botocore)',
      'aws-cli/1.18.69 Python/3.8.5 Linux/5.4.0-1029-aws botocore/1.17.46',
      'cli',
    ],
    [
      'AWS CLI in CloudShell',
      'aws-cli/2.13.5 Python/3.11.4 Linux/4.14.255 exec-env/CloudShell exe/x86_64.amzn.2',
      'cli',
    ],
    ['legacy EC2 API tools', 'ec2-api-tools 1.6.12.2', 'cli'],
    [
      'AWS Tools for PowerShell',
      'AWSPowerShell.Common/4.1.400.0 .NET_Core/6.0.25 OS/Microsoft_Windows PowerShellCore/7.4',
      'cli',
    ],
    [
      'Terraform (aws-sdk-go-v2 provider)',
      'APN/1.0 HashiCorp/1.0 Terraform/1.5.7 (+https://www.terraform.io) terraform-provider-aws/5.31.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.24.0 os/linux lang/go#1.20.12 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.141.0',
      'terraform',
    ],
    [
      'Terraform (older aws-sdk-go provider)',
      'aws-sdk-go/1.29.7 (go1.13.7; darwin; amd64) APN/1.0 HashiCorp/1.0 Terraform/0.12.24 (+https://www.terraform.io)',
      'terraform',
    ],
    [
      'OpenTofu',
      'APN/1.0 HashiCorp/1.0 OpenTofu/1.6.2 (+https://opentofu.org) terraform-provider-aws/5.40.0',
      'terraform',
    ],
    [
      'Pulumi (bridged Terraform provider)',
      'APN/1.0 Pulumi/1.0 Pulumi-Aws/6.18.2 (+https://www.pulumi.com) aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5',
      'pulumi',
    ],
    [
      'Pulumi AWS Native',
      'aws-sdk-go-v2/1.7.1 os/macos lang/go/1.16.6 api/sts/1.6.0 APN/1.0 Pulumi/3.9.1 PulumiAwsNative/0.0.2',
      'pulumi',
    ],
    ['CDK toolkit', 'aws-cdk/2.110.0', 'cdk'],
    ['CDK toolkit on the JS SDK', 'aws-sdk-js/2.1500.0 promise aws-cdk/2.100.0', 'cdk'],
    ['CloudFormation', 'cloudformation.amazonaws.com', 'cloudformation'],
    [
      'Boto3',
      'Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#5.10.0 md/arch#x86_64 lang/python#3.12.0 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.0',
      'sdk',
    ],
    ['AWS SDK for Go', 'aws-sdk-go/1.24.1 (go1.14; darwin; amd64)', 'sdk'],
    [
      'AWS SDK for Java',
      'aws-sdk-java/1.12.500 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.8+7-LTS java/17.0.8',
      'sdk',
    ],
    [
      'AWS SDK for JavaScript v3',
      'aws-sdk-js/3.400.0 ua/2.0 os/linux#5.10 lang/js md/nodejs#18.17.0 api/ec2#3.400.0',
      'sdk',
    ],
    ['root console agent', 'console.amazonaws.com', 'console'],
    ['EC2 console agent', 'console.ec2.amazonaws.com', 'console'],
    ['IAM user console agent', 'signin.amazonaws.com', 'console'],
    [
      'browser (consoles calling APIs directly)',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/125.0.0.0',
      'console',
    ],
    ['S3 console', '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10.215]', 'console'],
    ['an AWS service by host name', 'autoscaling.amazonaws.com', 'aws-service'],
    [
      'an AWS service on the internal SDK',
      'aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10.215 OpenJDK_64-Bit_Server_VM',
      'aws-service',
    ],
    ['a custom agent', 'python-requests/2.28.1', 'unknown'],
    ['an attack tool with its own agent', 'stratus-red-team_1004a4ff-b486-4981-a84b-6322905f37cc', 'unknown'],
  ])('%s', (_name, userAgent, tool) => {
    expect(toolOf({ userAgent })).toBe(tool);
  });

  it('is unknown without a user agent', () => {
    expect(toolOf({ userAgent: null })).toBe('unknown');
    expect(describeChange(loadCloudTrailFixture('ec2.TerminateInstances.json')).tool).toBe('unknown');
  });

  it('is cloudformation when CloudFormation invoked the call, whatever the agent', () => {
    expect(toolOf({ userAgent: 'Mozilla/5.0', invokedBy: 'cloudformation.amazonaws.com' })).toBe(
      'cloudformation',
    );
    expect(describeChange(loadCloudTrailFixture('cloudtrail.DeleteTrail.json')).tool).toBe('cloudformation');
  });

  it('"AWS Internal" is the console only for console-session credentials', () => {
    expect(toolOf({ userAgent: 'AWS Internal', sessionCredentialFromConsole: 'true' })).toBe('console');
    expect(toolOf({ userAgent: 'AWS Internal', invokedBy: 'AWS Internal' })).toBe('aws-service');
    expect(toolOf({ userAgent: 'AWS Internal' })).toBe('unknown');
    expect(describeChange(loadCloudTrailFixture('ec2.RunInstances.json')).tool).toBe('console');
  });

  it('is aws-service for AWSService identities, invoking services and service-linked roles', () => {
    expect(toolOf({ userAgent: null, identityType: 'AWSService', invokedBy: 'ec2.amazonaws.com' })).toBe(
      'aws-service',
    );
    expect(toolOf({ userAgent: null, invokedBy: 'elasticbeanstalk.amazonaws.com' })).toBe('aws-service');
    expect(toolOf({ userAgent: null, sourceIPAddress: 'eks-nodegroup.amazonaws.com' })).toBe('aws-service');
    expect(describeChange(loadCloudTrailFixture('ec2.RunInstances.dryrun.json')).tool).toBe('aws-service');
    expect(
      describeChange(loadCloudTrailFixture('ec2.RunInstances.root-invokedby-autoscaling.json')).tool,
    ).toBe('aws-service');
  });

  it('the CLI stays the CLI in a console-credential session (CloudShell)', () => {
    expect(describeChange(loadCloudTrailFixture('ec2.StartInstances.json')).tool).toBe('cli');
  });

  it('a console sign-in is the console', () => {
    expect(describeChange(loadCloudTrailFixture('signin.ConsoleLogin.stratus-iamuser.json')).tool).toBe(
      'console',
    );
  });
});
