// The idcard-ocr page: send a photo to /web/recognize on this origin, show what came back.
// Plain JavaScript, no dependencies, nothing fetched from any other host, nothing stored.
"use strict";

const TEXT = {
  zh: {
    title: "身份证识别", drop: "拖入照片，或点击选择", camera: "拍照", side: "证件面",
    sideAuto: "自动", sideFront: "人像面", sideBack: "国徽面",
    privacy: "照片只发送到本服务，不会保存。", legendCard: "证件轮廓", legendField: "字段",
    legendPortrait: "人像", legendAlarm: "告警区域", fields: "字段", alarms: "告警",
    cardImage: "矫正后的证件", portraitImage: "人像", checks: "一致性检查", timings: "耗时",
    copy: "复制 JSON", copied: "已复制", busy: "识别中…", done: "完成",
    field: "字段", value: "内容", confidence: "置信度", code: "代码", alarm: "告警",
    score: "分数", raised: "触发", yes: "是", no: "否", stage: "阶段", ms: "毫秒",
    server: "服务端合计", roundTrip: "往返（含网络）", noAlarms: "无", other: "English",
    Name: "姓名", Sex: "性别", Nation: "民族", Birth: "出生", Address: "住址",
    IdNum: "公民身份号码", Authority: "签发机关", ValidDate: "有效期限",
    incomplete_border: "边框不完整", photocopy: "复印件", monochrome_copy: "黑白复印件",
    screen: "屏幕翻拍", ps_altered: "PS 篡改", occlusion: "遮挡", reflective: "反光",
    blurry: "模糊", temporary_card: "临时身份证", invalid_validity: "有效期无效",
  },
  en: {
    title: "ID card OCR", drop: "Drop a photo here, or click to choose one", camera: "Take photo",
    side: "Side", sideAuto: "Detect", sideFront: "Front (portrait)", sideBack: "Back (emblem)",
    privacy: "The photo goes to this service only and is not stored.", legendCard: "Card outline",
    legendField: "Fields", legendPortrait: "Portrait", legendAlarm: "Alarm regions",
    fields: "Fields", alarms: "Alarms", cardImage: "Flattened card", portraitImage: "Portrait",
    checks: "Consistency checks", timings: "Time taken", copy: "Copy JSON", copied: "Copied",
    busy: "Reading…", done: "Done", field: "Field", value: "Value", confidence: "Confidence",
    code: "Code", alarm: "Alarm", score: "Score", raised: "Raised", yes: "yes", no: "no",
    stage: "Stage", ms: "ms", server: "Server total", roundTrip: "Round trip",
    noAlarms: "none", other: "中文",
    Name: "Name", Sex: "Sex", Nation: "Nation", Birth: "Birth", Address: "Address",
    IdNum: "ID number", Authority: "Issuing authority", ValidDate: "Valid period",
    incomplete_border: "Incomplete border", photocopy: "Photocopy",
    monochrome_copy: "Black-and-white copy", screen: "Re-shot from a screen",
    ps_altered: "Edited (PS)", occlusion: "Occluded", reflective: "Glare", blurry: "Blurry",
    temporary_card: "Temporary card", invalid_validity: "Invalid validity date",
  },
};
const FIELDS = ["Name", "Sex", "Nation", "Birth", "Address", "IdNum", "Authority", "ValidDate"];
// Tencent's limit is 7 MB of base64; bigger photos are re-encoded smaller in the browser.
const MAX_BASE64 = 7 * 1024 * 1024;
const COLORS = { card: "#16a34a", field: "#eab308", portrait: "#2563eb", alarm: "#dc2626" };

const state = { lang: navigator.language.startsWith("zh") ? "zh" : "en", last: null };
const $ = (id) => document.getElementById(id);
const t = (key) => TEXT[state.lang][key] ?? key;

function applyLanguage() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  $("lang").textContent = t("other");
  if (state.last) render(state.last);
}

function setStatus(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

async function toBase64(file) {
  const dataUrl = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
  const base64 = dataUrl.slice(dataUrl.indexOf(",") + 1);
  return base64.length <= MAX_BASE64 ? base64 : shrink(file);
}

async function shrink(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 3000 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const dataUrl = canvas.toDataURL("image/jpeg", 0.92);
  return dataUrl.slice(dataUrl.indexOf(",") + 1);
}

async function recognize(file) {
  setStatus(t("busy"));
  $("result").hidden = true;
  const body = { ImageBase64: await toBase64(file) };
  if ($("side").value) body.CardSide = $("side").value;
  const started = performance.now();
  const reply = await fetch("/web/recognize", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-TC-Language": state.lang === "zh" ? "zh-CN" : "en-US",
    },
    body: JSON.stringify(body),
  });
  const payload = await reply.json();
  const roundTripMs = performance.now() - started;
  const response = payload.Response;
  if (response.Error) {
    setStatus(`${response.Error.Code}: ${response.Error.Message}`, true);
    return;
  }
  state.last = { response, roundTripMs, bitmap: await createImageBitmap(file) };
  render(state.last);
  setStatus(t("done"));
}

