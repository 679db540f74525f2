// A local stand-in for the part of the Supabase Management API that `supabase functions deploy --use-api`
// calls, so the pinned CLI can be run for real and what it uploads kept. The request shapes are the
// CLI's (docs/deploy.md lists the source files):
//   POST /v1/projects/{ref}/functions/deploy?slug=<slug>[&bundleOnly=true]
//        multipart/form-data: one `metadata` field (JSON: entrypoint_path, import_map_path, name,
//        static_patterns, verify_jwt) and one `file` part per uploaded file, named by its path relative
//        to the directory the CLI ran in; answered 201 with the function.
//   PUT  /v1/projects/{ref}/functions   (after several bundleOnly uploads) the functions to activate.
//   GET  /v1/projects/{ref}             telemetry's project lookup; answered 404, which the CLI ignores.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { z } from 'zod';

export const DeployMetadata = z.object({
  entrypoint_path: z.string(),
  import_map_path: z.string().optional(),
  name: z.string().optional(),
  static_patterns: z.array(z.string()).optional(),
  verify_jwt: z.boolean().optional(),
});
export type DeployMetadata = z.infer<typeof DeployMetadata>;

export type Upload = {
  slug: string;
  metadata: DeployMetadata;
  /** Path as the CLI named it → content. */
  files: Map<string, Buffer>;
  bundleOnly: boolean;
};

export type ManagementApi = {
  url: string;
  uploads: Map<string, Upload>;
  /** Slugs the CLI activated with the bulk update. */
  activated: string[];
  /** Requests this stand-in does not know (method and path only). */
  unexpected: string[];
  close(): Promise<void>;
};

export async function startManagementApi(projectRef: string): Promise<ManagementApi> {
  const uploads = new Map<string, Upload>();
  const activated: string[] = [];
  const unexpected: string[] = [];
  const base = `/v1/projects/${projectRef}`;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    void (async () => {
      if (req.method === 'POST' && url.pathname === `${base}/functions/deploy`) {
        const upload = await readUpload(req, url);
        uploads.set(upload.slug, upload);
        return answer(201, functionResponse(upload));
      }
      if (req.method === 'PUT' && url.pathname === `${base}/functions`) {
        const body = z.array(z.object({ slug: z.string() }).passthrough()).parse(JSON.parse((await readAll(req)).toString('utf8')));
        activated.push(...body.map((f) => f.slug));
        return answer(200, { functions: body });
      }
      if (req.method === 'GET' && url.pathname === base) return answer(404, { message: 'project lookup not simulated' });
      unexpected.push(`${req.method} ${url.pathname}`);
      return answer(404, { message: `not simulated: ${req.method} ${url.pathname}` });
    })().catch((err: unknown) => answer(400, { message: err instanceof Error ? err.message : String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('management API stand-in has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    uploads,
    activated,
    unexpected,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readUpload(req: IncomingMessage, url: URL): Promise<Upload> {
  const slug = url.searchParams.get('slug');
  if (!slug) throw new Error('deploy without a slug');
  // undici parses multipart bodies: the CLI's form is read exactly as a server would read it.
  const form = await new Request(url, {
    method: 'POST',
    headers: { 'content-type': req.headers['content-type'] ?? '' },
    body: new Uint8Array(await readAll(req)),
  }).formData();
  const metadataField = form.get('metadata');
  if (typeof metadataField !== 'string') throw new Error('deploy without metadata');
  const files = new Map<string, Buffer>();
  for (const part of form.getAll('file')) {
    if (typeof part === 'string') throw new Error('a file part without a file name');
    if (files.has(part.name)) throw new Error(`file uploaded twice: ${part.name}`);
    files.set(part.name, Buffer.from(await part.arrayBuffer()));
  }
  return { slug, metadata: DeployMetadata.parse(JSON.parse(metadataField)), files, bundleOnly: url.searchParams.get('bundleOnly') === 'true' };
}

function functionResponse(upload: Upload) {
  const now = Date.now();
  return {
    id: crypto.randomUUID(),
    slug: upload.slug,
    name: upload.metadata.name ?? upload.slug,
    version: 1,
    status: 'ACTIVE',
    entrypoint_path: upload.metadata.entrypoint_path,
    import_map_path: upload.metadata.import_map_path,
    import_map: Boolean(upload.metadata.import_map_path),
    verify_jwt: upload.metadata.verify_jwt,
    created_at: now,
    updated_at: now,
  };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
