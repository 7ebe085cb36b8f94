/**
 * The data server: a real MCP server (the MCP SDK's `Server`, over stdio in `data-main.ts`) over the seeded
 * data in `../data`: a 10,000-row sales sheet, a two-hour meeting transcript, a CRM with personal data, an
 * issue tracker listed a page at a time, a slow export job to poll, a stock tool that fails on every third
 * call, and shipping quotes. Every tool declares an output schema, so code mode's programs get typed results.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import {
  crm,
  issues,
  meeting,
  q4RowCount,
  SALES_COLUMNS,
  SHIPPING_CITIES,
  SHIPPING_SERVICES,
  salesRows,
  shippingQuote,
  stockOnHand,
} from "../data/index.js";

export interface DataServerOptions {
  /** How long the slow tool (`start_export`) takes. Default 1,500 ms. */
  slowMs?: number;
  /** How long each `export_status` call takes. Default 200 ms. */
  pollMs?: number;
  /** Every n-th `inventory_level` call fails with a transient error. Default 3. */
  failEvery?: number;
  /** `export_status` reports "running" this many times before "done". Default 3. */
  pollsUntilDone?: number;
}

const str = { type: "string" } as const;
const num = { type: "number" } as const;
const obj = (properties: Record<string, object>, required = Object.keys(properties)) => ({
  type: "object" as const,
  properties,
  required,
  additionalProperties: false,
});
const contactSchema = obj({
  id: str,
  name: str,
  email: str,
  phone: str,
  company: str,
  title: str,
  tags: { type: "array", items: str },
});
const companySchema = obj({
  name: str,
  tier: { type: "string", enum: ["Enterprise", "Growth", "Starter"] },
  accountOwner: str,
  renewalMonth: num,
});
const issueSchema = obj({
  id: str,
  title: str,
  status: { type: "string", enum: ["open", "in_progress", "closed"] },
  priority: { type: "string", enum: ["P1", "P2", "P3", "P4"] },
  labels: { type: "array", items: str },
  company: str,
  reporterId: { ...str, description: "The CRM contact id of the reporter." },
  assignee: str,
});

const TOOLS: Tool[] = [
  {
    name: "get_sales_sheet",
    description: `Reads the whole 2025 sales sheet (one row per order line) as cell values, header row first: ${SALES_COLUMNS.join(", ")}. All cells are strings.`,
    inputSchema: obj({}),
    outputSchema: obj({ sheet: str, values: { type: "array", items: { type: "array", items: str } } }),
  },
  {
    name: "get_meeting_transcript",
    description:
      "The transcript of the latest planning meeting: one line per utterance, `[hh:mm:ss] Speaker: text`.",
    inputSchema: obj({}),
    outputSchema: obj({ title: str, date: str, durationMinutes: num, text: str }),
  },
  {
    name: "crm_search_contacts",
    description:
      "Finds CRM contacts by company and/or tag (e.g. 'vip'). Returns every match with personal details.",
    inputSchema: obj({ company: str, tag: str }, []),
    outputSchema: obj({ contacts: { type: "array", items: contactSchema } }),
  },
  {
    name: "crm_get_contact",
    description: "One CRM contact by id (C0001...).",
    inputSchema: obj({ id: str }),
    outputSchema: contactSchema,
  },
  {
    name: "crm_get_company",
    description: "One CRM account by company name: its tier, account owner and renewal month (1-12).",
    inputSchema: obj({ name: str }),
    outputSchema: companySchema,
  },
  {
    name: "tracker_list_issues",
    description:
      "Lists issues of the tracker a page at a time, optionally by status. Pass the returned nextCursor to get the next page; it is null on the last page.",
    inputSchema: obj(
      {
        status: { type: "string", enum: ["open", "in_progress", "closed"] },
        cursor: str,
        pageSize: { type: "number", description: "1 to 50, default 25." },
      },
      [],
    ),
    outputSchema: obj({
      issues: { type: "array", items: issueSchema },
      nextCursor: { type: ["string", "null"] },
    }),
  },
  {
    name: "tracker_get_issue",
    description: "One issue by id (ISS-0001...).",
    inputSchema: obj({ id: str }),
    outputSchema: issueSchema,
  },
  {
    name: "inventory_level",
    description:
      "Units on hand for one SKU in the warehouse. The warehouse API is flaky: retry when it times out.",
    inputSchema: obj({ sku: str }),
    outputSchema: obj({ sku: str, onHand: num }),
  },
  {
    name: "start_export",
    description:
      "Starts exporting a sales report to CSV (slow). Returns a job id to poll with export_status.",
    inputSchema: obj({ report: { type: "string", enum: ["q4-sales"] } }),
    outputSchema: obj({ jobId: str }),
  },
  {
    name: "export_status",
    description:
      "The state of an export job: 'running' with a progress percentage, or 'done' with the row count and file.",
    inputSchema: obj({ jobId: str }),
    outputSchema: obj(
      {
        jobId: str,
        state: { type: "string", enum: ["running", "done"] },
        progress: num,
        rowCount: num,
        file: str,
      },
      ["jobId", "state", "progress"],
    ),
  },
  {
    name: "shipping_quote",
    description: `Prices a parcel shipment between two cities (${SHIPPING_CITIES.join(", ")}) for a service level.`,
    inputSchema: obj({
      weightKg: num,
      from: str,
      to: str,
      service: { type: "string", enum: Object.keys(SHIPPING_SERVICES) },
    }),
    outputSchema: obj({ price: num, currency: str }),
  },
];