function render({ response, roundTripMs, bitmap }) {
  const details = response.Details;
  drawPhoto(bitmap, details);
  renderFields(response, details);
  renderAlarms(details.Alarms);
  $("card-image").src = response.IdCardImage ? `data:image/jpeg;base64,${response.IdCardImage}` : "";
  $("portrait-image").src = response.PortraitImage
    ? `data:image/jpeg;base64,${response.PortraitImage}` : "";
  renderChecks(details.Checks);
  renderTimings(details.TimingsMs, roundTripMs);
  $("json").textContent = JSON.stringify({ Response: response }, null, 2);
  $("result").hidden = false;
}

function drawPhoto(bitmap, details) {
  const canvas = $("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(bitmap, 0, 0);
  const width = Math.max(2, Math.round(Math.max(bitmap.width, bitmap.height) / 400));
  for (const polygon of details.CardPolygons) outline(ctx, polygon, COLORS.card, width * 1.5);
  for (const field of Object.values(details.Fields)) outline(ctx, field.Polygon, COLORS.field, width);
  outline(ctx, details.PortraitPolygon, COLORS.portrait, width);
  for (const alarm of details.Alarms.filter((a) => a.Raised)) {
    for (const region of alarm.Regions) {
      outline(ctx, region, COLORS.alarm, width);
      label(ctx, region, `${alarm.Code ?? ""} ${t(alarm.Name)} ${alarm.Score.toFixed(2)}`, width);
    }
  }
}

function outline(ctx, polygon, color, width) {
  if (!polygon || polygon.length < 2) return;
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  polygon.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  ctx.closePath();
  ctx.stroke();
}

function label(ctx, polygon, text, width) {
  const x = Math.min(...polygon.map((p) => p[0]));
  const y = Math.min(...polygon.map((p) => p[1]));
  ctx.font = `${width * 8}px sans-serif`;
  ctx.fillStyle = COLORS.alarm;
  ctx.fillText(text, x, Math.max(width * 8, y - width * 2));
}

function row(cells, attrs = {}) {
  const tr = document.createElement("tr");
  for (const [name, value] of Object.entries(attrs)) tr.setAttribute(name, value);
  for (const [text, className] of cells) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    tr.append(td);
  }
  return tr;
}

function header(table, keys) {
  const tr = document.createElement("tr");
  for (const key of keys) {
    const th = document.createElement("th");
    th.textContent = t(key);
    tr.append(th);
  }
  table.replaceChildren(tr);
}

function renderFields(response, details) {
  const table = $("fields");
  header(table, ["field", "value", "confidence"]);
  for (const key of FIELDS) {
    const reading = details.Fields[key];
    const confidence = reading ? reading.Confidence.toFixed(3) : "";
    table.append(row([[t(key)], [response[key], "value"], [confidence, "num"]], { "data-field": key }));
  }
}

function renderAlarms(alarms) {
  const table = $("alarms");
  header(table, ["code", "alarm", "score", "raised"]);
  for (const alarm of alarms) {
    const cells = [[alarm.Code ?? "-"], [t(alarm.Name)], [alarm.Score.toFixed(3), "num"],
      [t(alarm.Raised ? "yes" : "no")]];
    const attrs = { "data-alarm": alarm.Name };
    if (alarm.Raised) attrs.class = "raised";
    table.append(row(cells, attrs));
  }
}

function renderChecks(checks) {
  $("checks").replaceChildren(...checks.map((check) => {
    const li = document.createElement("li");
    li.className = check.Passed ? "pass" : "fail";
    li.textContent = check.Detail ? `${check.Name}: ${check.Detail}` : check.Name;
    return li;
  }));
}

function renderTimings(timings, roundTripMs) {
  const table = $("timings");
  header(table, ["stage", "ms"]);
  // `total` is the whole recognition; the stages are those of the cards returned.
  const { total, ...stages } = timings;
  for (const [stage, ms] of Object.entries(stages)) table.append(row([[stage], [ms.toFixed(1), "num"]]));
  table.append(row([[t("server")], [total.toFixed(1), "num"]], { "data-timing": "server" }));
  table.append(row([[t("roundTrip")], [roundTripMs.toFixed(1), "num"]]));
}

async function copyJson() {
  const text = $("json").textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // The Clipboard API needs a secure context; plain http on a LAN address is not one.
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  $("copied").textContent = t("copied");
  setTimeout(() => { $("copied").textContent = ""; }, 1500);
}

function onFiles(files) {
  if (files && files[0]) {
    recognize(files[0]).catch((error) => setStatus(String(error), true));
  }
}

function wire() {
  for (const id of ["file", "camera"]) {
    $(id).addEventListener("change", (e) => {
      const files = [...e.target.files];
      e.target.value = ""; // so that choosing the same photo again reads it again
      onFiles(files);
    });
  }
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    onFiles(e.dataTransfer.files);
  });
  $("lang").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    applyLanguage();
  });
  $("copy").addEventListener("click", copyJson);
  applyLanguage();
}

wire();
