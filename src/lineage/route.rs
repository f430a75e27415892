//! Edge routing over layout-rs's placement. layout-rs joins an edge's waypoints (its dummy
//! and label nodes) with Bézier curves aimed at box centres, which cut through a wide box
//! standing next to a dummy node. We keep its waypoints and redraw every edge so it never
//! enters a rank's band except on its own row: ranks are bands along the flow axis (boxes
//! and labels of one rank overlap along it, ranks do not), so an edge runs straight across a
//! band at its waypoint's height and curves only in the empty gaps between bands.
//!
//! Coordinates here are (u, v): u along the flow (x left to right, y top to bottom), v across.

use super::layout::{text_width, Point2, Spec, LABEL_PX};

/// A routed edge: waypoints from the producer to the consumer, in data-flow order.
pub type Route = Vec<Point2>;

#[derive(Clone, Copy)]
struct Band {
    lo: f64,
    hi: f64,
}

/// Box extents as (u_lo, u_hi, v_lo, v_hi).
type Extent = (f64, f64, f64, f64);

pub fn route_all(spec: &Spec, nodes: &[(Point2, Point2)], raw: &[Option<Vec<Point2>>], labels: &[Option<Point2>]) -> Vec<Option<Route>> {
    let ltr = spec.left_to_right;
    let uv = |p: Point2| if ltr { (p.x, p.y) } else { (p.y, p.x) };
    let boxes: Vec<Extent> = nodes
        .iter()
        .map(|(xy, size)| {
            let (u, v) = uv(*xy);
            let (du, dv) = uv(*size);
            (u, u + du, v, v + dv)
        })
        .collect();
    // Waypoints between the two boxes, in flow order, as (u, v).
    let inner: Vec<Option<Vec<(f64, f64)>>> = raw
        .iter()
        .map(|r| r.as_ref().map(|pts| pts.iter().skip(1).take(pts.len().saturating_sub(2)).map(|p| uv(*p)).collect()))
        .collect();
    let bands = bands(spec, &boxes, labels, &inner, &uv);
    let ports = Ports::assign(spec, &boxes, &inner);
    let mut out = Vec::with_capacity(spec.edges.len());
    for (i, e) in spec.edges.iter().enumerate() {
        let Some(mid) = &inner[i] else {
            out.push(None);
            continue;
        };
        // Flow order runs from the box nearer the start of the flow axis.
        let forward = boxes[e.from].0 <= boxes[e.to].0;
        let (a, b) = if forward { (e.from, e.to) } else { (e.to, e.from) };
        let mut pts = vec![(boxes[a].1, ports.exit[i])];
        pts.push((band_of(&bands, centre(&boxes[a])).hi, ports.exit[i]));
        let mut mid = mid.clone();
        mid.sort_by(|p, q| p.0.total_cmp(&q.0));
        for (u, v) in mid {
            let band = band_of(&bands, u);
            pts.push((band.lo, v));
            pts.push((band.hi, v));
        }
        pts.push((band_of(&bands, centre(&boxes[b])).lo, ports.entry[i]));
        pts.push((boxes[b].0, ports.entry[i]));
        let mut route: Route = pts.into_iter().map(|(u, v)| if ltr { Point2 { x: u, y: v } } else { Point2 { x: v, y: u } }).collect();
        route.dedup();
        if !forward {
            route.reverse();
        }
        out.push(Some(route));
    }
    out
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

fn centre(b: &Extent) -> f64 {
    (b.0 + b.1) / 2.0
}

/// Merged u-intervals of every box and drawn label: one band per rank. A label's band also
/// covers the waypoint of its label node (layout-rs draws the text half a node off it).
fn bands(spec: &Spec, boxes: &[Extent], labels: &[Option<Point2>], inner: &[Option<Vec<(f64, f64)>>], uv: &dyn Fn(Point2) -> (f64, f64)) -> Vec<Band> {
    let mut spans: Vec<Band> = boxes.iter().map(|b| Band { lo: b.0, hi: b.1 }).collect();
    for (i, c) in labels.iter().enumerate() {
        if let Some(c) = c {
            let (u, v) = uv(*c);
            // A label's extent along u: its width when ranks run left to right, its height otherwise.
            let half = if spec.left_to_right { (text_width(&spec.edges[i].label, LABEL_PX, false) + 8.0) / 2.0 } else { LABEL_PX };
            let way = inner[i].iter().flatten().min_by(|p, q| dist(**p, (u, v)).total_cmp(&dist(**q, (u, v)))).map_or(u, |p| p.0);
            spans.push(Band { lo: (u - half).min(way), hi: (u + half).max(way) });
        }
    }
    spans.sort_by(|a, b| a.lo.total_cmp(&b.lo));
    let mut merged: Vec<Band> = Vec::new();
    for s in spans {
        match merged.last_mut() {
            Some(m) if s.lo <= m.hi => m.hi = m.hi.max(s.hi),
            _ => merged.push(s),
        }
    }
    merged
}

/// The band containing `u`, or a zero-width band at `u` (a dummy node between bands).
fn band_of(bands: &[Band], u: f64) -> Band {
    bands.iter().copied().find(|b| b.lo <= u && u <= b.hi).unwrap_or(Band { lo: u, hi: u })
}

/// Where each edge leaves its upstream box and enters its downstream box (v coordinates):
/// edges sharing a side are spread along it in the order of where they head, so they neither
/// cross at the box nor stack their arrowheads.
struct Ports {
    exit: Vec<f64>,
    entry: Vec<f64>,
}

impl Ports {
    fn assign(spec: &Spec, boxes: &[Extent], inner: &[Option<Vec<(f64, f64)>>]) -> Ports {
        let n = spec.edges.len();
        let mut exit = vec![0.0; n];
        let mut entry = vec![0.0; n];
        // (box, is_exit) → [(v of the neighbouring waypoint, edge)]
        let mut sides: std::collections::BTreeMap<(usize, bool), Vec<(f64, usize)>> = Default::default();
        for (i, e) in spec.edges.iter().enumerate() {
            let Some(mid) = &inner[i] else { continue };
            let forward = boxes[e.from].0 <= boxes[e.to].0;
            let (a, b) = if forward { (e.from, e.to) } else { (e.to, e.from) };
            let mut mid = mid.clone();
            mid.sort_by(|p, q| p.0.total_cmp(&q.0));
            let after_a = mid.first().map(|p| p.1).unwrap_or((boxes[b].2 + boxes[b].3) / 2.0);
            let before_b = mid.last().map(|p| p.1).unwrap_or((boxes[a].2 + boxes[a].3) / 2.0);
            sides.entry((a, true)).or_default().push((after_a, i));
            sides.entry((b, false)).or_default().push((before_b, i));
        }
        for ((node, is_exit), mut list) in sides {
            list.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)));
            let (lo, hi) = (boxes[node].2, boxes[node].3);
            let k = list.len() as f64;
            for (j, (_, edge)) in list.into_iter().enumerate() {
                // Evenly spaced, keeping clear of the rounded corners.
                let v = lo + 6.0 + (hi - lo - 12.0) * (j as f64 + 1.0) / (k + 1.0);
                if is_exit { exit[edge] = v } else { entry[edge] = v }
            }
        }
        Ports { exit, entry }
    }
}
