import { describe, expect, it } from "vitest";
import { backendRouteObjects, GATEWAY_API_VERSION, referenceGrantName, uiRouteName, uiRouteObjects } from "../../charts/access/routes";
import { APPS_LISTENER, GATEWAY_NAME, GATEWAY_NAMESPACE, uiRoutes, type UiApp } from "../../domain/access";
import { MANAGED_BY_LABEL } from "../../domain/ownership";
import { ALL_UIS, body, oidcAccess, ofKind, team } from "./fixtures";

const access = oidcAccess();
const teams = [team("vision", ["mlflow", "kserve", "evidently"]), team("nlp", ["pipelines", "evidently"])];

describe("routes: one HTTPRoute per UI the stack serves", () => {
  it("serves every enabled UI and Grafana, each in the gateway's namespace on the apps listener, to its backend", () => {
    const routes = uiRoutes(access, ALL_UIS, teams);
    const objects = uiRouteObjects(routes, { "cost-center": "platform" });
    const httpRoutes = ofKind(objects, "HTTPRoute");
    expect(httpRoutes.length).toBeGreaterThan(0);
    expect(httpRoutes).toHaveLength(routes.length);
    for (const route of routes) {
      const found = httpRoutes.filter((r) => body(r).metadata.name === uiRouteName(route.name));
      expect(found, route.name).toHaveLength(1);
      const [object] = found;
      expect(object.apiVersion).toBe(GATEWAY_API_VERSION);
      const { metadata, spec } = body(object);
      expect(metadata.namespace).toBe(GATEWAY_NAMESPACE);
      expect(metadata.labels).toMatchObject({ "cost-center": "platform", [MANAGED_BY_LABEL]: expect.any(String) });
      expect(spec.parentRefs).toEqual([
        { group: "gateway.networking.k8s.io", kind: "Gateway", name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE, sectionName: APPS_LISTENER },
      ]);
      expect(spec.hostnames).toEqual([`${route.name}.mlops.example.com`]);
      expect(spec.rules).toEqual([
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: [{ group: "", kind: "Service", name: route.backend.service, namespace: route.backend.namespace, port: route.backend.port }],
        },
      ]);
    }
  });

  it("routes only the UIs enabled (Grafana always)", () => {
    const names = (enabled: UiApp[]) => ofKind(uiRouteObjects(uiRoutes(access, new Set(enabled), teams)), "HTTPRoute").map((r) => body(r).metadata.name);
    expect(names([])).toEqual(["ui-grafana"]);
    expect(names(["mlflow"])).toEqual(["ui-mlflow", "ui-grafana"]);
    expect(names(["mlflow", "pipelines", "evidently"])).toEqual(["ui-mlflow", "ui-pipelines-nlp", "ui-grafana", "ui-evidently-vision", "ui-evidently-nlp"]);
  });

  it("routes Pipelines once per team that opted in, at pipelines-<team>.<domain>, to the UI Service in that team's own namespace", () => {
    const routes = uiRoutes(access, ALL_UIS, [...teams, team("fraud", ["pipelines"]), team("ads", ["mlflow"])]).filter((r) => r.app === "pipelines");
    expect(routes.map((r) => [r.name, r.team, r.host, r.backend])).toEqual(
      ["nlp", "fraud"].map((t) => [`pipelines-${t}`, t, `pipelines-${t}.mlops.example.com`, { namespace: t, service: "ml-pipeline-ui", port: 80 }]),
    );
    expect(uiRoutes(access, ALL_UIS, teams).some((r) => r.name === "pipelines")).toBe(false);
  });

  it("routes Evidently once per team that opted in, at evidently-<team>.<domain>, to that team's own instance", () => {
    const routes = uiRoutes(access, ALL_UIS, [...teams, team("fraud", ["mlflow"])]).filter((r) => r.app === "evidently");
    expect(routes.map((r) => [r.name, r.team, r.host, r.backend])).toEqual(
      ["vision", "nlp"].map((t) => [
        `evidently-${t}`,
        t,
        `evidently-${t}.mlops.example.com`,
        { namespace: "evidently", service: `evidently-${t}`, port: 8000 },
      ]),
    );
  });
});

describe("routes: ReferenceGrants let exactly the gateway's routes reach exactly the UI Service", () => {
  it("grants, in each backend namespace, HTTPRoutes of the gateway namespace access to the one Service", () => {
    const routes = uiRoutes(access, ALL_UIS, teams);
    const grants = ofKind(uiRouteObjects(routes), "ReferenceGrant");
    expect(grants.length).toBeGreaterThan(0);
    expect(grants).toHaveLength(routes.length);
    for (const route of routes) {
      const grant = grants.find((g) => body(g).metadata.name === referenceGrantName(uiRouteName(route.name)));
      expect(grant, route.name).toBeDefined();
      const { metadata, spec } = body(grant ?? {});
      expect(grant?.apiVersion).toBe(GATEWAY_API_VERSION);
      expect(metadata.namespace).toBe(route.backend.namespace);
      expect(spec).toEqual({
        from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: GATEWAY_NAMESPACE }],
        to: [{ group: "", kind: "Service", name: route.backend.service }],
      });
    }
  });

  it("puts into a team's namespace only the grant of that team's own Pipelines route, naming only its UI Service", () => {
    const routes = uiRoutes(access, ALL_UIS, [...teams, team("fraud", ["pipelines"])]);
    const grants = ofKind(uiRouteObjects(routes), "ReferenceGrant").map(body);
    for (const name of ["nlp", "fraud"]) {
      const own = grants.filter((g) => g.metadata.namespace === name);
      expect(
        own.map((g) => g.metadata.name),
        name,
      ).toEqual([`gateway-ui-pipelines-${name}`]);
      expect(own[0].spec.to, name).toEqual([{ group: "", kind: "Service", name: "ml-pipeline-ui" }]);
      expect(own[0].metadata.labels, name).toMatchObject({ [MANAGED_BY_LABEL]: expect.any(String) });
    }
    // vision did not opt into pipelines: nothing of ours lets a route into its namespace.
    expect(grants.filter((g) => g.metadata.namespace === "vision")).toEqual([]);
  });
});

describe("routes: any backend route (the IdP's)", () => {
  it("takes a path prefix and extra labels", () => {
    const [route, grant] = backendRouteObjects({
      name: "identity-provider",
      host: "login.mlops.example.com",
      pathPrefix: "/dex",
      backend: { namespace: "dex", service: "dex", port: 5556 },
      labels: { "mlops.platform/identity-provider": "true" },
    });
    expect(body(route).metadata.labels).toMatchObject({ "mlops.platform/identity-provider": "true" });
    expect(body(route).spec.rules[0].matches).toEqual([{ path: { type: "PathPrefix", value: "/dex" } }]);
    expect(body(route).spec.rules[0].backendRefs).toEqual([{ group: "", kind: "Service", name: "dex", namespace: "dex", port: 5556 }]);
    expect(body(grant).metadata).toMatchObject({ name: "gateway-identity-provider", namespace: "dex" });
    expect(body(grant).metadata.labels).not.toHaveProperty("mlops.platform/identity-provider");
  });
});
