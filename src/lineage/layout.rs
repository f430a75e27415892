//! Diagram layout with layout-rs (ranking, crossing reduction, Brandes-Köpf placement, edge
//! routing through dummy nodes), driven through our own `RenderBackend` that only records
//! geometry. Labels never pass through layout-rs's SVG writer (it injects node "properties"
//! raw into the markup); `svg.rs` writes the markup from the recorded geometry.
//!
//! layout-rs can loop forever on some graphs (its issue #3), so every layout runs on a
//! watchdog thread with a time budget; a diagram that misses it falls back to the lists.

use layout::core::base::Orientation;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::{Point, Position};
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Once};
use std::time::Duration;

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

/// The laid-out geometry, in the coordinate space of the final SVG (origin top left).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scene {
    pub width: f64,
    pub height: f64,
    /// Top-left corner and size of each node, aligned with `Spec::nodes`.
    pub nodes: Vec<(Point2, Point2)>,
    /// Waypoints of each edge from producer to consumer (see `route`), aligned with
    /// `Spec::edges`.
    pub edges: Vec<Option<Vec<Point2>>>,
    /// Centre of each edge's label, aligned with `Spec::edges`.
    pub labels: Vec<Option<Point2>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Point2 {
    pub x: f64,
    pub y: f64,
}

pub enum Outcome {
    Laid(Scene),
    TimedOut,
    /// The layout engine panicked; the lists stand in for the diagram.
    Failed,
}

/// Font sizes of the SVG text (px), mirrored in static/style.css.
pub const TITLE_PX: f64 = 13.0;
pub const SUB_PX: f64 = 11.5;
pub const LABEL_PX: f64 = 11.0;
const BOX_PAD_X: f64 = 12.0;
const MIN_BOX_W: f64 = 96.0;
/// Space around each box, shared with its neighbours: wide between ranks, where edges curve
/// from one row to another, narrow between the boxes of one rank.
const HALO_FLOW: f64 = 56.0;
const HALO_CROSS: f64 = 24.0;
/// layout-rs sizes a label as `chars × font_size + 20`; this "font size" makes that match
/// the label's real width at LABEL_PX.
const LABEL_LAYOUT_FONT: usize = 7;
const MARGIN: f64 = 8.0;

/// Layouts that ran past their budget and may still be spinning; past this many, further
/// diagrams of this process fall back to lists at once instead of starting more.
static STUCK: AtomicUsize = AtomicUsize::new(0);
const MAX_STUCK: usize = 4;
const THREAD_NAME: &str = "meshport-lineage-layout";

/// Lays out `spec` on a watchdog thread, waiting at most `budget`.
pub fn lay_out(spec: &Spec, budget: Duration) -> Outcome {
    if STUCK.load(Ordering::Relaxed) >= MAX_STUCK {
        return Outcome::TimedOut;
    }
    quiet_layout_panics();
    let (tx, rx) = mpsc::channel();
    let owned = spec.clone();
    let spawned = std::thread::Builder::new().name(THREAD_NAME.into()).spawn(move || {
        let _ = tx.send(lay_out_now(&owned));
    });
    if spawned.is_err() {
        return Outcome::Failed;
    }
    match rx.recv_timeout(budget) {
        Ok(scene) => Outcome::Laid(scene),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            STUCK.fetch_add(1, Ordering::Relaxed);
            Outcome::TimedOut
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Outcome::Failed,
    }
}

/// A panic inside layout-rs (it asserts its invariants) is handled by falling back to the
/// lists; the default hook would still print a backtrace hint that reads like a crash.
fn quiet_layout_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(THREAD_NAME) {
                previous(info);
            }
        }));
    });
}

/// Lays out `spec` on the calling thread (no time budget).
pub fn lay_out_now(spec: &Spec) -> Scene {
    let orientation = if spec.left_to_right { Orientation::LeftToRight } else { Orientation::TopToBottom };
    let mut vg = VisualGraph::new(orientation);
    let handles: Vec<_> = spec.nodes.iter().enumerate().map(|(i, n)| vg.add_node(node_element(i, n, orientation))).collect();
    for (i, e) in spec.edges.iter().enumerate() {
        vg.add_edge(edge_arrow(i, e), handles[e.from], handles[e.to]);
    }
    let mut capture = Capture::default();
    if !spec.nodes.is_empty() {
        vg.do_it(false, false, false, &mut capture);
    }
    capture.into_scene(spec)
}

/// A box sized for our own text metrics; the properties carry only the node's index.
fn node_element(i: usize, n: &SpecNode, orientation: Orientation) -> Element {
    let (w, h) = node_size(n);
    let halo = if orientation.is_left_right() { Point::new(HALO_FLOW, HALO_CROSS) } else { Point::new(HALO_CROSS, HALO_FLOW) };
    Element {
        shape: ShapeKind::Box(String::new()),
        look: StyleAttr::simple(),
        orientation,
        pos: Position::new(Point::zero(), Point::new(w, h), Point::zero(), halo),
        properties: Some(i.to_string()),
    }
}

pub fn node_size(n: &SpecNode) -> (f64, f64) {
    let title = text_width(&n.title, TITLE_PX, true);
    let sub = if n.subtitle.is_empty() { 0.0 } else { text_width(&n.subtitle, SUB_PX, false) };
    let w = (title.max(sub) + 2.0 * BOX_PAD_X).max(MIN_BOX_W).ceil();
    let h = if n.subtitle.is_empty() { 30.0 } else { 44.0 };
    (w, h)
}

