// The field app: log in, my tasks with their steps, report with a photo and the phone's
// position. Writes go through an outbox (IndexedDB): sent at once when the network is there,
// kept and sent when it comes back, each exactly once (its X-Request-Id is made when it is
// queued; the server refuses a second one as a replay).
"use strict";

const API = "/api/v1";
const MAX_PHOTO_SIDE = 1600; // downscaled on the phone before it is sent
const $ = (id) => document.getElementById(id);
let config = null;
let session = JSON.parse(localStorage.getItem("cc.field.session") || "null");
let position = null;
let shownCase = null;

// --- the outbox -------------------------------------------------------------------------------

function openOutbox() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open("cc-field", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("outbox", { keyPath: "id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function outbox(mode, use) {
  const db = await openOutbox();
  return new Promise((resolve, reject) => {
    const tx = db.transaction("outbox", mode);
    const result = use(tx.objectStore("outbox"));
    tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
  });
}

const queued = () => outbox("readonly", (store) => store.getAll());

async function showOutbox() {
  const items = (await queued()) || [];
  $("outbox").hidden = items.length === 0;
  $("outbox").textContent = `待发送 ${items.length}`;
}

function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

class Offline extends Error {}

async function post(path, body, requestId) {
  const headers = { "Content-Type": "application/json" };
  if (session) headers.Authorization = `Bearer ${session.token}`;
  if (requestId) headers["X-Request-Id"] = requestId;
  let answer;
  try {
    answer = await fetch(API + path, { method: "POST", headers, body: JSON.stringify(body) });
  } catch (error) {
    throw new Offline(String(error));
  }
  const data = await answer.json().catch(() => ({}));
  if (answer.status === 401 && path !== "/login") {
    logOut("登录已过期，请重新登录。");
  }
  if (!answer.ok) {
    const error = new Error(data.message || `服务器答复 ${answer.status}`);
    error.kind = data.error;
    error.status = answer.status;
    throw error;
  }
  setNet(true);
  return data;
}

const call = (name, args = {}) => post(`/call/${name}`, { args }).then((answer) => answer.body);

// A write: sent now, or kept in the outbox when there is no network.
async function write(name, args, label) {
  const item = { id: newId(), name, args, label, at: Date.now() };
  try {
    return { sent: true, answer: await post(`/call/${name}`, { args }, item.id) };
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    setNet(false);
    // Sent later, no one is there to be asked about near duplicates: the center merges them.
    if (name === "report_case") item.args = { ...args, allow_duplicate: true };
    await outbox("readwrite", (store) => store.put(item));
    await showOutbox();
    return { sent: false };
  }
}

let flushing = false;
async function flush() {
  if (flushing || !session) return;
  flushing = true;
  try {
    const items = ((await queued()) || []).sort((a, b) => a.at - b.at);
    for (const item of items) {
      try {
        await post(`/call/${item.name}`, { args: item.args }, item.id);
      } catch (error) {
        if (error instanceof Offline) { setNet(false); break; }
        if (error.kind !== "Replayed") { // done before: nothing to say; refused: say so
          message("report-message", `未能发送「${item.label}」：${error.message}`, "error");
        }
      }
      await outbox("readwrite", (store) => store.delete(item.id));
    }
  } finally {
    flushing = false;
    await showOutbox();
  }
}

function setNet(online) {
  $("net").textContent = online ? "在线" : "离线";
  $("net").className = online ? "net ok" : "net off";
}

window.addEventListener("online", flush);
setInterval(flush, 3000);

// --- screens ---------------------------------------------------------------------------------------

function show(view) {
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== view;
  for (const tab of document.querySelectorAll("#tabs .tab")) {
    tab.classList.toggle("active", tab.dataset.view === view);
  }
  $("tabs").hidden = view === "login";
  if (view === "tasks") loadTasks();
  if (view === "report") { locate(); drawPickMap(); }
  if (view === "visit") {
    loadDueVisits();
    if (!$("house-list").children.length) findHouses();
  }
  if (view === "patrol") showPatrol();
}

function message(id, text, kind = "") {
  const element = $(id);
  element.textContent = text;
  element.className = `message ${kind}`;
  element.hidden = !text;
}

function logOut(why = "") {
  if (session) post("/logout", {}).catch(() => {});
  session = null;
  localStorage.removeItem("cc.field.session");
  patrol = null;
  localStorage.removeItem("cc.field.patrol");
  if (watchId !== null) navigator.geolocation.clearWatch(watchId);
  watchId = null;
  $("who").textContent = "网格员终端";
  show("login");
  message("login-message", why, why ? "error" : "");
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const answer = await post("/login", { username: $("username").value.trim(), password: $("password").value });
    session = { token: answer.token, name: answer.actor.body.display_name, role: answer.actor.body.role };
    localStorage.setItem("cc.field.session", JSON.stringify(session));
    $("password").value = "";
    start();
  } catch (error) {
    message("login-message", error instanceof Offline ? "连不上服务器，请检查网络。" : error.message, "error");
  }
});

