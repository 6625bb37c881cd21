import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the pipeline made, as the server understood it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly form: URLSearchParams;
}

interface Note {
  readonly id: number;
  body: string;
  readonly author: { readonly id: number };
}

export interface Issue {
  readonly iid: number;
  title: string;
  description: string;
  labels: string[];
  state: 'opened' | 'closed';
  readonly notes: string[];
}

/** A merged merge request, its latest pipeline and that pipeline's plan job, whose artifact is a file. */
export interface MergedRequest {
  readonly iid: number;
  readonly mergeCommitSha: string;
  readonly pipeline: { readonly id: number; readonly status: string };
  readonly planJob: { readonly id: number; readonly artifact: string };
}

/**
 * The part of GitLab's REST API (v4) the example pipeline calls, on
 * 127.0.0.1, with the same paging headers, form-encoded bodies and token
 * check, keeping merge-request notes and issues in memory and recording every
 * request. Paths and fields are those of docs.gitlab.com/api (notes, issues,
 * commits, merge requests, pipelines, job artifacts).
 */
export class LocalGitlabApi {
  readonly requests: RecordedRequest[] = [];
  readonly notes = new Map<number, Note[]>();
  readonly issues: Issue[] = [];
  readonly merged: MergedRequest[] = [];
  /** Each open merge request's head commit (its source branch's), by iid. */
  readonly heads = new Map<number, string>();
  private server?: http.Server;
  private nextId = 1000;

  constructor(
    private readonly token: string,
    private readonly projectId: string,
    /** The user the token belongs to (a project access token's bot user). */
    readonly botUserId = 42,
  ) {}

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/api/v4`;
  }

  /** Notes by somebody else, so that the bot's own note is not the only one (and not on the first page). */
  addForeignNotes(mergeRequest: number, count: number): void {
    const list = this.notesOf(mergeRequest);
    for (let i = 0; i < count; i++) list.push({ id: this.nextId++, body: `<!-- tenantctl-plan -->\nquoted by a reviewer ${i}`, author: { id: 7 } });
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => this.handle(req, res, body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** The requests that changed something (POST, PUT), as "METHOD path". */
  writes(): string[] {
    return this.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
  }

  private notesOf(mergeRequest: number): Note[] {
    if (!this.notes.has(mergeRequest)) this.notes.set(mergeRequest, []);
    return this.notes.get(mergeRequest)!;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const form = new URLSearchParams(req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? body : '');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, query: url.searchParams, form });
    const send = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
    };
    if (req.headers['private-token'] !== this.token) return send(401, { message: '401 Unauthorized' });
    const prefix = `/api/v4/projects/${this.projectId}`;
    const route = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname.replace(/^\/api\/v4/, '');
    let m: RegExpMatchArray | null;

    if (method === 'GET' && route === '/user') return send(200, { id: this.botUserId, username: `project_${this.projectId}_bot` });

    if (method === 'GET' && (m = route.match(/^\/merge_requests\/(\d+)$/))) {
      const sha = this.heads.get(Number(m[1]));
      return sha === undefined ? send(404, { message: '404 Not found' }) : send(200, { iid: Number(m[1]), state: 'opened', sha });
    }
    if ((m = route.match(/^\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/))) {
      const list = this.notesOf(Number(m[1]));
      if (method === 'GET' && !m[2]) {
        const perPage = Number(url.searchParams.get('per_page') ?? 20);
        const page = Number(url.searchParams.get('page') ?? 1);
        const sorted = url.searchParams.get('sort') === 'asc' ? list : [...list].reverse();
        const next = page * perPage < sorted.length ? String(page + 1) : '';
        return send(200, sorted.slice((page - 1) * perPage, page * perPage), { 'x-page': String(page), 'x-next-page': next, 'x-per-page': String(perPage) });
      }
      if (method === 'POST' && !m[2]) {
        const note = { id: this.nextId++, body: form.get('body') ?? '', author: { id: this.botUserId } };
        list.push(note);
        return send(201, note);
      }
      const note = list.find((n) => n.id === Number(m![2]));
      if (method === 'PUT' && note) {
        // GitLab lets only a note's author change its body.
        if (note.author.id !== this.botUserId) return send(403, { message: '403 Forbidden' });
        note.body = form.get('body') ?? note.body;
        return send(200, note);
      }
    }

    if (method === 'GET' && (m = route.match(/^\/repository\/commits\/([0-9a-f]{40})\/merge_requests$/))) {
      return send(200, this.merged.filter((r) => r.mergeCommitSha === m![1]).map((r) => ({ iid: r.iid, state: 'merged', merge_commit_sha: r.mergeCommitSha })));
    }
    if (method === 'GET' && (m = route.match(/^\/merge_requests\/(\d+)\/pipelines$/))) {
      return send(200, this.merged.filter((r) => r.iid === Number(m![1])).map((r) => ({ id: r.pipeline.id, status: r.pipeline.status })));
    }
    if (method === 'GET' && (m = route.match(/^\/pipelines\/(\d+)\/jobs$/))) {
      const scope = url.searchParams.getAll('scope[]');
      const jobs = this.merged.filter((r) => r.pipeline.id === Number(m![1])).map((r) => ({ id: r.planJob.id, name: 'plan', status: 'success' }));
      return send(200, jobs.filter((j) => scope.length === 0 || scope.includes(j.status)));
    }
    if (method === 'GET' && (m = route.match(/^\/jobs\/(\d+)\/artifacts\/plan\.json$/))) {
      const job = this.merged.find((r) => r.planJob.id === Number(m![1]));
      if (!job) return send(404, { message: '404 Not found' });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(fs.readFileSync(job.planJob.artifact));
    }

    if (route === '/issues' && method === 'GET') {
      const labels = url.searchParams.get('labels')?.split(',') ?? [];
      const state = url.searchParams.get('state');
      const found = this.issues.filter((i) => labels.every((l) => i.labels.includes(l)) && (!state || state === 'all' || i.state === state));
      return send(200, found.slice(0, Number(url.searchParams.get('per_page') ?? 20)));
    }
    if (route === '/issues' && method === 'POST') {
      const issue: Issue = {
        iid: this.issues.length + 1,
        title: form.get('title') ?? '',
        description: form.get('description') ?? '',
        labels: (form.get('labels') ?? '').split(',').filter(Boolean),
        state: 'opened',
        notes: [],
      };
      this.issues.push(issue);
      return send(201, issue);
    }
    if ((m = route.match(/^\/issues\/(\d+)(\/notes)?$/))) {
      const issue = this.issues.find((i) => i.iid === Number(m![1]));
      if (issue && method === 'PUT' && !m[2]) {
        if (form.has('description')) issue.description = form.get('description')!;
        if (form.get('state_event') === 'close') issue.state = 'closed';
        return send(200, issue);
      }
      if (issue && method === 'POST' && m[2]) {
        issue.notes.push(form.get('body') ?? '');
        return send(201, { id: this.nextId++ });
      }
    }
    return send(404, { message: '404 Not found' });
  }
}
