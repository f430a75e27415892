//! Edge routes through the placed layered graph. Layers are bands along the flow; an edge
//! runs straight across each band at its own virtual node (label or bend), which the
//! placement kept clear of every other node of that layer, and curves only in the empty gaps
//! between bands (`svg.rs` draws those curves with control points inside the gap). So no edge
//! enters a box but its own two, and no edge crosses a label but its own. A layer that holds
//! only bends is crossed in one curve.
//!
//! Coordinates here are (u, v): u along the flow, v across.

use super::layers::{Kind, Layered};
use super::place::{fit, Placed};
use std::collections::BTreeMap;

/// Edges meet a box this far from its ends (its corners are rounded) and this far apart.
const CORNER: f64 = 6.0;
const PORT_GAP: f64 = 12.0;

/// A box's extent as (u_lo, u_hi, v_lo, v_hi).
pub type Extent = (f64, f64, f64, f64);

/// Routes of the spec's edges, each from producer to consumer; `None` where not drawn.
pub fn route_all(g: &Layered, p: &Placed, boxes: &[Extent]) -> Vec<Option<Vec<(f64, f64)>>> {
    let ports = ports(g, p, boxes);
    g.chains
        .iter()
        .map(|chain| {
            let chain = chain.as_ref()?;
            let (a, b) = (chain.nodes[0], chain.nodes[chain.nodes.len() - 1]);
            let (first, last) = (chain.nodes[1], chain.nodes[chain.nodes.len() - 2]);
            let exit = ports[&(a, first)];
            let entry = ports[&(b, last)];
            let band = |v: usize| p.bands[g.nodes[v].layer];
            let mut pts = vec![(boxes[a].1, exit), (band(a).hi, exit)];
            for &v in &chain.nodes[1..chain.nodes.len() - 1] {
                // A layer of bends only (no label in it) holds nothing an edge could run into:
                // one curve across it and both its gaps reads better than two.
                if g.nodes[v].kind == Kind::Bend && band(v).hi - band(v).lo < 0.5 {
                    continue;
                }
                pts.push((band(v).lo, p.across[v]));
                pts.push((band(v).hi, p.across[v]));
            }
            pts.push((band(b).lo, entry));
            pts.push((boxes[b].0, entry));
            pts.dedup();
            if chain.reversed {
                pts.reverse();
            }
            Some(pts)
        })
        .collect()
}

/// Where each edge leaves or enters a box (v), keyed by (box, the next node along the edge):
/// the edges on one side of a box keep the order of where they head, so they do not cross at
/// the box, at least `PORT_GAP` apart (arrowheads do not stack), in line with where they head
/// when that is along the side (no kink just outside the box), else spread evenly; edges
/// through one shared label leave from one point.
fn ports(g: &Layered, p: &Placed, boxes: &[Extent]) -> BTreeMap<(usize, usize), f64> {
    // (box, lower side) → next nodes
    let mut sides: BTreeMap<(usize, bool), Vec<usize>> = BTreeMap::new();
    for chain in g.chains.iter().flatten() {
        let n = chain.nodes.len();
        sides.entry((chain.nodes[0], true)).or_default().push(chain.nodes[1]);
        sides
            .entry((chain.nodes[n - 1], false))
            .or_default()
            .push(chain.nodes[n - 2]);
    }
    let mut out = BTreeMap::new();
    for ((node, _), mut next) in sides {
        next.sort_by(|a, b| p.across[*a].total_cmp(&p.across[*b]).then(a.cmp(b)));
        next.dedup();
        // Clear of the rounded corners.
        let (lo, hi) = (boxes[node].2 + CORNER, boxes[node].3 - CORNER);
        let gap = if next.len() > 1 {
            PORT_GAP.min((hi - lo) / (next.len() - 1) as f64)
        } else {
            0.0
        };
        // In line with where the edge heads when that is along this side; otherwise at its
        // place in an even spread, so edges from afar do not crowd a corner.
        let k = next.len() as f64;
        let targets: Vec<(f64, f64)> = next
            .iter()
            .enumerate()
            .map(|(j, n)| {
                let v = p.across[*n];
                (
                    if (lo..=hi).contains(&v) {
                        v
                    } else {
                        lo + (hi - lo) * (j as f64 + 1.0) / (k + 1.0)
                    },
                    1.0,
                )
            })
            .collect();
        let mut at = fit(&targets, &vec![gap; next.len().saturating_sub(1)]);
        // Slide the row of ports back onto the side (its span fits by the choice of gap).
        let first = at.first().copied().unwrap_or(lo);
        let last = at.last().copied().unwrap_or(hi);
        let shift = if first < lo {
            lo - first
        } else if last > hi {
            hi - last
        } else {
            0.0
        };
        at.iter_mut().for_each(|v| *v = (*v + shift).clamp(lo, hi));
        for (n, v) in next.into_iter().zip(at) {
            out.insert((node, n), v);
        }
    }
    out
}
