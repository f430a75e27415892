//! Our own SVG writer for laid-out diagrams. Every piece of user text is XML-escaped; nodes
//! and edge labels are `<a href>` links relative to the page (the page's root prefix is
//! passed in); colours come from CSS classes so the theme's light and dark schemes apply.
//! Output depends only on the spec and the scene: no counters, random ids or timestamps.

use super::layout::{label_size, node_size, Point2, Scene, Spec, LABEL_PX, SUB_PX, TITLE_PX};
use crate::render::values::esc;
use std::fmt::Write as _;

/// Writes the diagram as an inline `<svg>` element. `id` must be unique within the page (it
/// prefixes the arrow markers' ids); `root` leads from the page to the site root.
pub fn write(spec: &Spec, scene: &Scene, id: &str, root: &str, title: &str) -> String {
    let mut out = String::with_capacity(1024 + 400 * spec.nodes.len() + 300 * spec.edges.len());
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"lineage-svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
         aria-hidden=\"true\" focusable=\"false\"><title>{t}</title>",
        w = scene.width,
        h = scene.height,
        t = esc(title)
    );
    let _ = write!(
        out,
        "<defs><marker id=\"{id}-head\" class=\"lin-head\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"10\" \
         markerHeight=\"10\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\"/></marker></defs>"
    );
    out.push_str("<g class=\"lin-edges\">");
    for (i, e) in spec.edges.iter().enumerate() {
        if let Some(path) = &scene.edges[i] {
            let class = if e.class.is_empty() {
                "lin-edge".to_string()
            } else {
                format!("lin-edge {}", e.class)
            };
            let _ = write!(
                out,
                "<path class=\"{}\" d=\"{}\" marker-end=\"url(#{id}-head)\">",
                esc(&class),
                path_data(path, scene.left_to_right),
            );
            // A labelled edge's label carries the tooltip; saying it twice cost a tenth of
            // a diagram's bytes.
            if scene.labels[i].is_none() {
                let _ = write!(out, "<title>{}</title>", esc(&e.tooltip));
            }
            out.push_str("</path>");
        }
    }
    out.push_str("</g><g class=\"lin-labels\">");
    for (i, e) in spec.edges.iter().enumerate() {
        if let Some(c) = scene.labels[i] {
            edge_label(&mut out, &e.label, e.href.as_deref(), &e.tooltip, c, root);
        }
    }
    out.push_str("</g><g class=\"lin-nodes\">");
    for (i, n) in spec.nodes.iter().enumerate() {
        node(&mut out, n, scene.nodes[i], root);
    }
    out.push_str("</g></svg>");
    out
}

/// Straight runs across layers, S-curves (level with the flow at both ends) through the gaps
/// between them: a curve's control points stay inside its own gap, so it cannot reach a box.
fn path_data(points: &[Point2], ltr: bool) -> String {
    let mut d = String::new();
    let Some(first) = points.first() else { return d };
    let _ = write!(d, "M{} {}", n(first.x), n(first.y));
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let level = if ltr { a.y == b.y } else { a.x == b.x };
        if level {
            let _ = write!(d, "L{} {}", n(b.x), n(b.y));
        } else if ltr {
            let mx = (a.x + b.x) / 2.0;
            let _ = write!(d, "C{} {} {} {} {} {}", n(mx), n(a.y), n(mx), n(b.y), n(b.x), n(b.y));
        } else {
            let my = (a.y + b.y) / 2.0;
            let _ = write!(d, "C{} {} {} {} {} {}", n(a.x), n(my), n(b.x), n(my), n(b.x), n(b.y));
        }
    }
    d
}

/// One decimal is below a pixel's width and keeps the markup short.
fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

fn open_link(out: &mut String, href: Option<&str>, root: &str, class: &str) -> &'static str {
    match href {
        Some(h) => {
            let url = if h.starts_with('#') {
                h.to_string()
            } else {
                format!("{root}{h}")
            };
            let _ = write!(
                out,
                "<a href=\"{}\" class=\"{}\" tabindex=\"-1\">",
                esc(&url),
                esc(class)
            );
            "</a>"
        }
        None => {
            let _ = write!(out, "<g class=\"{}\">", esc(class));
            "</g>"
        }
    }
}

fn edge_label(out: &mut String, label: &str, href: Option<&str>, tooltip: &str, c: Point2, root: &str) {
    let close = open_link(out, href, root, "lin-label");
    let (w, h) = label_size(label);
    let _ = write!(
        out,
        "<title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/><text x=\"{}\" y=\"{}\">{}</text>{close}",
        esc(tooltip),
        n(c.x - w / 2.0),
        n(c.y - h / 2.0),
        n(w),
        n(h),
        n(c.x),
        n(c.y + LABEL_PX * 0.35),
        esc(label)
    );
}

fn node(out: &mut String, node: &super::layout::SpecNode, (xy, size): (Point2, Point2), root: &str) {
    let close = open_link(out, node.href.as_deref(), root, &format!("lin-node {}", node.class));
    // The box is drawn at the size our metrics asked for, centred where the layout put it.
    let (w, h) = node_size(node);
    let (cx, cy) = (xy.x + size.x / 2.0, xy.y + size.y / 2.0);
    let _ = write!(
        out,
        "<title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
        esc(&node.tooltip),
        n(cx - w / 2.0),
        n(cy - h / 2.0),
        n(w),
        n(h)
    );
    if node.subtitle.is_empty() {
        let _ = write!(
            out,
            "<text class=\"lin-title\" x=\"{}\" y=\"{}\">{}</text>",
            n(cx),
            n(cy + TITLE_PX * 0.35),
            esc(&node.title)
        );
    } else {
        let _ = write!(
            out,
            "<text class=\"lin-title\" x=\"{}\" y=\"{}\">{}</text><text class=\"lin-sub\" x=\"{}\" y=\"{}\">{}</text>",
            n(cx),
            n(cy - 2.0),
            esc(&node.title),
            n(cx),
            n(cy + SUB_PX + 1.0),
            esc(&node.subtitle)
        );
    }
    out.push_str(close);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(n(10.0), "10");
        assert_eq!(n(10.04), "10");
        assert_eq!(n(10.25), "10.3");
        assert_eq!(n(-3.5), "-3.5");
    }
}