$("logout").addEventListener("click", () => logOut());
$("refresh").addEventListener("click", () => loadTasks());
$("back").addEventListener("click", () => show("tasks"));
for (const tab of document.querySelectorAll("#tabs .tab[data-view]")) {
  tab.addEventListener("click", () => show(tab.dataset.view));
}

function deadlineText(row) {
  if (!row.deadline) return "无时限";
  const status = config.deadline_statuses[row.deadline_status] || "";
  return `${status} · 期限 ${row.deadline.replace("T", " ").slice(0, 16)}`;
}

async function loadTasks() {
  try {
    const rows = await call("my_tasks");
    const list = $("task-list");
    list.replaceChildren();
    for (const row of rows) {
      const item = document.createElement("li");
      item.className = row.deadline_status;
      item.dataset.caseId = row.id;
      item.innerHTML = `<div class="title"></div><div class="meta"></div><div class="meta"></div>`;
      item.children[0].textContent = row.title;
      item.children[1].textContent = `${row.code} · ${config.states[row.state]} · ${row.grid_name || ""}`;
      item.children[2].textContent = deadlineText(row);
      item.addEventListener("click", () => openCase(row.id));
      list.append(item);
    }
    $("tasks-empty").hidden = rows.length > 0;
    loadDueVisits();
  } catch (error) {
    if (!(error instanceof Offline)) message("case-message", error.message, "error");
    else setNet(false);
  }
}

async function openCase(caseId) {
  show("case");
  message("case-message", "");
  $("step-comment").value = "";
  $("step-photo").value = "";
  const detail = await call("case_detail", { case_id: caseId });
  shownCase = detail;
  $("case-title").textContent = detail.title;
  $("case-meta").textContent = `${detail.code} · ${config.states[detail.state]} · ${detail.grid_name || ""} · ${detail.holder}`;
  $("case-description").textContent = detail.description;
  const steps = $("steps");
  steps.replaceChildren();
  for (const form of detail.actions) {
    const name = config.actions[form.action];
    if (!name || form.informational) continue;
    const button = document.createElement("button");
    button.textContent = name;
    button.dataset.action = form.action;
    button.addEventListener("click", () => takeStep(form));
    steps.append(button);
  }
}

async function takeStep(form) {
  const comment = $("step-comment").value.trim();
  if (form.needs_reason && !comment) {
    message("case-message", "这一步需要写明理由。", "error");
    return;
  }
  const label = `${config.actions[form.action]} ${shownCase.code}`;
  try {
    const photo = await photoFrom($("step-photo"));
    const done = await write(
      "take_step",
      { case_id: shownCase.id, action: form.action, expected_version: shownCase.version, comment },
      label,
    );
    if (photo) {
      await write("attach", { case: shownCase.id, file: photo, kind: "photo" }, `${label} 照片`);
    }
    message("case-message", done.sent ? `已${config.actions[form.action]}。` : "无网络：已保存，恢复后自动发送。", "done");
    if (done.sent) setTimeout(() => show("tasks"), 800);
  } catch (error) {
    message("case-message", error.message, "error");
  }
}

