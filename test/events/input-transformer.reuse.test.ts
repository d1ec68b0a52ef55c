import {
  applyInputTransformer,
  InvalidInputTransformerError,
  UndeliverablePayloadError,
} from '../../src/events/input-transformer';
import { loadCloudTrailFixture } from '../helpers/cloudtrail-fixtures';

// applyInputTransformer analyses a transformer once and reuses the analysis for the same object (a watch's
// transformer renders every event the watch matches). An object edited in place must render like a new one.

interface MutableTransformer {
  inputPathsMap?: Record<string, string>;
  inputTemplate: string;
}

describe('applyInputTransformer on a transformer reused across events', () => {
  it('renders each event with its own values', () => {
    // Prepare
    const transformer = {
      inputPathsMap: { name: '$.detail.eventName', region: '$.detail.awsRegion' },
      inputTemplate: '"<name> in <region>"',
    };
    const stop = loadCloudTrailFixture('ec2.StopInstances.json');
    const createUser = loadCloudTrailFixture('iam.CreateUser.json');

    // Act
    const first = applyInputTransformer(transformer, stop);
    const second = applyInputTransformer(transformer, createUser);
    const again = applyInputTransformer(transformer, stop);

    // Assess
    expect(first).toBe('"StopInstances in us-east-1"');
    expect(second).toBe(`"CreateUser in ${String((createUser.detail as { awsRegion: string }).awsRegion)}"`);
    expect(again).toBe(first);
  });

  it('follows a template edited in place', () => {
    const transformer: MutableTransformer = {
      inputPathsMap: { name: '$.detail.eventName' },
      inputTemplate: '"called <name>"',
    };
    const event = loadCloudTrailFixture('ec2.StopInstances.json');
    expect(applyInputTransformer(transformer, event)).toBe('"called StopInstances"');

    transformer.inputTemplate = '{"call": <name>}';

    expect(applyInputTransformer(transformer, event)).toBe('{"call": "StopInstances"}');
  });

  it('follows a path edited, added or removed in place', () => {
    // Prepare
    const paths: Record<string, string> = { value: '$.detail.eventName' };
    const transformer: MutableTransformer = { inputPathsMap: paths, inputTemplate: '"<value>"' };
    const event = loadCloudTrailFixture('ec2.StopInstances.json');
    expect(applyInputTransformer(transformer, event)).toBe('"StopInstances"');

    // Act + Assess: a changed path
    paths.value = '$.detail.awsRegion';
    expect(applyInputTransformer(transformer, event)).toBe('"us-east-1"');

    // A placeholder that only becomes valid once its path is added
    transformer.inputTemplate = '"<value> <source>"';
    expect(() => applyInputTransformer(transformer, event)).toThrow(InvalidInputTransformerError);
    paths.source = '$.source';
    expect(applyInputTransformer(transformer, event)).toBe('"us-east-1 aws.ec2"');

    // A removed path makes the placeholder invalid again
    delete paths.source;
    expect(() => applyInputTransformer(transformer, event)).toThrow(InvalidInputTransformerError);

    // A replaced map
    transformer.inputPathsMap = { value: '$.id', source: '$.account' };
    expect(applyInputTransformer(transformer, event)).toBe(`"${String(event.id)} ${String(event.account)}"`);
  });

  it('refuses an invalid transformer on every call, and reports an undeliverable payload per event', () => {
    const invalid = { inputPathsMap: { 'bad key': '$.id' }, inputTemplate: '"<bad key>"' };
    const event = loadCloudTrailFixture('ec2.StopInstances.json');
    expect(() => applyInputTransformer(invalid, event)).toThrow(InvalidInputTransformerError);
    expect(() => applyInputTransformer(invalid, event)).toThrow(InvalidInputTransformerError);

    const json = {
      inputPathsMap: { params: '$.detail.requestParameters' },
      inputTemplate: '{"p": "<params>"}',
    };
    expect(() => applyInputTransformer(json, event)).toThrow(UndeliverablePayloadError);
    const withoutParams = loadCloudTrailFixture('ec2.StopInstances.json');
    delete (withoutParams.detail as Record<string, unknown>).requestParameters;
    expect(applyInputTransformer(json, withoutParams)).toBe('{"p": ""}');
  });
});
