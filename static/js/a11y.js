/* Accessibility helpers (issue 9); no strings of its own: every word comes from the server's markup.
 *
 * - Announcements: one polite live region (#announcer). A studio card polls every second; only a
 *   change of its status is announced (its data-announce text), and the new-posts banner only when
 *   its text changes, so a screen reader is not told the same thing every poll. A notice that came
 *   with the page is said once the page has loaded.
 * - Focus after htmx swaps: an element marked data-focus-after-swap in the answer gets the focus
 *   (a new reply, a report's thanks, a field with an error). Otherwise, when the swap removed the
 *   element that had the focus (a like button, "load more", a polling card), the focus goes to its
 *   replacement instead of falling back to the top of the page.
 * - Keyboard: j / k move through the posts of the page, l likes the focused post; keys typed into a
 *   field are left alone.
 */
(function () {
  "use strict";

  var FOCUSABLE = "a[href]:not([tabindex='-1']), button:not([disabled]), input:not([type=hidden]), " +
    "textarea, select, summary, [tabindex]:not([tabindex='-1'])";
  var POSTS = "main article.post, main article.post-page";
  var announcer = null;
  var cardStatus = {};
  var newerText = "";
  var pending = null;

  function announce(text) {
    if (!announcer || !text) return;
    // Emptied first, then filled: the same words twice in a row are still read out.
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 60);
  }

  function focusOn(el) {
    if (!el) return;
    if (!el.matches(FOCUSABLE) && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    el.focus();
  }

  function noteCards(root, speak) {
    var cards = root.matches && root.matches(".gen-card[data-status]") ? [root] : [];
    cards = cards.concat(Array.prototype.slice.call(root.querySelectorAll(".gen-card[data-status]")));
    cards.forEach(function (card) {
      var status = card.getAttribute("data-status");
      if (speak && cardStatus[card.id] !== status) announce(card.getAttribute("data-announce"));
      cardStatus[card.id] = status;
    });
  }

  function noteNewer(speak) {
    var banner = document.getElementById("newer");
    var text = banner ? banner.textContent.trim() : "";
    if (speak && text && text !== newerText) announce(text);
    newerText = text;
  }

  // What the focused element was, to find its twin in the new markup.
  function signature(el) {
    return [el.tagName, el.className, el.getAttribute("name") || "", el.textContent.trim()].join("|");
  }

  function rememberFocus(event) {
    var target = event.detail.target;
    var active = document.activeElement;
    pending = null;
    if (!target || !active || active === document.body || !target.contains(active)) return;
    pending = {
      parent: target.parentElement,
      before: target.previousElementSibling,
      target: target,
      signature: signature(active),
    };
  }

  function restoreFocus() {
    var was = pending;
    pending = null;
    if (!was) return;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;  // focus survived
    var box = document.contains(was.target) ? was.target
      : was.before && document.contains(was.before) ? was.before.nextElementSibling
      : was.parent ? was.parent.firstElementChild : null;
    if (!box) return;
    var twins = Array.prototype.filter.call(box.querySelectorAll(FOCUSABLE), function (el) {
      return signature(el) === was.signature;
    });
    if (twins.length) focusOn(twins[0]);
    else if (box.matches("article")) focusOn(box);
    else focusOn(box.querySelector(FOCUSABLE) || box);
  }

  function afterSettle(event) {
    var marked = document.querySelectorAll("[data-focus-after-swap]");
    if (marked.length) {
      pending = null;
      focusOn(marked[0]);
      marked.forEach(function (el) { el.removeAttribute("data-focus-after-swap"); });
    } else {
      restoreFocus();
    }
    noteCards(event.target, true);
    noteNewer(true);
  }

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key;
    if (key !== "j" && key !== "k" && key !== "l") return;
    var posts = Array.prototype.slice.call(document.querySelectorAll(POSTS));
    if (!posts.length) return;
    var current = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest(POSTS) : null;
    var index = posts.indexOf(current);
    if (key === "l") {
      if (!current) return;
      var like = current.querySelector(".actions .act-like");
      if (like && like.closest(POSTS) === current) { event.preventDefault(); like.click(); }
      return;
    }
    var next = key === "j" ? index + 1 : index - 1;
    if (index === -1 && key === "k") return;
    if (next < 0 || next >= posts.length) return;
    event.preventDefault();
    focusOn(posts[next]);
  }

  function start() {
    announcer = document.createElement("div");
    announcer.id = "announcer";
    announcer.className = "visually-hidden";
    announcer.setAttribute("aria-live", "polite");
    announcer.setAttribute("aria-atomic", "true");
    document.body.appendChild(announcer);
    // Marks in the first page load are not for a swap: drop them so a later poll does not steal focus.
    document.querySelectorAll("[data-focus-after-swap]").forEach(function (el) {
      el.removeAttribute("data-focus-after-swap");
    });
    noteCards(document.body, false);
    noteNewer(false);
    // A notice that came with the page (after a redirect: "Saved.") was in the live region before any
    // reader listened to it; say it once more now that they do.
    var notice = document.querySelector("#notices .notice");
    if (notice) window.setTimeout(function () { announce(notice.textContent.trim()); }, 400);
    document.body.addEventListener("htmx:beforeSwap", rememberFocus);
    document.body.addEventListener("htmx:afterSettle", afterSettle);
    document.addEventListener("keydown", onKey);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
