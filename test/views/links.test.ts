import {
  cloudTrailEventUrl,
  partitionOf,
  resourceConsoleUrl,
  resourceTypeLabel,
  viaAccessPortal,
} from '../../src/views/links';

const US = { region: 'us-east-1', account: '112233445566' };

describe('cloudTrailEventUrl', () => {
  it('opens the event in the CloudTrail event history of its region', () => {
    expect(cloudTrailEventUrl('us-east-1', '42155429-7e8e-43b5-9b5e-6953f80d51d5')).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/42155429-7e8e-43b5-9b5e-6953f80d51d5',
    );
  });

  it('encodes the event id and refuses regions that are not regions', () => {
    expect(cloudTrailEventUrl('eu-west-1', 'a/b|c')).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/a%2Fb%7Cc',
    );
    // The stratus-red-team samples anonymise regions.
    expect(cloudTrailEventUrl('megov-westwest-1r', 'x')).toBeNull();
    expect(cloudTrailEventUrl('us-east-1.evil.example/', 'x')).toBeNull();
    expect(cloudTrailEventUrl('us-east-1', '')).toBeNull();
  });

  // Found by the hostile-input fuzzer: encodeURIComponent throws a URIError on a lone surrogate, and the alert of
  // an event whose id carried one could never be rendered.
  it('encodes an id with a lone surrogate as U+FFFD instead of throwing', () => {
    expect(cloudTrailEventUrl('us-east-1', 'a\uD800')).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/a%EF%BF%BD',
    );
    expect(resourceConsoleUrl({ type: 'bucket', id: '\uDC00b' }, US)).toContain('/s3/buckets/%EF%BF%BDb?');
  });
});

describe('partitionOf', () => {
  it('knows the partitions with a public console', () => {
    expect(partitionOf('us-east-1')).toBe('aws');
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionOf('us-iso-east-1')).toBeNull();
    expect(partitionOf('')).toBeNull();
  });
});

describe('resourceConsoleUrl', () => {
  it.each([
    [
      'security-group',
      'sg-0d921df5d84f7270a',
      'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#SecurityGroup:securityGroupId=sg-0d921df5d84f7270a',
    ],
    [
      'instance',
      'i-0abc',
      'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#InstanceDetails:instanceId=i-0abc',
    ],
    [
      'vpc',
      'vpc-1',
      'https://us-east-1.console.aws.amazon.com/vpcconsole/home?region=us-east-1#VpcDetails:VpcId=vpc-1',
    ],
    [
      'subnet',
      'subnet-1',
      'https://us-east-1.console.aws.amazon.com/vpcconsole/home?region=us-east-1#SubnetDetails:subnetId=subnet-1',
    ],
    [
      'route-table',
      'rtb-1',
      'https://us-east-1.console.aws.amazon.com/vpcconsole/home?region=us-east-1#RouteTableDetails:RouteTableId=rtb-1',
    ],
    [
      'internet-gateway',
      'igw-1',
      'https://us-east-1.console.aws.amazon.com/vpcconsole/home?region=us-east-1#InternetGateway:internetGatewayId=igw-1',
    ],
    [
      'nat-gateway',
      'nat-1',
      'https://us-east-1.console.aws.amazon.com/vpcconsole/home?region=us-east-1#NatGatewayDetails:natGatewayId=nat-1',
    ],
    ['bucket', 'my.bucket', 'https://s3.console.aws.amazon.com/s3/buckets/my.bucket?region=us-east-1'],
    ['iam-user', 'alice+ops', 'https://console.aws.amazon.com/iam/home#/users/details/alice%2Bops'],
    [
      'iam-role',
      'arn:aws:iam::112233445566:role/path/Operator',
      'https://console.aws.amazon.com/iam/home#/roles/details/Operator',
    ],
    [
      'iam-policy',
      'arn:aws:iam::aws:policy/AdministratorAccess',
      'https://console.aws.amazon.com/iam/home#/policies/details/arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAdministratorAccess',
    ],
    [
      'iam-policy',
      'ReadOnly',
      'https://console.aws.amazon.com/iam/home#/policies/details/arn%3Aaws%3Aiam%3A%3A112233445566%3Apolicy%2FReadOnly',
    ],
    [
      'trail',
      'management',
      'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/trails/arn%3Aaws%3Acloudtrail%3Aus-east-1%3A112233445566%3Atrail%2Fmanagement',
    ],
    [
      'trail',
      'arn:aws:cloudtrail:eu-west-1:112233445566:trail/org',
      'https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/trails/arn%3Aaws%3Acloudtrail%3Aeu-west-1%3A112233445566%3Atrail%2Forg',
    ],
  ])('links a %s (%s)', (type, id, url) => {
    expect(resourceConsoleUrl({ type, id }, US)).toBe(url);
  });

  it('uses the console of the partition', () => {
    expect(
      resourceConsoleUrl({ type: 'vpc', id: 'vpc-1' }, { region: 'cn-north-1', account: US.account }),
    ).toBe(
      'https://cn-north-1.console.amazonaws.cn/vpcconsole/home?region=cn-north-1#VpcDetails:VpcId=vpc-1',
    );
    expect(
      resourceConsoleUrl(
        { type: 'iam-role', id: 'Deployer' },
        { region: 'us-gov-west-1', account: US.account },
      ),
    ).toBe('https://console.amazonaws-us-gov.com/iam/home#/roles/details/Deployer');
  });

  it('URL-encodes ids so they cannot leave the fragment', () => {
    const url = resourceConsoleUrl({ type: 'security-group', id: 'sg-1|<!channel>#x' }, US);
    expect(url).toBe(
      'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#SecurityGroup:securityGroupId=sg-1%7C%3C!channel%3E%23x',
    );
  });

  it('gives no link where no page is known or the context is unusable', () => {
    expect(resourceConsoleUrl({ type: 'access-key', id: 'AKIA1' }, US)).toBeNull();
    expect(resourceConsoleUrl({ type: 'security-group-rule', id: 'sgr-1' }, US)).toBeNull();
    expect(
      resourceConsoleUrl({ type: 'vpc', id: 'vpc-1' }, { region: 'megov-westwest-1r', account: '1' }),
    ).toBeNull();
    expect(
      resourceConsoleUrl({ type: 'trail', id: 'x' }, { region: 'us-east-1', account: 'not-an-id' }),
    ).toBeNull();
    expect(resourceConsoleUrl({ type: 'vpc', id: '' }, US)).toBeNull();
  });
});

