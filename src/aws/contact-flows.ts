/**
 * Contact flows of one Connect instance, by id and by name, so configs can say
 * `ContactFlowId: { name: Escalation }` and plans can show names instead of UUIDs.
 * Read once per target (ListContactFlows pages), only when some kind needs it.
 */
import { editDistance } from '../edit-distance.js';
import type { ContactFlowSummary } from '@aws-sdk/client-connect';
import type { AwsClients } from './clients.js';

export interface ContactFlowRef {
  id: string;
  name: string;
  arn?: string;
  type?: string;
}

export class ContactFlowDirectory {
  private readonly byId = new Map<string, ContactFlowRef>();
  private readonly byName = new Map<string, ContactFlowRef[]>();

  constructor(flows: ContactFlowRef[] = []) {
    for (const f of flows) {
      this.byId.set(f.id, f);
      const list = this.byName.get(f.name) ?? [];
      list.push(f);
      this.byName.set(f.name, list);
    }
  }

  static async read(aws: AwsClients, instanceId: string): Promise<ContactFlowDirectory> {
    const flows: ContactFlowRef[] = [];
    let NextToken: string | undefined;
    do {
      const page = await aws.call(
        'connect:ListContactFlows',
        () =>
          aws.connect.send(
            new aws.sdk.connect.ListContactFlowsCommand({ InstanceId: instanceId, NextToken, MaxResults: 1000 }),
          ),
        { resource: `the contact flows of instance ${instanceId}` },
      );
      for (const s of page.ContactFlowSummaryList ?? []) flows.push(toRef(s));
      NextToken = page.NextToken;
    } while (NextToken);
    return new ContactFlowDirectory(flows);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Accepts a UUID, a flow ARN (its last segment is the id) or nothing. */
  byIdOrArn(idOrArn: string): ContactFlowRef | undefined {
    return this.byId.get(idOrArn) ?? this.byId.get(idOrArn.split('/').pop() ?? '');
  }

  /** Flows with exactly this name (names are unique in Connect, but be honest if not). */
  named(name: string): ContactFlowRef[] {
    return this.byName.get(name) ?? [];
  }

  /** The `limit` known names closest to `name`, for "did you mean" hints. */
  nearest(name: string, limit = 3): string[] {
    return [...this.byName.keys()]
      .map((n) => ({ n, d: editDistance(n.toLowerCase(), name.toLowerCase()) }))
      .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
      .slice(0, limit)
      .map((x) => x.n);
  }
}

function toRef(s: ContactFlowSummary): ContactFlowRef {
  return { id: s.Id ?? '', name: s.Name ?? '', arn: s.Arn, type: s.ContactFlowType };
}
