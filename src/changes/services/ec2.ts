import type { CloudTrailDetail } from '../../events/cloudtrail';
import type { DetailList } from '../detail-list';
import { MAX_LINES_PER_KIND } from '../detail-list';
import { shortName, shortNames } from '../phrases';
import { bool, field, isRecord, items, listSome, num, strings, text, unique } from '../read';
import { type Finding, NO_FINDINGS, type ServiceModule } from '../service';

/** EC2 instances: launched, started, stopped, rebooted, terminated, or one of their attributes changed. */
export type Ec2Action = InstancesAction | InstanceAttributeAction;

export interface InstancesAction {
  kind: 'instances';
  operation: 'run' | 'start' | 'stop' | 'reboot' | 'terminate';
  instanceIds: string[];
  instanceTypes: string[];
  /** RunInstances min/max count. */
  requested: { min: number | null; max: number | null } | null;
  imageIds: string[];
  keyName: string | null;
  subnetId: string | null;
  securityGroups: string[];
  launchTemplate: string | null;
  instanceProfile: string | null;
  userData: boolean;
  publicIp: boolean;
  transitions: Array<{ instanceId: string; from: string | null; to: string | null }>;
  force: boolean;
}

export interface InstanceAttributeAction {
  kind: 'instance-attribute';
  instanceId: string | null;
  attribute: string;
  value: string | null;
}

const INSTANCE_OPERATIONS: Readonly<Record<string, InstancesAction['operation']>> = {
  RunInstances: 'run',
  StartInstances: 'start',
  StopInstances: 'stop',
  RebootInstances: 'reboot',
  TerminateInstances: 'terminate',
};

function readInstances(detail: CloudTrailDetail): InstancesAction {
  const operation = INSTANCE_OPERATIONS[detail.eventName] ?? 'run';
  const request = detail.requestParameters;
  const responded = items(field(detail.responseElements, 'instancesSet'));
  const requested = items(field(request, 'instancesSet'));
  const instanceIds = unique([
    ...strings(field(request, 'instancesSet'), 'instanceId'),
    ...responded.map((instance) => text(instance, 'instanceId')).filter((id): id is string => id !== null),
  ]);
  const transitions = responded
    .map((instance) => ({
      instanceId: text(instance, 'instanceId') ?? '',
      from: text(field(instance, 'previousState'), 'name'),
      to: text(field(instance, 'currentState'), 'name'),
    }))
    .filter(
      (transition) => transition.instanceId !== '' && (transition.from !== null || transition.to !== null),
    );
  const instanceTypes = unique(
    [text(request, 'instanceType'), ...responded.map((instance) => text(instance, 'instanceType'))].filter(
      (type): type is string => type !== null,
    ),
  );
  const first = requested[0];
  const template = field(request, 'launchTemplate');
  const templateId = text(template, 'launchTemplateId') ?? text(template, 'launchTemplateName');
  const templateVersion = text(template, 'version');
  const interfaces = items(field(request, 'networkInterfaceSet'));
  return {
    kind: 'instances',
    operation,
    instanceIds,
    instanceTypes,
    requested: operation === 'run' ? { min: num(first, 'minCount'), max: num(first, 'maxCount') } : null,
    imageIds: unique(
      requested.map((instance) => text(instance, 'imageId')).filter((id): id is string => id !== null),
    ),
    keyName: requested.map((instance) => text(instance, 'keyName')).find((key) => key !== null) ?? null,
    subnetId: text(request, 'subnetId'),
    securityGroups: unique([
      ...strings(field(request, 'groupSet'), 'groupId'),
      ...interfaces.flatMap((networkInterface) => strings(field(networkInterface, 'groupSet'), 'groupId')),
    ]),
    launchTemplate:
      templateId === null
        ? null
        : templateVersion === null
          ? templateId
          : `${templateId} version ${templateVersion}`,
    instanceProfile:
      text(field(request, 'iamInstanceProfile'), 'name') ?? text(field(request, 'iamInstanceProfile'), 'arn'),
    userData: field(request, 'userData') !== undefined,
    publicIp: interfaces.some(
      (networkInterface) => bool(networkInterface, 'associatePublicIpAddress') === true,
    ),
    transitions,
    force: bool(request, 'force') === true,
  };
}

/**
 * ModifyInstanceAttribute takes either `{attribute, value}` or one attribute object such as
 * `instanceType: {value}` or `groupSet: {items}`. User data is always redacted by CloudTrail.
 */
function readInstanceAttribute(detail: CloudTrailDetail): InstanceAttributeAction {
  const request = detail.requestParameters;
  const instanceId = text(request, 'instanceId');
  const named = text(request, 'attribute');
  if (named !== null)
    return { kind: 'instance-attribute', instanceId, attribute: named, value: text(request, 'value') };
  if (!isRecord(request))
    return { kind: 'instance-attribute', instanceId, attribute: 'unknown', value: null };
  for (const [attribute, value] of Object.entries(request)) {
    if (attribute === 'instanceId') continue;
    if (attribute === 'groupSet') {
      return {
        kind: 'instance-attribute',
        instanceId,
        attribute,
        value: strings(value, 'groupId').join(', ') || null,
      };
    }
    const scalar = isRecord(value) ? value.value : value;
    const shown = typeof scalar === 'string' || typeof scalar === 'number' || typeof scalar === 'boolean';
    return { kind: 'instance-attribute', instanceId, attribute, value: shown ? String(scalar) : null };
  }
  return { kind: 'instance-attribute', instanceId, attribute: 'unknown', value: null };
}

