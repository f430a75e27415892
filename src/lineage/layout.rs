//! Diagram layout, written for lineage's shape: a layered (Sugiyama) layout in which boxes are
//! ranked along the flow (producers before consumers), edge labels are nodes of their own
//! layers, and long edges bend through virtual nodes (`layers`); coordinates come from a fixed
//! number of least-squares sweeps (`place`) and edges are routed through the gaps between
//! layers (`route`). There is no time budget: every step is bounded by the diagram's size
//! (a 150-node diagram takes milliseconds), and the result depends only on the input.

use super::layers::{self, EdgeIn};
use super::place::{self, Gaps};
use super::route::{self, Extent};

/// What to draw, independent of any layout engine. Indexes of `edges` point into `nodes`.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    pub nodes: Vec<SpecNode>,
    pub edges: Vec<SpecEdge>,
    pub left_to_right: bool,
}

#[derive(Debug, Clone, Default)]
pub struct SpecNode {
    pub title: String,
    pub subtitle: String,
    /// Site-relative URL of the node's page, or a `#fragment` on the same page.
    pub href: Option<String>,
    /// CSS classes (domain colour, status, focus).
    pub class: String,
    pub tooltip: String,
}

#[derive(Debug, Clone, Default)]
pub struct SpecEdge {
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub href: Option<String>,
    pub class: String,
    pub tooltip: String,
}

/// Everything of a spec the layout reads, and nothing else: the key under which a layout is
/// cached. Links, classes (domain colour, the highlighted product) and tooltips do not move a
/// box, so diagrams that differ only in those share one layout.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shape {
    /// Title and subtitle of each node: they size its box.
    pub nodes: Vec<(String, String)>,
    /// From, to and label of each edge.
    pub edges: Vec<(usize, usize, String)>,
    pub left_to_right: bool,
}

impl Shape {
    pub fn of(spec: &Spec) -> Shape {
        Shape {
            nodes: spec
                .nodes
                .iter()
                .map(|n| (n.title.clone(), n.subtitle.clone()))
                .collect(),
            edges: spec.edges.iter().map(|e| (e.from, e.to, e.label.clone())).collect(),
            left_to_right: spec.left_to_right,
        }
    }

    /// Bytes held by the key, for the cache's size bound.
    pub fn bytes(&self) -> usize {
        let nodes: usize = self.nodes.iter().map(|(t, s)| t.len() + s.len() + 48).sum();
        let edges: usize = self.edges.iter().map(|(_, _, l)| l.len() + 40).sum();
        nodes + edges + 64
    }
}

/// The laid-out geometry, in the coordinate space of the final SVG (origin top left).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scene {
    pub width: f64,
    pub height: f64,
    /// The orientation drawn: the spec's, or the other one when that came out narrower.
    pub left_to_right: bool,
    /// Top-left corner and size of each node, aligned with `Spec::nodes`.
    pub nodes: Vec<(Point2, Point2)>,
    /// Waypoints of each edge from producer to consumer: straight runs across layers, to be
    /// joined by curves between them (see `svg::path_data`). Aligned with `Spec::edges`.
    pub edges: Vec<Option<Vec<Point2>>>,
    /// Centre of each edge's label, aligned with `Spec::edges`; `None` for an unlabelled edge
    /// or one whose label another edge from the same producer already draws.
    pub labels: Vec<Option<Point2>>,
}