// --- report ------------------------------------------------------------------------------------------

function locate() {
  if (!navigator.geolocation) {
    $("position").textContent = "此设备无法定位。";
    return;
  }
  navigator.geolocation.getCurrentPosition(
    (found) => {
      position = { lon: found.coords.longitude, lat: found.coords.latitude };
      if (!picked) $("position").textContent = `位置：${position.lon.toFixed(5)}, ${position.lat.toFixed(5)}（±${Math.round(found.coords.accuracy)} 米）`;
      drawPickMap();
    },
    (error) => { $("position").textContent = `未能定位：${error.message}`; },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 },
  );
}

// The small map: the user's grids, the phone's position (blue), the picked place (red). A tap
// picks the place of the report; without a tap the phone's position is used.
let myGrids = null;
let picked = null;
let frame = null; // {minX, maxY, scale} from lon/lat to canvas pixels

async function drawPickMap() {
  const canvas = $("pick-map");
  if (myGrids === null) {
    try { myGrids = await call("my_grids"); } catch (error) { myGrids = []; }
  }
  const rect = canvas.getBoundingClientRect();
  canvas.width = Math.round(rect.width * devicePixelRatio);
  canvas.height = Math.round(rect.height * devicePixelRatio);
  const context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  const points = myGrids.flatMap((g) => g.rings.flat());
  if (position) points.push([position.lon, position.lat]);
  if (!points.length) { canvas.hidden = true; return; }
  canvas.hidden = false;
  const k = Math.cos((points[0][1] * Math.PI) / 180); // metres east per degree, relative
  const xs = points.map((p) => p[0] * k), ys = points.map((p) => p[1]);
  const minX = Math.min(...xs), maxX = Math.max(...xs), minY = Math.min(...ys), maxY = Math.max(...ys);
  const margin = 12 * devicePixelRatio;
  const scale = Math.min((canvas.width - 2 * margin) / (maxX - minX || 1e-4), (canvas.height - 2 * margin) / (maxY - minY || 1e-4));
  frame = { k, minX, maxY, scale, margin };
  const at = (lon, lat) => [margin + (lon * k - minX) * scale, margin + (maxY - lat) * scale];
  drawTiles(context, canvas, at);
  context.lineWidth = 1.5 * devicePixelRatio;
  for (const grid of myGrids) {
    context.beginPath();
    for (const ring of grid.rings) ring.forEach(([lon, lat], i) => (i ? context.lineTo(...at(lon, lat)) : context.moveTo(...at(lon, lat))));
    context.fillStyle = "rgba(47, 140, 255, 0.12)";
    context.strokeStyle = "#2f8cff";
    context.fill("evenodd");
    context.stroke();
    const c = grid.rings[0].reduce((s, [lon, lat]) => [s[0] + lon / grid.rings[0].length, s[1] + lat / grid.rings[0].length], [0, 0]);
    context.fillStyle = "#9fb2cc";
    context.font = `${12 * devicePixelRatio}px sans-serif`;
    context.fillText(grid.name.replace(/^.*社区/, ""), ...at(c[0], c[1]));
  }
  const dot = (lon, lat, colour) => {
    context.beginPath();
    context.arc(...at(lon, lat), 7 * devicePixelRatio, 0, 2 * Math.PI);
    context.fillStyle = colour;
    context.fill();
    context.strokeStyle = "#ffffff";
    context.stroke();
  };
  if (position) dot(position.lon, position.lat, "#2f8cff");
  if (picked) dot(picked.lon, picked.lat, "#ff5a5a");
}

// The center's own basemap under the grids, tile by tile from the server (a center's network
// has no internet). Small areas: the map's frame stands in for Web Mercator.
const tiles = new Map();
const lon2x = (lon, n) => Math.floor(((lon + 180) / 360) * n);
const lat2y = (lat, n) => {
  const r = (lat * Math.PI) / 180;
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
};
const x2lon = (x, n) => (x / n) * 360 - 180;
const y2lat = (y, n) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;

