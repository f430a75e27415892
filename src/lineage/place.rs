//! Coordinates for an ordered layered graph (the second half of the layout). Along the flow,
//! each layer is a band as thick as its thickest node, bands separated by a gap where edges
//! bend. Across the flow, each layer's nodes keep their order and their distances, and sit as
//! close as that allows to the average of their neighbours in the adjacent layers: a fixed
//! number of sweeps, each an exact least-squares fit per layer (pool-adjacent-violators), so
//! long edges run straight, parents centre over their children and nothing overlaps.

use super::layers::{Kind, Layered};

/// Sweeps down and up the layers: the first use one adjacent layer, the last both.
const ROUNDS: usize = 8;
const BOTH_SIDES_FROM: usize = 5;
/// Gap along the flow per pixel of the widest sideways step across it.
const STEEPNESS: f64 = 0.16;

/// Gaps across the flow between neighbours in a layer, by what they are.
#[derive(Debug, Clone, Copy)]
pub struct Gaps {
    pub boxes: f64,
    pub label: f64,
    pub bend: f64,
    /// Between adjacent layers along the flow (edges curve in it).
    pub flow: f64,
}

/// A layer's extent along the flow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub lo: f64,
    pub hi: f64,
}

impl Band {
    pub fn centre(&self) -> f64 {
        (self.lo + self.hi) / 2.0
    }
}

pub struct Placed {
    /// Each layer's band along the flow.
    pub bands: Vec<Band>,
    /// Each node's centre across the flow.
    pub across: Vec<f64>,
}

pub fn place(g: &Layered, gaps: Gaps) -> Placed {
    let across = place_across(g, gaps);
    let bands = bands(g, &across, gaps);
    Placed { bands, across }
}

/// Bands along the flow. A gap grows with the widest sideways step an edge takes in it (up to
/// three times the base), so an edge fanning out to distant boxes curves instead of running
/// flat along the boxes' tops.
fn bands(g: &Layered, across: &[f64], gaps: Gaps) -> Vec<Band> {
    let mut bands = Vec::with_capacity(g.layers.len());
    let mut u = 0.0;
    for (l, layer) in g.layers.iter().enumerate() {
        if l > 0 {
            let step = g.layers[l - 1]
                .iter()
                .flat_map(|v| g.below[*v].iter().map(move |w| (across[*v] - across[*w]).abs()))
                .fold(0.0, f64::max);
            u += (step * STEEPNESS).clamp(gaps.flow, 3.0 * gaps.flow).round();
        }
        let thick = layer.iter().map(|v| g.nodes[*v].thickness).fold(0.0, f64::max);
        bands.push(Band { lo: u, hi: u + thick });
        u += thick;
    }
    bands
}

/// Across-the-flow centres: each layer packed in order, then the least-squares sweeps.
fn place_across(g: &Layered, gaps: Gaps) -> Vec<f64> {
    let mut across = vec![0.0; g.nodes.len()];
    for layer in &g.layers {
        let mut v = 0.0;
        for (i, id) in layer.iter().enumerate() {
            if i > 0 {
                v += separation(g, layer[i - 1], *id, gaps);
            }
            across[*id] = v;
        }
    }
    for round in 0..ROUNDS {
        let both = round >= BOTH_SIDES_FROM;
        for l in 1..g.layers.len() {
            fit_layer(g, l, &mut across, gaps, true, both);
        }
        for l in (0..g.layers.len().saturating_sub(1)).rev() {
            fit_layer(g, l, &mut across, gaps, false, both);
        }
    }
    across
}

/// Centre-to-centre distance of two neighbours in a layer.
fn separation(g: &Layered, a: usize, b: usize, gaps: Gaps) -> f64 {
    let gap_of = |k: Kind| match k {
        Kind::Box(_) => gaps.boxes,
        Kind::Label => gaps.label,
        Kind::Bend => gaps.bend,
    };
    let (na, nb) = (&g.nodes[a], &g.nodes[b]);
    (na.breadth + nb.breadth) / 2.0 + gap_of(na.kind).min(gap_of(nb.kind))
}

