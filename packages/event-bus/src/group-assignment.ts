export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface GroupMemberInfo {
  /** Join order: earlier members win ties, so an assignment is the same whenever it is recomputed. */
  id: number;
  topics: readonly string[];
}

/**
 * Spreads every partition of the subscribed topics over the members subscribed to its topic,
 * each partition to the least-loaded such member. Every partition gets exactly one member.
 */
export function assignPartitions<M extends GroupMemberInfo>(
  members: readonly M[],
  partitionCount: (topic: string) => number,
): Map<M, TopicPartition[]> {
  const assignment = new Map<M, TopicPartition[]>(members.map((m) => [m, []]));
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
  const ordered = [...members].sort((a, b) => a.id - b.id);
  for (const topic of topics) {
    const candidates = ordered.filter((m) => m.topics.includes(topic));
    for (let partition = 0; partition < partitionCount(topic); partition += 1) {
      let chosen: M | undefined;
      for (const candidate of candidates) {
        if (!chosen || load(assignment, candidate) < load(assignment, chosen)) chosen = candidate;
      }
      if (chosen) assignment.get(chosen)?.push({ topic, partition });
    }
  }
  return assignment;
}

function load<M>(assignment: Map<M, TopicPartition[]>, member: M): number {
  return assignment.get(member)?.length ?? 0;
}
