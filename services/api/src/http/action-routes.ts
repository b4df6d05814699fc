import type { DocumentStore } from '@hotline/document-store';
import { HotlineError } from '@hotline/platform';
import type { ApiKey, Prompt } from '@hotline/provisioning';
import express, { Router } from 'express';
import type { FlowLifecycle } from '../domain/flow-lifecycle';
import type { Provisioner } from '../domain/provisioner';
import type { Doc } from '../domain/resource-spec';
import type { Resources } from '../resources';
import type { PromptAudioStore } from '../resources/prompts';
import { callContext } from './call-context';
import { etagOf, send } from './http-result';
import { ifMatchRevision } from './preconditions';
import { pathId, writtenResult } from './resource-routes';

/** WAV media types accepted for uploads (octet-stream too: many clients send files as that). */
export const WAV_TYPES = [
  'audio/wav',
  'audio/x-wav',
  'audio/wave',
  'audio/vnd.wave',
  'application/octet-stream',
];

export interface ActionDeps {
  store: DocumentStore;
  provisioner: Provisioner;
  resources: Resources;
  flows: FlowLifecycle;
  audio: PromptAudioStore;
  maxAudioBytes: number;
}

/** Operations beyond CRUD: flow validate/publish/versions, key revocation, prompt audio. */
export function actionRoutes(deps: ActionDeps): Router {
  const { provisioner, resources, flows, audio } = deps;
  const router = Router();

  router.post('/v1/flows/:id/validate', async (req, res) => {
    const ctx = callContext(req, res);
    provisioner.authorize(resources.flows, 'write', ctx);
    const written = await flows.validate(pathId(req, resources.flows), ifMatchRevision(req), ctx);
    send(res, writtenResult(resources.flows, written, 200));
  });

  router.post('/v1/flows/:id/publish', async (req, res) => {
    const ctx = callContext(req, res);
    provisioner.authorize(resources.flows, 'write', ctx);
    const written = await flows.publish(pathId(req, resources.flows), ifMatchRevision(req), ctx);
    send(res, writtenResult(resources.flows, written, 200));
  });

  router.get('/v1/flows/:id/versions', async (req, res) => {
    const items = await flows.versions(pathId(req, resources.flows), callContext(req, res));
    send(res, { status: 200, body: { items, nextCursor: null } });
  });

  router.get('/v1/flows/:id/versions/:version', async (req, res) => {
    const ctx = callContext(req, res);
    const id = pathId(req, resources.flows);
    const version = Number(req.params.version);
    if (!/^\d{1,9}$/.test(String(req.params.version)) || version < 1) {
      throw new HotlineError('not_found', `flow ${id} has no version ${String(req.params.version)}`);
    }
    send(res, { status: 200, body: await flows.version(id, version, ctx) });
  });

  router.post('/v1/api-keys/:id/revoke', async (req, res) => {
    const ctx = callContext(req, res);
    const spec = resources.apiKeys;
    provisioner.authorize(spec, 'write', ctx);
    const key = (await provisioner.get(spec, pathId(req, spec), ctx)) as unknown as ApiKey;
    const ifMatch = ifMatchRevision(req);
    if (ifMatch !== null && ifMatch !== key._rev) {
      throw new HotlineError(
        'precondition_failed',
        `If-Match names revision ${ifMatch}; it is at ${key._rev}`,
      );
    }
    if (key.revokedAt !== null) {
      send(res, {
        status: 200,
        body: spec.toView(key as unknown as Doc),
        headers: { ETag: etagOf(key._rev) },
      });
      return;
    }
    const now = new Date().toISOString();
    const next = { ...key, revokedAt: now, updatedAt: now } as unknown as Doc;
    const written = await provisioner.replace(spec, key as unknown as Doc, next, ifMatch, ctx, 'revoked');
    send(res, writtenResult(spec, written, 200));
  });

  const rawWav = express.raw({ type: WAV_TYPES, limit: deps.maxAudioBytes });
  router.put('/v1/prompts/:id/audio', rawWav, async (req, res) => {
    const ctx = callContext(req, res);
    const spec = resources.prompts;
    provisioner.authorize(spec, 'write', ctx);
    const prompt = (await provisioner.get(spec, pathId(req, spec), ctx)) as unknown as Prompt;
    if (!Buffer.isBuffer(req.body)) {
      throw new HotlineError('bad_request', 'send the WAV file as audio/wav', {
        fields: [{ field: 'Content-Type', message: `expected ${WAV_TYPES[0]}` }],
      });
    }
    if (prompt.source !== 'upload') {
      throw new HotlineError(
        'conflict',
        'a tts prompt’s audio is rendered from its text; change the text instead',
        {
          fields: [{ field: 'source', message: 'is tts' }],
        },
      );
    }
    const ifMatch = ifMatchRevision(req);
    if (ifMatch !== null && ifMatch !== prompt._rev) {
      throw new HotlineError(
        'precondition_failed',
        `If-Match names revision ${ifMatch}; it is at ${prompt._rev}`,
      );
    }
    const now = new Date().toISOString();
    const meta = await audio.put(prompt.tenantId, prompt._id, req.body, now);
    const next = { ...prompt, audio: meta, updatedAt: now } as unknown as Doc;
    const written = await provisioner.replace(
      spec,
      prompt as unknown as Doc,
      next,
      ifMatch,
      ctx,
      'audio-uploaded',
    );
    send(res, writtenResult(spec, written, 200));
  });

  router.get('/v1/prompts/:id/audio', async (req, res) => {
    const ctx = callContext(req, res);
    const spec = resources.prompts;
    const prompt = (await provisioner.get(spec, pathId(req, spec), ctx)) as unknown as Prompt;
    const bytes = prompt.audio ? await audio.get(prompt._id, prompt.audio.sha256) : null;
    if (!prompt.audio || !bytes) throw new HotlineError('not_found', `prompt ${prompt._id} has no audio yet`);
    res.status(200).type('audio/wav').setHeader('ETag', `"${prompt.audio.sha256}"`).send(bytes);
  });

  return router;
}
