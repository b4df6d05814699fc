import { Collections, hotlineDocument, hotlineInput, type Hotline } from '@hotline/provisioning';
import type { NumberClaims } from '../domain/number-claims';
import type { Ref, SideEffect } from '../domain/resource-spec';
import { defineResource, ref, staff, stringFilter, uniquePerTenant } from './define';

const nothing = async () => {};

export function hotlinesResource(claims: NumberClaims) {
  return defineResource({
    name: 'hotline',
    plural: 'hotlines',
    title: 'Hotline',
    collection: Collections.hotlines,
    idPrefix: 'htl',
    read: staff,
    createInput: hotlineInput,
    view: hotlineDocument,
    uniqueIndexes: [uniquePerTenant(Collections.hotlines, 'name')],
    filters: {
      number: stringFilter('numbers', 'the hotline answering this E.164 number'),
      trunkId: stringFilter('trunk.id', 'hotlines on this trunk'),
    },
    references(input) {
      const h = input as unknown as Hotline;
      const refs: Ref[] = [...ref('defaultFlowId', Collections.flows, 'flow', h.defaultFlowId)];
      h.flowMappings.forEach((m, i) =>
        refs.push(...ref(`flowMappings/${i}/flowId`, Collections.flows, 'flow', m.flowId)),
      );
      refs.push(...ref('calendarId', Collections.calendars, 'calendar', h.calendarId));
      return refs;
    },
    // Numbers are claimed before the hotline is written and released if that write fails;
    // numbers an update drops are released only after it succeeded.
    async sideEffect(change): Promise<SideEffect> {
      if (change.kind === 'delete') {
        const before = change.before as unknown as Hotline;
        return { rollback: nothing, commit: () => claims.release(before._id, before.numbers) };
      }
      const after = change.after as unknown as Hotline;
      const before = change.kind === 'update' ? (change.before as unknown as Hotline) : null;
      const wanted = after.numbers.filter((n) => !before?.numbers.includes(n));
      const claimed = await claims.claim(
        after.tenantId,
        after._id,
        wanted,
        (n) => `numbers/${after.numbers.indexOf(n)}`,
      );
      const dropped = before?.numbers.filter((n) => !after.numbers.includes(n)) ?? [];
      return {
        rollback: () => claims.release(after._id, claimed),
        commit: () => claims.release(after._id, dropped),
      };
    },
  });
}