function drawTiles(context, canvas, at) {
  const basemap = config.basemap;
  if (!basemap || !frame) return;
  const { k, minX, maxY, scale, margin } = frame;
  const toLonLat = (x, y) => [(minX + (x - margin) / scale) / k, maxY - (y - margin) / scale];
  const wanted = Math.log2((scale * k * 360) / 256);
  const z = Math.max(basemap.min_zoom, Math.min(basemap.max_zoom, Math.round(wanted)));
  const n = 2 ** z;
  const [dlon, dlat] = basemap.shift || [0, 0]; // a GCJ-02 tile shows a point this far off
  const [west, north] = toLonLat(0, 0), [east, south] = toLonLat(canvas.width, canvas.height);
  for (let x = lon2x(west + dlon, n); x <= lon2x(east + dlon, n); x++) {
    for (let y = lat2y(north + dlat, n); y <= lat2y(south + dlat, n); y++) {
      const key = `${z}/${x}/${y}`;
      let image = tiles.get(key);
      if (!image) {
        if (tiles.size > 400) tiles.clear(); // a day of panning stays bounded
        image = new Image();
        image.onload = () => drawPickMap();
        image.src = `tiles/${key}`;
        tiles.set(key, image);
      }
      if (!image.complete || !image.naturalWidth) continue;
      const [x0, y0] = at(x2lon(x, n) - dlon, y2lat(y, n) - dlat);
      const [x1, y1] = at(x2lon(x + 1, n) - dlon, y2lat(y + 1, n) - dlat);
      context.drawImage(image, x0, y0, x1 - x0, y1 - y0);
    }
  }
}

$("pick-map").addEventListener("click", (event) => {
  if (!frame) return;
  const rect = $("pick-map").getBoundingClientRect();
  const x = (event.clientX - rect.left) * devicePixelRatio, y = (event.clientY - rect.top) * devicePixelRatio;
  picked = {
    lon: (frame.minX + (x - frame.margin) / frame.scale) / frame.k,
    lat: frame.maxY - (y - frame.margin) / frame.scale,
  };
  $("position").textContent = `位置（地图选点）：${picked.lon.toFixed(5)}, ${picked.lat.toFixed(5)}`;
  drawPickMap();
});

function photoFrom(input) {
  const file = input.files && input.files[0];
  if (!file) return Promise.resolve(null);
  if (!file.type.startsWith("image/")) return Promise.reject(new Error("请选择照片。"));
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      const scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(image.width, image.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(image.width * scale);
      canvas.height = Math.round(image.height * scale);
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      const data = canvas.toDataURL("image/jpeg", 0.8).split(",", 2)[1];
      URL.revokeObjectURL(image.src);
      resolve({ filename: "photo.jpg", data, media_type: "image/jpeg" });
    };
    image.onerror = () => reject(new Error("这张照片读不出来。"));
    image.src = URL.createObjectURL(file);
  });
}

let duplicatesSeen = false;
$("description").addEventListener("input", () => { duplicatesSeen = false; $("report-submit").textContent = "上报"; });

$("report-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  message("report-message", "正在发送…");
  const description = $("description").value.trim();
  const place = picked || position;
  if (!place) {
    message("report-message", "还没有位置：请稍候，或在地图上点选。", "error");
    locate();
    return;
  }
  try {
    const photo = await photoFrom($("photo"));
    const title = description.split("\n")[0].slice(0, 40);
    const args = {
      case: { source: "grid_patrol", category: $("category").value, title, description, lon: place.lon, lat: place.lat },
      allow_duplicate: duplicatesSeen, // asked once: near cases of the same kind are offered first
      photos: photo ? [photo] : [],
    };
    let done;
    try {
      done = await write("report_case", args, `上报：${title}`);
    } catch (error) {
      if (error.kind !== "DuplicateSuspected") throw error;
      duplicatesSeen = true;
      $("report-submit").textContent = "仍要上报";
      message("report-message", `附近已有同类未结案件：${error.message.match(/\d{12}/g)?.join("、") || ""}。如是同一问题不必重复上报；不是则点「仍要上报」。`, "error");
      return;
    }
    duplicatesSeen = false;
    $("report-submit").textContent = "上报";
    const code = done.sent ? done.answer.body.value.code : "";
    message("report-message", done.sent ? `已上报，案件编号 ${code}` : "无网络：已保存，恢复后自动发送。", "done");
    $("report-form").reset();
    picked = null;
    drawPickMap();
  } catch (error) {
    message("report-message", error.message, "error");
  }
});