fn edge_arrow(i: usize, e: &SpecEdge) -> Arrow {
    let mut look = StyleAttr::simple();
    look.font_size = LABEL_LAYOUT_FONT;
    let mut arrow = Arrow::new(LineEndKind::None, LineEndKind::Arrow, LineStyleKind::Normal, &e.label, &look, &None, &None);
    arrow.properties = Some(i.to_string());
    arrow
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

/// Records what layout-rs draws: node boxes and arrows by the index in their properties,
/// label texts in drawing order.
#[derive(Default)]
struct Capture {
    rects: Vec<(usize, Point, Point)>,
    texts: Vec<(Point, String)>,
    arrows: Vec<(usize, Vec<(Point, Point)>)>,
}

impl RenderBackend for Capture {
    fn draw_rect(&mut self, xy: Point, size: Point, _look: &StyleAttr, properties: Option<String>, _clip: Option<ClipHandle>) {
        if let Some(i) = properties.and_then(|p| p.parse().ok()) {
            self.rects.push((i, xy, size));
        }
    }
    fn draw_line(&mut self, _start: Point, _stop: Point, _look: &StyleAttr, _properties: Option<String>) {}
    fn draw_circle(&mut self, _xy: Point, _size: Point, _look: &StyleAttr, _properties: Option<String>) {}
    fn draw_text(&mut self, xy: Point, text: &str, _look: &StyleAttr) {
        if !text.is_empty() {
            self.texts.push((xy, text.to_string()));
        }
    }
    fn draw_arrow(&mut self, path: &[(Point, Point)], _dashed: bool, _head: (bool, bool), _look: &StyleAttr, properties: Option<String>, _text: &str) {
        // Direction comes from the spec, not from layout-rs (which flips cycle edges).
        if let Some(i) = properties.and_then(|p| p.parse().ok()) {
            self.arrows.push((i, path.to_vec()));
        }
    }
    fn create_clip(&mut self, _xy: Point, _size: Point, _rounded_px: usize) -> ClipHandle {
        0
    }
}

impl Capture {
    fn into_scene(self, spec: &Spec) -> Scene {
        let mut scene = Scene {
            nodes: vec![(Point2::default(), Point2::default()); spec.nodes.len()],
            edges: vec![None; spec.edges.len()],
            labels: vec![None; spec.edges.len()],
            ..Scene::default()
        };
        for (i, xy, size) in &self.rects {
            if let Some(slot) = scene.nodes.get_mut(*i) {
                *slot = (p2(*xy), p2(*size));
            }
        }
        // layout-rs's path is (point, control) pairs: the first pair starts at the source
        // box, every later one ends at a waypoint (a dummy or label node, then the target).
        for (i, path) in &self.arrows {
            if let Some(slot) = scene.edges.get_mut(*i) {
                let first = path.first().map(|(a, _)| p2(*a));
                *slot = Some(first.into_iter().chain(path.iter().skip(1).map(|(_, b)| p2(*b))).collect());
            }
        }
        // layout-rs turns each labelled edge into a label node the edge passes through; its
        // drawing order is not the edge order, so each label goes to the unlabelled edge with
        // the same text whose path runs closest to it.
        for (xy, text) in &self.texts {
            let c = p2(*xy);
            let best = spec
                .edges
                .iter()
                .enumerate()
                .filter(|(i, e)| e.label == *text && scene.labels[*i].is_none())
                .filter_map(|(i, _)| scene.edges[i].as_ref().map(|p| (i, distance(p, c))))
                .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            if let Some((i, _)) = best {
                scene.labels[i] = Some(c);
            }
        }
        scene.edges = super::route::route_all(spec, &scene.nodes, &scene.edges, &scene.labels);
        scene.normalise(spec);
        scene
    }
}

/// Distance from `c` to the nearest waypoint of a path.
fn distance(path: &[Point2], c: Point2) -> f64 {
    path.iter().map(|p| ((p.x - c.x).powi(2) + (p.y - c.y).powi(2)).sqrt()).fold(f64::MAX, f64::min)
}

fn p2(p: Point) -> Point2 {
    Point2 { x: p.x, y: p.y }
}

impl Scene {
    /// Moves the drawing so its bounding box (boxes, curves, labels) starts at the margin.
    fn normalise(&mut self, spec: &Spec) {
        let mut min = Point2 { x: f64::MAX, y: f64::MAX };
        let mut max = Point2 { x: f64::MIN, y: f64::MIN };
        let mut grow = |p: Point2| {
            min = Point2 { x: min.x.min(p.x), y: min.y.min(p.y) };
            max = Point2 { x: max.x.max(p.x), y: max.y.max(p.y) };
        };
        for (xy, size) in &self.nodes {
            grow(*xy);
            grow(Point2 { x: xy.x + size.x, y: xy.y + size.y });
        }
        for path in self.edges.iter().flatten() {
            path.iter().for_each(|p| grow(*p));
        }
        for (i, c) in self.labels.iter().enumerate() {
            if let Some(c) = c {
                let half = text_width(&spec.edges[i].label, LABEL_PX, false) / 2.0 + 4.0;
                grow(Point2 { x: c.x - half, y: c.y - LABEL_PX });
                grow(Point2 { x: c.x + half, y: c.y + LABEL_PX });
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

