/** What every route file gets: the app, the route catalogue, the auth check and the service. */
import type { RouteDeps } from "../http/routes.js";
import type { LiveService } from "../service.js";

export interface ServiceRouteDeps extends RouteDeps {
  service: LiveService;
}
