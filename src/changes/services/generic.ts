import { onResources } from '../phrases';
import { compactJson, isRecord } from '../read';
import type { ActionHandler } from '../service';

/** Every other API call: named as `service:EventName`, detailed by its request parameters. */
export interface GenericAction {
  kind: 'generic';
}

export const GENERIC_ACTION: GenericAction = Object.freeze({ kind: 'generic' });

const MAX_REQUEST_JSON = 1000;

export const generic: ActionHandler<GenericAction> = {
  phrase: (_action, input) => `called ${input.service}:${input.eventName}${onResources(input.resources)}`,
  details(_action, out, { detail }) {
    if (isRecord(detail.requestParameters) && Object.keys(detail.requestParameters).length > 0) {
      out.add(
        'Request parameters',
        compactJson(detail.requestParameters, MAX_REQUEST_JSON),
        MAX_REQUEST_JSON + 40,
      );
    }
  },
};
