// digbot playground chat page: long-polls the person API and renders the chat.
"use strict";

const $ = (id) => document.getElementById(id);
const feed = $("feed");
const params = new URLSearchParams(location.search);
let chatId = Number(params.get("chat") || localStorage.getItem("playground-chat") || 1);
let generation = 0; // bumps when the chat changes, ending the previous poll loop
let messages = new Map(); // message_id → view
let blocked = false;
let typingTimer = 0;
let stickToBottom = true; // follow new messages unless the person scrolled up

$("chat-id").value = chatId;

// --- rendering ---------------------------------------------------------------------------

const SAFE_URL = /^(https?:|tg:|mailto:)/i;
const ALLOWED = { B: "b", STRONG: "b", I: "i", EM: "i", U: "u", INS: "u", S: "s", STRIKE: "s",
  DEL: "s", CODE: "code", PRE: "pre", A: "a" };

// Telegram HTML → safe DOM: only b/i/u/s/code/pre/a survive; everything else becomes text.
function safeHtml(html) {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html").body;
  const copy = (node, into) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        into.append(child.textContent);
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        const tag = ALLOWED[child.tagName];
        if (!tag) { copy(child, into); continue; }
        const el = document.createElement(tag);
        if (tag === "a") {
          const href = child.getAttribute("href") || "";
          if (SAFE_URL.test(href)) el.href = href;
          el.target = "_blank";
          el.rel = "noopener noreferrer";
        }
        copy(child, el);
        into.append(el);
      }
    }
  };
  const fragment = document.createDocumentFragment();
  copy(parsed, fragment);
  return fragment;
}

function textNode(m) {
  const div = document.createElement("div");
  if (m.text) div.append(m.parse_mode === "HTML" ? safeHtml(m.text) : m.text);
  return div;
}

// Consecutive messages sharing a media_group_id render as one album bubble.
function groups() {
  const sorted = [...messages.values()].sort((a, b) => a.message_id - b.message_id);
  const out = [];
  for (const m of sorted) {
    const last = out[out.length - 1];
    if (m.media_group_id && last && last[0].media_group_id === m.media_group_id) last.push(m);
    else out.push([m]);
  }
  return out;
}

function bubble(group) {
  const first = group[0];
  const el = document.createElement("div");
  el.className = `msg ${first.sender}`;
  const photos = group.flatMap((m) => m.photos);
  if (photos.length) {
    el.classList.add("has-photos");
    const grid = document.createElement("div");
    grid.className = `photos n${photos.length}`;
    for (const url of photos) {
      const img = document.createElement("img");
      img.src = url; img.alt = "photo";
      img.onclick = () => openViewer(url);
      img.onload = followBottom;
      grid.append(img);
    }
    el.append(grid);
  }
  for (const m of group) {
    if (m.document) {
      const a = document.createElement("a");
      a.className = "doc"; a.href = m.document.url; a.download = m.document.file_name;
      a.textContent = `📄 ${m.document.file_name}`;
      el.append(a);
    }
    if (m.text) el.append(textNode(m));
    if (m.buttons.length) el.append(buttons(m));
  }
  const meta = document.createElement("div");
  meta.className = "meta";
  const time = new Date(first.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  meta.textContent = `#${first.message_id}${group.some((m) => m.edited) ? " · edited" : ""} · ${time}`;
  el.append(meta);
  return el;
}

function buttons(m) {
  const box = document.createElement("div");
  box.className = "buttons";
  for (const row of m.buttons) {
    const line = document.createElement("div");
    line.className = "row";
    for (const b of row) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = b.url ? `${b.text} ↗` : b.text;
      button.onclick = () => {
        if (b.callback_data !== undefined) press(m.message_id, b.callback_data);
        else if (SAFE_URL.test(b.url || "")) window.open(b.url, "_blank", "noopener");
      };
      line.append(button);
    }
    box.append(line);
  }
  return box;
}

// A tap on a photo shows it full size over the chat; a tap anywhere (or Escape) closes it.
function openViewer(url) {
  const viewer = $("viewer");
  viewer.querySelector("img").src = url;
  viewer.hidden = false;
}
$("viewer").addEventListener("click", () => ($("viewer").hidden = true));
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") $("viewer").hidden = true;
});

