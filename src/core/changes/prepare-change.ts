/** Dispatches a change request to the file of its kind. */
import { prepareConnect } from "./connect.ts";
import { prepareDisconnect } from "./disconnect.ts";
import { preparePeer } from "./peer.ts";
import { prepareRenew } from "./renew.ts";
import { prepareRouteAdd } from "./route-add.ts";
import { prepareRouteRemove } from "./route-remove.ts";
import type { PreparedChange } from "./runner.ts";
import { prepareSync } from "./sync.ts";
import type { ChangeDeps, ChangeRequest } from "./types.ts";

/** Reads Azure, checks the request and builds its executable plan; writes nothing. */
export function prepareChange(deps: ChangeDeps, request: ChangeRequest): Promise<PreparedChange> {
  switch (request.kind) {
    case "connect":
      return prepareConnect(deps, request);
    case "disconnect":
      return prepareDisconnect(deps, request);
    case "sync":
      return prepareSync(deps, request);
    case "route-add":
      return prepareRouteAdd(deps, request);
    case "route-remove":
      return prepareRouteRemove(deps, request);
    case "renew":
      return prepareRenew(deps, request);
    case "peer":
      return preparePeer(deps, request);
  }
}