export const ec2: ServiceModule<Ec2Action['kind']> = {
  source: 'ec2',
  readers: {
    ...Object.fromEntries(Object.keys(INSTANCE_OPERATIONS).map((name) => [name, readInstances])),
    ModifyInstanceAttribute: readInstanceAttribute,
  },
  actions: {
    instances: {
      phrase: instancesPhrase,
      target(action) {
        if (action.operation === 'run') {
          const count = action.requested?.max ?? action.requested?.min ?? null;
          const type = action.instanceTypes[0];
          if (count === null && type === undefined) return '';
          return ` (${count === null ? '' : `up to ${count} × `}${shortName(type ?? 'instances')})`;
        }
        return action.instanceIds.length === 0 ? '' : ` on ${shortNames(action.instanceIds)}`;
      },
      details: addInstanceDetails,
    },
    'instance-attribute': {
      phrase(action) {
        const instance = `instance ${shortName(action.instanceId ?? '(unknown)')}`;
        if (action.attribute === 'userData') return `replaced the user data of ${instance}`;
        if (action.attribute === 'groupSet')
          return `changed the security groups of ${instance} to ${shortName(action.value ?? '?')}`;
        if (action.attribute === 'instanceType')
          return `changed the instance type of ${instance} to ${shortName(action.value ?? '?')}`;
        const value = action.value === null ? '' : ` to ${shortName(action.value)}`;
        return `changed ${shortName(action.attribute)} of ${instance}${value}`;
      },
      details(action, out) {
        out.add('Instance', action.instanceId);
        out.add('Attribute', action.attribute);
        out.add(
          'New value',
          action.attribute === 'userData'
            ? 'replaced (CloudTrail does not record user data)'
            : (action.value ?? 'not recorded'),
        );
      },
      effect: userDataFindings,
    },
  },
};

const INSTANCE_VERBS: Readonly<Record<InstancesAction['operation'], string>> = {
  run: 'launched',
  start: 'started',
  stop: 'stopped',
  reboot: 'rebooted',
  terminate: 'terminated',
};

function instancesPhrase(action: InstancesAction): string {
  const verb =
    action.operation === 'stop' && action.force ? 'force-stopped' : INSTANCE_VERBS[action.operation];
  const count = action.instanceIds.length;
  const type =
    action.operation === 'run' && action.instanceTypes.length === 1
      ? `${shortName(action.instanceTypes[0] ?? '')} `
      : '';
  if (count === 0) return `${verb} ${type}instances`;
  if (count === 1) return `${verb} ${type}instance ${shortName(action.instanceIds[0] ?? '')}`;
  return `${verb} ${count} ${type}instances (${shortNames(action.instanceIds)})`;
}

function addInstanceDetails(action: InstancesAction, out: DetailList): void {
  out.add(
    'Instances',
    action.instanceIds.length === 0 ? null : listSome(action.instanceIds, MAX_LINES_PER_KIND),
  );
  out.add('Instance type', action.instanceTypes.join(', '));
  if (action.requested !== null) {
    const { min, max } = action.requested;
    out.add(
      'Requested count',
      min === null && max === null ? null : min === max ? String(min) : `${min ?? '?'} to ${max ?? '?'}`,
    );
  }
  out.add('AMI', action.imageIds.join(', '));
  out.add('Launch template', action.launchTemplate);
  out.add('Key pair', action.keyName);
  out.add('Subnet', action.subnetId);
  out.add('Security groups', action.securityGroups.join(', '));
  out.add('IAM instance profile', action.instanceProfile);
  if (action.userData) out.add('User data', 'provided (CloudTrail does not record it)');
  if (action.publicIp) out.add('Public IP', 'requested');
  if (action.force) out.add('Force', 'yes (no clean shutdown)');
  const states = unique(action.transitions.map((t) => `${t.from ?? '?'} → ${t.to ?? '?'}`));
  if (states.length === 1) out.add('State', states[0]);
  else
    out.addEach(
      'State',
      action.transitions.map((t) => `${t.instanceId}: ${t.from ?? '?'} → ${t.to ?? '?'}`),
    );
}

function userDataFindings(action: InstanceAttributeAction): readonly Finding[] {
  if (action.attribute !== 'userData') return NO_FINDINGS;
  return [
    {
      severity: 'warning',
      reason: `The user data of instance ${action.instanceId ?? '(unknown)'} was replaced: user data scripts run as root when the instance next starts, a known way to plant persistence (CloudTrail does not record the new content).`,
    },
  ];
}
