import type { CloudTrailDetail } from '../../events/cloudtrail';
import { shortName } from '../phrases';
import { capitalise, field, text } from '../read';
import type { ServiceModule } from '../service';

/** VPCs and their internet, NAT and egress-only gateways. */
export type VpcAction =
  | { kind: 'vpc'; operation: 'create' | 'delete'; vpcId: string | null; cidr: string | null }
  | GatewayAction;

interface GatewayAction {
  kind: 'gateway';
  gateway: 'internet gateway' | 'NAT gateway' | 'egress-only internet gateway';
  operation: 'create' | 'delete' | 'attach' | 'detach';
  gatewayId: string | null;
  vpcId: string | null;
  subnetId: string | null;
}

function readVpc(detail: CloudTrailDetail): Extract<VpcAction, { kind: 'vpc' }> {
  const request = detail.requestParameters;
  return {
    kind: 'vpc',
    operation: detail.eventName === 'CreateVpc' ? 'create' : 'delete',
    vpcId: text(field(detail.responseElements, 'vpc'), 'vpcId') ?? text(request, 'vpcId'),
    cidr: text(request, 'cidrBlock'),
  };
}

const GATEWAY_OPERATIONS: Readonly<Record<string, GatewayAction['operation']>> = {
  Create: 'create',
  Delete: 'delete',
  Attach: 'attach',
  Detach: 'detach',
};
type GatewayKind = 'InternetGateway' | 'NatGateway' | 'EgressOnlyInternetGateway';
const GATEWAY_KINDS: readonly GatewayKind[] = ['InternetGateway', 'NatGateway', 'EgressOnlyInternetGateway'];

function readGateway(
  kind: GatewayKind,
  operation: GatewayAction['operation'],
  { requestParameters: request, responseElements: response }: CloudTrailDetail,
): GatewayAction {
  if (kind === 'NatGateway') {
    return {
      kind: 'gateway',
      gateway: 'NAT gateway',
      operation,
      gatewayId: text(field(response, 'natGateway'), 'natGatewayId') ?? text(request, 'natGatewayId'),
      vpcId: text(field(response, 'natGateway'), 'vpcId'),
      subnetId: text(request, 'subnetId'),
    };
  }
  if (kind === 'EgressOnlyInternetGateway') {
    const created = field(response, 'egressOnlyInternetGateway');
    return {
      kind: 'gateway',
      gateway: 'egress-only internet gateway',
      operation,
      gatewayId: text(created, 'egressOnlyInternetGatewayId') ?? text(request, 'egressOnlyInternetGatewayId'),
      vpcId: text(request, 'vpcId'),
      subnetId: null,
    };
  }
  return {
    kind: 'gateway',
    gateway: 'internet gateway',
    operation,
    gatewayId:
      text(field(response, 'internetGateway'), 'internetGatewayId') ?? text(request, 'internetGatewayId'),
    vpcId: text(request, 'vpcId'),
    subnetId: null,
  };
}

/** CreateInternetGateway, AttachInternetGateway, DeleteNatGateway, …: every verb of every gateway kind. */
const GATEWAY_READERS = Object.fromEntries(
  Object.entries(GATEWAY_OPERATIONS).flatMap(([verb, operation]) =>
    GATEWAY_KINDS.map((kind) => [
      `${verb}${kind}`,
      (detail: CloudTrailDetail) => readGateway(kind, operation, detail),
    ]),
  ),
);

export const vpc: ServiceModule<VpcAction['kind']> = {
  source: 'ec2',
  readers: {
    CreateVpc: readVpc,
    DeleteVpc: readVpc,
    ...GATEWAY_READERS,
  },
  actions: {
    vpc: {
      phrase: (action) =>
        action.operation === 'create'
          ? `created VPC ${shortName(action.vpcId ?? '(unknown)')}${action.cidr === null ? '' : ` (${shortName(action.cidr)})`}`
          : `deleted VPC ${shortName(action.vpcId ?? '(unknown)')}`,
      details(action, out) {
        out.add('VPC', action.vpcId);
        out.add('CIDR', action.cidr);
      },
    },
    gateway: {
      phrase(action) {
        const gateway = `${action.gateway} ${shortName(action.gatewayId ?? '(unknown)')}`;
        if (action.operation === 'attach')
          return `attached ${gateway} to ${shortName(action.vpcId ?? 'a VPC')}`;
        if (action.operation === 'detach')
          return `detached ${gateway} from ${shortName(action.vpcId ?? 'a VPC')}`;
        if (action.operation === 'delete') return `deleted ${gateway}`;
        return `created ${gateway}${action.subnetId === null ? '' : ` in ${shortName(action.subnetId)}`}`;
      },
      details(action, out) {
        out.add(capitalise(action.gateway), action.gatewayId);
        out.add('VPC', action.vpcId);
        out.add('Subnet', action.subnetId);
      },
    },
  },
};