impl Scene {
    /// Bytes held, for the cache's size bound.
    pub fn bytes(&self) -> usize {
        let points: usize = self.edges.iter().flatten().map(Vec::len).sum();
        96 + 32 * self.nodes.len() + 40 * self.edges.len() + 16 * points
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Point2 {
    pub x: f64,
    pub y: f64,
}

/// Font sizes of the SVG text (px), mirrored in theme/style/05-product.css.
pub const TITLE_PX: f64 = 13.0;
pub const SUB_PX: f64 = 11.5;
pub const LABEL_PX: f64 = 11.0;
/// A label's box: its text plus padding (drawn by `svg::edge_label`).
pub const LABEL_PAD_X: f64 = 8.0;
pub const LABEL_H: f64 = LABEL_PX + 6.0;
const BOX_PAD_X: f64 = 12.0;
const MIN_BOX_W: f64 = 96.0;
const MARGIN: f64 = 8.0;
/// Spacing when layers run top to bottom: boxes side by side need more room than stacked.
const GAPS_DOWN: Gaps = Gaps {
    boxes: 24.0,
    label: 12.0,
    bend: 10.0,
    flow: 22.0,
};
const GAPS_RIGHT: Gaps = Gaps {
    boxes: 16.0,
    label: 8.0,
    bend: 8.0,
    flow: 34.0,
};
/// Diagrams wider than this (px) are tried in the other orientation too.
const WIDE: f64 = 900.0;

/// Lays out a diagram. A wide, flat drawing scrolls sideways or shrinks its text in a page
/// column, so when a drawing is wide the other orientation is tried and the narrower kept.
pub fn lay_out(shape: &Shape) -> Scene {
    let scene = lay_out_as(shape, shape.left_to_right);
    if scene.width <= WIDE || scene.width < 1.2 * scene.height {
        return scene;
    }
    let turned = lay_out_as(shape, !shape.left_to_right);
    if turned.width < scene.width {
        turned
    } else {
        scene
    }
}

/// Lays out a diagram in the given orientation.
pub fn lay_out_as(shape: &Shape, left_to_right: bool) -> Scene {
    // Sizes as (along the flow, across it).
    let flow = |(w, h): (f64, f64)| if left_to_right { (w, h) } else { (h, w) };
    let boxes: Vec<(f64, f64)> = shape.nodes.iter().map(|(t, s)| flow(box_size(t, s))).collect();
    let edges: Vec<EdgeIn> = shape
        .edges
        .iter()
        .map(|(from, to, label)| EdgeIn {
            from: *from,
            to: *to,
            label: label.clone(),
            label_size: flow(label_size(label)),
        })
        .collect();
    let g = layers::build(&boxes, &edges);
    let placed = place::place(&g, if left_to_right { GAPS_RIGHT } else { GAPS_DOWN });
    // Boxes are the first nodes of the layered graph, centred in their layer's band.
    let extents: Vec<Extent> = boxes
        .iter()
        .enumerate()
        .map(|(i, (t, b))| {
            let (u, v) = (placed.bands[g.nodes[i].layer].centre(), placed.across[i]);
            (u - t / 2.0, u + t / 2.0, v - b / 2.0, v + b / 2.0)
        })
        .collect();
    let xy = |(u, v): (f64, f64)| {
        if left_to_right {
            Point2 { x: u, y: v }
        } else {
            Point2 { x: v, y: u }
        }
    };
    let routes = route::route_all(&g, &placed, &extents);
    let mut scene = Scene {
        left_to_right,
        nodes: extents
            .iter()
            .map(|e| (xy((e.0, e.2)), xy((e.1 - e.0, e.3 - e.2))))
            .collect(),
        edges: routes
            .into_iter()
            .map(|r| r.map(|pts| pts.into_iter().map(xy).collect()))
            .collect(),
        labels: g
            .chains
            .iter()
            .map(|c| {
                c.as_ref()
                    .and_then(|c| c.label)
                    .map(|l| xy((placed.bands[g.nodes[l].layer].centre(), placed.across[l])))
            })
            .collect(),
        ..Scene::default()
    };
    scene.normalise(shape);
    scene
}

pub fn node_size(n: &SpecNode) -> (f64, f64) {
    box_size(&n.title, &n.subtitle)
}

/// Width and height of a node's box.
pub fn box_size(title: &str, subtitle: &str) -> (f64, f64) {
    let title = text_width(title, TITLE_PX, true);
    let sub = if subtitle.is_empty() {
        0.0
    } else {
        text_width(subtitle, SUB_PX, false)
    };
    let w = (title.max(sub) + 2.0 * BOX_PAD_X).max(MIN_BOX_W).ceil();
    let h = if subtitle.is_empty() { 30.0 } else { 44.0 };
    (w, h)
}

/// Width and height of an edge label's box; nothing for an unlabelled edge.
pub fn label_size(label: &str) -> (f64, f64) {
    if label.is_empty() {
        return (0.0, 0.0);
    }
    (text_width(label, LABEL_PX, false) + LABEL_PAD_X, LABEL_H)
}

/// Approximate advance width of `s` in a sans-serif font: narrow, wide and capital letters
/// differ enough that a flat per-character width either clips or wastes space.
pub fn text_width(s: &str, px: f64, bold: bool) -> f64 {
    let em: f64 = s
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'I' | ' ' => 0.32,
            'f' | 't' | 'r' | '(' | ')' | '-' | '/' => 0.42,
            'm' | 'w' | 'M' | 'W' | '@' => 0.92,
            'A'..='Z' | '_' => 0.72,
            '0'..='9' => 0.64,
            _ if c.is_ascii() => 0.6,
            _ => 1.0,
        })
        .sum();
    // Bold titles and wide fallback fonts (DejaVu Sans on Linux) err on the generous side.
    em * px * if bold { 1.1 } else { 1.0 }
}

impl Scene {
    /// Moves the drawing so its bounding box (boxes, routes, labels) starts at the margin.
    fn normalise(&mut self, shape: &Shape) {
        let mut min = Point2 {
            x: f64::MAX,
            y: f64::MAX,
        };
        let mut max = Point2 {
            x: f64::MIN,
            y: f64::MIN,
        };
        let mut grow = |p: Point2| {
            min = Point2 {
                x: min.x.min(p.x),
                y: min.y.min(p.y),
            };
            max = Point2 {
                x: max.x.max(p.x),
                y: max.y.max(p.y),
            };
        };
        for (xy, size) in &self.nodes {
            grow(*xy);
            grow(Point2 {
                x: xy.x + size.x,
                y: xy.y + size.y,
            });
        }
        for path in self.edges.iter().flatten() {
            path.iter().for_each(|p| grow(*p));
        }
        for (i, c) in self.labels.iter().enumerate() {
            if let Some(c) = c {
                let (w, h) = label_size(&shape.edges[i].2);
                grow(Point2 {
                    x: c.x - w / 2.0,
                    y: c.y - h / 2.0,
                });
                grow(Point2 {
                    x: c.x + w / 2.0,
                    y: c.y + h / 2.0,
                });
            }
        }
        if min.x > max.x {
            return;
        }
        let shift = |p: &mut Point2| {
            p.x += MARGIN - min.x;
            p.y += MARGIN - min.y;
        };
        self.nodes.iter_mut().for_each(|(xy, _)| shift(xy));
        for path in self.edges.iter_mut().flatten() {
            path.iter_mut().for_each(shift);
        }
        self.labels.iter_mut().flatten().for_each(shift);
        self.width = (max.x - min.x + 2.0 * MARGIN).ceil();
        self.height = (max.y - min.y + 2.0 * MARGIN).ceil();
    }
}
