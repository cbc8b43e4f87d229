// Interface strings in the page's language. Msgids are the Chinese source text; Django's JavaScript
// catalog (config/urls.py "javascript-catalog", loaded by the template with a plain <script> before
// the modules) supplies the translation. Without the catalog the Chinese source shows.
// Use `gettext("…")` with a literal so `makemessages -d djangojs` finds it; placeholders are
// named: fmt(gettext("第 %(n)s 题"), { n: 3 }).
const catalog = () => globalThis.django || null;

export function gettext(msgid) {
  const dj = catalog();
  return dj && dj.gettext ? dj.gettext(msgid) : msgid;
}

export function fmt(text, params) {
  return String(text).replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? ""));
}
