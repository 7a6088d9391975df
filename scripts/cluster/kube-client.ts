/**
 * A small Kubernetes API client for the real-server tests: client-certificate auth, impersonation of a user and
 * groups (as `kubectl --as/--as-group` does), discovery-based paths, server-side apply. Responses come back with
 * their status and body instead of throwing, because the tests assert on refusals.
 */
import { Agent, request as httpsRequest } from "node:https";

export interface KubeConnection {
  readonly server: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export interface Identity {
  readonly user: string;
  readonly groups: readonly string[];
}

export interface KubeResponse {
  readonly status: number;
  // The API's JSON: a Status, an object or a list.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
  readonly warnings: string[];
}

export interface KubeObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

interface ApiResource {
  readonly name: string;
  readonly namespaced: boolean;
  readonly kind: string;
}

/** Discovery per server, shared by every client of that server. */
const discovery = new Map<string, Map<string, Promise<ApiResource[] | undefined>>>();

export class KubeClient {
  private readonly agent: Agent;

  constructor(
    readonly connection: KubeConnection,
    readonly identity?: Identity,
    agent?: Agent,
  ) {
    this.agent = agent ?? new Agent({ ca: connection.ca, cert: connection.cert, key: connection.key, keepAlive: true });
  }

  /** The same connection, impersonating a user in the given groups. */
  as(user: string, groups: readonly string[] = []): KubeClient {
    return new KubeClient(this.connection, { user, groups }, this.agent);
  }

  request(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<KubeResponse> {
    const headers: Record<string, string | string[]> = { Accept: "application/json" };
    if (this.identity) {
      headers["Impersonate-User"] = this.identity.user;
      if (this.identity.groups.length > 0) headers["Impersonate-Group"] = [...this.identity.groups];
    }
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    if (payload !== undefined) headers["Content-Type"] = contentType;
    return new Promise((resolve, reject) => {
      const req = httpsRequest(new URL(path, this.connection.server), { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = text === "" ? undefined : JSON.parse(text);
          } catch {
            // Health endpoints answer in plain text.
          }
          const warning = res.headers.warning;
          resolve({ status: res.statusCode ?? 0, body: parsed, warnings: warning === undefined ? [] : [warning].flat() });
        });
      });
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  private async resources(apiVersion: string): Promise<ApiResource[] | undefined> {
    let perServer = discovery.get(this.connection.server);
    if (!perServer) discovery.set(this.connection.server, (perServer = new Map()));
    let found = perServer.get(apiVersion);
    if (!found) {
      // Discovery as the admin: a team member may not be allowed to list what exists.
      const admin = new KubeClient(this.connection, undefined, this.agent);
      found = admin
        .request("GET", apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`)
        .then((r) => (r.status === 200 ? (r.body.resources as ApiResource[]) : undefined));
      perServer.set(apiVersion, found);
    }
    return found;
  }

  /** Whether the server serves this kind (false for a custom resource whose CRD is not installed). */
  async serves(object: KubeObjectRef): Promise<boolean> {
    return (await this.resource(object)) !== undefined;
  }

  private async resource(object: KubeObjectRef): Promise<ApiResource | undefined> {
    return (await this.resources(object.apiVersion))?.find((r) => r.kind === object.kind && !r.name.includes("/"));
  }

  /** The collection path of an object's kind in its namespace, and the object's own path. */
  async paths(object: KubeObjectRef): Promise<{ collection: string; item: string }> {
    const resource = await this.resource(object);
    if (!resource) throw new Error(`the server does not serve ${object.apiVersion} ${object.kind}`);
    const base = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
    const namespace = object.metadata?.namespace;
    const collection = resource.namespaced ? `${base}/namespaces/${namespace ?? "default"}/${resource.name}` : `${base}/${resource.name}`;
    return { collection, item: `${collection}/${object.metadata?.name ?? ""}` };
  }

  /** Server-side apply, as `kubectl apply --server-side --force-conflicts` does. */
  async apply(object: KubeObjectRef, fieldManager = "mlops-platform-test"): Promise<KubeResponse> {
    const { item } = await this.paths(object);
    return this.request("PATCH", `${item}?fieldManager=${fieldManager}&force=true`, object, "application/apply-patch+yaml");
  }

  /** Creates the object; with dryRun the server admits it in full (quota, Pod Security, policies) and stores nothing. */
  async create(object: KubeObjectRef, opts: { dryRun?: boolean } = {}): Promise<KubeResponse> {
    return this.request("POST", `${(await this.paths(object)).collection}${opts.dryRun ? "?dryRun=All" : ""}`, object);
  }

  async get(object: KubeObjectRef): Promise<KubeResponse> {
    return this.request("GET", (await this.paths(object)).item);
  }

  async replace(object: KubeObjectRef): Promise<KubeResponse> {
    return this.request("PUT", (await this.paths(object)).item, object);
  }

  async mergePatch(object: KubeObjectRef, patch: unknown): Promise<KubeResponse> {
    return this.request("PATCH", (await this.paths(object)).item, patch, "application/merge-patch+json");
  }

  async remove(object: KubeObjectRef): Promise<KubeResponse> {
    return this.request("DELETE", (await this.paths(object)).item);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The message of a refusal (the API's Status message), or "" for a success. */
export function refusal(response: KubeResponse): string {
  if (response.status < 400) return "";
  return typeof response.body === "object" && response.body !== null ? String(response.body.message ?? "") : String(response.body ?? "");
}