// --- visits (走访 / 民情日志) --------------------------------------------------------------------------

let chosenHouse = null;
let chosenPerson = null; // a due visit picked from the list: the visit names the resident
let searchTimer = null;

function dueText(due) {
  const groups = due.groups.map((g) => config.groups[g] || g).join("、");
  const when = due.last_visit ? `逾期 ${due.days_overdue} 天` : "从未走访";
  return { groups, when };
}

// Special-group residents whose visit is due: a line in the task queue, a list in the visit tab.
// The task queue and the visit tab both ask; a read under way answers both (one request).
let dueReading = null;
function loadDueVisits() {
  dueReading ??= readDueVisits().finally(() => { dueReading = null; });
  return dueReading;
}

async function readDueVisits() {
  try {
    const due = await call("visits_due");
    const button = $("due-visits");
    button.hidden = due.length === 0;
    button.textContent = `特殊人群应走访 ${due.length} 人 ›`;
    $("due-title").hidden = due.length === 0;
    const list = $("due-list");
    list.replaceChildren();
    for (const person of due) {
      const { groups, when } = dueText(person);
      const item = document.createElement("li");
      item.innerHTML = `<div class="title"></div><div class="meta"></div>`;
      item.children[0].textContent = `${person.name} · ${groups}`;
      const meta = item.children[1];
      const late = document.createElement("span");
      late.className = "overdue";
      late.textContent = when;
      meta.append(late, ` · 每 ${person.every_days} 天 · ${person.address || "无住址"}`);
      item.addEventListener("click", () => {
        if (person.house_id === null) {
          message("visit-message", "此人没有登记住址，请按住户查找。", "error");
          return;
        }
        chosenHouse = { id: person.house_id, address: person.address };
        chosenPerson = person.person_id;
        for (const other of list.children) other.classList.toggle("chosen", other === item);
        for (const other of $("house-list").children) other.classList.remove("chosen");
        $("house-chosen").textContent = `住户：${person.address}（${person.name}）`;
      });
      list.append(item);
    }
  } catch (error) {
    if (error instanceof Offline) setNet(false);
  }
}

$("due-visits").addEventListener("click", () => show("visit"));

async function findHouses() {
  try {
    const found = await call("households", { text: $("house-search").value.trim(), limit: 30 });
    const list = $("house-list");
    list.replaceChildren();
    for (const house of found) {
      const item = document.createElement("li");
      item.textContent = `${house.address} · ${house.grid_name}`;
      item.dataset.houseId = house.id;
      item.addEventListener("click", () => {
        chosenHouse = house;
        chosenPerson = null;
        for (const other of $("due-list").children) other.classList.remove("chosen");
        for (const other of list.children) other.classList.toggle("chosen", other === item);
        $("house-chosen").textContent = `住户：${house.address}`;
      });
      list.append(item);
    }
  } catch (error) {
    if (error instanceof Offline) setNet(false);
  }
}

$("house-search").addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(findHouses, 250);
});
$("visit-follow").addEventListener("change", () => {
  $("visit-category-label").hidden = !$("visit-follow").checked;
});