describe('resourceTypeLabel', () => {
  it('reads resource types as words', () => {
    expect(resourceTypeLabel('security-group')).toBe('security group');
    expect(resourceTypeLabel('iam-role')).toBe('IAM role');
    expect(resourceTypeLabel('nat-gateway')).toBe('NAT gateway');
    expect(resourceTypeLabel('vpc')).toBe('VPC');
  });
});

describe('viaAccessPortal', () => {
  const ACCESS = { portalUrl: 'https://d-1234567890.awsapps.com/start', roleName: 'ReadOnly' };
  const EVENT = 'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/a%2Fb';

  it('leaves the console URL as it is without an access portal', () => {
    expect(viaAccessPortal(EVENT, '112233445566', undefined)).toBe(EVENT);
    expect(viaAccessPortal(null, '112233445566', undefined)).toBeNull();
  });

  it('wraps the console URL in a shortcut link into the account, with the permission set', () => {
    const url = viaAccessPortal(EVENT, '112233445566', ACCESS);
    expect(url).toBe(
      'https://d-1234567890.awsapps.com/start/#/console?account_id=112233445566&role_name=ReadOnly' +
        '&destination=https%3A%2F%2Fus-east-1.console.aws.amazon.com%2Fcloudtrailv2%2Fhome%3Fregion%3Dus-east-1%23%2Fevents%2Fa%252Fb',
    );
    // The destination survives the round trip exactly, its own query and fragment included.
    const query = new URLSearchParams((url ?? '').split('#/console?')[1]);
    expect(query.get('destination')).toBe(EVENT);
    expect([...query.keys()]).toEqual(['account_id', 'role_name', 'destination']);
  });

  it('accepts the portal URL with a trailing slash and encodes the role name', () => {
    const url = viaAccessPortal(EVENT, '112233445566', {
      portalUrl: 'https://d-1234567890.awsapps.com/start/',
      roleName: 'Read+Only@ops',
    });
    expect(url).toMatch(
      /^https:\/\/d-1234567890\.awsapps\.com\/start\/#\/console\?account_id=112233445566&role_name=Read%2BOnly%40ops&/,
    );
  });

  it('gives no link for an account that is not a 12-digit id', () => {
    for (const account of ['', '1234', '11223344556a', '112233445566&role_name=Admin', '1122334455667']) {
      expect(viaAccessPortal(EVENT, account, ACCESS)).toBeNull();
    }
    expect(viaAccessPortal(null, '112233445566', ACCESS)).toBeNull();
  });

  it('wraps resource pages too', () => {
    const page = resourceConsoleUrl({ type: 'iam-role', id: 'Admin' }, US);
    expect(viaAccessPortal(page, US.account, ACCESS)).toBe(
      `https://d-1234567890.awsapps.com/start/#/console?account_id=112233445566&role_name=ReadOnly&destination=${encodeURIComponent(page ?? '')}`,
    );
  });
});
