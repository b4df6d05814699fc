import { DuplicateKeyError, type DocumentStore } from '@hotline/document-store';
import { validateFlow } from '@hotline/flows';
import { HotlineError, type FieldError } from '@hotline/platform';
import { Collections, flowVersionId, type Flow, type FlowVersion } from '@hotline/provisioning';
import type { CallContext, Provisioner, Written } from './provisioner';
import type { Doc, ResourceSpec } from './resource-spec';

/**
 * Draft → validated → published (F-IVR-3). Validation runs the flow engine's own validator
 * (packages/flows) against what the tenant has provisioned (queues, prompts, calendars,
 * flows), so a published flow never names something that does not exist. Publishing writes
 * an immutable version document first, then points the flow at it; if the flow moved on
 * meanwhile, the version is deleted again.
 */
export class FlowLifecycle {
  constructor(
    private readonly store: DocumentStore,
    private readonly provisioner: Provisioner,
    private readonly spec: ResourceSpec,
  ) {}

  async validate(id: string, ifMatch: number | null, ctx: CallContext): Promise<Written> {
    this.provisioner.authorize(this.spec, 'write', ctx);
    const flow = await this.load(id, ifMatch, ctx);
    await this.check(flow);
    if (flow.status !== 'draft')
      return { doc: flow as unknown as Doc, view: this.spec.toView(flow as unknown as Doc), reveal: {} };
    const next = {
      ...flow,
      status: 'validated',
      validatedAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    return this.provisioner.replace(
      this.spec,
      flow as unknown as Doc,
      next as unknown as Doc,
      ifMatch,
      ctx,
      'validated',
    );
  }

  async publish(id: string, ifMatch: number | null, ctx: CallContext): Promise<Written> {
    this.provisioner.authorize(this.spec, 'write', ctx);
    const flow = await this.load(id, ifMatch, ctx);
    if (flow.status === 'draft') {
      throw new HotlineError('conflict', 'validate the draft before publishing it', {
        fields: [{ field: 'status', message: 'is draft; POST …/validate first' }],
      });
    }
    if (flow.status === 'published')
      throw new HotlineError('conflict', `flow ${id} is already published as it is`);
    await this.check(flow);
    const now = new Date().toISOString();
    const version = (flow.publishedVersion ?? 0) + 1;
    const versions = this.store.collection<FlowVersion>(Collections.flowVersions);
    const versionDoc = {
      _id: flowVersionId(flow._id, version),
      tenantId: flow.tenantId,
      createdAt: now,
      updatedAt: now,
      flowId: flow._id,
      version,
      name: flow.name,
      graph: flow.graph,
      publishedAt: now,
      publishedBy: `${ctx.principal.kind}:${ctx.principal.id}`,
    };
    try {
      await versions.insert(versionDoc);
    } catch (err) {
      if (err instanceof DuplicateKeyError) {
        throw new HotlineError(
          'conflict',
          `version ${version} of flow ${id} is being published by another request`,
          {
            cause: err,
            retryable: true,
          },
        );
      }
      throw err;
    }
    const next = {
      ...flow,
      status: 'published',
      publishedVersion: version,
      publishedAt: now,
      updatedAt: now,
    };
    try {
      return await this.provisioner.replace(
        this.spec,
        flow as unknown as Doc,
        next as unknown as Doc,
        ifMatch,
        ctx,
        'published',
      );
    } catch (err) {
      await versions.delete(versionDoc._id).catch(() => false);
      throw err;
    }
  }

  async versions(id: string, ctx: CallContext): Promise<FlowVersion[]> {
    const flow = (await this.provisioner.get(this.spec, id, ctx)) as unknown as Flow;
    return this.store
      .collection<FlowVersion>(Collections.flowVersions)
      .find({ tenantId: flow.tenantId, flowId: flow._id }, { sort: { version: 1 } });
  }

  async version(id: string, version: number, ctx: CallContext): Promise<FlowVersion> {
    const flow = (await this.provisioner.get(this.spec, id, ctx)) as unknown as Flow;
    const doc = await this.store
      .collection<FlowVersion>(Collections.flowVersions)
      .get(flowVersionId(flow._id, version));
    if (!doc || doc.tenantId !== flow.tenantId)
      throw new HotlineError('not_found', `flow ${id} has no version ${version}`);
    return doc;
  }

  private async load(id: string, ifMatch: number | null, ctx: CallContext): Promise<Flow> {
    const flow = (await this.provisioner.get(this.spec, id, ctx)) as unknown as Flow;
    if (ifMatch !== null && ifMatch !== flow._rev) {
      throw new HotlineError(
        'precondition_failed',
        `If-Match names revision ${ifMatch}; it is at ${flow._rev}`,
      );
    }
    return flow;
  }

  /** 422 naming each problem as `graph/<path>` when the graph would not run. */
  private async check(flow: Flow): Promise<void> {
    const idsOf = async (collection: string) =>
      (await this.store.collection<Doc>(collection).find({ tenantId: flow.tenantId })).map((d) => d._id);
    const [queues, prompts, calendars, flows] = await Promise.all([
      idsOf(Collections.queues),
      idsOf(Collections.prompts),
      idsOf(Collections.calendars),
      idsOf(Collections.flows),
    ]);
    const result = validateFlow(
      { ...flow.graph, id: flow._id },
      { known: { queues, prompts, calendars, flows } },
    );
    if (!result.ok) {
      const fields: FieldError[] = result.errors.map((e) => ({
        field: `graph/${e.path.replace(/\./g, '/')}`,
        message: e.nodeId ? `${e.message} (node ${e.nodeId})` : e.message,
      }));
      throw new HotlineError('validation_failed', `flow ${flow._id} is not valid`, { fields });
    }
  }
}
