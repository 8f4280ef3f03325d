/** Request bodies in (JSON, YAML, Kubernetes protobuf) and the representation a client asked for out. */
import { parse as parseYaml } from 'yaml';
import { BadRequestError, RequestEntityTooLargeError, UnsupportedMediaTypeError } from '../core/errors.ts';
import { decodeKubernetesProtobuf } from './protobuf.ts';

/** The largest request body accepted: Kubernetes' object size limit. */
export const MAX_BODY_BYTES = 1.5 * 1024 * 1024;

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;
export type PatchType = (typeof PATCH_TYPES)[number];

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function checkSize(body: Buffer): void {
  if (body.length > MAX_BODY_BYTES) {
    throw new RequestEntityTooLargeError(`Request entity too large: limit is ${MAX_BODY_BYTES} bytes, got ${body.length}`);
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new BadRequestError(`the body of the request was not valid JSON: ${(err as Error).message}`);
  }
}

function parseYamlBody(body: Buffer): unknown {
  try {
    return parseYaml(body.toString('utf8'), { uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    throw new BadRequestError(`the body of the request was not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Decodes an object body (create, update, eviction, binding, delete options). */
export function decodeObjectBody(contentType: string | undefined, body: Buffer): unknown {
  checkSize(body);
  const type = mediaType(contentType);
  if (body.length === 0) throw new BadRequestError('the request body is empty');
  switch (type) {
    case '':
    case 'application/json':
      return parseJson(body);
    case 'application/yaml':
    case 'application/x-yaml':
    case 'text/yaml':
      return parseYamlBody(body);
    case 'application/vnd.kubernetes.protobuf':
      return decodeKubernetesProtobuf(body);
    default:
      throw new UnsupportedMediaTypeError(contentType ?? '');
  }
}

/** Decodes a PATCH body; the content type names the patch strategy. */
export function decodePatchBody(contentType: string | undefined, body: Buffer): { patchType: PatchType; patch: unknown } {
  checkSize(body);
  const type = mediaType(contentType);
  if (!(PATCH_TYPES as readonly string[]).includes(type)) throw new UnsupportedMediaTypeError(contentType ?? '');
  if (body.length === 0) throw new BadRequestError('the patch body is empty');
  const patch = type === 'application/apply-patch+yaml' ? parseYamlBody(body) : parseJson(body);
  return { patchType: type as PatchType, patch };
}

export type Representation = 'object' | 'table' | 'metadata';

/**
 * What the Accept header asks for: a Table (`kubectl get`), PartialObjectMetadata (metadata
 * informers), or the object. The first acceptable entry wins; everything is answered as JSON.
 */
export function negotiate(accept: string | undefined): Representation {
  for (const entry of (accept ?? '').split(',')) {
    const params = new Map(
      entry
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    const as = params.get('as');
    if (!as) {
      const media = entry.split(';')[0].trim();
      if (media === 'application/json' || media === '*/*' || media === 'application/*' || media === 'application/vnd.kubernetes.protobuf') return 'object';
      continue;
    }
    if (params.get('g') !== 'meta.k8s.io') continue;
    if (as === 'Table') return 'table';
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return 'metadata';
  }
  return 'object';
}
