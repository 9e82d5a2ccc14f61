//! The corpus label-mix chart as inline SVG (no script, no external resources).

use std::fmt::Write as _;

use super::html::escape;

/// Solid Okabe–Ito colours for fact, speculation, opinion and unknown labels; the same hues
/// tint the sentences on document pages.
const COLOURS: [&str; 4] = ["#0072B2", "#E69F00", "#CC79A7", "#999999"];
const NAMES: [&str; 4] = ["Fact", "Speculation", "Opinion", "Unknown"];

/// A horizontal stacked bar per row (`(caption, [fact, speculation, opinion, other])`), with
/// counts and shares written on wide segments and in the accessible description.
pub(crate) fn label_mix(rows: &[(&str, [usize; 4])]) -> String {
    const WIDTH: f64 = 720.0;
    const LABEL_W: f64 = 130.0;
    const BAR_H: f64 = 30.0;
    const GAP: f64 = 18.0;
    let bar_w = WIDTH - LABEL_W - 70.0;
    let height = rows.len() as f64 * (BAR_H + GAP) + 4.0;

    let mut desc = String::new();
    for (caption, counts) in rows {
        let total: usize = counts.iter().sum();
        let _ = write!(desc, "{caption}: {total} sentences");
        for (i, n) in counts.iter().enumerate() {
            if *n > 0 {
                let _ = write!(desc, ", {} {}", NAMES[i].to_lowercase(), n);
            }
        }
        desc.push_str(". ");
    }

    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-labelledby="mix-t mix-d"><title id="mix-t">Label mix</title><desc id="mix-d">{}</desc>"#,
        escape(desc.trim())
    );
    for (row, (caption, counts)) in rows.iter().enumerate() {
        let y = row as f64 * (BAR_H + GAP) + 2.0;
        let total: usize = counts.iter().sum();
        let _ = write!(
            s,
            r#"<text x="0" y="{:.1}" class="cap">{}</text>"#,
            y + BAR_H / 2.0 + 5.0,
            escape(caption)
        );
        let _ = write!(
            s,
            r##"<rect x="{LABEL_W}" y="{y:.1}" width="{bar_w:.1}" height="{BAR_H}" rx="4" fill="#eef0f3"/>"##
        );
        let mut x = LABEL_W;
        for (i, n) in counts.iter().enumerate() {
            if *n == 0 || total == 0 {
                continue;
            }
            let share = *n as f64 / total as f64;
            let w = share * bar_w;
            let _ = write!(
                s,
                r#"<rect x="{x:.2}" y="{y:.1}" width="{w:.2}" height="{BAR_H}" fill="{}"><title>{}: {} ({:.1}%)</title></rect>"#,
                COLOURS[i],
                NAMES[i],
                n,
                share * 100.0
            );
            // Only label segments wide enough to hold the text; the tooltip and the
            // description carry the rest.
            if w >= 56.0 {
                let _ = write!(
                    s,
                    r#"<text x="{:.2}" y="{:.1}" class="seg">{:.0}%</text>"#,
                    x + 8.0,
                    y + BAR_H / 2.0 + 5.0,
                    share * 100.0
                );
            }
            x += w;
        }
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" class="tot">{}</text>"#,
            LABEL_W + bar_w + 8.0,
            y + BAR_H / 2.0 + 5.0,
            total
        );
    }
    s.push_str("</svg>");
    s
}
