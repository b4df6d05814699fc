import { assignPartitions, type GroupMemberInfo, type TopicPartition } from './group-assignment';

export interface InProcessGroupMember extends GroupMemberInfo {
  /** The member's partitions from now on; it stops working on any partition not listed. */
  assign(partitions: TopicPartition[]): void;
}

export const partitionKey = ({ topic, partition }: TopicPartition): string => `${topic}/${partition}`;

/**
 * A consumer group of the in-process bus: its members, its committed offsets, and the hand-over
 * of partitions between members when one joins or leaves.
 */
export class InProcessGroup {
  private readonly committed = new Map<string, number>();
  private readonly handoffs = new Map<string, Promise<void>>();
  private members: InProcessGroupMember[] = [];

  constructor(
    readonly id: string,
    private readonly partitionCount: (topic: string) => number,
  ) {}

  /** Whether any member reads for the group now (a group nobody reads does not hold records). */
  get active(): boolean {
    return this.members.length > 0;
  }

  committedOffset(tp: TopicPartition): number | undefined {
    return this.committed.get(partitionKey(tp));
  }

  commit(tp: TopicPartition, nextOffset: number): void {
    this.commitAt(partitionKey(tp), nextOffset);
  }

  /** commit() for a caller that already holds the partition's key (once per record). */
  commitAt(key: string, nextOffset: number): void {
    this.committed.set(key, nextOffset);
  }

  /**
   * Takes over a partition. The returned promise resolves once the previous owner has finished
   * its in-flight record and committed, so two members never work on one partition at once;
   * `released` resolves when this owner lets go in turn.
   */
  claim(tp: TopicPartition, released: Promise<void>): Promise<void> {
    const key = partitionKey(tp);
    const previous = this.handoffs.get(key) ?? Promise.resolve();
    this.handoffs.set(key, released);
    return previous;
  }

  join(member: InProcessGroupMember): void {
    this.members.push(member);
    this.rebalance();
  }

  leave(member: InProcessGroupMember): void {
    if (!this.members.includes(member)) return;
    this.members = this.members.filter((m) => m !== member);
    member.assign([]);
    this.rebalance();
  }

  private rebalance(): void {
    const assignment = assignPartitions(this.members, this.partitionCount);
    for (const member of this.members) member.assign(assignment.get(member) ?? []);
  }
}
