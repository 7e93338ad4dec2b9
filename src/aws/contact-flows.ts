/**
 * The directories of one Connect instance: its contact flows (this class is their Directory, as
 * it always was, so configs can say `ContactFlowId: { name: Escalation }`), and the other kinds
 * of reference the config names (queues, users, hierarchy groups, routing profiles, evaluation
 * forms: `of(kind)`). Read once per target, each kind only when the config needs it.
 */
import type { AwsClients } from './clients.js';
import { Directory, type DirectoryEntry, REFERENCE_KINDS, type ReferenceKind } from './directories.js';

export type ContactFlowRef = DirectoryEntry;

export class ContactFlowDirectory extends Directory<ContactFlowRef> {
  private readonly others = new Map<ReferenceKind, Directory>();

  /** `others`: the directories of the other kinds of reference that were read. */
  constructor(flows: ContactFlowRef[] = [], others: Partial<Record<ReferenceKind, DirectoryEntry[]>> = {}) {
    super(flows);
    for (const [kind, entries] of Object.entries(others) as [ReferenceKind, DirectoryEntry[]][])
      if (kind !== 'contactFlow') this.others.set(kind, new Directory(entries));
  }

  /**
   * Reads the flows (ListContactFlows pages; not when `withFlows` is false: no kind in scope
   * references flows) and the directories of `kinds` (their list operations, paged), all at
   * once: each list operation has its own quota bucket. A failed read fails the whole, unless
   * `unreadable` takes it (export): that kind is then left unread (flows: an empty list).
   */
  static async read(
    aws: AwsClients,
    instanceId: string,
    kinds: ReferenceKind[] = [],
    withFlows = true,
    unreadable?: (kind: ReferenceKind, err: unknown) => void,
  ): Promise<ContactFlowDirectory> {
    const wanted = [...new Set(kinds)].filter((k) => k !== 'contactFlow');
    const list = async (k: ReferenceKind): Promise<DirectoryEntry[] | undefined> => {
      if (!unreadable) return REFERENCE_KINDS[k].read(aws, instanceId);
      try {
        return await REFERENCE_KINDS[k].read(aws, instanceId);
      } catch (err) {
        unreadable(k, err);
        return undefined;
      }
    };
    const [flows, ...lists] = await Promise.all([withFlows ? list('contactFlow') : [], ...wanted.map(list)]);
    return new ContactFlowDirectory(
      flows ?? [],
      Object.fromEntries(wanted.flatMap((k, i) => (lists[i] ? [[k, lists[i]]] : []))),
    );
  }

  /** The directory of one kind of reference, when it was read for this target. */
  of(kind: ReferenceKind): Directory | undefined {
    return kind === 'contactFlow' ? this : this.others.get(kind);
  }
}