class ToolError extends Error {}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the data server (not yet connected to a transport). Its counters live as long as the process. */
export function createDataServer(options: DataServerOptions = {}): Server {
  const { slowMs = 1500, pollMs = 200, failEvery = 3, pollsUntilDone = 3 } = options;
  let inventoryCalls = 0;
  const jobs = new Map<string, { polls: number }>();
  const server = new Server(
    { name: "codecall-scenario-data", version: "1.0.0" },
    { capabilities: { tools: {} } },
  );

  const handlers: Record<string, (args: Record<string, unknown>) => Promise<unknown> | unknown> = {
    get_sales_sheet: () => ({
      sheet: "sales-2025",
      values: [[...SALES_COLUMNS], ...salesRows().map((r) => r.map(String))],
    }),
    get_meeting_transcript: () => {
      const m = meeting();
      return { title: "Q1 planning", date: "2025-11-14", durationMinutes: 120, text: m.text };
    },
    crm_search_contacts: ({ company, tag }) => ({
      contacts: crm().contacts.filter(
        (c) =>
          (company === undefined || c.company === company) &&
          (tag === undefined || c.tags.includes(String(tag))),
      ),
    }),
    crm_get_contact: ({ id }) => crm().contacts.find((c) => c.id === id) ?? notFound("contact", id),
    crm_get_company: ({ name }) => crm().companies.find((c) => c.name === name) ?? notFound("company", name),
    tracker_list_issues: ({ status, cursor, pageSize }) => {
      const size = Math.min(50, Math.max(1, Number(pageSize ?? 25)));
      const start = cursor === undefined ? 0 : Number.parseInt(String(cursor).replace(/^page-/, ""), 10);
      if (!Number.isFinite(start)) throw new ToolError(`Invalid cursor ${JSON.stringify(cursor)}.`);
      const matching = issues().filter((i) => status === undefined || i.status === status);
      const page = matching.slice(start, start + size);
      return { issues: page, nextCursor: start + size < matching.length ? `page-${start + size}` : null };
    },
    tracker_get_issue: ({ id }) => issues().find((i) => i.id === id) ?? notFound("issue", id),
    inventory_level: ({ sku }) => {
      inventoryCalls++;
      if (inventoryCalls % failEvery === 0)
        throw new ToolError("Warehouse API timed out (503). This is transient: try again.");
      const onHand = stockOnHand()[String(sku)];
      return onHand === undefined ? notFound("SKU", sku) : { sku, onHand };
    },
    start_export: async ({ report }) => {
      if (report !== "q4-sales")
        throw new ToolError(`Unknown report ${JSON.stringify(report)}: use "q4-sales".`);
      await sleep(slowMs);
      const jobId = `job-${jobs.size + 1}`;
      jobs.set(jobId, { polls: 0 });
      return { jobId };
    },
    export_status: async ({ jobId }) => {
      const job = jobs.get(String(jobId));
      if (!job) return notFound("job", jobId);
      await sleep(pollMs);
      job.polls++;
      if (job.polls <= pollsUntilDone)
        return { jobId, state: "running", progress: Math.round((100 * job.polls) / (pollsUntilDone + 1)) };
      return {
        jobId,
        state: "done",
        progress: 100,
        rowCount: q4RowCount(),
        file: `exports/${jobId}-q4-sales.csv`,
      };
    },
    shipping_quote: ({ weightKg, from, to, service }) => {
      const price = shippingQuote(
        Number(weightKg),
        String(from),
        String(to),
        service as keyof typeof SHIPPING_SERVICES,
      );
      if (price === undefined || !(String(service) in SHIPPING_SERVICES))
        throw new ToolError(
          `No rate from ${from} to ${to} by ${service}. Cities: ${SHIPPING_CITIES.join(", ")}.`,
        );
      return { price, currency: "EUR" };
    },
  };

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS }));
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const handler = handlers[request.params.name];
    if (!handler)
      return { isError: true, content: [{ type: "text", text: `Unknown tool ${request.params.name}.` }] };
    try {
      const value = (await handler(request.params.arguments ?? {})) as Record<string, unknown>;
      return { content: [{ type: "text", text: JSON.stringify(value) }], structuredContent: value };
    } catch (error) {
      if (!(error instanceof ToolError)) throw error;
      return { isError: true, content: [{ type: "text", text: error.message }] };
    }
  });
  return server;
}

function notFound(what: string, id: unknown): never {
  throw new ToolError(`No ${what} ${JSON.stringify(id)}.`);
}