$("visit-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  message("visit-message", "正在发送…");
  if (!chosenHouse) {
    message("visit-message", "请先选择走访的住户。", "error");
    return;
  }
  const visit = {
    house_id: chosenHouse.id,
    note: $("visit-note").value.trim(),
    follow_up: $("visit-follow").checked,
    category: $("visit-category").value,
    person_id: chosenPerson,
  };
  try {
    const done = await write("record_visit", { visit }, `走访：${chosenHouse.address}`);
    let text = "无网络：已保存，恢复后自动发送。";
    if (done.sent) {
      const code = done.answer.body.value.case_code;
      text = code ? `已记录，并生成案件 ${code}` : "已记录走访。";
    }
    message("visit-message", text, "done");
    $("visit-note").value = "";
    $("visit-follow").checked = false;
    $("visit-category-label").hidden = true;
    chosenPerson = null;
    if (done.sent) loadDueVisits();
  } catch (error) {
    message("visit-message", error.message, "error");
  }
});

// --- rounds (巡查) -----------------------------------------------------------------------------------

const POSITION_EVERY_MS = 10000;
const MAX_KEPT_POSITIONS = 500;
let patrol = JSON.parse(localStorage.getItem("cc.field.patrol") || "null");
let watchId = null;
let pendingPositions = []; // {lon, lat, accuracy_m, t: performance.now()}
let sentPositions = 0;

function showPatrol() {
  $("patrol-state").textContent = patrol ? `巡查中（自 ${new Date(patrol.since).toLocaleTimeString("zh-CN")}）` : "未在巡查";
  $("patrol-toggle").textContent = patrol ? "结束巡查" : "开始巡查";
  $("patrol-sent").textContent = patrol ? `已发送位置 ${sentPositions} 个，待发送 ${pendingPositions.length} 个` : "";
}

function watchPositions() {
  if (watchId !== null || !navigator.geolocation) return;
  watchId = navigator.geolocation.watchPosition(
    (found) => {
      pendingPositions.push({ lon: found.coords.longitude, lat: found.coords.latitude, accuracy_m: found.coords.accuracy, t: performance.now() });
      pendingPositions = pendingPositions.slice(-MAX_KEPT_POSITIONS);
      if (sentPositions === 0) sendPositions(); // the first one at once
      showPatrol();
    },
    (error) => message("patrol-message", `未能定位：${error.message}`, "error"),
    { enableHighAccuracy: true, maximumAge: 5000 },
  );
}

async function sendPositions() {
  if (!patrol || !pendingPositions.length || !session) return;
  const batch = pendingPositions.slice();
  const now = performance.now();
  const points = batch.map((p) => ({ lon: p.lon, lat: p.lat, accuracy_m: p.accuracy_m, age_s: (now - p.t) / 1000 }));
  try {
    await post("/call/send_positions", { args: { points } }, newId());
    pendingPositions = pendingPositions.slice(batch.length);
    sentPositions += batch.length;
  } catch (error) {
    if (error instanceof Offline) setNet(false); // kept, with their age, for the next try
    else { pendingPositions = pendingPositions.slice(batch.length); message("patrol-message", error.message, "error"); }
  }
  showPatrol();
}
setInterval(sendPositions, POSITION_EVERY_MS);

$("patrol-toggle").addEventListener("click", async () => {
  try {
    if (!patrol) {
      await write("start_patrol", {}, "开始巡查");
      patrol = { since: Date.now() };
      localStorage.setItem("cc.field.patrol", JSON.stringify(patrol));
      watchPositions();
    } else {
      await sendPositions();
      await write("end_patrol", {}, "结束巡查");
      patrol = null;
      localStorage.removeItem("cc.field.patrol");
      if (watchId !== null) navigator.geolocation.clearWatch(watchId);
      watchId = null;
    }
    message("patrol-message", "");
  } catch (error) {
    message("patrol-message", error.message, "error");
  }
  showPatrol();
});

// --- start -----------------------------------------------------------------------------------------

async function start() {
  if (!config) config = await fetch("config.json").then((answer) => answer.json());
  for (const select of [$("category"), $("visit-category")]) {
    if (select.options.length) continue;
    for (const category of config.categories) select.add(new Option(category.name, category.code));
  }
  if (!session) { show("login"); return; }
  $("who").textContent = session.name;
  show("tasks");
  flush();
  if (patrol) watchPositions(); // a round goes on across a reload
}

if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js").catch(() => {});
start();
