import { InvalidEventError, parseCloudTrailEvent } from '../../src/events/cloudtrail';
import { fixtureWith, loadCloudTrailFixture, obj } from '../helpers/cloudtrail-fixtures';

function errorOf(input: unknown): InvalidEventError {
  try {
    parseCloudTrailEvent(input);
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error('expected parseCloudTrailEvent to throw');
}

describe('parseCloudTrailEvent', () => {
  it('accepts an API call and keeps the fields InfraWatch reads', () => {
    // Prepare
    const event = loadCloudTrailFixture('ec2.AuthorizeSecurityGroupIngress.iamuser.json');

    // Act
    const parsed = parseCloudTrailEvent(event);

    // Assess
    expect(parsed['detail-type']).toBe('AWS API Call via CloudTrail');
    expect(parsed.source).toBe('aws.ec2');
    expect(parsed.detail.eventID).toBe('c409b898-91e4-44d5-a994-68741a8a0212');
    expect(parsed.detail.userIdentity.userName).toBe('test@elastic.co');
    expect(parsed.detail.requestParameters).toEqual(obj(event.detail).requestParameters);
  });

  it('accepts a console sign-in event', () => {
    const parsed = parseCloudTrailEvent(loadCloudTrailFixture('signin.ConsoleLogin.root-success.json'));

    expect(parsed['detail-type']).toBe('AWS Console Sign In via CloudTrail');
  });

  it('accepts unknown fields at every level', () => {
    // Prepare
    const event = fixtureWith('iam.CreateUser.json', (detail, envelope) => {
      envelope['replay-name'] = 'archive-1';
      detail.eventContext = { future: true };
      obj(detail.userIdentity).newIdentityField = ['x'];
      obj(detail.requestParameters).someNewParameter = { nested: 1 };
    });

    // Act + Assess
    expect(() => parseCloudTrailEvent(event)).not.toThrow();
  });

  it('accepts older records without recipientAccountId, readOnly, managementEvent or eventType', () => {
    const event = fixtureWith('ec2.RevokeSecurityGroupIngress.json', (detail) => {
      delete detail.recipientAccountId;
      delete detail.readOnly;
      delete detail.managementEvent;
      delete detail.eventType;
    });

    expect(parseCloudTrailEvent(event).detail.readOnly).toBeUndefined();
  });

  it('accepts an eventVersion 1.0 record without eventID (the field arrived with 1.01)', () => {
    const parsed = parseCloudTrailEvent(loadCloudTrailFixture('ec2.StopInstances.docs.json'));

    expect(parsed.detail.eventID).toBeUndefined();
    expect(parsed.detail.eventVersion).toBe('1.0');
  });

  it('accepts null in optional fields such as userAgent and responseElements', () => {
    const event = fixtureWith('iam.CreateUser.json', (detail) => {
      detail.userAgent = null;
      detail.responseElements = null;
      obj(detail.userIdentity).accessKeyId = null;
    });

    expect(parseCloudTrailEvent(event).detail.userAgent).toBeNull();
  });

  it('accepts sessionCredentialFromConsole as a boolean or a string', () => {
    expect(() => parseCloudTrailEvent(loadCloudTrailFixture('ec2.RunInstances.json'))).not.toThrow();
    expect(() => parseCloudTrailEvent(loadCloudTrailFixture('ec2.StartInstances.json'))).not.toThrow();
  });
});

describe('InvalidEventError', () => {
  it('names a missing eventID and a foreign detail-type in plain words', () => {
    // Prepare: a complete record with the wrong detail-type and no eventID.
    const event = fixtureWith('ec2.StopInstances.json', (detail, envelope) => {
      delete detail.eventID;
      envelope['detail-type'] = 'EC2 Instance State-change Notification';
    });

    // Act
    const error = errorOf(event);

    // Assess
    expect(error.code).toBe('InvalidEvent');
    expect(error.name).toBe('InvalidEventError');
    expect(error.message).toBe(
      "Not a CloudTrail event: detail.eventID is missing; detail-type must be 'AWS API Call via CloudTrail' or 'AWS Console Sign In via CloudTrail' (got 'EC2 Instance State-change Notification')",
    );
    expect(error.issues).toEqual([
      'detail.eventID is missing',
      "detail-type must be 'AWS API Call via CloudTrail' or 'AWS Console Sign In via CloudTrail' (got 'EC2 Instance State-change Notification')",
    ]);
  });

  it('lists every missing field of a non-CloudTrail event in one sentence', () => {
    const stateChange = {
      version: '0',
      id: '7bf73129-1428-4cd3-a780-95db273d1602',
      'detail-type': 'EC2 Instance State-change Notification',
      source: 'aws.ec2',
      account: '123456789012',
      time: '2015-11-11T21:29:54Z',
      region: 'us-east-1',
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
      detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
    };

    const error = errorOf(stateChange);

    expect(error.issues[0]).toBe(
      'detail.eventID, detail.eventName, detail.eventSource, detail.eventTime, detail.awsRegion and detail.userIdentity are missing',
    );
    expect(error.issues[1]).toMatch(/^detail-type must be /);
  });

  it('still requires eventID from eventVersion 1.01 on', () => {
    const event = fixtureWith('ec2.StopInstances.json', (detail) => {
      delete detail.eventID;
    });

    expect(errorOf(event).issues).toEqual(['detail.eventID is missing']);
  });

  it.each([
    ['a string', 'hello', "the event must be an object (got 'hello')"],
    ['an array', [], 'the event must be an object (got an array)'],
    ['null', null, 'the event must be an object (got null)'],
    ['a number', 42, 'the event must be an object (got number 42)'],
  ])('refuses %s as the event', (_name, input, issue) => {
    expect(errorOf(input).issues).toEqual([issue]);
  });

  it('says which field has the wrong type, and what it got', () => {
    // Prepare
    const event = fixtureWith('iam.CreateUser.json', (detail, envelope) => {
      detail.readOnly = 'yes';
      detail.eventName = 5;
      envelope.source = 'custom.billing';
    });

    // Act
    const error = errorOf(event);

    // Assess
    expect(error.issues).toEqual([
      'detail.eventName must be a string (got number 5)',
      "detail.readOnly must be a boolean (got 'yes')",
      "source must start with 'aws.' (got 'custom.billing')",
    ]);
  });

  it('refuses an object where a string belongs', () => {
    const event = fixtureWith('iam.CreateUser.json', (detail) => {
      obj(detail.userIdentity).arn = { forged: true };
    });

    expect(errorOf(event).issues).toEqual(['detail.userIdentity.arn must be a string (got an object)']);
  });

  it('bounds a long offending value in the message', () => {
    const event = fixtureWith('iam.CreateUser.json', (_detail, envelope) => {
      envelope['detail-type'] = 'x'.repeat(5000);
    });

    const message = errorOf(event).message;

    expect(message.length).toBeLessThan(300);
    expect(message).toContain(`'${'x'.repeat(80)}…'`);
  });

  it('caps the number of problems it lists', () => {
    const garbage = {
      detail: { eventID: 0, eventName: 1, eventSource: 2, eventTime: 3, awsRegion: 4, userIdentity: 5 },
      'detail-type': 6,
      source: 7,
      id: 8,
      account: 9,
      time: 10,
      region: 11,
    };

    const error = errorOf(garbage);

    expect(error.issues).toHaveLength(9);
    expect(error.issues[8]).toBe('and 4 more problems');
  });
});
