import { randomUUID } from "node:crypto";

/** An upstream server waiting for the user to authorize codecall at `url`. */
export interface AuthorizationRequest {
  /** The elicitation id clients see, and later see completed. */
  readonly id: string;
  readonly server: string;
  readonly url: string;
}

/** What {@link AuthorizationRequests.subscribe} listeners hear. */
export type AuthorizationEvent =
  | { type: "requested"; request: AuthorizationRequest }
  | { type: "completed"; request: AuthorizationRequest };

/**
 * Upstream OAuth authorizations waiting for the user, for `codecall serve` to pass on to its clients by
 * URL elicitation (MCP 2025-11-25): give `request` to the connections' `onAuthorizationUrl`, call
 * `complete` when the server connects, and pass this object as `authorizations` to
 * `createCodecallServer` (or in `codeModePerSession`'s `server` options). Every client session that
 * supports URL elicitation is asked to open the page, including sessions that start while it waits,
 * and is told when the authorization is complete.
 */
export class AuthorizationRequests {
  #pending = new Map<string, AuthorizationRequest>();
  #listeners = new Set<(event: AuthorizationEvent) => void>();

  /** A server needs the user at `url`; a newer URL for the same server replaces the older one. */
  request(server: string, url: URL | string): void {
    const request = { id: randomUUID(), server, url: String(url) };
    this.#pending.set(server, request);
    this.#emit({ type: "requested", request });
  }

  /** The server is authorized (or no longer needs it): clients that were asked hear it is complete. */
  complete(server: string): void {
    const request = this.#pending.get(server);
    if (!request) return;
    this.#pending.delete(server);
    this.#emit({ type: "completed", request });
  }

  /** The authorizations still waiting, oldest first. */
  pending(): AuthorizationRequest[] {
    return [...this.#pending.values()];
  }

  /** Calls `listener` on every request and completion. Returns a function that removes it. */
  subscribe(listener: (event: AuthorizationEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: AuthorizationEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // One session's failure to be told is its own.
      }
    }
  }
}
