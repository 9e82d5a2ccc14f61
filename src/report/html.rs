//! HTML for the report pages: escaping, the page shell with its inline CSS and script, the
//! document view rebuilt from sentence rows, and the index.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::svg;
use super::{
    clamp01, doc_file_name, index_file_name, DocCounts, DocumentRec, EntityRec, RunInfo,
    SentenceRec, TopFact, Totals, CHECKWORTHY_THRESHOLD, DOCS_PER_INDEX_PAGE,
};

/// Escapes text for use in element content and in quoted attribute values.
///
/// Quotes are escaped too so one function serves both places; NUL, which HTML forbids, becomes
/// U+FFFD like a browser would make it.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Keeps only characters that are safe inside a class name (entity types come from the CSV).
fn class_token(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

/// Cuts `s` to at most `max` characters (not bytes, so multi-byte text never splits).
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s.to_string(),
    }
}

fn label_name(kind: Option<&str>) -> &'static str {
    match kind {
        Some("fact") => "Fact",
        Some("speculation") => "Speculation",
        Some("opinion") => "Opinion",
        _ => "Unknown",
    }
}

/// The shared stylesheet. Sentences keep their own line breaks (`pre-wrap` on `.s`) while the
/// space written between sentences stays collapsible, so that a sentence hidden by a filter
/// does not leave a stray space at the start of a line.
const CSS: &str = r#"
:root{--fact:#0072B2;--spec:#E69F00;--opin:#CC79A7;--unk:#999;--fact-bg:rgba(0,114,178,.15);--spec-bg:rgba(230,159,0,.24);--opin-bg:rgba(204,121,167,.24);--unk-bg:rgba(153,153,153,.18);--ink:#1f2328;--muted:#5d6670;--line:#d8dde3;--panel:#f5f7f9}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--ink);background:#fff;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","Liberation Sans",sans-serif}
a{color:#0b5cad}
a:focus-visible,button:focus-visible{outline:2px solid #1f2328;outline-offset:2px}
.wrap{max-width:72rem;margin:0 auto;padding:0 1.5rem}
header.top{background:var(--panel);border-bottom:1px solid var(--line);padding:1.1rem 0 1rem}
.crumbs{font-size:.85rem;color:var(--muted);margin-bottom:.3rem}
.crumbs a{color:var(--muted)}
h1{font-size:1.45rem;line-height:1.25;margin:.1rem 0 .35rem;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:2rem 0 .75rem}
.meta{color:var(--muted);font-size:.88rem;margin:0;overflow-wrap:anywhere}
.meta b{color:var(--ink);font-weight:600}
.warn{background:#fff4e0;border:1px solid #f0c27a;border-radius:6px;padding:.5rem .75rem;margin:.75rem 0 0;font-size:.9rem;overflow-wrap:anywhere}
.err{background:#fdecec;border-color:#e8a3a3}
.toolbar{position:sticky;top:0;z-index:5;background:rgba(255,255,255,.96);border-bottom:1px solid var(--line);backdrop-filter:blur(4px)}
.toolbar .wrap{display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center;justify-content:space-between;padding-top:.55rem;padding-bottom:.55rem}
.legend{display:flex;flex-wrap:wrap;gap:.35rem .7rem;align-items:center;font-size:.8rem;color:var(--muted)}
.ctl{display:flex;flex-wrap:wrap;gap:.4rem .9rem;align-items:center}
.sw{display:inline-block;padding:.05rem .45rem;border-radius:4px;color:var(--ink);font-size:.82rem}
.key-e{text-decoration:underline 1.5px;text-underline-offset:3px}
.filters{display:flex;flex-wrap:wrap;gap:0;border:1px solid var(--line);border-radius:7px;overflow:hidden}
.filters button{font:inherit;font-size:.85rem;border:0;border-right:1px solid var(--line);background:#fff;color:var(--ink);padding:.3rem .7rem;cursor:pointer}
.filters button:last-child{border-right:0}
.filters button[aria-pressed=true]{background:#1f2328;color:#fff}
.shown{font-size:.85rem;color:var(--muted)}
.pn{font-size:.85rem;color:var(--muted)}
article{max-width:46rem;margin:1.6rem auto 3rem;padding:0 1.5rem;font-size:1.06rem;line-height:1.95}
.blk{margin:0 0 1.05rem;overflow-wrap:anywhere}
h3.blk{font-size:1.2rem;line-height:1.7;margin:1.6rem 0 .6rem;font-weight:650}
.b-heading .s,.b-boilerplate .s{opacity:.55}
.b-boilerplate{font-size:.9rem;color:var(--muted)}
.b-list_item{padding-left:1.3rem;position:relative}
.b-list_item::before{content:"•";position:absolute;left:.35rem;color:var(--muted)}
.s{white-space:pre-wrap;border-radius:3px;padding:.12em .1em;-webkit-box-decoration-break:clone;box-decoration-break:clone;cursor:help}
.s.l-fact{background:var(--fact-bg);--c:var(--fact)}
.s.l-speculation{background:var(--spec-bg);--c:var(--spec)}
.s.l-opinion{background:var(--opin-bg);--c:var(--opin)}
.s.l-other{background:var(--unk-bg);--c:var(--unk)}
.s:hover,.s:focus{outline:2px solid var(--c);outline-offset:1px;opacity:1}
.s:focus{outline-width:3px}
.s:target{outline:3px solid #1f2328;outline-offset:2px}
.sw.l-fact{background:var(--fact-bg);box-shadow:inset 3px 0 0 var(--fact)}
.sw.l-speculation{background:var(--spec-bg);box-shadow:inset 3px 0 0 var(--spec)}
.sw.l-opinion{background:var(--opin-bg);box-shadow:inset 3px 0 0 var(--opin)}
.e{text-decoration:underline 1.5px;text-decoration-color:#4d5761;text-underline-offset:3px}
.e.src-rule{text-decoration-style:dashed}
.e::after{content:attr(data-t);font-size:.58em;font-weight:650;letter-spacing:.03em;color:#5d6670;vertical-align:.55em;margin-left:.12em;line-height:1}
.hid{display:none!important}
.blk.empty{display:none}
.nodata{color:var(--muted);font-style:italic}
#tip{position:fixed;z-index:20;max-width:23rem;min-width:15rem;background:#fff;border:1px solid var(--line);border-radius:8px;box-shadow:0 8px 28px rgba(20,30,40,.18);padding:.65rem .8rem .7rem;font-size:.82rem;line-height:1.4;pointer-events:none}
#tip[hidden]{display:none}
#tip .h{display:flex;gap:.5rem;align-items:center;margin-bottom:.45rem;color:var(--muted)}
#tip .row{display:grid;grid-template-columns:6.3rem 1fr 2.6rem;gap:.45rem;align-items:center;margin:.12rem 0}
#tip .bar{height:.5rem;background:#eef0f3;border-radius:3px;overflow:hidden}
#tip .bar i{display:block;height:100%}
#tip .num{text-align:right;font-variant-numeric:tabular-nums}
#tip .kv{margin-top:.35rem;overflow-wrap:anywhere}
#tip .kv b{font-weight:600}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.75rem;margin:1.4rem 0 .5rem}
.card{border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem;background:#fff}
.card .n{font-size:1.45rem;font-weight:650;font-variant-numeric:tabular-nums}
.card .l{font-size:.8rem;color:var(--muted)}
.card.l-fact{box-shadow:inset 4px 0 0 var(--fact)}
.card.l-speculation{box-shadow:inset 4px 0 0 var(--spec)}
.card.l-opinion{box-shadow:inset 4px 0 0 var(--opin)}
.chart{max-width:46rem;display:block;font-size:13px}
.chart .cap{fill:#1f2328;font-weight:600}
.chart .seg{fill:#fff;font-weight:650}
.chart .tot{fill:#5d6670}
.top{list-style:none;padding:0;margin:0;counter-reset:t}
.top li{display:grid;grid-template-columns:3.4rem 1fr;gap:.8rem;padding:.6rem 0;border-bottom:1px solid #eceff2}
.score{font-variant-numeric:tabular-nums;font-weight:650;color:#fff;background:var(--fact);border-radius:5px;text-align:center;padding:.1rem 0;height:fit-content}
.top .where{font-size:.82rem;color:var(--muted);overflow-wrap:anywhere}
table.docs{border-collapse:collapse;width:100%;font-size:.9rem}
table.docs th{text-align:left;font-weight:600;color:var(--muted);border-bottom:2px solid var(--line);padding:.4rem .5rem;white-space:nowrap}
table.docs td{border-bottom:1px solid #eceff2;padding:.4rem .5rem;vertical-align:top}
table.docs td.doc{overflow-wrap:anywhere;max-width:28rem}
.num{text-align:right;font-variant-numeric:tabular-nums}
.src{font-size:.78rem;color:var(--muted)}
.mix{display:flex;width:8rem;height:.7rem;border-radius:3px;overflow:hidden;background:#eef0f3;margin-top:.35rem}
.mix i{display:block;height:100%}
.mix .f{background:var(--fact)}.mix .p{background:var(--spec)}.mix .o{background:var(--opin)}.mix .u{background:var(--unk)}
.st-error{color:#b42318;font-weight:600}.st-empty{color:var(--muted)}
nav.pages{display:flex;flex-wrap:wrap;gap:.3rem;align-items:center;margin:1rem 0;font-size:.9rem}
nav.pages a,nav.pages span{padding:.15rem .55rem;border:1px solid var(--line);border-radius:5px;text-decoration:none}
nav.pages span.cur{background:#1f2328;color:#fff;border-color:#1f2328}
nav.pages span.gap{border:0}
footer{color:var(--muted);font-size:.8rem;padding:2rem 0 3rem}
@media print{.toolbar{position:static}#tip{display:none}}
"#;

/// Hover/focus details and the label filter. It builds the tooltip with `textContent` only, so
/// nothing read from the page's data attributes is ever parsed as HTML.
const SCRIPT: &str = r#"
(function(){
var tip=document.getElementById('tip');
var sents=document.querySelectorAll('.s');
var blocks=document.querySelectorAll('.blk');
var buttons=document.querySelectorAll('button[data-filter]');
var shown=document.getElementById('shown');
var names={fact:'Fact',speculation:'Speculation',opinion:'Opinion',other:'Unknown'};
var colours={fact:'#0072B2',speculation:'#E69F00',opinion:'#CC79A7',other:'#999999'};
function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!=null)e.textContent=text;return e;}
function bar(label,value,colour){
  var r=el('div','row');r.appendChild(el('span',null,label));
  var b=el('span','bar');var i=el('i');i.style.width=Math.round(value*100)+'%';i.style.background=colour;b.appendChild(i);r.appendChild(b);
  r.appendChild(el('span','num',value.toFixed(2)));return r;}
function kv(k,v){var d=el('div','kv');d.appendChild(el('b',null,k+': '));d.appendChild(document.createTextNode(v));return d;}
function fill(s){
  while(tip.firstChild)tip.removeChild(tip.firstChild);
  var lab=s.getAttribute('data-label');
  var h=el('div','h');var sw=el('span','sw l-'+lab,names[lab]||lab);h.appendChild(sw);
  h.appendChild(el('span',null,'sentence '+s.getAttribute('data-sid')+' \u00b7 '+s.getAttribute('data-block').replace('_',' ')));
  tip.appendChild(h);
  var p=(s.getAttribute('data-p')||'').split(',');
  ['fact','speculation','opinion'].forEach(function(k,i){var v=parseFloat(p[i]);if(!isNaN(v))tip.appendChild(bar(names[k],v,colours[k]));});
  var cw=parseFloat(s.getAttribute('data-cw'));
  if(!isNaN(cw))tip.appendChild(bar('Check-worthy',cw,'#1f2328'));
  var cues=s.getAttribute('data-cues');if(cues)tip.appendChild(kv('Cues',cues.split(';').map(function(c){return c.trim();}).filter(Boolean).join(', ')));
  var attr=s.getAttribute('data-attr');if(attr)tip.appendChild(kv('Attribution',attr));
  var ents=s.querySelectorAll('.e');
  if(ents.length){var parts=[];ents.forEach(function(e){var n=e.getAttribute('data-n');parts.push(e.textContent+' ('+e.getAttribute('data-t')+(n?' = '+n:'')+')');});tip.appendChild(kv('Entities',parts.join('; ')));}
  var more=s.getAttribute('data-more');if(more)tip.appendChild(kv('Not underlined',more+' overlapping mention(s)'));
}
function place(x,y,below){
  tip.hidden=false;
  var w=tip.offsetWidth,h=tip.offsetHeight,vw=window.innerWidth,vh=window.innerHeight;
  var left=Math.min(Math.max(8,x),vw-w-8),top=below+10;
  if(top+h>vh-8)top=Math.max(8,y-h-10);
  tip.style.left=left+'px';tip.style.top=top+'px';
}
function showFor(s,ev){
  fill(s);
  if(ev&&ev.clientX!=null&&ev.type==='mousemove'){place(ev.clientX+12,ev.clientY,ev.clientY+8);return;}
  var r=s.getClientRects()[0]||s.getBoundingClientRect();place(r.left,r.top,r.bottom);
}
function hide(){tip.hidden=true;}
sents.forEach(function(s){
  s.addEventListener('mousemove',function(ev){showFor(s,ev);});
  s.addEventListener('mouseleave',hide);
  s.addEventListener('focus',function(){showFor(s,null);});
  s.addEventListener('blur',hide);
});
document.addEventListener('keydown',function(ev){if(ev.key==='Escape')hide();});
window.addEventListener('scroll',function(){if(!tip.hidden&&document.activeElement&&!document.activeElement.classList.contains('s'))hide();},{passive:true});
function matches(s,f){
  if(f==='all')return true;
  if(f==='cw')return s.classList.contains('cw');
  return s.classList.contains('l-'+f);
}
function apply(f){
  var n=0;
  sents.forEach(function(s){var ok=matches(s,f);s.classList.toggle('hid',!ok);if(ok)n++;});
  blocks.forEach(function(b){b.classList.toggle('empty',!b.querySelector('.s:not(.hid)'));});
  buttons.forEach(function(b){b.setAttribute('aria-pressed',b.getAttribute('data-filter')===f?'true':'false');});
  document.body.setAttribute('data-filter',f);
  if(shown)shown.textContent=n+' of '+sents.length+' sentences shown';
  hide();
}
buttons.forEach(function(b){b.addEventListener('click',function(){apply(b.getAttribute('data-filter'));});});
apply('all');
})();
"#;

/// Content-Security-Policy for every page: nothing may be fetched; only the inline style and
/// script run. This makes "no network requests" a property the browser enforces, not just
/// something the markup happens to satisfy.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

fn head(w: &mut dyn Write, title: &str) -> io::Result<()> {
    writeln!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"generator\" content=\"claimscan report\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>",
        escape(title)
    )
}

fn legend() -> &'static str {
    r#"<div class="legend" aria-label="Legend"><span class="sw l-fact">Fact</span><span class="sw l-speculation">Speculation</span><span class="sw l-opinion">Opinion</span><span><span class="key-e">Entity</span><sup>TYPE</sup> underlined</span><span>dimmed: headings, boilerplate</span></div>"#
}

/// One document page.
pub(crate) struct DocPage<'a> {
    pub doc: &'a DocumentRec,
    pub doc_no: usize,
    pub total_docs: usize,
    pub index_page: usize,
    pub sentences: &'a [SentenceRec],
    pub entities: &'a [EntityRec],
    pub counts: &'a DocCounts,
}

impl DocPage<'_> {
    pub(crate) fn write(&self, w: &mut dyn Write) -> io::Result<()> {
        let d = self.doc;
        let c = self.counts;
        head(w, &format!("{} · claimscan report", d.doc_id))?;
        writeln!(
            w,
            "<body data-doc-no=\"{}\" data-doc-id=\"{}\">",
            self.doc_no,
            escape(&d.doc_id)
        )?;
        write!(
            w,
            "<header class=\"top\"><div class=\"wrap\"><div class=\"crumbs\"><a href=\"{}\">← All documents</a> · document {} of {}",
            index_file_name(self.index_page),
            self.doc_no,
            self.total_docs
        )?;
        if self.doc_no > 1 {
            write!(
                w,
                " · <a href=\"{}\" rel=\"prev\">previous</a>",
                doc_file_name(self.doc_no - 1)
            )?;
        }
        if self.doc_no < self.total_docs {
            write!(
                w,
                " · <a href=\"{}\" rel=\"next\">next</a>",
                doc_file_name(self.doc_no + 1)
            )?;
        }
        writeln!(w, "</div>\n<h1>{}</h1>", escape(&d.doc_id))?;
        write!(w, "<p class=\"meta\">")?;
        if !d.source.is_empty() && d.source != d.doc_id {
            write!(w, "Source <b>{}</b> · ", escape(&d.source))?;
        }
        writeln!(
            w,
            "<b>{}</b> sentences: <b>{}</b> fact, <b>{}</b> speculation, <b>{}</b> opinion · <b>{}</b> check-worthy facts · <b>{}</b> entities</p>",
            c.sentences, c.fact, c.speculation, c.opinion, c.checkworthy_facts, c.entities
        )?;
        if d.status == "error" || !d.error.is_empty() {
            writeln!(
                w,
                "<p class=\"warn err\">Not processed: {}</p>",
                escape(&d.error)
            )?;
        }
        if !d.warning.is_empty() {
            writeln!(w, "<p class=\"warn\">Warning: {}</p>", escape(&d.warning))?;
        }
        writeln!(w, "</div></header>")?;

        writeln!(
            w,
            "<div class=\"toolbar\"><div class=\"wrap\">{}\
             <div class=\"ctl\"><div class=\"filters\" role=\"group\" aria-label=\"Show\">\
             <button type=\"button\" data-filter=\"all\" aria-pressed=\"true\">All</button>\
             <button type=\"button\" data-filter=\"fact\" aria-pressed=\"false\">Fact</button>\
             <button type=\"button\" data-filter=\"speculation\" aria-pressed=\"false\">Speculation</button>\
             <button type=\"button\" data-filter=\"opinion\" aria-pressed=\"false\">Opinion</button>\
             <button type=\"button\" data-filter=\"cw\" aria-pressed=\"false\" title=\"Facts in running text with check-worthiness ≥ {CHECKWORTHY_THRESHOLD}\">Check-worthy facts</button>\
             </div><span id=\"shown\" class=\"shown\" aria-live=\"polite\">{} sentences</span></div></div></div>",
            legend(),
            c.sentences
        )?;

        writeln!(w, "<article aria-label=\"Document text\">")?;
        if self.sentences.is_empty() {
            writeln!(w, "<p class=\"nodata\">No sentences.</p>")?;
        } else {
            self.write_body(w)?;
        }
        writeln!(
            w,
            "</article>\n<div id=\"tip\" role=\"tooltip\" hidden></div>\n<script>{SCRIPT}</script>\n</body>\n</html>"
        )
    }

    /// Rebuilds the text from the sentence rows. The gaps between sentences are not in the
    /// CSV, so a new paragraph starts when the block kind changes or more than one character
    /// lies between two sentences; a one-character gap becomes a space.
    fn write_body(&self, w: &mut dyn Write) -> io::Result<()> {
        let mut by_sentence: HashMap<usize, Vec<&EntityRec>> = HashMap::new();
        for e in self.entities {
            by_sentence.entry(e.sentence_id).or_default().push(e);
        }
        let mut order: Vec<&SentenceRec> = self.sentences.iter().collect();
        order.sort_by_key(|s| (s.start, s.sentence_id));

        let mut open: Option<&'static str> = None;
        let mut prev: Option<&SentenceRec> = None;
        for s in order {
            let block = s.block_kind();
            let new_block = match prev {
                None => true,
                Some(p) => p.block_kind() != block || s.start > p.end.saturating_add(1),
            };
            if new_block {
                if let Some(tag) = open.take() {
                    writeln!(w, "</{tag}>")?;
                }
                let tag = if block == "heading" { "h3" } else { "p" };
                write!(w, "<{tag} class=\"blk b-{block}\">")?;
                open = Some(tag);
            } else if let Some(p) = prev {
                if s.start > p.end {
                    w.write_all(b" ")?;
                }
            }
            let ents = by_sentence
                .get(&s.sentence_id)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            write_sentence(w, s, ents)?;
            prev = Some(s);
        }
        if let Some(tag) = open {
            writeln!(w, "</{tag}>")?;
        }
        Ok(())
    }
}

/// An entity placed inside its sentence, as byte range of the sentence text.
struct Placed<'a> {
    from: usize,
    to: usize,
    e: &'a EntityRec,
}

fn write_sentence(w: &mut dyn Write, s: &SentenceRec, ents: &[&EntityRec]) -> io::Result<()> {
    let kind = s.label_kind();
    let label_class = kind.unwrap_or("other");
    let cw = if s.is_checkworthy_fact() { " cw" } else { "" };
    let p = [s.p_fact, s.p_speculation, s.p_opinion].map(|v| format!("{:.2}", clamp01(v)));

    // Entity offsets count Unicode scalar values from the document start; the sentence text
    // is sliced by bytes, so map each character position of the sentence to its byte.
    let bytes_at: Vec<usize> = s
        .text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(s.text.len()))
        .collect();
    let mut placed: Vec<Placed> = ents
        .iter()
        .filter_map(|e| {
            let from_c = e.start.checked_sub(s.start)?;
            let to_c = e.end.checked_sub(s.start)?;
            if from_c >= to_c {
                return None;
            }
            let (from, to) = (*bytes_at.get(from_c)?, *bytes_at.get(to_c)?);
            // Offsets that do not point at the mention (an edited CSV) would underline the
            // wrong words; better to leave such an entity out.
            (s.text.get(from..to)? == e.text).then_some(Placed { from, to, e })
        })
        .collect();
    // Overlapping mentions cannot all be underlined in flat markup: keep the earliest, and on
    // equal starts the longest, and report how many were left out.
    placed.sort_by_key(|p| (p.from, std::cmp::Reverse(p.to)));
    let mut kept: Vec<Placed> = Vec::with_capacity(placed.len());
    let mut skipped = 0usize;
    for p in placed {
        if kept.last().is_some_and(|k| p.from < k.to) {
            skipped += 1;
        } else {
            kept.push(p);
        }
    }

    write!(
        w,
        "<span class=\"s l-{label_class}{cw}\" id=\"s-{sid}\" tabindex=\"0\" data-sid=\"{sid}\" data-label=\"{label_class}\" data-block=\"{block}\" data-p=\"{}\" data-cw=\"{:.2}\"",
        p.join(","),
        s.checkworthy(),
        sid = s.sentence_id,
        block = s.block_kind(),
    )?;
    if !s.cues.is_empty() {
        write!(w, " data-cues=\"{}\"", escape(&s.cues))?;
    }
    if !s.attribution.is_empty() {
        write!(w, " data-attr=\"{}\"", escape(&s.attribution))?;
    }
    if skipped > 0 {
        write!(w, " data-more=\"{skipped}\"")?;
    }
    write!(w, " aria-label=\"{}\">", label_name(kind))?;

    let mut at = 0;
    for k in &kept {
        w.write_all(escape(&s.text[at..k.from]).as_bytes())?;
        let t = class_token(&k.e.kind);
        let src = if k.e.source == "rule" {
            " src-rule"
        } else {
            ""
        };
        write!(
            w,
            "<span class=\"e t-{t}{src}\" data-t=\"{}\"",
            escape(&k.e.kind)
        )?;
        if !k.e.normalized.is_empty() {
            write!(w, " data-n=\"{}\"", escape(&k.e.normalized))?;
        }
        write!(w, ">{}</span>", escape(&s.text[k.from..k.to]))?;
        at = k.to;
    }
    w.write_all(escape(&s.text[at..]).as_bytes())?;
    w.write_all(b"</span>")
}

/// One `<tr>` of the documents table.
pub(crate) fn index_row(doc_no: usize, d: &DocumentRec, c: &DocCounts) -> String {
    let mut r = String::new();
    let _ = write!(
        r,
        "<tr><td class=\"num\">{doc_no}</td><td class=\"doc\"><a href=\"{}\">{}</a>",
        doc_file_name(doc_no),
        escape(&d.doc_id)
    );
    if !d.source.is_empty() && d.source != d.doc_id {
        let _ = write!(r, "<div class=\"src\">{}</div>", escape(&d.source));
    }
    if !d.error.is_empty() {
        let _ = write!(
            r,
            "<div class=\"src st-error\">{}</div>",
            escape(&truncate_chars(&d.error, 160))
        );
    }
    let status = if d.status.is_empty() {
        "ok"
    } else {
        d.status.as_str()
    };
    let _ = write!(
        r,
        "</td><td class=\"st-{}\">{}</td>",
        class_token(status),
        escape(status)
    );
    let _ = write!(r, "<td class=\"num\">{}", c.sentences);
    if c.sentences > 0 {
        let other = c.sentences - c.fact - c.speculation - c.opinion;
        let pct = |n: usize| n as f64 * 100.0 / c.sentences as f64;
        let _ = write!(
            r,
            "<div class=\"mix\" title=\"fact {} · speculation {} · opinion {}\"><i class=\"f\" style=\"width:{:.1}%\"></i><i class=\"p\" style=\"width:{:.1}%\"></i><i class=\"o\" style=\"width:{:.1}%\"></i><i class=\"u\" style=\"width:{:.1}%\"></i></div>",
            c.fact,
            c.speculation,
            c.opinion,
            pct(c.fact),
            pct(c.speculation),
            pct(c.opinion),
            pct(other)
        );
    }
    let _ = writeln!(
        r,
        "</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        c.fact, c.speculation, c.opinion, c.checkworthy_facts, c.entities
    );
    r
}

/// The corpus summary shown on the first index page.
pub(crate) struct Overview<'a> {
    pub run: &'a RunInfo,
    pub totals: &'a Totals,
    pub top: Vec<TopFact>,
    pub total_docs: usize,
}

fn pagination(w: &mut dyn Write, page: usize, pages: usize) -> io::Result<()> {
    if pages <= 1 {
        return Ok(());
    }
    write!(w, "<nav class=\"pages\" aria-label=\"Index pages\">")?;
    if page > 1 {
        write!(
            w,
            "<a href=\"{}\" rel=\"prev\">← Prev</a>",
            index_file_name(page - 1)
        )?;
    }
    // First, last and the pages around the current one; gaps collapse to an ellipsis so a
    // corpus of a million documents still gets a short bar.
    let mut last_shown = 0;
    for p in 1..=pages {
        let near = p == 1 || p == pages || p.abs_diff(page) <= 2;
        if !near {
            continue;
        }
        if p > last_shown + 1 {
            write!(w, "<span class=\"gap\">…</span>")?;
        }
        if p == page {
            write!(w, "<span class=\"cur\" aria-current=\"page\">{p}</span>")?;
        } else {
            write!(w, "<a href=\"{}\">{p}</a>", index_file_name(p))?;
        }
        last_shown = p;
    }
    if page < pages {
        write!(
            w,
            "<a href=\"{}\" rel=\"next\">Next →</a>",
            index_file_name(page + 1)
        )?;
    }
    writeln!(w, "</nav>")
}

/// One index page: the overview (first page only), then the documents of this page.
pub(crate) fn write_index(
    w: &mut dyn Write,
    page: usize,
    pages: usize,
    first_doc: usize,
    rows: &[String],
    overview: Option<&Overview<'_>>,
) -> io::Result<()> {
    let title = if page == 1 {
        "claimscan report".to_string()
    } else {
        format!("claimscan report · page {page}")
    };
    head(w, &title)?;
    write!(w, "<body>\n<header class=\"top\"><div class=\"wrap\">")?;
    if page > 1 {
        write!(
            w,
            "<div class=\"crumbs\"><a href=\"index.html\">← Overview</a></div>"
        )?;
    }
    writeln!(w, "<h1>{}</h1>", escape(&title))?;
    if let Some(o) = overview {
        let r = o.run;
        let mut parts: Vec<String> = Vec::new();
        if let Some(v) = &r.version {
            parts.push(format!("claimscan <b>{}</b>", escape(v)));
        }
        if let Some(m) = &r.model {
            parts.push(format!("model <b>{}</b>", escape(m)));
        }
        if !r.inputs.is_empty() {
            let shown: Vec<String> = r.inputs.iter().take(5).map(|i| escape(i)).collect();
            let more = if r.inputs.len() > 5 {
                format!(" and {} more", r.inputs.len() - 5)
            } else {
                String::new()
            };
            parts.push(format!("inputs <b>{}</b>{more}", shown.join(", ")));
        }
        if let Some(s) = r.elapsed_seconds {
            parts.push(format!("{s:.1} s"));
        }
        if !parts.is_empty() {
            writeln!(w, "<p class=\"meta\">{}</p>", parts.join(" · "))?;
        }
    }
    writeln!(w, "</div></header>\n<main class=\"wrap\">")?;

    if let Some(o) = overview {
        let t = o.totals;
        let sentences: usize = t.all.iter().sum();
        write!(w, "<div class=\"cards\">")?;
        let mut card = |n: usize, label: String, class: &str| {
            write!(w, "<div class=\"card {class}\"><div class=\"n\">{n}</div><div class=\"l\">{label}</div></div>")
        };
        let doc_note = if t.errors + t.empty > 0 {
            format!("documents ({} error, {} empty)", t.errors, t.empty)
        } else {
            "documents".to_string()
        };
        card(o.total_docs, doc_note, "")?;
        card(sentences, "sentences".into(), "")?;
        card(t.all[0], "fact".into(), "l-fact")?;
        card(t.all[1], "speculation".into(), "l-speculation")?;
        card(t.all[2], "opinion".into(), "l-opinion")?;
        card(t.checkworthy_facts, "check-worthy facts".into(), "")?;
        card(t.entities, "entities".into(), "")?;
        writeln!(w, "</div>")?;

        writeln!(w, "<h2>Label mix</h2>")?;
        if sentences == 0 {
            writeln!(w, "<p class=\"nodata\">No sentences in this run.</p>")?;
        } else {
            writeln!(w, "{}", legend_chart())?;
            writeln!(
                w,
                "{}",
                svg::label_mix(&[("All sentences", t.all), ("Running text", t.body)])
            )?;
            writeln!(
                w,
                "<p class=\"meta\">Running text leaves out headings and boilerplate, which a checker skips.</p>"
            )?;
        }

        writeln!(w, "<h2>Most check-worthy facts</h2>")?;
        if o.top.is_empty() {
            writeln!(
                w,
                "<p class=\"nodata\">No fact in running text reaches check-worthiness {CHECKWORTHY_THRESHOLD}.</p>"
            )?;
        } else {
            writeln!(w, "<ol class=\"top\">")?;
            for f in &o.top {
                write!(
                    w,
                    "<li><span class=\"score\" title=\"check-worthiness\">{:.2}</span><div><a href=\"{}#s-{}\">{}</a>",
                    f.score,
                    doc_file_name(f.doc_no),
                    f.sentence_id,
                    escape(&truncate_chars(&f.text, 320))
                )?;
                write!(
                    w,
                    "<div class=\"where\">{} · sentence {}",
                    escape(&f.doc_id),
                    f.sentence_id
                )?;
                if !f.attribution.is_empty() {
                    write!(w, " · attributed to {}", escape(&f.attribution))?;
                }
                writeln!(w, "</div></div></li>")?;
            }
            writeln!(w, "</ol>")?;
        }
    }

    write!(w, "<h2 id=\"documents\">Documents")?;
    if !rows.is_empty() {
        write!(w, " {}–{}", first_doc, first_doc + rows.len() - 1)?;
    }
    writeln!(w, "</h2>")?;
    pagination(w, page, pages)?;
    if rows.is_empty() {
        writeln!(w, "<p class=\"nodata\">No documents.</p>")?;
    } else {
        writeln!(
            w,
            "<table class=\"docs\"><thead><tr><th class=\"num\">#</th><th>Document</th><th>Status</th><th class=\"num\">Sentences</th><th class=\"num\">Fact</th><th class=\"num\">Spec.</th><th class=\"num\">Opinion</th><th class=\"num\">Check-worthy</th><th class=\"num\">Entities</th></tr></thead>\n<tbody>"
        )?;
        for r in rows {
            w.write_all(r.as_bytes())?;
        }
        writeln!(w, "</tbody></table>")?;
    }
    pagination(w, page, pages)?;
    writeln!(
        w,
        "</main>\n<footer class=\"wrap\">Static report generated by claimscan from sentences.csv, entities.csv and documents.csv; {DOCS_PER_INDEX_PAGE} documents per index page. Nothing on these pages is loaded from the network.</footer>\n</body>\n</html>"
    )
}

fn legend_chart() -> &'static str {
    r#"<div class="legend"><span class="sw l-fact">Fact</span><span class="sw l-speculation">Speculation</span><span class="sw l-opinion">Opinion</span></div>"#
}