// Until the bot asks the server for updates (it loads its models first), say so: messages
// sent meanwhile wait for it, and the page checks every couple of seconds until it is there.
let connected = false;
function setConnected(value) {
  connected = value;
  const presence = $("presence");
  presence.textContent = connected ? "bot online" : "bot is starting… messages will wait for it";
  presence.className = connected ? "online" : "starting";
}

function followBottom() {
  if (stickToBottom) feed.scrollTop = feed.scrollHeight;
}

function render() {
  feed.replaceChildren(...groups().map(bubble));
  followBottom();
}

feed.addEventListener("scroll", () => {
  stickToBottom = feed.scrollHeight - feed.scrollTop - feed.clientHeight < 80;
});

function showTyping(on) {
  $("typing").hidden = !on;
  clearTimeout(typingTimer);
  if (on) typingTimer = setTimeout(() => ($("typing").hidden = true), 5000);
}

function toast(text) {
  const el = $("toast");
  el.textContent = text;
  el.hidden = false;
  setTimeout(() => (el.hidden = true), 3000);
}

function setBlocked(value) {
  blocked = value;
  $("block").textContent = blocked ? "Unblock" : "Block";
  $("block").classList.toggle("blocked", blocked);
}

// --- talking to the server ---------------------------------------------------------------

async function api(method, path, body) {
  const init = { method };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "Content-Type": "application/json" };
  }
  const response = await fetch(path, init);
  const data = await response.json();
  if (!data.ok) throw new Error(data.description || response.statusText);
  return data;
}

async function poll() {
  const mine = ++generation;
  let rev = 0;
  messages = new Map();
  render();
  while (mine === generation) {
    try {
      const wait = connected ? 25 : 2;
      const data = await api("GET", `/api/chats/${chatId}/messages?since=${rev}&timeout=${wait}`);
      if (mine !== generation) return;
      for (const m of data.messages) messages.set(m.message_id, m);
      for (const id of data.deleted) messages.delete(id);
      rev = data.rev;
      setConnected(data.bot_connected);
      setBlocked(data.blocked);
      showTyping(data.typing);
      render();
    } catch (error) {
      await new Promise((resolve) => setTimeout(resolve, 2000)); // server restarting: retry
    }
  }
}

async function press(messageId, data) {
  try {
    const { callback_query_id: id } = await api("POST", `/api/chats/${chatId}/callbacks`, { message_id: messageId, data });
    const { callback } = await api("GET", `/api/chats/${chatId}/callbacks/${id}?timeout=15`);
    if (callback.text) callback.show_alert ? alert(callback.text) : toast(callback.text);
  } catch (error) {
    toast(error.message);
  }
}

async function send(event) {
  event.preventDefault();
  const text = $("text").value;
  const photos = [...$("photos").files];
  const documentFile = $("document").files[0];
  try {
    if (photos.length || documentFile) {
      const form = new FormData();
      for (const p of photos) form.append("photo", p, p.name);
      if (!photos.length) form.append("document", documentFile, documentFile.name);
      if (text) form.append("caption", text);
      await api("POST", `/api/chats/${chatId}/messages`, form);
    } else if (text.trim()) {
      await api("POST", `/api/chats/${chatId}/messages`, { text });
    } else return;
    $("text").value = "";
    $("photos").value = "";
    $("document").value = "";
    showPending();
  } catch (error) {
    toast(error.message);
  }
}

function showPending() {
  const photos = $("photos").files.length;
  const doc = $("document").files[0];
  const label = photos ? `${photos} photo${photos > 1 ? "s (album)" : ""} attached` : doc ? `📄 ${doc.name} attached` : "";
  $("pending").textContent = label;
  $("pending").hidden = !label;
}

$("composer").addEventListener("submit", send);
$("photos").addEventListener("change", () => { $("document").value = ""; showPending(); });
$("document").addEventListener("change", () => { $("photos").value = ""; showPending(); });
$("block").addEventListener("click", async () => {
  try {
    await api(blocked ? "DELETE" : "POST", `/api/chats/${chatId}/block`);
    setBlocked(!blocked);
  } catch (error) {
    toast(error.message);
  }
});
$("chat-id").addEventListener("change", () => {
  const value = Number($("chat-id").value);
  if (!Number.isInteger(value) || value <= 0) return;
  chatId = value;
  localStorage.setItem("playground-chat", String(chatId));
  poll();
});

poll();
