// The live view: it reads the emulated cloud through this server's own API, as any client does,
// once a second, and draws the tree `sigctl tree` draws and a map of one version's regions.
// Every request is a GET to this page's own origin (paths relative to the page, so the view also
// works under a path prefix). Nothing here writes, and nothing is fetched from elsewhere.
"use strict";
(() => {
  const API_RESOURCES = "2022-12-01"; // ARM's subscriptions list
  const API_INVENTORY = "2026-01-01"; // sigctl's inventory read (docs/serve.md)
  const POLL_MS = 1000;
  const RETRY_MAX_MS = 5000;
  const TIMEOUT_MS = 5000;
  // A bearer token this cloud did not issue: it reads as the default subscription's owner,
  // the account sigctl's own commands act as by default. #token=... reads as its principal.
  const PLACEHOLDER_TOKEN = "sigctl-web-view";
  const SVG_NS = "http://www.w3.org/2000/svg"; // a namespace name, never fetched
  const WORLD = { x: -180, y: -80, w: 360, h: 150 }; // latitudes 80 to -70, in (lon, -lat) units
  const ASPECT = WORLD.w / WORLD.h;
  const LABEL_SIZE = 2.8; // a region's label, in hundredths of the map's width

  const PALETTE = window.SIGCTL_PALETTE;
  const LAND = window.SIGCTL_WORLD;
  const base = new URL(".", location.href);
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get("token");
  const view = {
    chosen: fragment.get("version"), // a version the user picked (its id), else followed
    drawn: "", // the data last drawn, to redraw only on change
    lastGood: null,
    retryMs: POLL_MS,
    reader: null,
  };

  const $ = (id) => document.getElementById(id);

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null) node.setAttribute(name, String(value));
    }
    for (const child of children) {
      if (child !== undefined && child !== null && child !== false) node.append(child);
    }
    return node; // text always goes in as text: names and messages are never parsed as HTML
  }

  function svg(tag, attributes, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      node.setAttribute(name, String(value));
    }
    node.append(...children);
    return node;
  }

  // -- reading -------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, error) {
      super(error && error.message ? `${error.code}: ${error.message}` : `HTTP ${status}`);
      this.status = status;
    }
  }

  async function get(path) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const response = await fetch(new URL(path, base), {
        headers: {
          Authorization: `Bearer ${token || PLACEHOLDER_TOKEN}`,
          Accept: "application/json",
        },
        cache: "no-store",
        credentials: "omit",
        redirect: "error",
        signal: controller.signal,
      });
      const body = await response.json().catch(() => null);
      if (!response.ok) throw new ApiError(response.status, body && body.error);
      return body;
    } finally {
      clearTimeout(timer);
    }
  }

  async function read() {
    const subscriptions = await get(`subscriptions?api-version=${API_RESOURCES}`);
    const trees = await Promise.all(
      subscriptions.value.map((s) =>
        get(
          `subscriptions/${encodeURIComponent(s.subscriptionId)}` +
            `/providers/Sigctl.Emulator/inventory?api-version=${API_INVENTORY}`,
        ),
      ),
    );
    const clock = await get("sigctl/clock").catch(() => null);
    return { roots: trees.flatMap((t) => t.value), clock };
  }

  async function poll() {
    try {
      const data = await read();
      view.lastGood = new Date();
      view.retryMs = POLL_MS;
      draw(data);
      status("live", `● Live · updated ${time(view.lastGood)}`);
      if (view.reader === null) readerName();
    } catch (error) {
      view.retryMs = Math.min(view.retryMs * 2, RETRY_MAX_MS);
      failed(error);
    }
    setTimeout(poll, view.retryMs);
  }

  function failed(error) {
    const since = view.lastGood ? ` · showing data from ${time(view.lastGood)}` : "";
    const retry = ` · retrying in ${Math.round(view.retryMs / 1000)} s`;
    if (error instanceof ApiError && error.status === 401) {
      const why = token
        ? `The server refused the token (${error.message}): open this page with a new one, `
        : "This server accepts only the tokens it issued: open this page as ";
      status("unauthorized", `${why}/#token=ACCESS_TOKEN (see docs/serve.md)${retry}`);
    } else if (error instanceof ApiError) {
      status("error", `The server answered ${error.message}${since}${retry}`);
    } else {
      status("offline", `○ Server unreachable${since}${retry}`);
    }
  }

  async function readerName() {
    view.reader = "";
    try {
      const me = await get("v1.0/me");
      view.reader = me.userPrincipalName || me.appDisplayName || me.displayName || me.id;
    } catch (error) {
      view.reader = null; // asked again after the next good read
      return;
    }
    $("reader").textContent = `Reading as ${view.reader}${token ? "" : " (the default account)"}`;
  }

  function status(kind, text) {
    const node = $("status");
    node.dataset.status = kind;
    node.textContent = text;
    document.body.classList.toggle("stale", kind !== "live");
  }

  function time(date) {
    return date.toLocaleTimeString([], { hour12: false });
  }

  // -- the tree ------------------------------------------------------------------------------

  const KIND_WORDS = {
    subscription: "subscription",
    resourceGroup: "resource group",
    gallery: "gallery",
    imageDefinition: "image definition",
    imageVersion: "version",
  };

  function lookOf(state) {
    const name = PALETTE.states[(state || "").toLowerCase()] || "unknown";
    return { name, ...PALETTE.looks[name] };
  }

  function badge(state) {
    const look = lookOf(state);
    return el(
      "span",
      { class: `state look-${look.name}` },
      el("span", { class: "symbol", "aria-hidden": "true" }, look.symbol),
      ` ${state || "Unknown"}`,
    );
  }

  function bar(state, progress) {
    const fill = el("span", { class: "fill" });
    fill.style.width = `${Math.min(Math.max(progress, 0), 100)}%`;
    return el(
      "span",
      { class: "progress" },
      el(
        "span",
        {
          class: `bar look-${lookOf(state).name}`,
          role: "progressbar",
          "aria-valuemin": 0,
          "aria-valuemax": 100,
          "aria-valuenow": progress,
        },
        fill,
      ),
      el("span", { class: "percent" }, `${progress}%`),
    );
  }

  function fact(text, kind) {
    return el("span", { class: `fact${kind ? ` ${kind}` : ""}` }, text);
  }

  function facts(node) {
    const kind = node.kind;
    const out = [];
    if (kind === "subscription") out.push(fact(node.subscriptionId, "dim"));
    else if (kind !== "imageVersion" && kind !== "targetRegion" && node.location) {
      out.push(fact(node.location, "dim"));
    }
    if (kind === "imageDefinition") {
      const id = node.identifier || {};
      out.push(fact(`${node.osType} ${[id.publisher, id.offer, id.sku].join("/")}`, "dim"));
    }
    out.push(badge(node.state));
    if ("progress" in node) out.push(bar(node.state, node.progress));
    if (node.replicas) out.push(fact(`replicas ${node.replicas.ready}/${node.replicas.total}`));
    if (node.storageAccountType) out.push(fact(node.storageAccountType, "dim"));
    if (kind === "imageDefinition") {
      out.push(fact(node.latestVersion ? `latest ${node.latestVersion}` : "no latest", "strong"));
    }
    if (node.isLatest) out.push(fact("★ latest", "strong latest"));
    if (node.excludeFromLatest) out.push(fact("excluded from latest", "dim"));
    if (node.endOfLifeDate) {
      const passed = node.endOfLifePassed;
      out.push(
        fact(
          `end of life ${passed ? "passed " : ""}${node.endOfLifeDate.slice(0, 10)}`,
          passed ? "passed" : "",
        ),
      );
    }
    return out;
  }

  function item(node, selected) {
    const region = node.kind === "targetRegion";
    const name = region ? node.displayName || node.name : node.name;
    const li = el("li", {
      class: `node kind-${node.kind}`,
      "data-kind": node.kind,
      "data-name": node.name,
      "data-id": node.id,
      "data-state": node.state,
      "data-progress": node.progress,
    });
    const title =
      node.kind === "imageVersion" && "state" in node
        ? el(
            "button",
            {
              type: "button",
              class: "name pick",
              title: "Show this version on the map",
              "aria-pressed": String(selected !== null && node.id === selected.id),
            },
            name,
          )
        : el("span", { class: "name" }, name);
    if (title.tagName === "BUTTON") title.addEventListener("click", () => choose(node.id));
    const row = el("div", { class: "row" }, title);
    if (!region) row.append(fact(KIND_WORDS[node.kind] || node.kind, "kind"));
    if ("state" in node) row.append(...facts(node)); // else only the path to what is readable
    li.append(row);
    if (node.details) li.append(el("p", { class: `details look-${lookOf(node.state).name}` }, node.details));
    const children = node.children || [];
    if (children.length) li.append(el("ul", {}, ...children.map((c) => item(c, selected))));
    return li;
  }

  function versions(roots) {
    const found = [];
    const walk = (node) => {
      if (node.kind === "imageVersion" && "state" in node) found.push(node);
      (node.children || []).forEach(walk);
    };
    roots.forEach(walk);
    return found;
  }

  // The version on the map: the one picked, else one still replicating, else the last listed.
  function selectedVersion(roots) {
    const all = versions(roots);
    const picked = all.find((v) => v.id === view.chosen);
    if (picked) return picked;
    const moving = all.find((v) =>
      (v.children || []).some((r) => ["working", "queued"].includes(lookOf(r.state).name)),
    );
    return moving || all[all.length - 1] || null;
  }

  function choose(id) {
    view.chosen = id;
    const params = new URLSearchParams(location.hash.slice(1));
    params.set("version", id);
    history.replaceState(null, "", `#${params}`);
    view.drawn = "";
    draw(view.data);
  }

  function draw(data) {
    view.data = data;
    drawClock(data.clock);
    const text = JSON.stringify([data.roots, view.chosen]);
    if (text === view.drawn) return;
    view.drawn = text;
    const selected = selectedVersion(data.roots);
    const focused = document.activeElement && document.activeElement.closest("[data-id]");
    const list = el("ul", { class: "root" }, ...data.roots.map((r) => item(r, selected)));
    const tree = $("tree");
    tree.replaceChildren(
      data.roots.length ? list : el("p", { class: "empty" }, "Nothing to show: the reader holds no role in any subscription."),
    );
    if (focused) {
      const again = tree.querySelector(`[data-id="${CSS.escape(focused.dataset.id)}"] .pick`);
      if (again) again.focus();
    }
    drawMap(selected);
    drawRegions(selected);
  }

  function drawClock(clock) {
    if (!clock) return;
    const when = `${clock.now.slice(0, 19).replace("T", " ")} UTC`;
    const mode =
      clock.mode === "frozen"
        ? "frozen"
        : clock.replicationSpeed
          ? `${clock.mode}, replication ×${clock.replicationSpeed}`
          : clock.mode;
    $("clock").textContent = `Emulated clock ${when} · ${mode}`;
    $("clock").dataset.mode = clock.mode;
  }

  // -- the map -------------------------------------------------------------------------------

  function located(version) {
    return (version ? version.children || [] : []).filter(
      (r) => typeof r.latitude === "number" && typeof r.longitude === "number",
    );
  }

  // A box around the regions, wide enough for their labels, with the page's aspect ratio.
  function frame(sites) {
    if (!sites.length) return WORLD;
    const lons = sites.map((s) => s.longitude);
    const lats = sites.map((s) => -s.latitude);
    const chars = Math.max(...sites.map((s) => Math.max(label(s).length, s.state.length + 7)));
    const left = Math.min(...lons) - 10;
    const top = Math.min(...lats) - 10;
    const bottom = Math.max(...lats) + 10;
    const spread = Math.max(Math.max(...lons) - left, 40);
    // Labels sit right of their region and scale with the box: a share of its final width.
    const share = (LABEL_SIZE / 100) * 0.62 * chars + 0.05;
    let w = spread / (1 - share);
    w = Math.max(w, (bottom - top) * ASPECT);
    if (w >= WORLD.w) return WORLD;
    const h = w / ASPECT;
    const x = Math.min(Math.max(left, WORLD.x), WORLD.x + WORLD.w - w);
    const y = Math.min(Math.max((top + bottom) / 2 - h / 2, WORLD.y), WORLD.y + WORLD.h - h);
    return { x, y, w, h };
  }

  function label(site) {
    return site.displayName || site.name;
  }

  function outline(points) {
    return `M${points.map(([lon, lat]) => `${lon},${-lat}`).join("L")}Z`;
  }

  function drawMap(version) {
    const map = $("map");
    const sites = located(version);
    const box = frame(sites);
    const unit = box.w / 100; // sizes follow the zoom, so the map reads the same at any scale
    map.setAttribute("viewBox", `${box.x} ${box.y} ${box.w} ${box.h}`);
    const layers = [svg("rect", { class: "sea", x: -180, y: -90, width: 360, height: 180 })];
    for (let lon = -180; lon <= 180; lon += 30) {
      layers.push(svg("path", { class: "graticule", d: `M${lon},-90V90` }));
    }
    for (let lat = -60; lat <= 90; lat += 30) {
      layers.push(svg("path", { class: "graticule", d: `M-180,${-lat}H180` }));
    }
    layers.push(svg("path", { class: "land", d: LAND.land.map(outline).join("") }));
    layers.push(svg("path", { class: "lake", d: LAND.lakes.map(outline).join("") }));
    for (const part of layers) part.style.strokeWidth = `${unit * 0.15}`;
    map.replaceChildren(...layers);
    if (!version) {
      $("map-caption").textContent = "No image version to show yet.";
      return;
    }
    const regions = version.children || [];
    const home = sites.find((s) => s.name === version.location);
    const missing = regions.length - sites.length;
    $("map-caption").textContent =
      `${version.id.split("/galleries/")[1].replace("/images/", " / ").replace("/versions/", " / ")}` +
      ` from ${home ? home.displayName || home.name : version.location} to ${regions.length}` +
      ` region${regions.length === 1 ? "" : "s"}` +
      (missing ? ` (${missing} without coordinates, not on the map)` : "");
    for (const site of sites) {
      if (!home || site === home) continue;
      const [x1, y1, x2, y2] = [home.longitude, -home.latitude, site.longitude, -site.latitude];
      const lift = Math.hypot(x2 - x1, y2 - y1) * 0.2;
      const path = svg("path", {
        class: `route look-${lookOf(site.state).name}`,
        d: `M${x1},${y1}Q${(x1 + x2) / 2},${(y1 + y2) / 2 - lift} ${x2},${y2}`,
      });
      path.style.strokeWidth = `${unit * 0.35}`;
      path.style.strokeDasharray = lookOf(site.state).name === "working" ? `${unit} ${unit}` : "";
      map.append(path);
    }
    // Markers first, then labels around them: a label goes where it covers no marker and no
    // other label, else a short one (symbol and percentage), else none (the table has it all).
    const r = unit * 2;
    const taken = sites.map((s) => ({
      left: s.longitude - r * 1.3,
      top: -s.latitude - r * 1.3,
      width: r * 2.6,
      height: r * 2.6,
    }));
    const groups = sites.map((site) => marker(site, r));
    const size = unit * LABEL_SIZE;
    const rank = (site) => ["failed", "working", "queued"].indexOf(lookOf(site.state).name) >>> 0;
    const order = sites.map((_, i) => i).sort((a, b) => rank(sites[a]) - rank(sites[b]));
    order.forEach((i) => {
      const site = sites[i];
      const look = lookOf(site.state);
      const lines = [
        [label(site), `${look.symbol} ${site.state} ${site.progress}%`],
        [`${look.symbol} ${site.progress}%`],
      ];
      for (const text of lines) {
        const spot = place(site, r, text, size, box, taken);
        if (spot) {
          groups[i].append(caption(text, spot, size));
          break;
        }
      }
    });
    map.append(...groups);
  }

  function marker(site, r) {
    const look = lookOf(site.state);
    const [x, y] = [site.longitude, -site.latitude];
    const group = svg(
      "g",
      {
        class: `site look-${look.name}`,
        "data-region": site.name,
        "data-state": site.state,
        "data-progress": site.progress,
      },
      svg("title", {}, `${label(site)}: ${site.state}, ${site.progress}%`),
    );
    const ring = svg("circle", { class: "ring", cx: x, cy: y, r });
    const arc = svg("circle", {
      class: "arc",
      cx: x,
      cy: y,
      r,
      pathLength: 100,
      transform: `rotate(-90 ${x} ${y})`,
    });
    const done = Math.min(Math.max(site.progress, 0), 100);
    arc.style.strokeDasharray = `${done} ${100 - done}`;
    for (const circle of [ring, arc]) circle.style.strokeWidth = `${r * 0.45}`;
    const symbol = svg("text", { class: "symbol", x, y, dy: "0.35em" }, look.symbol);
    symbol.style.fontSize = `${r * 1.2}`;
    group.append(ring, arc, symbol);
    return group;
  }

  // Right of the region, else left of it, moved up or down a little if need be; inside the map.
  function place(site, r, lines, size, box, taken) {
    const [x, y] = [site.longitude, -site.latitude];
    const width = size * 0.62 * Math.max(...lines.map((l) => l.length));
    const height = size * 1.2 * lines.length;
    for (const shift of [0, -0.5, 0.5, -1, 1]) {
      const top = y - height / 2 + shift * height;
      for (const end of [false, true]) {
        const left = end ? x - r * 1.5 - width : x + r * 1.5;
        const spot = { left, top, width, height, end };
        const inside =
          left >= box.x && top >= box.y && left + width <= box.x + box.w && top + height <= box.y + box.h;
        if (inside && !overlaps(taken, spot)) {
          taken.push(spot);
          return spot;
        }
      }
    }
    return null;
  }

  function caption(lines, spot, size) {
    const x = spot.end ? spot.left + spot.width : spot.left;
    const text = svg("text", {
      class: "label",
      x,
      y: spot.top + size * 0.95,
      "text-anchor": spot.end ? "end" : "start",
    });
    lines.forEach((line, i) => {
      const kind = lines.length === 1 || i === 1 ? "how" : "where";
      text.append(svg("tspan", { class: kind, x, dy: i ? "1.2em" : 0 }, line));
    });
    text.style.fontSize = `${size}`;
    text.style.strokeWidth = `${size * 0.25}`;
    return text;
  }

  function overlaps(taken, a) {
    return taken.some(
      (b) => a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height,
    );
  }

  function drawRegions(version) {
    const rows = (version ? version.children || [] : []).map((r) =>
      el(
        "tr",
        { "data-region": r.name, "data-state": r.state, "data-progress": r.progress },
        el("th", { scope: "row" }, r.displayName || r.name),
        el("td", {}, badge(r.state)),
        el("td", {}, bar(r.state, r.progress)),
        el("td", {}, `${r.replicas.ready}/${r.replicas.total}`),
      ),
    );
    $("regions").tBodies[0].replaceChildren(...rows);
  }

  function legend() {
    const words = {
      done: "done",
      working: "in progress",
      queued: "queued",
      failed: "failed",
      deleting: "deleting",
      stopped: "canceled",
      unknown: "unknown",
    };
    $("legend").replaceChildren(
      ...Object.entries(PALETTE.looks).map(([name, look]) =>
        el("li", { class: `state look-${name}` }, el("span", { class: "symbol", "aria-hidden": "true" }, look.symbol), ` ${words[name] || name}`),
      ),
    );
  }

  // A token (or a version) typed into the address: start again with it.
  window.addEventListener("hashchange", () => location.reload());
  legend();
  drawMap(null);
  poll();
})();
