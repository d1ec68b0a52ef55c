import type { Detail } from '../model/change';
import { DetailList, MAX_LINES_PER_KIND } from './detail-list';
import { field, items, listSome, text } from './read';
import { handlerOf } from './registry';
import type { DetailsInput } from './service';

export type { DetailsInput } from './service';

/** What exactly changed, as label/value pairs: the action's own details (from its service module), then tags. */
export function describeDetails(input: DetailsInput): Detail[] {
  const out = new DetailList();
  handlerOf(input.action).details(input.action, out, input);
  addTags(out, input.detail.requestParameters);
  if (input.resourcesTotal > input.resourcesShown) {
    out.add('Resources', `${input.resourcesShown} of ${input.resourcesTotal} listed`);
  }
  return out.done();
}

/** EC2 `tagSpecificationSet.items[].tags[]` and IAM `tags[]`, as `key=value`. */
function addTags(out: DetailList, request: unknown): void {
  const tags: string[] = [];
  const read = (list: unknown): void => {
    for (const tag of items(list)) {
      const key = text(tag, 'key') ?? text(tag, 'Key');
      if (key === null) continue;
      const value = field(tag, 'value') ?? field(tag, 'Value');
      tags.push(`${key}=${typeof value === 'string' ? value : ''}`);
    }
  };
  for (const specification of items(field(request, 'tagSpecificationSet')))
    read(field(specification, 'tags'));
  read(field(request, 'tags'));
  if (tags.length > 0) out.add('Tags', listSome(tags, MAX_LINES_PER_KIND));
}
