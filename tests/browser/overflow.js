(allowScrollers) => {
  const vw = document.documentElement.clientWidth;
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList.length) s += '.' + [...el.classList].slice(0, 3).join('.');
    const text = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return s + (text ? ' "' + text + '"' : '');
  };
  const isLabelledRegion = (el) => el.getAttribute('tabindex') === '0' && el.getAttribute('role') === 'region' && (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'));
  const skip = (el) => el.closest('.leaflet-container, .visually-hidden, .visually-hidden-focusable:not(:focus), .hp-field, .dropdown-menu:not(.show), .collapse:not(.show), [hidden]');
  const offenders = [];
  const seen = new Set();
  const wide = [];
  const add = (msg) => { if (!seen.has(msg)) { seen.add(msg); offenders.push(msg); } };
  for (const el of document.body.querySelectorAll('*')) {
    if (skip(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden') continue;
    // Text that does not fit (a long word) overflows an element without widening its box.
    const ownRight = (cs.overflowX === 'visible' && el.clientWidth > 0) ? box.left + el.scrollWidth + (box.width - el.clientWidth) : box.right;
    const r = {right: Math.max(box.right, ownRight)};
    // A scroller that actually scrolls sideways.
    if ((cs.overflowX === 'auto' || cs.overflowX === 'scroll') && el !== document.documentElement && el !== document.body && el.scrollWidth > el.clientWidth + 1) {
      if (!allowScrollers) add(describe(el) + ' scrolls sideways (' + el.scrollWidth + ' > ' + el.clientWidth + ' px)');
      else if (!isLabelledRegion(el)) add(describe(el) + ' scrolls sideways without tabindex="0", role="region" and a label');
    }
    // Sticking out of the window, or clipped by an ancestor.
    let limit = vw, clipper = null;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ps = getComputedStyle(p);
      if (ps.overflowX !== 'visible') {
        if (ps.overflowX === 'auto' || ps.overflowX === 'scroll') { limit = Infinity; }
        else { const pr = p.getBoundingClientRect().right; if (pr < limit) { limit = pr; clipper = p; } }
        break;
      }
    }
    if (clipper) { const cr = clipper.getBoundingClientRect(); if (cr.width <= 2 || cr.height <= 2) continue; }  // visually hidden
    if (r.right > limit + 1) {
      wide.push([el, describe(el) + (clipper ? ' is clipped by ' + describe(clipper) : ' reaches ' + Math.round(r.right) + ' px of ' + vw)]);
    }
  }
  // Name the innermost culprits, not every ancestor they push out.
  for (const [el, msg] of wide) {
    if (!wide.some(([other]) => other !== el && el.contains(other))) add(msg);
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, offenders: offenders.slice(0, 6)};
}