/// How strongly a segment pulls its ends into line: long edges (bend to bend) most, so they
/// run straight; boxes least, so they spread to make room.
fn pull(g: &Layered, a: usize, b: usize) -> f64 {
    match (g.nodes[a].kind, g.nodes[b].kind) {
        (Kind::Bend, Kind::Bend) => 8.0,
        (Kind::Box(_), Kind::Box(_)) => 1.0,
        (Kind::Box(_), _) | (_, Kind::Box(_)) => 2.0,
        _ => 4.0,
    }
}

/// Moves layer `l`'s nodes as near as their order and spacing allow to the weighted average of
/// their neighbours in the layer above (`from_above`) or below, or both.
fn fit_layer(g: &Layered, l: usize, across: &mut [f64], gaps: Gaps, from_above: bool, both: bool) {
    let layer = &g.layers[l];
    let mut targets = Vec::with_capacity(layer.len());
    for &v in layer {
        let mut sides: Vec<&Vec<usize>> = vec![if from_above { &g.above[v] } else { &g.below[v] }];
        if both {
            sides.push(if from_above { &g.below[v] } else { &g.above[v] });
        }
        let (mut sum, mut weight) = (0.0, 0.0);
        for w in sides.into_iter().flatten() {
            let p = pull(g, v, *w);
            sum += p * across[*w];
            weight += p;
        }
        // A node with no neighbours there stays put, lightly held.
        targets.push(if weight > 0.0 {
            (sum / weight, weight)
        } else {
            (across[v], 0.1)
        });
    }
    let seps: Vec<f64> = (1..layer.len())
        .map(|i| separation(g, layer[i - 1], layer[i], gaps))
        .collect();
    for (v, x) in layer.iter().zip(fit(&targets, &seps)) {
        across[*v] = x;
    }
}

/// Positions `x` closest to the targets in weighted least squares with `x[i+1] - x[i] >=
/// seps[i]`: subtracting the running offsets turns this into isotonic regression, which
/// pool-adjacent-violators solves exactly in one pass.
pub fn fit(targets: &[(f64, f64)], seps: &[f64]) -> Vec<f64> {
    let mut offsets = Vec::with_capacity(targets.len());
    let mut off = 0.0;
    for i in 0..targets.len() {
        if i > 0 {
            off += seps[i - 1];
        }
        offsets.push(off);
    }
    // Blocks of (weighted sum, weight, count), each at its weighted mean.
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for (i, (t, w)) in targets.iter().enumerate() {
        blocks.push((w * (t - offsets[i]), *w, 1));
        while blocks.len() > 1 {
            let (s2, w2, c2) = blocks[blocks.len() - 1];
            let (s1, w1, c1) = blocks[blocks.len() - 2];
            if s1 / w1 <= s2 / w2 {
                break;
            }
            blocks.pop();
            *blocks.last_mut().expect("two blocks") = (s1 + s2, w1 + w2, c1 + c2);
        }
    }
    let mut out = Vec::with_capacity(targets.len());
    for (s, w, c) in blocks {
        for _ in 0..c {
            out.push(s / w + offsets[out.len()]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_order_and_spacing() {
        // Three nodes all wanting 0, at least 10 apart: centred on 0.
        let x = fit(&[(0.0, 1.0), (0.0, 1.0), (0.0, 1.0)], &[10.0, 10.0]);
        assert_eq!(x, [-10.0, 0.0, 10.0]);
        // Far apart already: each at its target.
        let x = fit(&[(0.0, 1.0), (50.0, 1.0)], &[10.0]);
        assert_eq!(x, [0.0, 50.0]);
        // A heavy node barely moves.
        let x = fit(&[(0.0, 9.0), (0.0, 1.0)], &[10.0]);
        assert_eq!(x, [-1.0, 9.0]);
    }
}
