import type { CloudTrailDetail } from '../../events/cloudtrail';
import { shortName } from '../phrases';
import { field, items, text } from '../read';
import type { ServiceModule } from '../service';

/** Routes and route tables: created, replaced, deleted, and their subnet/gateway associations. */
export type RouteTableAction =
  | {
      kind: 'route';
      operation: 'create' | 'replace' | 'delete';
      routeTableId: string | null;
      destination: string | null;
      target: RouteTarget | null;
    }
  | {
      kind: 'route-table';
      operation: RouteTableOperation;
      routeTableId: string | null;
      vpcId: string | null;
      associatedWith: string | null;
      associationId: string | null;
      routes: string[];
    };

export interface RouteTarget {
  type: string;
  id: string;
}

type RouteTableOperation = 'create' | 'delete' | 'associate' | 'disassociate' | 'replace-association';

const ROUTE_TARGET_KEYS: ReadonlyArray<readonly [key: string, type: string]> = [
  ['gatewayId', 'gateway'],
  ['natGatewayId', 'NAT gateway'],
  ['egressOnlyInternetGatewayId', 'egress-only internet gateway'],
  ['transitGatewayId', 'transit gateway'],
  ['vpcPeeringConnectionId', 'peering connection'],
  ['networkInterfaceId', 'network interface'],
  ['instanceId', 'instance'],
  ['vpcEndpointId', 'VPC endpoint'],
  ['localGatewayId', 'local gateway'],
  ['carrierGatewayId', 'carrier gateway'],
  ['coreNetworkArn', 'core network'],
];

function routeTarget(request: unknown): RouteTarget | null {
  for (const [key, type] of ROUTE_TARGET_KEYS) {
    const id = text(request, key);
    if (id === null) continue;
    if (key === 'gatewayId') {
      if (id.startsWith('igw-')) return { type: 'internet gateway', id };
      if (id.startsWith('vgw-')) return { type: 'VPN gateway', id };
    }
    return { type, id };
  }
  return null;
}

function readRoute(detail: CloudTrailDetail): Extract<RouteTableAction, { kind: 'route' }> {
  const { eventName: name, requestParameters: request } = detail;
  return {
    kind: 'route',
    operation: name === 'CreateRoute' ? 'create' : name === 'ReplaceRoute' ? 'replace' : 'delete',
    routeTableId: text(request, 'routeTableId'),
    destination:
      text(request, 'destinationCidrBlock') ??
      text(request, 'destinationIpv6CidrBlock') ??
      text(request, 'destinationPrefixListId'),
    target: routeTarget(request),
  };
}

const ROUTE_TABLE_OPERATIONS: Readonly<Record<string, RouteTableOperation>> = {
  CreateRouteTable: 'create',
  DeleteRouteTable: 'delete',
  AssociateRouteTable: 'associate',
  DisassociateRouteTable: 'disassociate',
  ReplaceRouteTableAssociation: 'replace-association',
};

function readRouteTable(detail: CloudTrailDetail): Extract<RouteTableAction, { kind: 'route-table' }> {
  const { requestParameters: request, responseElements: response } = detail;
  const table = field(response, 'routeTable');
  const routes = items(field(table, 'routeSet')).map((route) => {
    const destination = text(route, 'destinationCidrBlock') ?? text(route, 'destinationIpv6CidrBlock') ?? '?';
    const target = routeTarget(route) ?? { type: 'target', id: text(route, 'gatewayId') ?? '?' };
    return `${destination} → ${target.id}`;
  });
  return {
    kind: 'route-table',
    operation: ROUTE_TABLE_OPERATIONS[detail.eventName] ?? 'create',
    routeTableId: text(table, 'routeTableId') ?? text(request, 'routeTableId'),
    vpcId: text(request, 'vpcId') ?? text(table, 'vpcId'),
    associatedWith: text(request, 'subnetId') ?? text(request, 'gatewayId'),
    associationId:
      text(request, 'associationId') ?? text(response, 'associationId') ?? text(response, 'newAssociationId'),
    routes,
  };
}

export const routeTables: ServiceModule<RouteTableAction['kind']> = {
  source: 'ec2',
  readers: {
    CreateRoute: readRoute,
    ReplaceRoute: readRoute,
    DeleteRoute: readRoute,
    ...Object.fromEntries(Object.keys(ROUTE_TABLE_OPERATIONS).map((name) => [name, readRouteTable])),
  },
  actions: {
    route: {
      phrase(action) {
        const destination = shortName(action.destination ?? '(unknown destination)');
        const table = shortName(action.routeTableId ?? 'a route table');
        const to =
          action.target === null
            ? 'an unrecorded target'
            : `${action.target.type} ${shortName(action.target.id)}`;
        if (action.operation === 'create') return `added route ${destination} → ${to} to ${table}`;
        if (action.operation === 'replace') return `pointed route ${destination} in ${table} to ${to}`;
        return `deleted route ${destination} from ${table}`;
      },
      details(action, out) {
        out.add('Route table', action.routeTableId);
        out.add('Destination', action.destination);
        out.add('Target', action.target === null ? null : `${action.target.type} ${action.target.id}`);
      },
    },
    'route-table': {
      phrase(action) {
        const table = `route table ${shortName(action.routeTableId ?? '(unknown)')}`;
        switch (action.operation) {
          case 'create':
            return `created ${table}${action.vpcId === null ? '' : ` in ${shortName(action.vpcId)}`}`;
          case 'delete':
            return `deleted ${table}`;
          case 'associate':
            return `associated ${table} with ${shortName(action.associatedWith ?? '(unknown)')}`;
          case 'disassociate':
            return `removed route table association ${shortName(action.associationId ?? '(unknown)')}`;
          case 'replace-association':
            return `switched association ${shortName(action.associationId ?? '(unknown)')} to ${table}`;
        }
      },
      details(action, out) {
        out.add('Route table', action.routeTableId);
        out.add('VPC', action.vpcId);
        out.add('Associated with', action.associatedWith);
        out.add('Association', action.associationId);
        out.addEach('Route', action.routes);
      },
    },
  },
};
